// The LMDB engine: dictionary garbage, O(graph) replacement, snapshots seen
// by concurrent readers, the writer lock, query deadlines, store specs and
// the migration from Redland's hashes format.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lmdb_engine.h"
#include "lmdb_query.h"
#include "temp_dir.h"
#include "tinykg/rdf/store.h"

namespace tinykg::rdf {
namespace {

namespace fs = std::filesystem;

using ::tinykg::testing::TempDir;

Term I(const std::string& local) { return Term::Iri("http://ex/" + local); }

GraphDocument Doc(const std::string& iri, int triples, const std::string& tag, std::string text = "") {
  GraphDocument d;
  d.iri = iri;
  d.kind = kKindTd;
  d.original_text = std::move(text);
  for (int i = 0; i < triples; ++i) {
    d.triples.push_back({I("s" + std::to_string(i)), I("version"), Term::Literal(tag)});
  }
  return d;
}

// Rasqal answers COUNT over no match with no row at all (on every backend).
std::int64_t Count(Store& store, const std::string& sparql) {
  auto r = store.Query(sparql);
  if (!r.ok()) return -1;
  if (r->rows.empty()) return 0;
  if (!r->rows[0][0]) return -1;
  return std::stoll(r->rows[0][0]->value);
}

// Replacing a graph many times leaves neither quads nor terms behind: the
// dictionary holds what the store names, nothing more.
TEST(LmdbEngine, ReplacedGraphsLeaveNoGarbage) {
  TempDir dir("lmdb-garbage");
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int round = 0; round < 50; ++round) {
      std::string text(20000, static_cast<char>('a' + round % 26));
      ASSERT_TRUE((*store)->Put(Doc("http://ex/g", 200, "v" + std::to_string(round), text)).ok());
    }
    auto stats = (*store)->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->triples, 200);
    EXPECT_EQ(stats->graphs, 1);
    ASSERT_TRUE((*store)->Drop("http://ex/g").ok());
  }
  internal::LmdbEngine::Options options;
  options.dir = dir.str();
  auto engine = internal::LmdbEngine::Open(options);
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->triple_count(), 0);
  EXPECT_EQ((*engine)->quad_count(), 0);
  // No term is left: not the graph, not a literal, not the last text.
  for (const Term& t : {Term::Iri("http://ex/g"), I("version"), Term::Literal("v49"), I("s0")}) {
    auto id = (*engine)->Find(t);
    ASSERT_TRUE(id.ok());
    EXPECT_FALSE(id->has_value()) << t.ToNTriples();
  }
  internal::QuadIds everything;
  auto scan = (*engine)->Find(everything);
  ASSERT_TRUE(scan.ok());
  internal::QuadIds q;
  EXPECT_FALSE((*scan)->Next(q));
}

// Terms longer than an LMDB key (hash-keyed) and of every kind come back as
// they went in; a triple in two graphs is one triple until both are gone.
TEST(LmdbEngine, TermsRoundTripAndTheUnionIsASet) {
  auto store = Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  std::string long_iri = "http://ex/" + std::string(3000, 'x');
  std::vector<Triple> triples = {
      {Term::Iri(long_iri), I("p"), Term::Literal(std::string(5000, 'y'), "", "en")},
      {Term::Blank("b1"), I("p"), Term::Literal("4.5", "http://www.w3.org/2001/XMLSchema#decimal")},
      {I("s"), I("p"), Term::Literal(std::string("nul\0inside", 10))},
  };
  GraphDocument a;
  a.iri = "http://ex/a";
  a.triples = triples;
  GraphDocument b = a;
  b.iri = "http://ex/b";
  ASSERT_TRUE((*store)->PutAll({a, b}).ok());
  auto got = (*store)->Get("http://ex/a", true);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->triples.size(), 3u);
  std::set<std::string> want, have;
  for (const auto& t : triples) want.insert(t.predicate.value + t.object.value + t.object.language + t.object.datatype);
  for (const auto& t : got->triples) have.insert(t.predicate.value + t.object.value + t.object.language + t.object.datatype);
  EXPECT_EQ(have, want);
  // Blank nodes stay apart per graph: 2 shared triples + 2 blank ones.
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/p> ?o }"), 4);
  ASSERT_TRUE((*store)->Drop("http://ex/a").ok());
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/p> ?o }"), 3);
  ASSERT_TRUE((*store)->Drop("http://ex/b").ok());
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/p> ?o }"), 0);
}

