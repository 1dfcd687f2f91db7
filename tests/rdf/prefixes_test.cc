// Prefixes a query uses undeclared: found by the one SPARQL lexer, taken
// from what the loaded documents declare (kept in the catalog), on every
// backend.
#include "tinykg/rdf/prefixes.h"

#include <gtest/gtest.h>

#include "test_store.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {
namespace {

Status Load(Store& store, const std::string& iri, const std::string& turtle, const std::string& kind = kKindKg) {
  GraphDocument doc;
  doc.iri = iri;
  doc.kind = kind;
  auto triples = ParseRdf(turtle, Syntax::kTurtle, iri, iri, &doc.prefixes);
  if (!triples.ok()) return triples.status();
  doc.triples = *triples;
  return store.Put(doc);
}

TEST(Prefixes, UndeclaredPrefixesIncludeDatatypesAndTheEmptyPrefix) {
  auto missing = UndeclaredPrefixes(
      "PREFIX a: <http://ex/a#>\nSELECT ?x WHERE { ?x a:p b:q ; :r \"1\"^^xsd:integer . FILTER(?x != <http://ex/c:d>) }");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, (std::vector<std::string>{"b", "", "xsd"}));
}

TEST(Prefixes, ParserKeepsTheDocumentsDeclarations_AndTheCatalogKeepsThem) {
  auto store = Store::Open(::tinykg::testing::TestStoreSpec("prefixes"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(Load(**store, "http://ex/one", "@prefix ex: <http://ex/v#> .\n@prefix td: <https://www.w3.org/2019/wot/td#> .\n"
                                              "ex:a ex:p 1 .\n").ok());
  ASSERT_TRUE(Load(**store, "http://ex/two", "@prefix td: <http://www.w3.org/ns/td#> .\n@prefix : <http://ex/two#> .\n"
                                              ":a :p 2 .\n").ok());
  ASSERT_TRUE(Load(**store, "http://ex/three", "@prefix td: <https://www.w3.org/2019/wot/td#> .\n"
                                                "<http://ex/b> <http://ex/v#p> 3 .\n").ok());
  auto graphs = (*store)->Graphs();
  ASSERT_TRUE(graphs.ok());
  bool seen = false;
  for (const auto& g : *graphs) {
    if (g.iri != "http://ex/one") continue;
    seen = true;
    EXPECT_EQ(g.prefixes, (PrefixList{{"ex", "http://ex/v#"}, {"td", "https://www.w3.org/2019/wot/td#"}}));
  }
  EXPECT_TRUE(seen);
  auto declared = DeclaredPrefixes(**store);
  ASSERT_TRUE(declared.ok());
  EXPECT_EQ(declared->at("td").ns, "https://www.w3.org/2019/wot/td#");  // two graphs against one
  EXPECT_EQ(declared->count(""), 0u);                                  // never the empty prefix

  auto completed = CompleteQueryPrefixes(**store, "SELECT ?o WHERE { ?s ex:p ?o } ORDER BY ?o");
  ASSERT_TRUE(completed.ok()) << completed.status().ToString();
  ASSERT_EQ(completed->added.size(), 1u);
  EXPECT_EQ(completed->added[0].rfind("ex: <http://ex/v#>", 0), 0u) << completed->added[0];
  auto rows = RunQuery(**store, "SELECT ?o WHERE { ?s ex:p ?o } ORDER BY ?o");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows.size(), 2u);

  // Declared by the query itself: unchanged, no catalog read needed.
  const std::string own = "PREFIX ex: <http://other/> SELECT ?o WHERE { ?s ex:p ?o }";
  auto same = CompleteQueryPrefixes(**store, own);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->text, own);
  EXPECT_TRUE(same->added.empty());
}

TEST(Prefixes, TiesUnknownsAndTheEmptyPrefixAreErrorsNamingThePrefix) {
  auto store = Store::Open(::tinykg::testing::TestStoreSpec("prefix-errors"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(Load(**store, "http://ex/one", "@prefix v: <http://ex/one#> .\nv:a v:p 1 .\n").ok());
  ASSERT_TRUE(Load(**store, "http://ex/two", "@prefix v: <http://ex/two#> .\nv:a v:p 2 .\n").ok());
  auto tie = CompleteQueryPrefixes(**store, "SELECT ?o WHERE { ?s v:p ?o }");
  ASSERT_FALSE(tie.ok());
  EXPECT_EQ(tie.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(tie.status().ToString().find("'v:'"), std::string::npos) << tie.status().ToString();
  EXPECT_NE(tie.status().ToString().find("http://ex/two#"), std::string::npos) << tie.status().ToString();
  auto unknown = CompleteQueryPrefixes(**store, "SELECT ?o WHERE { ?s nope:p ?o }");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("'nope:'"), std::string::npos);
  auto empty = CompleteQueryPrefixes(**store, "SELECT ?o WHERE { ?s :p ?o }");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().ToString().find("empty prefix"), std::string::npos);
  // tinykg's own prefixes stand in where no document declares one.
  auto own = CompleteQueryPrefixes(**store, "SELECT ?d WHERE { ?d a tkg:Device }");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_NE(own->text.find("PREFIX tkg: <https://w3id.org/tinykg/ontology#>"), std::string::npos);
}

}  // namespace
}  // namespace tinykg::rdf
