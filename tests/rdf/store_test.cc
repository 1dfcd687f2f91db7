#include "tinykg/rdf/store.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <map>
#include <set>
#include <thread>

#include "shipped_graph.h"
#include "test_store.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/syntax.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf {
namespace {

namespace fs = std::filesystem;

GraphDocument Doc(const std::string& iri, const std::string& turtle, const std::string& kind = kKindKg) {
  return testing::TurtleDocument(iri, turtle, kind, iri);
}

// A query's rows as "v1 v2 " lines ("-" for unbound); with `columns`, also
// "| name1 name2 " when there are rows (the hashes store names no columns
// for no rows).
std::multiset<std::string> RowSet(Store& store, const std::string& sparql, bool columns = false) {
  std::multiset<std::string> out;
  auto r = store.Query(sparql);
  EXPECT_TRUE(r.ok()) << sparql << ": " << r.status().ToString();
  if (!r.ok()) return out;
  std::string head;
  for (const auto& v : r->variables) head += v + " ";
  if (columns && !r->rows.empty()) out.insert("| " + head);
  for (const auto& row : r->rows) {
    std::string line;
    for (const auto& cell : row) line += (cell ? cell->value : "-") + " ";
    out.insert(line);
  }
  return out;
}

std::multiset<std::string> Snapshot(Store& store) {
  std::multiset<std::string> out;
  auto quads = store.AllQuads();
  EXPECT_TRUE(quads.ok());
  for (const auto& q : *quads) {
    // Blank labels and load times differ between loads; the rest must not.
    if (q.triple.predicate.value == std::string(vocab::kTkg) + "loadedAt") continue;
    out.insert(q.graph + " " + q.triple.ToNTriples());
  }
  return out;
}

// Blank node labels are the backend's own (Virtuoso numbers them per
// write): quads compared without them.
std::multiset<std::string> Unlabelled(const std::multiset<std::string>& quads) {
  std::multiset<std::string> out;
  for (std::string q : quads) {
    for (size_t at = q.find("_:"); at != std::string::npos; at = q.find("_:", at + 2)) {
      const size_t end = q.find(' ', at);
      q.replace(at, (end == std::string::npos ? q.size() : end) - at, "_:b");
    }
    out.insert(q);
  }
  return out;
}

// Every backend the embedded build has: the LMDB engine in memory: (or the
// TINYKG_TEST_STORE server) and on disk, and Redland's hashes storage.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tinykg-store-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Memory: the embedded in-memory store, or the TINYKG_TEST_STORE server.
  std::string Spec() const {
    if (GetParam() == "OnDisk") return dir_.string();
    if (GetParam() == "Hashes") return "hashes:" + dir_.string();
    if (GetParam() == "HashesMemory") return "hashes-memory:";
    return ::tinykg::testing::TestStoreSpec(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  fs::path dir_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("Memory", "OnDisk", "Hashes", "HashesMemory"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST_P(StoreTest, NamedGraphsAreListedReplacedAndDropped) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 1 , 2 .")).ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g2", "<http://ex/b> <http://ex/p> 3 .")).ok());
  auto graphs = (*store)->Graphs();
  ASSERT_TRUE(graphs.ok());
  ASSERT_EQ(graphs->size(), 2u);
  EXPECT_EQ((*graphs)[0].iri, "http://ex/g1");
  EXPECT_EQ((*graphs)[0].triples, 2);

  // Replace g1: the old triples are gone.
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 9 .")).ok());
  auto r = (*store)->Query("SELECT ?o WHERE { <http://ex/a> <http://ex/p> ?o }");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0]->value, "9");

  ASSERT_TRUE((*store)->Drop("http://ex/g1").ok());
  EXPECT_EQ((*store)->Drop("http://ex/g1").code(), StatusCode::kNotFound);
  graphs = (*store)->Graphs();
  ASSERT_EQ(graphs->size(), 1u);
  r = (*store)->Query("ASK { <http://ex/a> ?p ?o }");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->boolean);
}