// Integer literals in canonical form are not in the dictionary (format 2):
// their id is their value, ids sort as the values do, and every literal
// comes back as it was written, canonical or not. Queries see no
// difference: both engines answer the same.
TEST(LmdbEngine, CanonicalIntegersAreInlinedAndEveryLiteralComesBackAsWritten) {
  const std::string xsd = "http://www.w3.org/2001/XMLSchema#";
  const std::vector<std::pair<std::string, std::string>> values = {
      {"42", "integer"},  {"-7", "integer"},  {"0", "integer"},   {"007", "integer"},
      {"+5", "integer"},  {"-0", "integer"},  {"12a", "integer"}, {"", "integer"},
      {"-", "integer"},   {"999999999999999999", "integer"},       {"-999999999999999999", "integer"},
      {"1000000000000000000", "integer"},     {"42", "int"},       {"42", "decimal"}};
  TempDir dir("lmdb-inline");
  GraphDocument d;
  d.iri = "http://ex/numbers";
  d.kind = kKindKg;
  for (size_t i = 0; i < values.size(); ++i) {
    d.triples.push_back({I("n" + std::to_string(i)), I("value"), Term::Literal(values[i].first, xsd + values[i].second)});
  }
  d.triples.push_back({I("plain"), I("value"), Term::Literal("42")});
  // Lexically valid numbers only, which the index evaluator compares itself.
  for (const char* v : {"42", "-7", "0", "007", "+5", "-0", "999999999999999999", "1000000000000000000"}) {
    d.triples.push_back({I(std::string("c") + v), I("clean"), Term::Literal(v, xsd + "integer")});
  }
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Put(d).ok());
    auto got = (*store)->Get(d.iri, true);
    ASSERT_TRUE(got.ok());
    std::set<std::string> want, have;
    for (const auto& t : d.triples) want.insert(t.ToNTriples());
    for (const auto& t : got->triples) have.insert(t.ToNTriples());
    EXPECT_EQ(have, want);
    // The same rows from the index evaluator and from Rasqal.
    const std::string filter = "SELECT ?s WHERE { ?s <http://ex/value> ?v FILTER(?v > 5) }";
    auto rows = [&](const char* engine, const std::string& query) {
      if (engine) setenv("TINYKG_QUERY_ENGINE", engine, 1);
      auto again = Store::Open(dir.str());
      std::set<std::string> out;
      if (!again.ok()) return out;
      auto r = (*again)->Query(query);
      if (!r.ok()) return out;
      for (const auto& row : r->rows) out.insert(row[0] ? row[0]->value : "unbound");
      return out;
    };
    store->reset();
    const auto on_indexes = rows(nullptr, filter);  // the index evaluator, Rasqal for "12a"
    const auto in_rasqal = rows("rasqal", filter);
    const std::string clean = "SELECT ?s WHERE { ?s <http://ex/clean> ?v FILTER(?v >= 0 && ?v < 1000000000000000000) }";
    const auto clean_on_indexes = rows("indexes", clean);
    const auto clean_in_rasqal = rows("rasqal", clean);
    unsetenv("TINYKG_QUERY_ENGINE");
    EXPECT_EQ(clean_on_indexes, clean_in_rasqal);
    EXPECT_EQ(clean_on_indexes, (std::set<std::string>{"http://ex/c42", "http://ex/c0", "http://ex/c007", "http://ex/c+5",
                                                       "http://ex/c-0", "http://ex/c999999999999999999"}));
    EXPECT_EQ(on_indexes, in_rasqal);
    EXPECT_EQ(on_indexes, (std::set<std::string>{"http://ex/n0", "http://ex/n3", "http://ex/n9", "http://ex/n11",
                                                 "http://ex/n12", "http://ex/n13"}));
  }
  internal::LmdbEngine::Options options;
  options.dir = dir.str();
  auto engine = internal::LmdbEngine::Open(options);
  ASSERT_TRUE(engine.ok());
  auto id_of = [&](const std::string& value, const std::string& type) {
    auto id = (*engine)->Find(Term::Literal(value, xsd + type));
    return id.ok() && id->has_value() ? **id : internal::TermId{0};
  };
  for (const char* canonical : {"42", "-7", "0", "999999999999999999", "-999999999999999999"}) {
    EXPECT_TRUE(internal::IsInlineId(id_of(canonical, "integer"))) << canonical;
    auto back = (*engine)->TermOf(id_of(canonical, "integer"));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->value, canonical);
  }
  for (auto [value, type] : std::vector<std::pair<std::string, std::string>>{
           {"007", "integer"}, {"+5", "integer"}, {"-0", "integer"}, {"1000000000000000000", "integer"}, {"42", "int"}}) {
    const internal::TermId id = id_of(value, type);
    EXPECT_NE(id, 0u) << value;
    EXPECT_FALSE(internal::IsInlineId(id)) << value;
  }
  EXPECT_LT(id_of("-7", "integer"), id_of("0", "integer"));
  EXPECT_LT(id_of("0", "integer"), id_of("42", "integer"));
  EXPECT_LT(id_of("42", "integer"), id_of("999999999999999999", "integer"));
}

