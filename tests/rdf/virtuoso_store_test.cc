// What only the Virtuoso backend has: its spec, and writes that the server
// rejects halfway (the ODBC transaction rolls back). Runs under the CTest
// label `virtuoso` with TINYKG_TEST_STORE pointing at a test server
// (tests/virtuoso.cmake); the spec tests need no server.
#include <gtest/gtest.h>

#include <set>

#include "test_store.h"
#include "tinykg/rdf/store.h"
#include "virtuoso_store.h"

namespace tinykg::rdf {
namespace {

TEST(VirtuosoSpec, ParsesEveryPart) {
  auto s = internal::ParseVirtuosoSpec("virtuoso://u:pw@db.example:1112/fleet-1?http=8891");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->host, "db.example");
  EXPECT_EQ(s->sql_port, 1112);
  EXPECT_EQ(s->http_port, 8891);
  EXPECT_EQ(s->name, "fleet-1");
  EXPECT_EQ(s->user, "u");
  EXPECT_EQ(s->password, "pw");
  auto d = internal::ParseVirtuosoSpec("virtuoso://127.0.0.1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sql_port, 1111);
  EXPECT_EQ(d->http_port, 8890);
  EXPECT_EQ(d->name, "tinykg");
}

TEST(VirtuosoSpec, RejectsBadSpecs) {
  for (const char* bad : {"virtuoso://h:notaport/x", "virtuoso://h:1111/a:b", "virtuoso://h/x?sql=1",
                          "virtuoso://h/x?http=0", "postgres://h/x"}) {
    auto s = internal::ParseVirtuosoSpec(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

// Virtuoso answers a query stopped at its bound in more than one way; under
// load it sent HTTP 500 "HY008 ... killed by SQLCancel" (a CI run of
// Server.Sparql_PastTheTimeBound_Is503 got a 400 problem from it).
TEST(VirtuosoReply, EveryWayOfStoppingAtTheBoundIsADeadline) {
  const std::string cancelled = "Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.\n";
  auto s = internal::VirtuosoReplyStatus(500, "", cancelled, 50);
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded) << s.ToString();
  EXPECT_NE(s.ToString().find("50 ms"), std::string::npos) << s.ToString();
  EXPECT_EQ(internal::VirtuosoReplyStatus(200, "S1TAT", "{}", 50).code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(internal::VirtuosoReplyStatus(500, "", "Virtuoso S1T00 Error SR171: Transaction timed out", 50).code(),
            StatusCode::kDeadlineExceeded);
  // Without a bound nothing of ours stopped it: Virtuoso's message is kept.
  auto unbounded = internal::VirtuosoReplyStatus(500, "", cancelled, 0);
  EXPECT_EQ(unbounded.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unbounded.ToString().find("SQLCancel"), std::string::npos) << unbounded.ToString();
  EXPECT_EQ(internal::VirtuosoReplyStatus(400, "", "Virtuoso 37000 Error SP030: syntax", 50).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(internal::VirtuosoReplyStatus(200, "", "{}", 50).ok());
}

std::unique_ptr<Store> OpenTestStore(const std::string& name) {
  EXPECT_FALSE(::tinykg::testing::TestServerSpec().empty())
      << "set TINYKG_TEST_STORE=virtuoso://... (ctest -L virtuoso does)";
  auto store = Store::Open(::tinykg::testing::TestStoreSpec(name));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

GraphDocument Doc(const std::string& iri, const std::vector<Triple>& triples) {
  GraphDocument d;
  d.iri = iri;
  d.source = iri;
  d.triples = triples;
  return d;
}

std::multiset<std::string> Snapshot(Store& store) {
  std::multiset<std::string> out;
  auto quads = store.AllQuads();
  EXPECT_TRUE(quads.ok());
  for (const auto& q : *quads) {
    if (q.triple.predicate.value == "https://w3id.org/tinykg/ontology#loadedAt") continue;
    out.insert(q.graph + " " + q.triple.ToNTriples());
  }
  return out;
}

Term I(const std::string& s) { return Term::Iri("http://ex/" + s); }

// The server refuses the second document of a batch (a language tag that is
// no tag): the replacement of the first is rolled back with it.
TEST(VirtuosoStore, WriteRejectedByTheServer_LeavesStoreUnchanged) {
  auto store = OpenTestStore("rejected");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(Doc("http://ex/a", {{I("s"), I("p"), Term::Literal("v1")}})).ok());
  auto before = Snapshot(*store);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  Status s = store->PutAll({Doc("http://ex/a", {{I("s"), I("p"), Term::Literal("v2")}}),
                            Doc("http://ex/b", {{I("t"), I("p"), Term::Literal("x", "", "no tag!")}})});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kStoreError) << s.ToString();
  EXPECT_EQ(Snapshot(*store), before);
  auto after = store->Stats();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->triples, stats->triples);
  auto ask = store->Query("ASK { <http://ex/s> <http://ex/p> \"v2\" }");
  ASSERT_TRUE(ask.ok()) << ask.status().ToString();
  EXPECT_FALSE(ask->boolean);
}

// Queries see the union as a set: a triple stated by two graphs is one row,
// and it stays visible until the last graph stating it is dropped.
TEST(VirtuosoStore, UnionIsASet_AndKeepsTriplesOtherGraphsHold) {
  auto store = OpenTestStore("union");
  ASSERT_TRUE(store);
  Triple shared{I("s"), I("p"), I("o")};
  ASSERT_TRUE(store->PutAll({Doc("http://ex/g1", {shared}), Doc("http://ex/g2", {shared, {I("s"), I("q"), I("o")}})}).ok());
  auto rows = store->Query("SELECT ?o WHERE { <http://ex/s> <http://ex/p> ?o }");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows.size(), 1u);
  ASSERT_TRUE(store->Drop("http://ex/g1").ok());
  auto still = store->Query("ASK { <http://ex/s> <http://ex/p> <http://ex/o> }");
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->boolean);
  ASSERT_TRUE(store->Drop("http://ex/g2").ok());
  auto gone = store->Query("ASK { ?s ?p ?o }");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->boolean);
  EXPECT_EQ(store->Drop("http://ex/g2").code(), StatusCode::kNotFound);
}

// One graph twice in one batch: the later document wins, nothing of the
// earlier one stays.
TEST(VirtuosoStore, SameGraphTwiceInABatch_TheLaterWins) {
  auto store = OpenTestStore("twice");
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutAll({Doc("http://ex/a", {{I("s"), I("p"), Term::Literal("v1")}}),
                             Doc("http://ex/a", {{I("s"), I("p"), Term::Literal("v2")}})})
                  .ok());
  auto got = store->Get("http://ex/a", true);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->triples.size(), 1u);
  EXPECT_EQ(got->triples[0].object.value, "v2");
  auto rows = store->Query("SELECT ?o WHERE { <http://ex/s> <http://ex/p> ?o }");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.size(), 1u);
  auto graphs = store->Graphs();
  ASSERT_TRUE(graphs.ok());
  EXPECT_EQ(graphs->size(), 1u);
}