// Every TD is its own named graph, but GRAPH patterns matched nothing on the
// embedded stores: Rasqal's GRAPH ranges over the query's named data graphs,
// and librdf declares a model's contexts as those only when the model has
// contexts, which the query model (the union default graph) has not.
TEST_P(StoreTest, GraphPatternsSeeTheNamedGraphs) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  if (Spec().rfind("virtuoso:", 0) == 0 || Spec().rfind("hashes", 0) == 0) {
    // Virtuoso keeps a store's graphs under its own prefix and answers user queries over the
    // union graph only; the hashes store's model with contexts holds a triple once per graph and
    // the catalog as a graph: GRAPH is refused there, not answered with nothing or too much.
    auto r = (*store)->Query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
    return;
  }
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/x> <http://ex/p> 1 ; <http://ex/q> 2 .")).ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g2", "<http://ex/x> <http://ex/p> 1 .")).ok());
  const auto rows = [&](const std::string& sparql) { return RowSet(**store, sparql); };
  EXPECT_EQ(rows("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                 "FILTER(?g IN (<http://ex/g1>, <http://ex/g2>)) } GROUP BY ?g"),
            (std::multiset<std::string>{"http://ex/g1 2 ", "http://ex/g2 1 "}));
  EXPECT_EQ(rows("SELECT ?p WHERE { GRAPH <http://ex/g2> { <http://ex/x> ?p ?o } }"),
            (std::multiset<std::string>{"http://ex/p "}));
  // A pattern outside GRAPH still reads the union, once per triple.
  EXPECT_EQ(rows("SELECT ?g ?o WHERE { <http://ex/x> <http://ex/q> ?o . GRAPH ?g { <http://ex/x> <http://ex/p> 1 } }"),
            (std::multiset<std::string>{"http://ex/g1 2 ", "http://ex/g2 2 "}));
  EXPECT_EQ(rows("SELECT ?p ?o WHERE { <http://ex/x> ?p ?o }"),
            (std::multiset<std::string>{"http://ex/p 1 ", "http://ex/q 2 "}));
  EXPECT_EQ(rows("SELECT ?g WHERE { GRAPH ?g { <http://ex/x> <http://ex/q> ?o } }"),
            (std::multiset<std::string>{"http://ex/g1 "}));
  // A pattern without variables is looked up within the graph too (Rasqal asked librdf without
  // it: g2 and the Hashes catalog matched <x> <q> 2); SELECT * shows no helper variable.
  EXPECT_EQ(rows("SELECT ?g WHERE { GRAPH ?g { <http://ex/x> <http://ex/q> 2 } }"),
            (std::multiset<std::string>{"http://ex/g1 "}));
  EXPECT_EQ(rows("SELECT * WHERE { GRAPH ?g { <http://ex/x> <http://ex/p> 1 ; <http://ex/q> ?o } }"),
            (std::multiset<std::string>{"http://ex/g1 2 "}));
  // The query's own variables keep their names and columns, even one named like the helpers;
  // a signed number, a number before the end of a pattern and a non-ASCII name stay intact.
  EXPECT_EQ(rows("SELECT ?__tkg_graph_1 WHERE { GRAPH ?g { <http://ex/x> <http://ex/p> 1 } "
                 "<http://ex/x> <http://ex/q> ?__tkg_graph_1 }"),
            (std::multiset<std::string>{"2 ", "2 "}));
  EXPECT_EQ(rows("SELECT ?__tkg_graph_x WHERE { GRAPH <http://ex/g1> { <http://ex/x> <http://ex/q> ?__tkg_graph_x } }"),
            (std::multiset<std::string>{"2 "}));
  EXPECT_EQ(rows("SELECT ?é WHERE { GRAPH <http://ex/g1> { <http://ex/x> <http://ex/p> 1 . ?é <http://ex/q> ?v "
                 "FILTER(?v != -2) } }"),
            (std::multiset<std::string>{"http://ex/x "}));
  auto ask = (*store)->Query("ASK { GRAPH <http://ex/g1> { <http://ex/x> <http://ex/q> -2 } }");
  ASSERT_TRUE(ask.ok()) << ask.status().ToString();
  EXPECT_FALSE(ask->boolean);
  ask = (*store)->Query("ASK { GRAPH <http://ex/g2> { <http://ex/x> <http://ex/q> 2 } }");
  ASSERT_TRUE(ask.ok()) << ask.status().ToString();
  EXPECT_FALSE(ask->boolean);
  ask = (*store)->Query("ASK { GRAPH <http://ex/g1> { <http://ex/x> <http://ex/q> 2 , \"x\" } }");
  ASSERT_TRUE(ask.ok()) << ask.status().ToString();
  EXPECT_FALSE(ask->boolean);
  ask = (*store)->Query("ASK { { GRAPH <http://ex/g1> { <http://ex/x> a ?t } } UNION "
                        "{ GRAPH <http://ex/g1> { OPTIONAL { <http://ex/x> <http://ex/p> 1 } FILTER(true) } } }");
  ASSERT_TRUE(ask.ok()) << ask.status().ToString();
  EXPECT_TRUE(ask->boolean);
}

// librdf (1.0.17, rasqal_redland_init_triples_match) makes a node for the
// graph of every triple pattern inside GRAPH, hands it to the storage and
// never frees it: each GRAPH query leaked 56 bytes per pattern per named
// graph (serve_fuzz_routes' LeakSanitizer report at exit). Heap in use after
// 200 such queries over 20 graphs stays where it was after the first (the
// leak was 200 x 20 x 2 nodes, over 400 KB).
TEST_P(StoreTest, GraphQueries_LeakNothing) {
  if (Spec().rfind("virtuoso:", 0) == 0 || Spec().rfind("hashes", 0) == 0) GTEST_SKIP() << "GRAPH is refused";
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*store)->Put(Doc("http://ex/g" + std::to_string(i), "<http://ex/x> <http://ex/p> 1 .")).ok());
  }
  const std::string queries[] = {
      "SELECT ?g ?o WHERE { GRAPH ?g { ?s <http://ex/p> ?o . ?s ?q ?o } }",
      "ASK { GRAPH <http://ex/g3> { <http://ex/x> ?p ?o } }",
  };
  const auto run_all = [&] {
    for (const auto& q : queries) {
      auto r = (*store)->Query(q);
      ASSERT_TRUE(r.ok()) << q << ": " << r.status().ToString();
      (*store)->TakeWarnings();  // kept until taken, as every caller does
    }
  };
  run_all();
  const std::size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 200; ++i) run_all();
  const std::size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + 64 * 1024) << "heap in use grew by " << (after - before) << " bytes";
}