// A store made before format 2 keeps every term in its dictionary; it is
// read and written as it is, integers included.
TEST(LmdbEngine, FormatOneStoresKeepTheirDictionary) {
  TempDir dir("lmdb-format1");
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok());
  }
  {  // turn the new, empty store into a format 1 store
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    ASSERT_EQ(mdb_env_open(env, dir.str().c_str(), MDB_NOTLS, 0644), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi meta = 0;
    ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &meta), 0);
    MDB_val k{7, const_cast<char*>("version")}, v{1, const_cast<char*>("1")};
    ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  const Term n = Term::Literal("4096", "http://www.w3.org/2001/XMLSchema#integer");
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    GraphDocument d;
    d.iri = "http://ex/g";
    d.kind = kKindKg;
    d.triples.push_back({I("dev"), I("ram"), n});
    ASSERT_TRUE((*store)->Put(d).ok());
    EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?d <http://ex/ram> 4096 }"), 1);
    EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?d <http://ex/ram> ?r FILTER(?r >= 4096) }"), 1);
  }
  internal::LmdbEngine::Options options;
  options.dir = dir.str();
  auto engine = internal::LmdbEngine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto id = (*engine)->Find(n);
  ASSERT_TRUE(id.ok() && id->has_value());
  EXPECT_FALSE(internal::IsInlineId(**id));
  auto back = (*engine)->TermOf(**id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, n);
}

