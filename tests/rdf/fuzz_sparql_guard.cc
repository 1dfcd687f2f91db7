// libFuzzer target for the SPARQL guard: tokenizer, keyword checks, the
// no-fetch check and every rewrite, on arbitrary text with each option set.
// Also checks the guard's promise: a query the guard accepts without
// allow_service names no SERVICE in the text it returns.
//   build-fuzz/tests/rdf/rdf_fuzz_sparql_guard corpus-sparql ../ontology/queries -timeout=10
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tinykg/rdf/sparql_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (int bits = 0; bits < 8; ++bits) {
    tinykg::rdf::GuardOptions options;
    options.order_in_client = (bits & 1) != 0;
    options.optional_in_client = (bits & 2) != 0;
    options.nest_optionals = (bits & 4) != 0;
    auto guarded = tinykg::rdf::GuardQuery(text, options);
    if (!guarded.ok()) continue;
    // What runs must pass the check again: rewrites never bring SERVICE in.
    if (!tinykg::rdf::CheckStaysInStore(guarded->text).ok()) std::abort();
    tinykg::rdf::QueryResult rows;
    rows.variables = {"a", "b"};
    rows.rows.push_back({tinykg::rdf::Term::Literal("2", "http://www.w3.org/2001/XMLSchema#integer"),
                         std::nullopt});
    rows.rows.push_back({tinykg::rdf::Term::Iri("http://ex/x"), tinykg::rdf::Term::Blank("b")});
    tinykg::rdf::ApplySolutionModifiers(*guarded, rows);
  }
  (void)tinykg::rdf::CheckStaysInStore(text, true);
  return 0;
}