// Rasqal 0.9.33 leaked the name of every blank node of a query pattern
// (serve_fuzz_routes under LeakSanitizer): the stores write them as
// variables. Answers as before, no helper column under SELECT *, and the heap
// in use flat over 300 such queries (the leak was 4 names per query, parsed
// twice on the embedded stores).
TEST_P(StoreTest, BlankNodesInPatterns_MatchAndLeakNothing) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/s> <http://ex/p> [ <http://ex/q> 1 ; <http://ex/r> 2 ] ; "
                                                "<http://ex/list> ( 1 2 3 ) . <http://ex/t> <http://ex/p> [ <http://ex/q> 5 ] .")).ok());
  const auto rows = [&](const std::string& sparql) { return RowSet(**store, sparql, true); };
  EXPECT_EQ(rows("SELECT ?s ?v WHERE { ?s <http://ex/p> [ <http://ex/q> ?v ; <http://ex/r> 2 ] }"),
            (std::multiset<std::string>{"| s v ", "http://ex/s 1 "}));
  EXPECT_EQ(rows("SELECT * WHERE { [ <http://ex/q> ?v ] . }"), (std::multiset<std::string>{"| v ", "1 ", "5 "}));
  EXPECT_EQ(rows("SELECT ?v ?w WHERE { _:a <http://ex/q> ?v . _:a <http://ex/r> ?w }"),
            (std::multiset<std::string>{"| v w ", "1 2 "}));
  EXPECT_EQ(rows("SELECT ?s ?x WHERE { ?s <http://ex/list> ( 1 ?x 3 ) }"),
            (std::multiset<std::string>{"| s x ", "http://ex/s 2 "}));
  EXPECT_TRUE(rows("SELECT ?s WHERE { ?s <http://ex/list> ( 1 2 ) }").empty());
  EXPECT_EQ(rows("SELECT * WHERE { ?s <http://ex/p> [] }"),
            (std::multiset<std::string>{"| s ", "http://ex/s ", "http://ex/t "}));
  // The heap below is Rasqal's on the LMDB engine. Virtuoso runs its own engine; Redland's own
  // hashes storage (the format before the LMDB engine) loses 56-byte nodes inside librdf on
  // plain queries too (valgrind on `tinykg query` there: 1-2 per query), out of tinykg's reach.
  if (Spec().rfind("virtuoso:", 0) == 0 || Spec().rfind("hashes", 0) == 0) return;
  const std::string query = "SELECT ?s WHERE { ?s <http://ex/p> [ <http://ex/q> _:v ] , [] ; <http://ex/list> ( 1 _:w 3 ) }";
  ASSERT_TRUE((*store)->Query(query).ok());
  const std::size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE((*store)->Query(query).ok());
    (*store)->TakeWarnings();  // kept until taken, as every caller does
  }
  const std::size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + 16 * 1024) << "heap in use grew by " << (after - before) << " bytes";
}

// Rasqal 0.9.33 leaked a sequence per group for an aggregate that only
// HAVING used (SELECT ?s ... GROUP BY ?s HAVING (COUNT(?o) > 1)): the stores
// project it under a helper name, which the answer does not show.
TEST_P(StoreTest, HavingAggregates_AnswerAndLeakNothing) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 1 , 2 , 3 . <http://ex/b> <http://ex/p> 4 . "
                                                "<http://ex/c> <http://ex/p> 5 , 6 .")).ok());
  const std::string query = "SELECT ?s WHERE { ?s <http://ex/p> ?o } GROUP BY ?s HAVING (COUNT(?o) > 1 && SUM(?o) < 10)";
  auto r = (*store)->Query(query);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (r.ok()) {
    EXPECT_EQ(r->variables, (std::vector<std::string>{"s"}));
    ASSERT_EQ(r->rows.size(), 1u);
    ASSERT_TRUE(r->rows[0][0].has_value());
    EXPECT_EQ(r->rows[0][0]->value, "http://ex/a");
  }
  // (Before, Rasqal refused the first: "Aggregate expressions cannot be evaluated in a general
  // scalar expression"; the second leaked 64 bytes per group.)
  const std::string simple = "SELECT ?s WHERE { ?s <http://ex/p> ?o } GROUP BY ?s HAVING (COUNT(?o) > 1)";
  r = (*store)->Query(simple);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 2u);
  // A condition that is an error for some groups (a sum over an IRI) drops those groups (Virtuoso
  // answers such a sum with an error of its own).
  if (Spec().rfind("virtuoso:", 0) == 0) return;
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g2", "<http://ex/d> <http://ex/p> 7 , <http://ex/x> .")).ok());
  const std::string erring = "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s <http://ex/p> ?o } GROUP BY ?s HAVING (SUM(?o) > 4)";
  r = (*store)->Query(erring);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::multiset<std::string> groups;
  for (const auto& row : r->rows) groups.insert(row[0] ? row[0]->value : "-");
  EXPECT_EQ(groups, (std::multiset<std::string>{"http://ex/a", "http://ex/c"}));
  if (Spec().rfind("hashes", 0) == 0) return;  // see BlankNodesInPatterns
  const std::size_t before = mallinfo2().uordblks;
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE((*store)->Query(simple).ok());
    ASSERT_TRUE((*store)->Query(erring).ok());
    (*store)->TakeWarnings();
  }
  const std::size_t after = mallinfo2().uordblks;
  EXPECT_LT(after, before + 16 * 1024) << "heap in use grew by " << (after - before) << " bytes";
}