// The pos and osp keys of a batch are written at its end (and the index
// written again whole when the batch brings more keys than it holds): a
// scan of either inside the batch, a removal inside the batch and the
// indexes after it all see what spo sees, whether older keys sat between
// the new ones or not.
TEST(LmdbEngine, UnionIndexesWrittenAtTheEndOfABatchAgreeWithSpo) {
  TempDir dir("lmdb-union");
  internal::LmdbEngine::Options options;
  options.dir = dir.str();
  auto opened = internal::LmdbEngine::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  internal::LmdbEngine& engine = **opened;
  const Term shared = I("shared");
  auto triples = [&](int from, int to) {
    std::vector<Triple> out;
    for (int i = from; i < to; ++i) {
      out.push_back({I("s" + std::to_string(i)), I("p" + std::to_string(i % 3)), shared});
      out.push_back({I("s" + std::to_string(i)), I("n"), Term::Literal(std::to_string(i * 7919 % 10007), "http://www.w3.org/2001/XMLSchema#integer")});
    }
    return out;
  };
  // Scans of the union by predicate (pos) and by object (osp) against spo.
  auto check = [&](std::int64_t want) {
    std::int64_t by_spo = 0, by_p = 0, by_o = 0;
    internal::QuadIds q;
    auto all = engine.Find(internal::QuadIds{});
    ASSERT_TRUE(all.ok());
    while ((*all)->Next(q)) ++by_spo;
    for (const char* p : {"p0", "p1", "p2", "n"}) {
      auto id = engine.Find(I(p));
      ASSERT_TRUE(id.ok());
      if (!id->has_value()) continue;
      internal::QuadIds pattern;
      pattern.p = **id;
      auto scan = engine.Find(pattern);
      ASSERT_TRUE(scan.ok());
      while ((*scan)->Next(q)) ++by_p;
    }
    auto o = engine.Find(shared);
    ASSERT_TRUE(o.ok() && o->has_value());
    internal::QuadIds pattern;
    pattern.o = **o;
    auto scan = engine.Find(pattern);
    ASSERT_TRUE(scan.ok());
    while ((*scan)->Next(q)) ++by_o;
    EXPECT_EQ(by_spo, want);
    EXPECT_EQ(by_p, want);
    EXPECT_EQ(by_o, want / 2);
  };
  // A small store first, then a batch larger than it (pos and osp written
  // again whole, the older keys among the new), then a small batch on top.
  ASSERT_TRUE(engine.BeginWrite().ok());
  ASSERT_TRUE(engine.AddToGraph("http://ex/a", triples(0, 50)).ok());
  ASSERT_TRUE(engine.Commit().ok());
  check(100);
  ASSERT_TRUE(engine.BeginWrite().ok());
  ASSERT_TRUE(engine.AddToGraph("http://ex/b", triples(25, 2000)).ok());
  check(4000);  // inside the batch
  ASSERT_TRUE(engine.AddToGraph("http://ex/c", triples(2000, 3000)).ok());
  auto removed = engine.ClearGraph("http://ex/a");  // a removal with keys pending
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 100);
  ASSERT_TRUE(engine.AddToGraph("http://ex/c", triples(3000, 3100)).ok());
  ASSERT_TRUE(engine.Commit().ok());
  check(2 * (3100 - 25));
  ASSERT_TRUE(engine.BeginWrite().ok());
  ASSERT_TRUE(engine.AddToGraph("http://ex/d", triples(0, 10)).ok());
  ASSERT_TRUE(engine.Commit().ok());
  check(2 * (3100 - 25) + 2 * 10);
  // A batch that fails leaves the indexes as they were.
  ASSERT_TRUE(engine.BeginWrite().ok());
  ASSERT_TRUE(engine.AddToGraph("http://ex/e", triples(5000, 9000)).ok());
  engine.Abort();
  check(2 * (3100 - 25) + 2 * 10);
}

// A reader in another process while a writer replaces a large graph again
// and again: every answer is a whole version, never a mix.
TEST(LmdbStore, ConcurrentReaderSeesBeforeOrAfterNeverHalf) {
  TempDir dir("lmdb-snapshot");
  const int kTriples = 3000;
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(Doc("http://ex/g", kTriples, "v0")).ok());
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = Store::Open(dir.str());
    if (!store.ok()) _exit(2);
    for (int v = 1; v <= 30; ++v) {
      if (!(*store)->Put(Doc("http://ex/g", kTriples, "v" + std::to_string(v))).ok()) _exit(3);
    }
    _exit(0);
  }
  auto store = Store::Open(dir.str());
  ASSERT_TRUE(store.ok());
  int reads = 0;
  std::set<std::string> versions;
  for (;;) {
    int status = 0;
    bool done = waitpid(child, &status, WNOHANG) == child;
    auto r = (*store)->Query("SELECT ?v (COUNT(?s) AS ?n) WHERE { ?s <http://ex/version> ?v } GROUP BY ?v");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rows.size(), 1u) << "a reader saw two versions at once";
    EXPECT_EQ(r->rows[0][1]->value, std::to_string(kTriples));
    versions.insert(r->rows[0][0]->value);
    ++reads;
    if (done) {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      break;
    }
  }
  EXPECT_TRUE(versions.count("v30"));
  EXPECT_GT(reads, 1);
}

// While a writer holds the store, a reader opens it and answers at once; a
// second writer waits, says who holds the store, and gives up at its bound.
TEST(LmdbStore, ReadersNeverWaitAndASecondWriterSaysWhy) {
  TempDir dir("lmdb-lock");
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(Doc("http://ex/g", 10, "v0")).ok());
  }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    internal::LmdbEngine::Options options;
    options.dir = dir.str();
    auto engine = internal::LmdbEngine::Open(options);
    if (!engine.ok() || !(*engine)->BeginWrite().ok()) _exit(2);
    if (write(ready[1], "x", 1) != 1) _exit(3);
    pause();  // holds the write until killed
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);

  auto reader = Store::Open(dir.str());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto stats = (*reader)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->triples, 10);

  std::string told;
  StoreOptions options;
  options.lock_timeout_ms = 300;
  options.on_wait = [&told](const std::string& text) { told = text; };
  auto writer = Store::Open(dir.str(), options);
  ASSERT_TRUE(writer.ok());
  Status s = (*writer)->Put(Doc("http://ex/h", 1, "v1"));
  EXPECT_EQ(s.code(), StatusCode::kStoreError);
  EXPECT_NE(s.ToString().find("pid " + std::to_string(child)), std::string::npos) << s.ToString();
  EXPECT_NE(told.find("is being written by pid " + std::to_string(child)), std::string::npos) << told;

  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  // The dead writer's transaction is gone; writing works again.
  EXPECT_TRUE((*writer)->Put(Doc("http://ex/h", 1, "v1")).ok());
  close(ready[0]);
  close(ready[1]);
}

