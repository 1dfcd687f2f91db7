// Store: the knowledge graph. Every loaded document lives in its own named
// graph so it can be listed, replaced and dropped; a catalog records what each
// named graph is (kind, source, original text, load time). Queries run over
// the union of all graphs, as a set.
//
// Specs accepted by Store::Open (see ParseStoreSpec):
//   DIR or lmdb:DIR    the embedded engine (the default, ./.tinykg): tinykg's
//                      quad store over LMDB in directory DIR, created on
//                      demand (lmdb_engine.h). Readers never wait; one writer
//                      at a time; every write one ACID transaction. A DIR
//                      that holds a store of the old Redland `hashes` format
//                      is migrated on first open (the old files are kept).
//   memory:            the same engine in a private, unlinked file: gone when
//                      the process exits (scripts and tests).
//   hashes:DIR         Redland's `hashes` storage (BerkeleyDB) in DIR, the
//                      format before the LMDB engine; hashes-memory: the
//                      same with in-memory hashes.
//   virtuoso://[USER[:PASSWORD]@]HOST[:SQL_PORT][/NAME][?http=HTTP_PORT]
//                      a Virtuoso Open Source server (virtuoso_store.cc):
//                      SQL_PORT (default 1111) takes writes over ODBC, one
//                      SQL transaction per batch; HTTP_PORT (default 8890)
//                      runs queries inside Virtuoso (SPARQL 1.1 Protocol).
//                      NAME (default `tinykg`; letters, digits, - _ .) keeps
//                      stores apart in one server: graph G is stored as
//                      <urn:tinykg:store:NAME:G>. USER/PASSWORD default to
//                      dba/dba, or $TINYKG_VIRTUOSO_PASSWORD. The server's
//                      [SPARQL] ResultSetMaxRows must exceed the largest
//                      answer (scripts/virtuoso.sh sets 100M).
//
// Nothing of Redland appears here; errors are values, and Redland's own
// messages are captured into the returned Status, never printed.
#ifndef TINYKG_RDF_STORE_H_
#define TINYKG_RDF_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::rdf {

// What a named graph holds; stored in the catalog as tkg:graphKind.
inline constexpr char kKindOntology[] = "ontology";
inline constexpr char kKindKg[] = "kg";        // shipped or user Turtle data
inline constexpr char kKindTd[] = "td";        // Thing Description
inline constexpr char kKindTm[] = "tm";        // Thing Model (template)
inline constexpr char kKindModel[] = "model";  // neural-network model
inline constexpr char kKindBenchmark[] = "benchmark";
inline constexpr char kKindDeployment[] = "deployment";  // tinykg deploy's record of a generated project

// The catalog graph, and where materialised inferences of graph G go (G's
// companion graph, dropped and replaced with G).
inline constexpr char kCatalogGraph[] = "urn:tinykg:catalog";
std::string InferredGraphOf(std::string_view graph_iri);

// A document ready to be written: one named graph.
struct GraphDocument {
  std::string iri;            // the named graph
  std::string kind = kKindKg; // one of the kKind* values
  std::string source;         // file path or IRI it came from (informative)
  std::string original_text;  // kept verbatim when non-empty (TD round-trip)
  std::string label;          // human name (title) when known
  // The (prefix, namespace IRI) pairs the document declares (Turtle @prefix /
  // PREFIX), kept in the catalog so a query may use them undeclared
  // (CompleteQueryPrefixes, as GraphDB and Virtuoso predefine them).
  std::vector<std::pair<std::string, std::string>> prefixes;
  std::vector<Triple> triples;
};

// One row of the catalog.
struct GraphInfo {
  std::string iri;
  std::string kind;
  std::string source;
  std::string label;
  std::string loaded_at;  // xsd:dateTime, UTC
  std::int64_t triples = 0;
  std::vector<std::pair<std::string, std::string>> prefixes;  // declared by the document
};

// A SPARQL result in memory. For SELECT, rows[i][j] is the binding of
// variables[j] (nullopt when unbound).
struct QueryResult {
  enum class Kind { kBindings, kBoolean, kGraph };
  Kind kind = Kind::kBindings;
  std::vector<std::string> variables;
  std::vector<std::vector<std::optional<Term>>> rows;
  // A hint, empty unless the store that answered fills it in (the LMDB
  // engine's index evaluator): its own ids of the cells, column by column
  // (term_ids[c][r], 0 for none), so that the same store can read the
  // terms' triples again without looking their text up (ObjectsOfMany on a
  // million candidate devices). Whatever reorders or changes the rows
  // clears it.
  std::vector<std::vector<std::uint64_t>> term_ids;
  bool boolean = false;
  std::vector<Triple> triples;  // CONSTRUCT / DESCRIBE
};

struct StoreStats {
  std::int64_t triples = 0;  // all graphs, catalog and inferences included
  std::int64_t graphs = 0;   // named graphs in the catalog
};