// An empty CONSTRUCT template made Rasqal read past it (SIGSEGV in
// rasqal_query_results_get_triple; serve_fuzz_routes found it through
// POST /search/sparql). Its answer is the empty graph, on every backend; a
// syntax error after it is still one.
TEST_P(StoreTest, ConstructWithAnEmptyTemplate_IsTheEmptyGraph) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 1 , 2 .")).ok());
  for (const char* q : {"CONSTRUCT { } WHERE { ?s ?p ?o }", "construct {} where {}",
                        "CONSTRUCT { # nothing\n } WHERE { ?s ?p ?o } LIMIT 5"}) {
    auto r = (*store)->Query(q);
    ASSERT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    EXPECT_EQ(r->kind, QueryResult::Kind::kGraph) << q;
    EXPECT_TRUE(r->triples.empty()) << q;
  }
  auto bad = (*store)->Query("CONSTRUCT { } WHERE { ?s ?p ?o . FILTER( }");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto r = (*store)->Query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->triples.size(), 2u);
}

// A REPLACE whose pattern matches the empty string hung Rasqal for ever
// (and grew it); REGEX(?o, "a{1,30000}") took gigabytes; `VALUES ()`
// crashed it. The embedded stores refuse them whatever the caller guarded
// (`query --raw` too). Virtuoso runs its own engine.
TEST_P(StoreTest, WhatHangsOrCrashesTheEngine_IsRefused) {
  if (GetParam() == "Memory" && !::tinykg::testing::TestServerSpec().empty()) GTEST_SKIP() << "Virtuoso";
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> \"abc\" .")).ok());
  for (const char* q : {"SELECT (REPLACE(\"abc\", \"\", \"x\") AS ?r) WHERE { }",
                        "SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, \"a{1,30000}\")) }",
                        "SELECT * WHERE { VALUES () { () } }", "SELECT * WHERE { VALUES ?x { } }"}) {
    auto r = (*store)->Query(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << q;
  }
  // A 100,000-term sum overflowed Rasqal's stack (SIGSEGV); 3,700 BINDs
  // kept it setting up the query for minutes.
  std::string sum = "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 1";
  for (int i = 0; i < 100000; ++i) sum += "+1";
  std::string binds = "SELECT ?s WHERE { ?s ?p ?o";
  for (int i = 0; i < 3700; ++i) binds += " BIND(1 AS ?v" + std::to_string(i) + ")";
  for (const std::string& q : {sum + ") }", binds + " }"}) {
    auto r = (*store)->Query(q);
    ASSERT_FALSE(r.ok()) << q.substr(0, 60);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  }
  auto fine = (*store)->Query("SELECT ?o WHERE { ?s ?p ?o FILTER(REGEX(?o, \"^a[b-c]{1,2}$\")) }");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->rows.size(), 1u);
}

// ObjectsOfMany: the objects of every (subject, predicate) cell; a
// predicate asked twice fills both cells; unknown subjects and predicates
// have none. The LMDB engine decodes each distinct object once.
TEST_P(StoreTest, ObjectsOfMany_FillsEveryCell) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)
                  ->Put(Doc("https://example.org/g",
                            "@prefix ex: <https://example.org/> .\n"
                            "ex:a ex:kind ex:K1, ex:K2 ; ex:size 3 .\n"
                            "ex:b ex:kind ex:K1 ; ex:label \"b\"@en .\n"))
                  .ok());
  const std::string ex = "https://example.org/";
  auto table = (*store)->ObjectsOfMany({Term::Iri(ex + "a"), Term::Iri(ex + "nobody"), Term::Iri(ex + "b")},
                                       {ex + "kind", ex + "label", ex + "nothing", ex + "kind"});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->subjects(), 3u);
  ASSERT_EQ(table->predicates(), 4u);
  auto values = [&](std::size_t s, std::size_t p) {
    std::multiset<std::string> out;
    for (std::uint32_t ref : table->Of(s, p)) out.insert(table->terms().at(ref).ToNTriples());
    return out;
  };
  const std::multiset<std::string> a_kinds{"<" + ex + "K1>", "<" + ex + "K2>"};
  EXPECT_EQ(values(0, 0), a_kinds);
  EXPECT_EQ(values(0, 3), a_kinds);
  EXPECT_TRUE(values(0, 1).empty());
  EXPECT_TRUE(values(0, 2).empty());
  for (std::size_t p = 0; p < 4; ++p) EXPECT_TRUE(values(1, p).empty()) << p;
  EXPECT_EQ(values(2, 0), std::multiset<std::string>{"<" + ex + "K1>"});
  EXPECT_EQ(values(2, 1), std::multiset<std::string>{"\"b\"@en"});
  EXPECT_EQ(values(2, 3), std::multiset<std::string>{"<" + ex + "K1>"});
  if (GetParam() == "OnDisk") {
    EXPECT_EQ(table->terms().size(), 3u);  // K1, K2, "b"@en
  }
}