// Every quad as N-Quads text, sorted, for before/after checks.
std::vector<std::string> SortedQuads(Store& store) {
  std::vector<std::string> out;
  auto quads = store.AllQuads();
  EXPECT_TRUE(quads.ok());
  if (!quads.ok()) return out;
  for (const auto& q : *quads) out.push_back(q.triple.ToNTriples() + " <" + q.graph + ">");
  std::sort(out.begin(), out.end());
  return out;
}

// Graphs written into a store that already holds keys around theirs split
// index pages; compact writes pos, osp and t2i again in key order and drops
// the free pages: every quad, term and catalog entry as before, a smaller
// file, and the store takes writes and queries afterwards.
TEST(LmdbStore, CompactKeepsEveryQuadAndShrinksTheFile) {
  TempDir dir("lmdb-compact");
  auto store = Store::Open(dir.str());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Interleaved graphs sharing objects (as devices share types and values),
  // then replacements: half-full pages and free ones.
  for (int g = 0; g < 40; ++g) {
    GraphDocument d;
    d.iri = "http://ex/g" + std::to_string(g);
    d.kind = kKindKg;
    for (int i = 0; i < 300; ++i) {
      const std::string s = "d" + std::to_string(g) + "-" + std::to_string(i);
      d.triples.push_back({I(s), I("kind"), I("k" + std::to_string(i % 7))});
      d.triples.push_back({I(s), I("ram"), Term::Literal(std::to_string((i * 7919 + g) % 500))});
      d.triples.push_back({I(s), I("label"), Term::Literal("device " + s, "", "en")});
    }
    ASSERT_TRUE((*store)->Put(d).ok());
  }
  for (int g = 0; g < 40; g += 3) ASSERT_TRUE((*store)->Put(Doc("http://ex/g" + std::to_string(g), 50, "v1")).ok());
  const auto before = SortedQuads(**store);
  const auto graphs_before = (*store)->Graphs();
  ASSERT_TRUE(graphs_before.ok());
  const std::int64_t kinds_before = Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?d <http://ex/kind> <http://ex/k3> }");

  auto done = (*store)->Compact();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_LT(done->bytes_after, done->bytes_before);
  EXPECT_EQ(done->bytes_after, static_cast<std::int64_t>(fs::file_size(dir.path() / "data.mdb")));
  EXPECT_FALSE(fs::exists(dir.path() / "data.mdb.compact"));

  EXPECT_EQ(SortedQuads(**store), before);
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?d <http://ex/kind> <http://ex/k3> }"), kinds_before);
  auto graphs_after = (*store)->Graphs();
  ASSERT_TRUE(graphs_after.ok());
  EXPECT_EQ(graphs_after->size(), graphs_before->size());
  // Terms are found again (t2i rewritten): a write that reuses them, and a
  // lookup by value.
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g1", 5, "v2")).ok());
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/version> \"v2\" }"), 5);
  const auto written = SortedQuads(**store);
  // A new opener (another process) sees the compacted store and the write.
  store->reset();
  auto again = Store::Open(dir.str());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SortedQuads(**again), written);
}

