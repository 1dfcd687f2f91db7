// libFuzzer target for the TD reader: strict JSON parsing, schema and rule
// checks, JSON-LD expansion and toRdf on arbitrary bytes. Contexts and
// schemas come from ontology/ (the paths are compiled in).
// Build: cmake -DTINYKG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang ...
// Run:   ./tests/td/td_fuzz_reader -max_total_time=600 corpus/ seeds/
#include <cstddef>
#include <cstdint>
#include <string_view>

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
  (void)result;
  return 0;
}
