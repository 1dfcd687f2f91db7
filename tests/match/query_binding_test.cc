// Safe parameters: user text reaches a query only as an escaped IRI or
// literal inside a VALUES block.
#include <gtest/gtest.h>

#include "tinykg/match/named_queries.h"
#include "shipped_graph.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {
namespace {

const char* const kHostile[] = {
    "Evil\" } UNION { ?thing ?p ?type } #",
    "a > b",
    "}",
    "x\" . ?thing a ?type } UNION { ?thing ?type \"",
    "back\\slash \"quoted\" 'single'",
    "<http://evil/> } UNION {",
    "line\nbreak\ttab",
};

TEST(BindValues, InsertsOneValuesBlockAtTheStartOfWhere) {
  auto q = BindValues("# WHERE { in a comment\nSELECT ?x WHERE { ?x <http://e/p> ?y }", {"x"},
                      {{rdf::Term::Iri("http://e/a")}, {rdf::Term::Iri("http://e/b")}});
  ASSERT_TRUE(q.ok());
  EXPECT_NE(q->find("SELECT ?x WHERE {\n  VALUES (?x) { (<http://e/a>) (<http://e/b>) }\n ?x"), std::string::npos)
      << *q;
}

TEST(BindValues, HostileTextStaysOneLiteral) {
  auto store = rdf::Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  rdf::GraphDocument doc;
  doc.iri = "urn:test:g";
  const std::string label = std::string(vocab::kRdfs) + "label";
  doc.triples.push_back({rdf::Term::Iri("urn:test:a"), rdf::Term::Iri(label), rdf::Term::Literal("plain")});
  ASSERT_TRUE((*store)->Put(doc).ok());
  for (const char* text : kHostile) {
    auto q = BindValues("SELECT ?thing WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?text }",
                        {"text"}, {{rdf::Term::Literal(text)}});
    ASSERT_TRUE(q.ok());
    auto r = (*store)->Query(*q);
    ASSERT_TRUE(r.ok()) << text << "\n" << *q << "\n" << r.status().ToString();
    EXPECT_TRUE(r->rows.empty()) << text;  // an injected UNION would return rows
    // An IRI made of the same text is escaped too.
    auto qi = BindValues("SELECT ?thing WHERE { ?thing ?p ?o }", {"thing"},
                         {{rdf::Term::Iri(std::string("http://x/") + text)}});
    ASSERT_TRUE(qi.ok());
    auto ri = (*store)->Query(*qi);
    ASSERT_TRUE(ri.ok()) << *qi << "\n" << ri.status().ToString();
    EXPECT_TRUE(ri->rows.empty()) << text;
  }
}

TEST(BindValues, RefusesBlankNodesAndBadVariables) {
  EXPECT_FALSE(BindValues("SELECT * WHERE { ?a ?b ?c }", {"a"}, {{rdf::Term::Blank("b0")}}).ok());
  EXPECT_FALSE(BindValues("SELECT * WHERE { ?a ?b ?c }", {"a } UNION {"}, {{rdf::Term::Iri("http://x")}}).ok());
}

// Devices and models whose names are hostile are found by exactly those
// names, and hostile names that match nothing give "not found", not a query
// error or someone else's data.
TEST(Matchmaker, HostileNamesResolveSafely) {
  auto opened = rdf::Store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  rdf::Store& store = **opened;
  namespace fs = std::filesystem;
  testing::LoadTurtleFile(store, (fs::path(TINYKG_SOURCE_DIR) / "ontology/tinykg.ttl").string(), rdf::kKindOntology);
  for (const char* f : {"kg/cores.ttl", "kg/runtimes.ttl", "kg/devices-seloc-ml.ttl"}) {
    testing::LoadTurtleFile(store, (fs::path(TINYKG_SOURCE_DIR) / f).string(), rdf::kKindKg);
  }
  const std::string tkg = vocab::kTkg;
  const std::string xsd_int = std::string(vocab::kXsd) + "integer";
  rdf::GraphDocument doc;
  doc.iri = "urn:test:hostile";
  int i = 0;
  for (const char* name : kHostile) {
    std::string d = "urn:test:device:" + std::to_string(i++);
    doc.triples.push_back({rdf::Term::Iri(d), rdf::Term::Iri(std::string(vocab::kRdf) + "type"), rdf::Term::Iri(tkg + "Device")});
    doc.triples.push_back({rdf::Term::Iri(d), rdf::Term::Iri(std::string(vocab::kRdfs) + "label"), rdf::Term::Literal(std::string("Device ") + name)});
    doc.triples.push_back({rdf::Term::Iri(d), rdf::Term::Iri(tkg + "freeRamBytes"), rdf::Term::Literal("100000", xsd_int)});
    doc.triples.push_back({rdf::Term::Iri(d), rdf::Term::Iri(tkg + "freeFlashBytes"), rdf::Term::Literal("100000", xsd_int)});
  }
  ASSERT_TRUE(store.Put(doc).ok());
  Matchmaker mm(store);
  i = 0;
  for (const char* name : kHostile) {
    auto d = mm.ResolveDevice(std::string("Device ") + name);
    ASSERT_TRUE(d.ok()) << name << ": " << d.status().ToString();
    EXPECT_EQ(d->iri, "urn:test:device:" + std::to_string(i++));
    auto m = mm.ResolveModel(name);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kNotFound) << name << ": " << m.status().ToString();
    auto fits = mm.ModelsFor(*d, {});
    EXPECT_TRUE(fits.ok()) << fits.status().ToString();
  }
}

}  // namespace
}  // namespace tinykg::match
