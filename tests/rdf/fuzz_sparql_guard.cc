// libFuzzer target for the SPARQL guard: tokenizer, keyword checks, the
// no-fetch check and every rewrite, on arbitrary text with each option set.
// Also checks the guard's promise: a query the guard accepts without
// allow_service names no SERVICE in the text it returns.
//   build-fuzz/tests/rdf/rdf_fuzz_sparql_guard corpus-sparql ../ontology/queries -timeout=10
//
// Cost per input (it bounds how many inputs a campaign gets through): work
// that would repeat exactly is done once. nest_optionals only matters with
// optional_in_client, so the two option sets that differ in it alone are
// one run; a text the no-fetch check refuses is refused by every option set
// at that same first step (GuardQuery runs it before anything the options
// change), so those runs are one check; and the re-check of what the guard
// returns runs once per distinct text (most texts have nothing an option
// rewrites, and the eight results are the same).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tinykg/rdf/sparql_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)tinykg::rdf::CheckStaysInStore(text, true);
  (void)tinykg::rdf::CheckRasqalCanRun(text);  // the stores' own check (regex patterns, VALUES)
  (void)tinykg::rdf::RegexRepetitionSize(text);
  // The GRAPH rewrite the embedded stores apply: what it returns must pass
  // the stores' checks whenever the input did (it adds a variable and a
  // sameTerm filter per ground pattern, nothing that leaves the store).
  if (auto bound = tinykg::rdf::BindGroundPatternsInGraphs(text); bound.ok()) {
    if (tinykg::rdf::CheckStaysInStore(text).ok() && !tinykg::rdf::CheckStaysInStore(bound->text).ok()) std::abort();
  }
  // The blank-node rewrite, likewise (it adds variables and rdf:first/rest/nil
  // triples); the stores check what it returns with CheckRasqalCanRun.
  if (auto blanks = tinykg::rdf::BlankNodesAsVariables(text); blanks.ok() && blanks->text != text) {
    if (tinykg::rdf::CheckStaysInStore(text).ok() && !tinykg::rdf::CheckStaysInStore(blanks->text).ok()) std::abort();
    (void)tinykg::rdf::CheckRasqalCanRun(blanks->text);
  }
  if (auto having = tinykg::rdf::RewriteHaving(text); having.ok() && having->text != text) {
    if (tinykg::rdf::CheckStaysInStore(text).ok() && !tinykg::rdf::CheckStaysInStore(having->text).ok()) std::abort();
  }
  if (!tinykg::rdf::CheckStaysInStore(text).ok()) return 0;
  std::array<std::string, 8> checked;
  std::size_t n_checked = 0;
  for (int bits = 0; bits < 8; ++bits) {
    tinykg::rdf::GuardOptions options;
    options.order_in_client = (bits & 1) != 0;
    options.optional_in_client = (bits & 2) != 0;
    options.nest_optionals = (bits & 4) != 0;
    if (options.nest_optionals && !options.optional_in_client) continue;  // the same as without
    auto guarded = tinykg::rdf::GuardQuery(text, options);
    if (!guarded.ok()) continue;
    // What runs must pass the check again: rewrites never bring SERVICE in.
    bool seen = false;
    for (std::size_t k = 0; k < n_checked; ++k) seen = seen || checked[k] == guarded->text;
    if (!seen) {
      if (!tinykg::rdf::CheckStaysInStore(guarded->text).ok()) std::abort();
      checked[n_checked++] = guarded->text;
    }
    tinykg::rdf::QueryResult rows;
    rows.variables = {"a", "b"};
    rows.rows.push_back({tinykg::rdf::Term::Literal("2", "http://www.w3.org/2001/XMLSchema#integer"),
                         std::nullopt});
    rows.rows.push_back({tinykg::rdf::Term::Iri("http://ex/x"), tinykg::rdf::Term::Blank("b")});
    tinykg::rdf::ApplySolutionModifiers(*guarded, rows);
  }
  return 0;
}
