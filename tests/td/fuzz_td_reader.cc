// libFuzzer target for the TD reader: strict JSON parsing, schema and rule
// checks, JSON-LD expansion and toRdf on arbitrary bytes. Contexts and
// schemas come from ontology/ (the paths are compiled in).
// Build: cmake -DTINYKG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang ...
// Run:   ./tests/td/td_fuzz_reader -max_total_time=600 corpus/ seeds/
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tinykg/base/input_check.h"
#include "tinykg/td/thing_description.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tinykg::td::TdReader* reader = [] {
    tinykg::td::TdReaderOptions options;
    options.context_dirs = {std::string(TINYKG_SOURCE_DIR) + "/ontology/contexts"};
    options.schema_dir = std::string(TINYKG_SOURCE_DIR) + "/ontology/schemas";
    options.ignored_contexts = {"https://webthings.io/schemas"};
    return tinykg::td::TdReader::Create(options).value().release();
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
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
