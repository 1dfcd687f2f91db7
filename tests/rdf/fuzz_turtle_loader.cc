// libFuzzer target for the Turtle loader (`tinykg load FILE.ttl`): the Turtle
// parser behind rdf::ParseRdf (Serd; Raptor until the LMDB engine landed) on
// arbitrary bytes, then what tinykg
// does with an accepted document's triples: write them as N-Triples and read
// that back. Crashes, sanitizer reports and a written document that cannot
// be read back are findings.
// Build: cmake -DTINYKG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang ...
// Run:   ./tests/rdf/rdf_fuzz_turtle -max_total_time=600 corpus/ ontology/ kg/
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tinykg/rdf/syntax.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto triples = tinykg::rdf::ParseRdf(text, tinykg::rdf::Syntax::kTurtle, "http://example.org/base/", "fuzz");
  if (!triples.ok()) return 0;
  auto written = tinykg::rdf::WriteRdf(*triples, tinykg::rdf::Syntax::kNTriples);
  if (!written.ok()) return 0;  // e.g. a term N-Triples cannot hold: refused, not a crash
  auto again = tinykg::rdf::ParseRdf(*written, tinykg::rdf::Syntax::kNTriples, "", "written");
  if (!again.ok()) {
    std::fprintf(stderr, "written N-Triples do not parse back: %s\n", again.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