// Compact swaps the file under the store: with another process holding the
// store open (its mapping is of the old file) it refuses and changes
// nothing; stores without a file do not compact.
TEST(LmdbStore, CompactRefusesWhileAnotherProcessHasTheStoreOpen) {
  TempDir dir("lmdb-compact-busy");
  {
    auto store = Store::Open(dir.str());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put(Doc("http://ex/g", 100, "v0")).ok());
  }
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto reader = Store::Open(dir.str());  // open, not reading: no reader slot taken
    if (!reader.ok()) _exit(2);
    if (write(ready[1], "x", 1) != 1) _exit(3);
    pause();
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  auto store = Store::Open(dir.str());
  ASSERT_TRUE(store.ok());
  const auto before = SortedQuads(**store);
  const auto size = fs::file_size(dir.path() / "data.mdb");
  auto done = (*store)->Compact();
  EXPECT_EQ(done.status().code(), StatusCode::kStoreError);
  EXPECT_NE(done.status().ToString().find("open in another process"), std::string::npos) << done.status().ToString();
  EXPECT_EQ(fs::file_size(dir.path() / "data.mdb"), size);
  EXPECT_EQ(SortedQuads(**store), before);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  // Alone now: it compacts, and the store still holds every quad.
  auto alone = (*store)->Compact();
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(SortedQuads(**store), before);

  for (const char* spec : {"memory:", "hashes-memory:"}) {
    auto other = Store::Open(spec);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ((*other)->Compact().status().code(), StatusCode::kUnsupported) << spec;
  }
}

// A cross product that would run for hours stops at its deadline with a
// deadline status, and the store answers the next query.
TEST(LmdbStore, DeadlineStopsARunawayQuery) {
  auto store = Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Doc("http://ex/g", 2000, "v")).ok());
  (*store)->SetQueryTimeout(200);
  auto r = (*store)->Query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 2000);
  (*store)->SetQueryTimeout(0);
  EXPECT_EQ(Count(**store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), 2000);
}

// tinykg serve shares one store between requests: a long query yields
// (SetQueryYield), what runs meanwhile reads and writes as usual, and the
// query goes on in the snapshot it started with. Both engines: the index
// evaluator (a plain SELECT) and Rasqal (COUNT).
TEST(LmdbStore, QueryYield_OthersReadAndWriteMeanwhile_TheQueryKeepsItsSnapshot) {
  struct Case {
    std::string projection;
    int n;  // triples per graph; the query's rows are n^3
  };
  for (const Case& c : {Case{"?a", 60}, Case{"(COUNT(*) AS ?rows)", 50}}) {
    SCOPED_TRACE(c.projection);
    auto store = Store::Open("memory:");
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    ASSERT_TRUE(s.Put(Doc("http://ex/g1", c.n, "a")).ok());
    const std::string all = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/version> ?o }";
    int yields = 0;
    std::int64_t seen_meanwhile = -1;
    std::int64_t rows_meanwhile = -1;
    Status put_meanwhile = Internal("not run");
    s.SetQueryYield([&] {
      if (yields++ > 0) return;
      put_meanwhile = s.Put(Doc("http://ex/g2", c.n, "b"));
      seen_meanwhile = Count(s, all);
      // The outer query's bounds stay with it: this one has none.
      auto listed = s.Query("SELECT ?s ?o WHERE { ?s <http://ex/version> ?o }");
      rows_meanwhile = listed.ok() ? static_cast<std::int64_t>(listed->rows.size()) : -1;
    });
    s.SetQueryTimeout(120000);
    const std::int64_t rows = std::int64_t{c.n} * c.n * c.n;
    s.SetQueryRowLimit(c.projection == "?a" ? rows : 1);  // exactly the outer query's rows
    auto r = s.Query("SELECT " + c.projection +
                     " WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y . ?c <http://ex/version> ?z }");
    s.SetQueryYield(nullptr);
    s.SetQueryTimeout(0);
    s.SetQueryRowLimit(0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_GE(yields, 1);
    EXPECT_TRUE(put_meanwhile.ok()) << put_meanwhile.ToString();
    EXPECT_EQ(seen_meanwhile, 2 * c.n);
    EXPECT_EQ(rows_meanwhile, 2 * c.n);
    if (c.projection == "?a") {
      EXPECT_EQ(static_cast<std::int64_t>(r->rows.size()), rows);
    } else {
      ASSERT_EQ(r->rows.size(), 1u);
      ASSERT_TRUE(r->rows[0][0]);
      EXPECT_EQ(std::stoll(r->rows[0][0]->value), rows);
    }
    EXPECT_EQ(Count(s, all), 2 * c.n);
  }
}