// Stores of different names on one server do not see each other.
TEST(VirtuosoStore, StoresOfDifferentNamesAreApart) {
  auto one = OpenTestStore("apart-1");
  auto two = OpenTestStore("apart-2");
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(one->Put(Doc("http://ex/g", {{I("s"), I("p"), I("o")}})).ok());
  auto graphs = two->Graphs();
  ASSERT_TRUE(graphs.ok());
  EXPECT_TRUE(graphs->empty());
  auto ask = two->Query("ASK { ?s ?p ?o }");
  ASSERT_TRUE(ask.ok());
  EXPECT_FALSE(ask->boolean);
}

// Non-ASCII text goes through ODBC as escapes and comes back as UTF-8.
TEST(VirtuosoStore, NonAsciiTextRoundTrips) {
  auto store = OpenTestStore("utf8");
  ASSERT_TRUE(store);
  GraphDocument d = Doc("http://ex/g", {{I("s"), I("title"), Term::Literal("Temperatur-Fühler ☃ 𝄞", "", "de")}});
  d.original_text = "{\"title\": \"Fühler ☃\"}";
  ASSERT_TRUE(store->Put(d).ok());
  auto got = store->Get("http://ex/g", true);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->original_text, d.original_text);
  ASSERT_EQ(got->triples.size(), 1u);
  EXPECT_EQ(got->triples[0].object, d.triples[0].object);
}

}  // namespace
}  // namespace tinykg::rdf