// A store spec taken apart. Nothing of it is ever pasted into another
// options string: directories go to the engines as values.
struct StoreSpec {
  enum class Kind { kLmdb, kMemory, kHashes, kHashesMemory, kVirtuoso };
  Kind kind = Kind::kLmdb;
  std::string dir;       // kLmdb, kHashes
  std::string virtuoso;  // kVirtuoso: the whole virtuoso:// spec
};
// kInvalidArgument for an empty spec, an unknown scheme or a directory name
// with control characters.
Result<StoreSpec> ParseStoreSpec(std::string_view spec);

struct StoreOptions {
  // How long a writer waits for another process's write (< 0: as long as it
  // takes; 0: not at all). Readers never wait.
  std::int64_t lock_timeout_ms = -1;
  // Told once when a writer starts waiting ("store ... is being written by
  // pid N; waiting").
  std::function<void(const std::string&)> on_wait;
};

// The objects of many (subject, predicate) pairs, each distinct object
// held once: Of(i, p) are indexes into `terms` of the objects of subject i
// and predicate p. Filled subject by subject, predicate by predicate
// (AddObject for each object of the cell, then EndCell), so a table for
// 100k subjects is three flat arrays, not a vector per cell.
class ObjectTable {
 public:
  explicit ObjectTable(std::size_t predicates = 0) : predicates_(predicates), offsets_{0} {}

  std::size_t predicates() const { return predicates_; }
  std::size_t subjects() const { return predicates_ ? (offsets_.size() - 1) / predicates_ : 0; }
  const std::vector<Term>& terms() const { return terms_; }
  std::span<const std::uint32_t> Of(std::size_t subject, std::size_t predicate) const {
    const std::size_t cell = subject * predicates_ + predicate;
    return {refs_.data() + offsets_[cell], refs_.data() + offsets_[cell + 1]};
  }

  // A distinct object, returned as its index; then AddObject(index).
  std::uint32_t AddTerm(Term term) {
    terms_.push_back(std::move(term));
    return static_cast<std::uint32_t>(terms_.size() - 1);
  }
  void AddObject(std::uint32_t term) { refs_.push_back(term); }
  void EndCell() { offsets_.push_back(static_cast<std::uint32_t>(refs_.size())); }

 private:
  std::size_t predicates_;
  std::vector<Term> terms_;
  std::vector<std::uint32_t> offsets_;  // subjects * predicates + 1
  std::vector<std::uint32_t> refs_;
};

class Store {
 public:
  // Opens (creating when needed) the store named by `spec`. Returns a new
  // Store owned by the caller. Fails with kStoreError when the storage cannot
  // be opened, kInvalidArgument for a bad spec.
  static Result<std::unique_ptr<Store>> Open(std::string_view spec, const StoreOptions& options = {});

  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes `doc` as named graph doc.iri, replacing any graph of that IRI,
  // together with its catalog entry and its materialised RDFS inferences
  // (rdf:type / rdfs:subClassOf / rdfs:subPropertyOf closure against the
  // class hierarchy in the store plus the document). Either all of it is
  // written or, on failure, the previous state is restored.
  virtual Status Put(const GraphDocument& doc) = 0;

  // Put() for many documents in one batch (one sync); stops at the first
  // failure, leaving earlier documents written.
  virtual Status PutAll(const std::vector<GraphDocument>& docs) = 0;
  // PutAll() of documents the caller gives up: a store may normalise their
  // triples in place instead of copying them (a load of 1.2M triples holds
  // one copy, not two). `docs` is left valid but unspecified.
  virtual Status PutAllConsuming(std::vector<GraphDocument>&& docs) { return PutAll(docs); }

  // PutAll() for documents handed over one at a time, as an import reads
  // them: the store holds one document, not the batch (10,000 TDs took
  // 3.1 GB when gathered first). Every Put goes into one write; nothing is
  // seen by other readers before Commit, and a Batch destroyed without
  // Commit (or after a Put failed) writes nothing. A later document with
  // the IRI of an earlier one replaces it, as in PutAll. The LMDB engine
  // writes each document as it comes, under the write lock from BeginBatch
  // to Commit; the other stores gather the documents and PutAll them at
  // Commit.
  //
  // A document too large to hold (a load of 11M triples) comes in parts:
  // Put() with its first part, then Append() with each further part, whose
  // `more.triples` join the document's and whose `more.prefixes`, when not
  // empty, replace its prefixes (what the parse has declared so far). Its
  // RDFS closure, derived needs, catalog entry and declared-terms check
  // are those of the whole document.
  class Batch {
   public:
    virtual ~Batch() = default;
    virtual Status Put(GraphDocument&& doc) = 0;
    virtual Status Append(GraphDocument&& more) = 0;
    virtual Status Commit() = 0;
  };
  virtual Result<std::unique_ptr<Batch>> BeginBatch();

  // Removes a named graph, its inferences and its catalog entry. kNotFound
  // when no such graph exists.
  virtual Status Drop(std::string_view graph_iri) = 0;