// The ids a result carries (QueryResult::term_ids, LMDB only) let
// ObjectsOfMany skip looking the subjects' text up: the same cells as the
// lookup by text; and an id whose subject was removed since finds nothing,
// as its text would (ids are never given to another term).
TEST_P(StoreTest, ObjectsOfMany_SubjectIdsFromAResultAgreeWithTheText) {
  const std::string spec = Spec();
  auto store = Store::Open(spec);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string ex = "https://example.org/";
  ASSERT_TRUE((*store)->Put(Doc(ex + "g1", "@prefix ex: <https://example.org/> .\n"
                                           "ex:a a ex:Device ; ex:kind ex:K1, ex:K2 ; ex:size 3 .\n"
                                           "ex:b a ex:Device ; ex:kind ex:K1 ; ex:label \"b\"@en .\n"))
                  .ok());
  ASSERT_TRUE((*store)->Put(Doc(ex + "g2", "<https://example.org/c> a <https://example.org/Device> ; "
                                           "<https://example.org/size> 7 .\n"))
                  .ok());
  auto r = (*store)->Query("SELECT ?d WHERE { ?d a <https://example.org/Device> }");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 3u);
  if (spec == dir_.string() || spec == "memory:") {  // the LMDB engine (not a TINYKG_TEST_STORE server)
    ASSERT_EQ(r->term_ids.size(), 1u);
    ASSERT_EQ(r->term_ids[0].size(), 3u);
    for (std::uint64_t id : r->term_ids[0]) EXPECT_NE(id, 0u);
  } else {
    EXPECT_TRUE(r->term_ids.empty());
  }
  std::vector<const Term*> subjects;
  for (const auto& row : r->rows) subjects.push_back(&*row[0]);
  const std::vector<std::string> predicates{ex + "kind", ex + "size", ex + "label"};
  std::span<const std::uint64_t> ids;
  if (!r->term_ids.empty()) ids = r->term_ids[0];
  auto cells = [&](std::span<const std::uint64_t> hints) {
    auto table = (*store)->ObjectsOfMany(std::span<const Term* const>(subjects), predicates, hints);
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    std::map<std::string, std::multiset<std::string>> out;
    if (!table.ok()) return out;
    for (std::size_t s = 0; s < subjects.size(); ++s) {
      for (std::size_t p = 0; p < predicates.size(); ++p) {
        for (std::uint32_t ref : table->Of(s, p)) {
          out[subjects[s]->value + " " + predicates[p]].insert(table->terms().at(ref).ToNTriples());
        }
      }
    }
    return out;
  };
  const auto by_text = cells({});
  EXPECT_EQ(by_text.size(), 5u);  // a kind, a size, b kind, b label, c size
  EXPECT_EQ(cells(ids), by_text);
  // c leaves the store; the result (and its ids) stay in hand.
  ASSERT_TRUE((*store)->Drop(ex + "g2").ok());
  auto after = by_text;
  after.erase(ex + "c " + ex + "size");
  EXPECT_EQ(cells({}), after);
  EXPECT_EQ(cells(ids), after);
}

// Store::Count for every shape of pattern agrees with a SPARQL COUNT (the
// LMDB engine counts index keys, without decoding them when the bound terms
// are the index's key prefix, e.g. (?, p, o) for stats' instances of a class;
// (s, ?, o) is not a prefix of any index and is filtered key by key).
TEST_P(StoreTest, CountAgreesWithSparqlForEveryPattern) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put(Doc("https://example.org/g1", "@prefix ex: <https://example.org/> .\n"
                                                         "ex:a a ex:Device ; ex:kind ex:K1, ex:K2 ; ex:to ex:b .\n"
                                                         "ex:b a ex:Device ; ex:kind ex:K1 ; ex:to ex:a .\n"
                                                         "ex:c a ex:Model ; ex:kind ex:K1 .\n"))
                  .ok());
  ASSERT_TRUE((*store)->Put(Doc("https://example.org/g2", "@prefix ex: <https://example.org/> .\n"
                                                         "ex:a a ex:Device ; ex:kind ex:K3 .\n"))
                  .ok());
  const std::string ex = "https://example.org/";
  const std::optional<Term> none;
  const std::optional<Term> a = Term::Iri(ex + "a"), kind = Term::Iri(ex + "kind"), k1 = Term::Iri(ex + "K1"),
                            type = Term::Iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                            device = Term::Iri(ex + "Device"), nothing = Term::Iri(ex + "nothing");
  struct Case {
    std::optional<Term> s, p, o;
  };
  const Case cases[] = {{none, type, device}, {none, kind, k1}, {a, none, none}, {a, kind, none},
                        {none, none, k1},     {a, none, k1},    {none, kind, none}, {a, kind, k1},
                        {nothing, none, none}, {none, type, nothing}};
  for (const Case& c : cases) {
    auto part = [](const std::optional<Term>& t, const char* var) { return t ? t->ToNTriples() : std::string(var); };
    const std::string where = part(c.s, "?s") + " " + part(c.p, "?p") + " " + part(c.o, "?o");
    auto r = (*store)->Query("SELECT (COUNT(*) AS ?n) WHERE { " + where + " }");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const std::int64_t want = r->rows.empty() || !r->rows[0][0] ? 0 : std::atoll(r->rows[0][0]->value.c_str());
    auto n = (*store)->Count(c.s, c.p, c.o);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    EXPECT_EQ(*n, want) << where;
  }
  auto devices = (*store)->Count(none, type, device);
  ASSERT_TRUE(devices.ok());
  EXPECT_EQ(*devices, 2);  // a (in two graphs: once in the union) and b
}

