// A query or a document never makes tinykg reach outside the store (issue
// 15, finding 1): SERVICE is refused by the guard, FROM / FROM NAMED are not
// fetched by either backend, and parsing Turtle or RDF/XML follows no @base,
// DTD or external entity. A local listener witnesses that nothing connects.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>
#include <thread>

#include "listener.h"
#include "test_store.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {
namespace {

using ::tinykg::testing::CountingListener;

std::unique_ptr<Store> SmallStore() {
  auto store = Store::Open(::tinykg::testing::TestStoreSpec("nofetch"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  GraphDocument doc;
  doc.iri = "http://ex/g";
  doc.triples.push_back({Term::Iri("http://ex/a"), Term::Iri("http://ex/p"), Term::Literal("v")});
  EXPECT_TRUE((*store)->Put(doc).ok());
  return std::move(store).value();
}

// Lets a late connection arrive before the count is read.
void Settle() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

TEST(NoFetch, GuardRefusesServiceInEveryShape) {
  const std::string url = "<http://127.0.0.1:9/x>";
  for (const std::string& q : std::vector<std::string>{
           "SELECT * WHERE { SERVICE " + url + " { ?s ?p ?o } }",
           "select * where { service silent " + url + " { ?s ?p ?o } }",
           "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE " + url + " { ?s ?p ?o } } }",
           "SELECT * WHERE { { SELECT ?s WHERE { SeRvIcE " + url + " { ?s ?p ?o } } } }",
           "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
           "ASK { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { " + url + " } }",
           // A comment ends at '\r' as well: SERVICE after it is a keyword.
           "SELECT * WHERE { # note\rSERVICE " + url + " { ?s ?p ?o } }",
       }) {
    auto guarded = GuardQuery(q);
    ASSERT_FALSE(guarded.ok()) << q;
    EXPECT_EQ(guarded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(guarded.status().message().find("SERVICE is refused"), std::string::npos)
        << guarded.status().ToString();
    EXPECT_FALSE(CheckStaysInStore(q).ok()) << q;
  }
  // Only the keyword counts: SERVICE in a string, a comment or a name is data.
  for (const std::string& q : std::vector<std::string>{"SELECT * WHERE { ?s ?p \"customer SERVICE\" }",
                              "SELECT * WHERE { ?s <http://ex/SERVICE> ?o } # SERVICE <x>",
                              "SELECT ?service WHERE { ?service ?p ?o }"}) {
    EXPECT_TRUE(GuardQuery(q).ok()) << q;
  }
}

TEST(NoFetch, AllowServiceLetsTheGuardPassIt) {
  GuardOptions options;
  options.allow_service = true;
  EXPECT_TRUE(GuardQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", options).ok());
  EXPECT_TRUE(CheckStaysInStore("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", true).ok());
}

TEST(NoFetch, GuardRefusesVirtuosoPragmasAndSqlFunctions) {
  for (const std::string& q : std::vector<std::string>{
           "DEFINE get:soft \"replace\" SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
           "SELECT (bif:http_get(\"http://127.0.0.1:9/x\") AS ?x) WHERE { }",
           "SELECT (<bif:file_to_string>(\"/etc/passwd\") AS ?x) WHERE { }",
           "SELECT (sql:whatever(1) AS ?x) WHERE { }",
       }) {
    EXPECT_FALSE(GuardQuery(q).ok()) << q;
  }
}

TEST(NoFetch, RunQueryWithServiceIsRefusedAndNothingConnects) {
  CountingListener listener;
  auto store = SmallStore();
  ASSERT_TRUE(store);
  auto result = RunQuery(*store, "SELECT ?s WHERE { SERVICE <" + listener.url() + "> { ?s ?p ?o } }");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("SERVICE"), std::string::npos);
  Settle();
  EXPECT_EQ(listener.connections(), 0);
}

// FROM / FROM NAMED pass the guard; neither backend dereferences them (the
// raw Store::Query is asked too, without the guard in front).
TEST(NoFetch, FromAndFromNamedAreNotFetched) {
  CountingListener listener;
  auto store = SmallStore();
  ASSERT_TRUE(store);
  const std::string from = "SELECT ?s WHERE { ?s ?p ?o } ";
  for (const std::string& q : std::vector<std::string>{
           "SELECT ?s FROM <" + listener.url("/a") + "> WHERE { ?s ?p ?o }",
           "SELECT ?s FROM NAMED <" + listener.url("/b") + "> WHERE { GRAPH ?g { ?s ?p ?o } }",
           "SELECT ?s FROM <" + listener.url("/c") + "> FROM NAMED <" + listener.url("/d") +
               "> WHERE { ?s ?p ?o }",
           "CONSTRUCT { ?s ?p ?o } FROM <" + listener.url("/e") + "> WHERE { ?s ?p ?o }",
       }) {
    (void)RunQuery(*store, q);
    (void)store->Query(q);
  }
  Settle();
  EXPECT_EQ(listener.connections(), 0);
}

TEST(NoFetch, ParsingFollowsNoBaseDtdOrEntity) {
  CountingListener listener;
  const std::string turtle = "@base <" + listener.url("/base/") + "> .\n<a> <b> <c> .\n";
  auto t = ParseRdf(turtle, Syntax::kTurtle, "", "t.ttl");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].subject.value, listener.url("/base/a"));
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF SYSTEM \"" + listener.url("/dtd") +
      "\" [\n<!ENTITY ext SYSTEM \"" + listener.url("/entity") + "\">\n<!ENTITY % pe SYSTEM \"" +
      listener.url("/pe") + "\">\n%pe;\n]>\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:ex=\"http://ex/\" "
      "xml:base=\"" + listener.url("/xmlbase/") + "\">\n"
      "<rdf:Description rdf:about=\"a\"><ex:p>&ext;</ex:p></rdf:Description>\n</rdf:RDF>\n";
  (void)ParseRdf(xml, Syntax::kRdfXml, "", "t.rdf");
  const std::string owl = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://ex/o> owl:imports <" +
                          listener.url("/import") + "> .\n";
  (void)ParseRdf(owl, Syntax::kTurtle, "", "o.ttl");
  Settle();
  EXPECT_EQ(listener.connections(), 0);
}

}  // namespace
}  // namespace tinykg::rdf