// A result past the row bound stops there with a clear error, on the index
// evaluator (a plain SELECT) and on Rasqal (ORDER BY); LIMIT is within it.
TEST(LmdbStore, RowLimitStopsAResultAtItsBound) {
  auto store = Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(s.Put(Doc("http://ex/g", 60, "v")).ok());  // 60 x 60 = 3,600 rows below
  const std::string pairs = "SELECT ?a ?b WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y }";
  s.SetQueryRowLimit(1000);
  for (const std::string& q : {pairs, pairs + " ORDER BY ?a ?b"}) {
    auto r = s.Query(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().ToString().find("more than 1000 rows"), std::string::npos) << r.status().ToString();
  }
  auto limited = s.Query(pairs + " LIMIT 10");
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  EXPECT_EQ(limited->rows.size(), 10u);
  s.SetQueryRowLimit(3600);
  auto exact = s.Query(pairs);
  ASSERT_TRUE(exact.ok()) << exact.status().ToString();
  EXPECT_EQ(exact->rows.size(), 3600u);
  // Wide rows count as several: 6 columns are 1.5 rows' worth (at most 3,600 x 4 values), on
  // both engines. A cross product of 5 patterns (15 columns) held 2 GB under a bound of 1M rows.
  const std::string wide = "SELECT * WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y . "
                           "?a ?p ?x . ?b ?q ?y }";
  auto within = s.Query(wide + " LIMIT 2400");
  ASSERT_TRUE(within.ok()) << within.status().ToString();
  EXPECT_EQ(within->rows.size(), 2400u);
  for (const std::string& q : {wide, wide + " ORDER BY ?a"}) {
    auto r = s.Query(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_NE(r.status().ToString().find("more than 2400 rows of 6 columns (the store's bound is 3600 rows of up to 4)"),
              std::string::npos)
        << r.status().ToString();
  }
  // Helper columns (blank nodes written as variables) are not counted: 5 columns shown, bound 2,880.
  const std::string helper = "SELECT * WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y . ?b ?p [] }";
  auto helped = s.Query(helper + " LIMIT 2880");
  ASSERT_TRUE(helped.ok()) << helped.status().ToString();
  EXPECT_EQ(helped->variables.size(), 5u);
  EXPECT_FALSE(s.Query(helper + " LIMIT 2881").ok());
  EXPECT_EQ(internal::RowBound(3600, 6), 2400);
  EXPECT_EQ(internal::RowBound(3600, 2), 3600);
  EXPECT_EQ(internal::RowBound(0, 80), 0);
  EXPECT_EQ(internal::RowBound(3, 1000), 1);
  s.SetQueryRowLimit(0);
  EXPECT_EQ(Count(s, "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y }"), 3600);
}

// Rows bound how many values a result holds, not how large they are: one
// 100 KB literal repeated by a cross product stops at the byte bound, on the
// index evaluator, in Rasqal (ORDER BY) and in a CONSTRUCT.
TEST(LmdbStore, ByteLimitStopsAResultAtItsBound) {
  auto store = Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(s.Put(Doc("http://ex/g", 40, std::string(100000, 'x'))).ok());
  s.SetQueryRowLimit(1000000);
  s.SetQueryByteLimit(1 << 20);  // 1 MiB: 10 of the literals
  const std::string pairs = "SELECT ?a ?x WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y }";
  for (const std::string& q :
       {pairs, pairs + " ORDER BY ?a", std::string("CONSTRUCT { ?a <http://ex/p> ?x . ?b <http://ex/q> ?y } WHERE "
                                                   "{ ?a <http://ex/version> ?x . ?b <http://ex/version> ?y }")}) {
    auto r = s.Query(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().ToString().find("more than 1048576 bytes"), std::string::npos) << r.status().ToString();
  }
  // Within it: 10 rows of one literal each and an IRI.
  auto ten = s.Query(pairs + " LIMIT 10");
  ASSERT_TRUE(ten.ok()) << ten.status().ToString();
  EXPECT_EQ(ten->rows.size(), 10u);
  // The same pairs without the literal are small: 1,600 rows of one IRI.
  auto iris = s.Query("SELECT ?a WHERE { ?a <http://ex/version> ?x . ?b <http://ex/version> ?y }");
  ASSERT_TRUE(iris.ok()) << iris.status().ToString();
  EXPECT_EQ(iris->rows.size(), 1600u);
  EXPECT_EQ(internal::ResultValueBytes(std::optional<Term>()), sizeof(std::optional<Term>));
  EXPECT_EQ(internal::ResultValueBytes(Term::Literal("abc", "", "en")), sizeof(Term) + 5);
  s.SetQueryByteLimit(0);
  auto all = s.Query(pairs);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->rows.size(), 1600u);
}