  // The catalog, sorted by IRI.
  virtual Result<std::vector<GraphInfo>> Graphs() = 0;
  // One catalog entry plus its original text (empty when none was kept).
  virtual Result<GraphDocument> Get(std::string_view graph_iri, bool with_triples) = 0;

  // Runs a SPARQL query (Rasqal) over the union of all graphs.
  virtual Result<QueryResult> Query(std::string_view sparql) = 0;

  // Triples of every graph (graph IRI alongside), for export.
  struct Quad {
    Triple triple;
    std::string graph;
  };
  virtual Result<std::vector<Quad>> AllQuads() = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Rewrites the store's file with full pages and no free ones (LMDB's
  // compacting copy, swapped in atomically) and returns its size before and
  // after, in bytes. Only the on-disk LMDB store compacts (the others return
  // kUnsupported), and only when no other process has it open (kStoreError
  // then, the store untouched).
  struct Compaction {
    std::int64_t bytes_before = 0, bytes_after = 0;
  };
  virtual Result<Compaction> Compact() { return Unsupported("only the embedded on-disk store (DIR) compacts"); }

  // The objects of (subject, predicate) over the union of all graphs: one
  // index lookup. Used to evaluate single-pattern OPTIONALs outside Rasqal.
  virtual Result<std::vector<Term>> Objects(const Term& subject, const std::string& predicate) = 0;
  // Objects() for many subjects and predicates, as an ObjectTable (each
  // distinct object decoded once). The LMDB engine answers all in one
  // snapshot, with one index range per subject.
  // The subjects are pointed at, not copied: a candidate list of a million
  // devices is a million IRIs already held in the caller's rows.
  // `subject_ids`, when not empty, holds this store's ids of the subjects
  // (QueryResult::term_ids of one of its results; 0: unknown), used instead
  // of looking each subject's text up.
  virtual Result<ObjectTable> ObjectsOfMany(std::span<const Term* const> subjects,
                                            const std::vector<std::string>& predicates,
                                            std::span<const std::uint64_t> subject_ids);
  Result<ObjectTable> ObjectsOfMany(const std::vector<Term>& subjects, const std::vector<std::string>& predicates) {
    std::vector<const Term*> pointers;
    pointers.reserve(subjects.size());
    for (const Term& s : subjects) pointers.push_back(&s);
    return ObjectsOfMany(std::span<const Term* const>(pointers), predicates, {});
  }

  // How many triples of the union match (s, p, o); an empty optional is a
  // wildcard. The LMDB engine counts index keys without reading terms; the
  // others run a SPARQL COUNT.
  virtual Result<std::int64_t> Count(const std::optional<Term>& subject, const std::optional<Term>& predicate,
                                     const std::optional<Term>& object);

  // Warnings gathered since the last call (e.g. Redland notices).
  virtual std::vector<std::string> TakeWarnings() = 0;

  // Bounds later Query() calls to `milliseconds` (0: no bound). Past it the
  // query stops and Query returns kDeadlineExceeded: the LMDB engine checks
  // the deadline where Rasqal reads triples (every scan ends), Virtuoso is
  // told the bound and stops the query itself. The hashes stores cannot stop
  // a query and ignore the bound.
  virtual void SetQueryTimeout(std::int64_t /*milliseconds*/) {}
  // Whether SetQueryTimeout is kept (the LMDB engine, Virtuoso): a caller
  // may then run a bounded query on its own thread.
  virtual bool StopsQueriesAtDeadline() const { return false; }

  // Bounds the rows of later Query() results to `rows` (0: no bound). Past
  // it the query stops and Query returns kInvalidArgument saying so: the
  // LMDB engine checks as it makes rows, so a cross product stops at the
  // bound instead of filling memory until its time bound (one query of
  // four patterns over 1,426 triples had grown the server to 1.1 GB in
  // 2 s). The other stores ignore it.
  virtual void SetQueryRowLimit(std::int64_t /*rows*/) {}
  // Bounds the memory the values of later Query() results take to `bytes`
  // (0: no bound; each value counts its strings and its slot), the same
  // way: rows bound how many values, not how large (a long literal that a
  // cross product repeats). The other stores ignore it.
  virtual void SetQueryByteLimit(std::int64_t /*bytes*/) {}

  // One store shared by threads that take turns under the caller's lock
  // (tinykg serve): a long Query() calls `yield` every few milliseconds of
  // work, between two reads and never inside a write, with its own read
  // snapshot and deadline put aside until `yield` returns. `yield` may let
  // other threads use the store meanwhile (release the lock, take it back);
  // the query then goes on in its snapshot. Only queries yield: Get, Put
  // and the other calls run whole. The LMDB engine yields; the hashes
  // stores and Virtuoso ignore it. Null: never yield.
  virtual void SetQueryYield(std::function<void()> /*yield*/) {}

  // Whether the engine evaluates OPTIONAL well by itself; RunQuery evaluates
  // simple OPTIONALs client-side (one Objects() call per row) only when not.
  virtual bool EvaluatesOptionalsNatively() const { return false; }

 protected:
  Store() = default;
};

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_STORE_H_