TEST_P(StoreTest, RejectedBatchLeavesStoreUnchanged) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 1 .")).ok());
  auto before = Snapshot(**store);
  GraphDocument good = Doc("http://ex/g1", "<http://ex/a> <http://ex/p> 2 .");
  GraphDocument bad;
  bad.iri = "http://ex/g3";
  bad.triples.push_back({Term::Literal("a literal subject"), Term::Iri("http://ex/p"), Term::Literal("x")});
  Status s = (*store)->PutAll({good, bad});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Snapshot(**store), before);
}

TEST_P(StoreTest, BlankNodesOfDifferentGraphsStayApart) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", "<http://ex/a> <http://ex/p> _:b1 . _:b1 <http://ex/v> 1 .")).ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g2", "<http://ex/c> <http://ex/p> _:b1 . _:b1 <http://ex/v> 2 .")).ok());
  auto r = (*store)->Query("SELECT ?v WHERE { <http://ex/a> <http://ex/p> ?b . ?b <http://ex/v> ?v }");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0]->value, "1");
}

TEST_P(StoreTest, SubclassClosureIsMaterialisedAndDroppedWithItsGraph) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/onto",
      "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
      "<http://ex/Mic> rdfs:subClassOf <http://ex/Sensor> . <http://ex/Sensor> rdfs:subClassOf <http://ex/Thing> .",
      kKindOntology)).ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/dev", "<http://ex/m1> a <http://ex/Mic> .")).ok());
  auto r = (*store)->Query("SELECT ?x WHERE { ?x a <http://ex/Thing> }");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0]->value, "http://ex/m1");
  ASSERT_TRUE((*store)->Drop("http://ex/dev").ok());
  r = (*store)->Query("SELECT ?x WHERE { ?x a <http://ex/Sensor> }");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->rows.empty());
}

TEST_P(StoreTest, LegacyTinymlNamespaceIsNormalisedOnLoadAndInQueries) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/m",
      "<http://ex/model> a <http://tinyml-schema.org/networkschema#NeuralNetwork> .")).ok());
  for (const char* ns : {"http://tinyml-schema.org/networkschema#",
                         "https://w3id.org/tinyml-schema/neural-network-schema#"}) {
    auto r = (*store)->Query(std::string("SELECT ?m WHERE { ?m a <") + ns + "NeuralNetwork> }");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rows.size(), 1u) << ns;
  }
}

// PutAllConsuming (the CLI's load: triples normalised in place, not
// copied) stores exactly what PutAll stores: legacy namespaces in IRIs and
// datatypes normalised, blank nodes kept per graph, warnings the same.
// A batch handed over document by document ends as PutAll of the same
// documents: a later document's hierarchy edge reaches the closure of an
// earlier one, a later document with an earlier one's IRI replaces it, an
// ontology of the batch declares the terms of the others. Nothing of a
// batch is seen before Commit, and a batch dropped without it writes
// nothing.
TEST_P(StoreTest, Batch_EndsAsPutAllOfTheSameDocuments) {
  auto docs = [] {
    return std::vector<GraphDocument>{
        Doc("http://ex/dev", "<http://ex/d1> a <http://ex/v/Board> ; <http://ex/v/ram> 4096 ."),
        Doc("http://ex/old", "<http://ex/x> <http://ex/v/ram> 1 ."),
        Doc("http://ex/onto",
            "<http://ex/v/Board> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://ex/v/Device> .\n"
            "<http://ex/v/Device> a <http://www.w3.org/2002/07/owl#Class> .",
            kKindOntology),
        Doc("http://ex/old", "<http://ex/y> <http://ex/v/ram> 2 ."),
    };
  };
  std::multiset<std::string> together, one_by_one;
  std::vector<std::string> together_warnings, one_by_one_warnings;
  for (bool batch : {false, true}) {
    fs::remove_all(dir_);
    auto store = Store::Open(Spec());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    if (batch) {
      {  // dropped without Commit
        auto b = (*store)->BeginBatch();
        ASSERT_TRUE(b.ok()) << b.status().ToString();
        for (auto& d : docs()) ASSERT_TRUE((*b)->Put(std::move(d)).ok());
      }
      auto graphs = (*store)->Graphs();
      ASSERT_TRUE(graphs.ok());
      EXPECT_TRUE(graphs->empty());
      auto b = (*store)->BeginBatch();
      ASSERT_TRUE(b.ok());
      for (auto& d : docs()) ASSERT_TRUE((*b)->Put(std::move(d)).ok());
      ASSERT_TRUE((*b)->Commit().ok());
    } else {
      ASSERT_TRUE((*store)->PutAll(docs()).ok());
    }
    (batch ? one_by_one_warnings : together_warnings) = (*store)->TakeWarnings();
    (batch ? one_by_one : together) = Snapshot(**store);
  }
  EXPECT_EQ(one_by_one, together);
  EXPECT_EQ(one_by_one_warnings, together_warnings);
  // The device's class came from the ontology written after it.
  bool inferred = false;
  for (const auto& q : one_by_one) {
    if (q.find("<http://ex/d1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/v/Device>") !=
        std::string::npos) {
      inferred = true;
    }
    EXPECT_EQ(q.find("<http://ex/x>"), std::string::npos) << q;  // replaced by the later http://ex/old
  }
  EXPECT_TRUE(inferred);
}