TEST(StoreSpec, IsParsedNeverSpliced) {
  auto lmdb = ParseStoreSpec("/tmp/a',new='yes");
  ASSERT_TRUE(lmdb.ok());
  EXPECT_EQ(lmdb->kind, StoreSpec::Kind::kLmdb);
  EXPECT_EQ(lmdb->dir, "/tmp/a',new='yes");
  auto hashes = ParseStoreSpec("hashes:/tmp/x,dir='/etc'");
  ASSERT_TRUE(hashes.ok());
  EXPECT_EQ(hashes->kind, StoreSpec::Kind::kHashes);
  EXPECT_EQ(hashes->dir, "/tmp/x,dir='/etc'");
  EXPECT_EQ(ParseStoreSpec("memory:")->kind, StoreSpec::Kind::kMemory);
  EXPECT_EQ(ParseStoreSpec("lmdb:rel/dir")->dir, "rel/dir");
  for (const char* bad : {"", "hashes:", "lmdb:", "http://ex/store", "dir\nnew"}) {
    EXPECT_EQ(ParseStoreSpec(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseStoreSpec(std::string_view("a\0b", 3)).status().code(), StatusCode::kInvalidArgument);
}

// The spec that wiped a store through Redland's options string: opening
// "victim',new='yes" (hashes or LMDB) must leave "victim" as it was.
TEST(StoreSpec, QuotesInADirectoryCannotWipeAnotherStore) {
  TempDir dir("lmdb-victim");
  fs::create_directories(dir.path());
  for (const std::string prefix : {"hashes:", ""}) {
    std::string victim = (dir.path() / (prefix.empty() ? "lmdb" : "hashes")).string();
    {
      auto store = Store::Open(prefix + victim);
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      ASSERT_TRUE((*store)->Put(Doc("http://ex/g", 5, "v")).ok());
    }
    {
      auto attack = Store::Open(prefix + victim + "',new='yes");
      ASSERT_TRUE(attack.ok()) << attack.status().ToString();
      auto stats = (*attack)->Stats();
      ASSERT_TRUE(stats.ok());
      EXPECT_EQ(stats->triples, 0);  // a directory of its own, literally named
    }
    auto store = Store::Open(prefix + victim);
    ASSERT_TRUE(store.ok());
    auto stats = (*store)->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->triples, 5) << prefix;
  }
}

// An old hashes store in the default location moves onto the engine on
// first open: every quad (catalog, load times and texts included) survives.
TEST(StoreSpec, HashesStoreIsMigratedWithEveryQuad) {
  TempDir dir("lmdb-migrate");
  std::vector<std::string> before;
  {
    auto old = Store::Open("hashes:" + dir.str());
    ASSERT_TRUE(old.ok());
    GraphDocument onto;
    onto.iri = "http://ex/onto";
    onto.kind = kKindOntology;
    onto.triples = {{I("Camera"), Term::Iri("http://www.w3.org/2000/01/rdf-schema#subClassOf"), I("Sensor")}};
    GraphDocument td = Doc("urn:dev:1", 20, "v", "{\"id\": \"urn:dev:1\"}");
    td.triples.push_back({I("cam"), Term::Iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), I("Camera")});
    td.triples.push_back({Term::Blank("b0"), I("p"), Term::Literal("x", "", "de")});
    ASSERT_TRUE((*old)->PutAll({onto, td}).ok());
    before = SortedQuads(**old);
  }
  auto store = Store::Open(dir.str());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto warnings = (*store)->TakeWarnings();
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("moved from the Redland hashes format"), std::string::npos) << warnings[0];
  EXPECT_EQ(SortedQuads(**store), before);
  EXPECT_TRUE(fs::exists(dir.path() / "hashes-old" / "tinykg-sp2o.db"));
  auto doc = (*store)->Get("urn:dev:1", false);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->original_text, "{\"id\": \"urn:dev:1\"}");
}

}  // namespace
}  // namespace tinykg::rdf
