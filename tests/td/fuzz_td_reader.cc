// libFuzzer target for the TD reader: strict JSON parsing, schema and rule
// checks, JSON-LD expansion and toRdf on arbitrary bytes. Contexts and
// schemas come from ontology/ (the paths are compiled in).
// It is also a differential check of tinykg's JSON reader (json_sax.h, the
// fast path of ParseJsonStrict) against nlohmann::json::parse on the same
// bytes: it aborts when the fast reader accepts what nlohmann refuses, when
// ParseJsonStrict and nlohmann disagree on acceptance, or when the values
// differ (compared as their dumps, so 1 and 1.0 differ).
// Build: cmake -DTINYKG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang ...
// Run:   ./tests/td/td_fuzz_reader -max_total_time=600 corpus/ seeds/
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_sax.h"
#include "tinykg/base/input_check.h"
#include "tinykg/td/thing_description.h"
#include "tinykg/td/validate.h"

namespace {

[[noreturn]] void Disagree(const char* what) {
  std::fprintf(stderr, "JSON reader differs from nlohmann: %s\n", what);
  std::abort();
}

std::string Dump(const nlohmann::json& j) {
  try {
    return j.dump();
  } catch (const nlohmann::json::exception& e) {  // ill-formed UTF-8 in a string
    std::fprintf(stderr, "%s\n", e.what());
    Disagree("a parsed value cannot be written");
  }
}

// The fast reader checks UTF-8 and depth itself (ParseJsonStrict runs
// CheckJsonText only when it refuses): it must never accept what
// CheckJsonText refuses. Past that, only text CheckJsonText lets through.
void CompareWithNlohmann(std::string_view text) {
  const bool checked = tinykg::CheckJsonText(text, "fuzz").ok();
  {
    nlohmann::json any;
    nlohmann::detail::json_sax_dom_parser<nlohmann::json> any_dom(any, false);
    if (tinykg::td::internal::JsonSaxReader(text).Parse(any_dom) && !checked) {
      Disagree("the fast reader accepts what CheckJsonText refuses");
    }
  }
  if (!checked) return;
  const nlohmann::json expected = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  // nlohmann's lexer takes a NUL byte for the end of the input and accepts
  // whatever follows it; ParseJsonStrict refuses any NUL byte (2597da8).
  const bool has_nul = text.find('\0') != std::string_view::npos;
  const bool accepted = !expected.is_discarded() && !has_nul;
  // The fast reader alone, into nlohmann's own DOM builder. It may refuse
  // well-formed text (ParseJsonStrict then asks nlohmann), never accept
  // anything else.
  nlohmann::json fast;
  nlohmann::detail::json_sax_dom_parser<nlohmann::json> dom(fast, false);
  if (tinykg::td::internal::JsonSaxReader(text).Parse(dom)) {
    if (!accepted) Disagree("the fast reader accepts what nlohmann refuses");
    if (Dump(fast) != Dump(expected)) Disagree("the fast reader's value differs");
  }
  // What the TD reader uses: the fast reader, else nlohmann.
  std::vector<tinykg::Status> problems;
  tinykg::Result<tinykg::td::Json> strict = tinykg::td::ParseJsonStrict(text, "fuzz", problems);
  if (strict.ok() != accepted) Disagree("ParseJsonStrict and nlohmann disagree on acceptance");
  if (accepted && Dump(*strict) != Dump(expected)) Disagree("ParseJsonStrict's value differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tinykg::td::TdReader* reader = [] {
    tinykg::td::TdReaderOptions options;
    options.context_dirs = {std::string(TINYKG_SOURCE_DIR) + "/ontology/contexts"};
    options.schema_dir = std::string(TINYKG_SOURCE_DIR) + "/ontology/schemas";
    options.ignored_contexts = {"https://webthings.io/schemas"};
    return tinykg::td::TdReader::Create(options).value().release();
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CompareWithNlohmann(text);
  tinykg::td::TdReadResult result = reader->Read(text, "fuzz");
  if (!result.ok()) return 0;
  // What is accepted must be storable and printable: no ill-formed UTF-8 in
  // any term (the N-Quads text of the quads is only checked for UTF-8).
  const std::string nquads = tinykg::td::ToNQuads(result.quads);
  if (!tinykg::CheckJsonText(nquads, "quads", INT_MAX).ok()) {
    std::fprintf(stderr, "accepted document produced ill-formed UTF-8\n");
    std::abort();
  }
  return 0;
}