TEST_P(StoreTest, PutAllConsuming_StoresWhatPutAllStores) {
  const std::string text =
      "@prefix old: <http://tinyml-schema.org/networkschema#> .\n"
      "<http://ex/model> a old:NeuralNetwork ; old:size \"3\"^^old:bytes ; <http://ex/v/part> [ a <http://ex/v/P> ] .\n"
      "<http://ex/other> <http://ex/v/near> <http://ex/model> .\n";
  auto docs = [&] {
    return std::vector<GraphDocument>{Doc("http://ex/a", text), Doc("http://ex/b", text)};
  };
  std::multiset<std::string> copied, consumed;
  std::vector<std::string> copied_warnings, consumed_warnings;
  for (bool consume : {false, true}) {
    fs::remove_all(dir_);  // on-disk backends start afresh; memory ones are new on each Open
    auto store = Store::Open(Spec());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put(Doc("http://ex/onto", "<http://ex/v/P> a <http://www.w3.org/2002/07/owl#Class> .",
                                  kKindOntology))
                    .ok());
    (*store)->TakeWarnings();
    auto batch = docs();
    ASSERT_TRUE((consume ? (*store)->PutAllConsuming(std::move(batch)) : (*store)->PutAll(batch)).ok());
    (consume ? consumed_warnings : copied_warnings) = (*store)->TakeWarnings();
    (consume ? consumed : copied) = Snapshot(**store);
  }
  EXPECT_EQ(Unlabelled(consumed), Unlabelled(copied));
  EXPECT_EQ(consumed_warnings, copied_warnings);
  bool normalised = false;
  for (const auto& q : consumed) {
    EXPECT_EQ(q.find("http://tinyml-schema.org"), std::string::npos) << q;
    normalised = normalised || q.find("neural-network-schema#bytes") != std::string::npos;
  }
  EXPECT_TRUE(normalised);
}

// A document too large to hold comes in parts (Put, then Append): the store
// ends as if it had come whole. The published model descriptions' needs
// join nodes of different parts; a subclass edge in the last part reaches
// the types of the first; a term used in one part and described in a later
// one is not reported undeclared.
TEST_P(StoreTest, Batch_DocumentInParts_EndsAsTheWholeDocument) {
  const std::string models = std::string(TINYKG_SOURCE_DIR) + "/tests/match/data/published-models.ttl";
  auto text = ReadFile(models);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  const std::string extra =
      "<http://ex/v/Extra> a <http://www.w3.org/2002/07/owl#Class> .\n"
      "<https://w3id.org/tinyml-schema/neural-network-schema#NeuralNetwork> "
      "<http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://ex/v/Thing> .\n";
  auto model_doc = [&] {
    auto triples = ParseRdf(*text + extra, Syntax::kTurtle, "http://ex/models", models);
    EXPECT_TRUE(triples.ok()) << triples.status().ToString();
    GraphDocument d;
    d.iri = "http://ex/models";
    d.source = models;
    d.kind = kKindKg;
    // Uses a term of the ontology namespace that the document describes last.
    d.triples.push_back({Term::Iri("http://ex/m"), Term::Iri(std::string(vocab::kRdf) + "type"),
                         Term::Iri("http://ex/v/Extra")});
    for (auto& t : *triples) d.triples.push_back(std::move(t));
    return d;
  };
  std::multiset<std::string> whole, in_parts;
  std::vector<std::string> whole_warnings, parts_warnings;
  std::int64_t whole_count = 0, parts_count = 0;
  for (bool parts : {false, true}) {
    fs::remove_all(dir_);
    auto store = Store::Open(Spec());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put(Doc("http://ex/onto", "<http://ex/v/Thing> a <http://www.w3.org/2002/07/owl#Class> .",
                                  kKindOntology))
                    .ok());
    (*store)->TakeWarnings();
    auto b = (*store)->BeginBatch();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    ASSERT_TRUE((*b)->Put(Doc("http://ex/before", "<http://ex/x> <http://ex/v/p> 1 .")).ok());
    GraphDocument doc = model_doc();
    if (!parts) {
      ASSERT_TRUE((*b)->Put(std::move(doc)).ok());
    } else {
      std::vector<Triple> all = std::move(doc.triples);
      for (size_t at = 0; at < all.size(); at += 5) {
        GraphDocument part;
        part.iri = doc.iri;
        part.source = doc.source;
        part.kind = doc.kind;
        part.triples.assign(all.begin() + at, all.begin() + std::min(all.size(), at + 5));
        ASSERT_TRUE((at == 0 ? (*b)->Put(std::move(part)) : (*b)->Append(std::move(part))).ok());
      }
    }
    ASSERT_TRUE((*b)->Put(Doc("http://ex/after", "<http://ex/y> <http://ex/v/p> 2 .")).ok());
    ASSERT_TRUE((*b)->Commit().ok());
    (parts ? parts_warnings : whole_warnings) = (*store)->TakeWarnings();
    (parts ? in_parts : whole) = Unlabelled(Snapshot(**store));
    auto graphs = (*store)->Graphs();
    ASSERT_TRUE(graphs.ok());
    for (const auto& g : *graphs) {
      if (g.iri == "http://ex/models") (parts ? parts_count : whole_count) = g.triples;
    }
  }
  EXPECT_EQ(in_parts, whole);
  EXPECT_EQ(parts_warnings, whole_warnings);
  EXPECT_GT(whole_count, 100);
  EXPECT_EQ(parts_count, whole_count);
  auto has = [&](const std::string& piece) {
    return std::any_of(in_parts.begin(), in_parts.end(),
                       [&](const std::string& q) { return q.find(piece) != std::string::npos; });
  };
  EXPECT_TRUE(has("ramNeedBytes> \"16784\""));  // Magic_Wand_1's 16.784 kB, from nodes of several parts
  EXPECT_TRUE(has("22-rdf-syntax-ns#type> <http://ex/v/Thing>"));
  for (const auto& w : parts_warnings) EXPECT_EQ(w.find("http://ex/v/Extra"), std::string::npos) << w;
}

TEST_P(StoreTest, WarnsAboutTermsNoLoadedOntologyDeclares) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/onto",
      "<http://ex/v/Mic> a <http://www.w3.org/2002/07/owl#Class> .", kKindOntology)).ok());
  (*store)->TakeWarnings();
  ASSERT_TRUE((*store)->Put(Doc("http://ex/d", "<http://ex/d1> a <http://ex/v/Mic> , <http://ex/v/:Mic> .")).ok());
  auto warnings = (*store)->TakeWarnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("http://ex/v/:Mic"), std::string::npos);
}

TEST_P(StoreTest, SyntaxErrorIsAnInvalidArgument) {
  auto store = Store::Open(Spec());
  ASSERT_TRUE(store.ok());
  auto r = (*store)->Query("SELECT ?x WHERE { ?x ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreOnDisk, ReopensWithTheSameContent) {
  fs::path dir = fs::temp_directory_path() / ("tinykg-reopen-" + std::to_string(getpid()));
  fs::remove_all(dir);
  {
    auto store = Store::Open(dir.string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(Doc("http://ex/g", "<http://ex/a> <http://ex/p> \"x\" .")).ok());
  }
  auto store = Store::Open(dir.string());
  ASSERT_TRUE(store.ok());
  auto g = (*store)->Get("http://ex/g", true);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->triples.size(), 1u);
  fs::remove_all(dir);
}

// A writer killed at random points: afterwards the store opens and every
// batch is wholly present or wholly absent.
TEST(StoreOnDisk, KilledWriterLeavesWholeBatchesOnly) {
  fs::path dir = fs::temp_directory_path() / ("tinykg-kill-" + std::to_string(getpid()));
  std::mt19937 rng(7);
  for (int round = 0; round < 4; ++round) {
    fs::remove_all(dir);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto store = Store::Open(dir.string());
      if (!store.ok()) _exit(2);
      for (int batch = 0; batch < 1000; ++batch) {
        std::vector<GraphDocument> docs;
        for (int i = 0; i < 20; ++i) {
          GraphDocument d;
          d.iri = "http://ex/b" + std::to_string(batch) + "/d" + std::to_string(i);
          for (int k = 0; k < 30; ++k) {
            d.triples.push_back({Term::Iri(d.iri + "#s"), Term::Iri("http://ex/p" + std::to_string(k)),
                                 Term::Literal(std::to_string(batch))});
          }
          docs.push_back(std::move(d));
        }
        if (!(*store)->PutAll(docs).ok()) _exit(3);
      }
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    auto store = Store::Open(dir.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto graphs = (*store)->Graphs();
    ASSERT_TRUE(graphs.ok());
    std::map<std::string, int> per_batch;
    for (const auto& g : *graphs) {
      std::string batch = g.iri.substr(0, g.iri.find("/d"));
      ++per_batch[batch];
      auto doc = (*store)->Get(g.iri, true);
      ASSERT_TRUE(doc.ok());
      EXPECT_EQ(doc->triples.size(), 30u) << g.iri;
    }
    for (const auto& [batch, count] : per_batch) EXPECT_EQ(count, 20) << batch;
    auto stats = (*store)->Stats();
    ASSERT_TRUE(stats.ok());
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinykg::rdf
