// Internal: tinykg's quad store over LMDB, the embedded storage engine under
// Redland (lmdb_storage.cc registers it as a librdf storage module) and the
// Store (lmdb_store.cc).
//
// Layout (one LMDB environment, the files data.mdb and lock.mdb in the store
// directory; named databases):
//   t2i   term bytes -> id             terms up to kMaxInlineTerm bytes
//   h2i   128-bit hash -> ids (dups)   longer terms (LMDB keys are <= 511 B)
//   i2t   id -> term bytes
//   refs  id -> quads (and catalog entries) naming the term; a term whose
//         count reaches 0 is deleted, so replacing a TD leaves no garbage
//   spo   s p o -> graphs holding the triple   \  the union of all graphs
//   pos   p o s                                 } as a set: SPARQL reads
//   osp   o s p                                 /  these, nothing is doubled
//   gspo  g s p o                               the named graphs
//   cat   graph id -> catalog entry (kind, source, label, load time, count)
//   text  graph id -> the document's original text (TD round trip)
//   meta  "version", "next-id", "triples", "quads"
// Ids are 8-byte big-endian integers, so keys sort as numbers and every
// triple pattern is a prefix range of one index. From format 2 on, an
// integer literal ("42"^^xsd:integer, canonical form, at most 18 digits) is
// not in the dictionary: its id is its value, tagged by the top bit and
// offset so that ids sort as the values do (see InlineId). A fleet's
// numbers (RAM, flash, clock per device) are mostly distinct, and they were
// half of the terms a load wrote into t2i, i2t and refs. Format 1 stores
// keep every term in the dictionary and are read and written as they are. Dropping or replacing a
// graph walks that graph's gspo range only: O(graph), whatever the store.
//
// Concurrency: readers run in LMDB read transactions (MVCC snapshots) and
// never wait, in this process or another. One writer at a time: a write
// takes `write.lock` (flock) first; a second writer reports who holds it
// and waits (up to the lock timeout). A write is one LMDB transaction:
// committed whole or not at all, crash-safe without a journal.
#ifndef TINYKG_RDF_LMDB_ENGINE_H_
#define TINYKG_RDF_LMDB_ENGINE_H_

#include <lmdb.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::rdf::internal {

using TermId = std::uint64_t;

// s, p, o, g ids; 0 is "unbound" in patterns and "no graph" in results.
struct QuadIds {
  TermId s = 0, p = 0, o = 0, g = 0;
};

// Ids of inlined integer literals: the top bit set, then value + 2^62.
constexpr TermId kInlineTag = TermId{1} << 63;
constexpr bool IsInlineId(TermId id) { return (id & kInlineTag) != 0; }
// The id of an integer literal that can be inlined (xsd:integer in
// canonical form: an optional '-', no leading zero, no "-0", 1-18 digits);
// nullopt for every other term.
std::optional<TermId> InlineId(const Term& term);
// The value an inline id stands for.
std::int64_t InlineValue(TermId id);

// A term's stored bytes: a kind letter, then for typed and language-tagged
// literals the datatype IRI or tag and a NUL, then the value.
std::string EncodeTerm(const Term& term);
void EncodeTermTo(const Term& term, std::string& out);  // into a reused buffer
Term DecodeTerm(std::string_view bytes);

class LmdbEngine {
 public:
  struct Options {
    std::string dir;         // the store directory (created when missing)
    bool temporary = false;  // memory: a private, unlinked environment, no fsync
    // Writers: how long to wait for another writer (<0: for ever), and
    // where to say that we wait.
    std::int64_t lock_timeout_ms = -1;
    std::function<void(const std::string&)> on_wait;
  };

  static Result<std::unique_ptr<LmdbEngine>> Open(const Options& options);
  ~LmdbEngine();
  LmdbEngine(const LmdbEngine&) = delete;
  LmdbEngine& operator=(const LmdbEngine&) = delete;

  // Whether `dir` holds an LMDB store.
  static bool Exists(const std::string& dir);

  // --- transactions --------------------------------------------------------
  // Readers: a snapshot for a series of reads (a query). Reads outside a
  // snapshot or write take a short snapshot of their own.
  Status BeginRead();
  void EndRead();
  // The writer: takes the write lock, then an LMDB write transaction. Reads
  // made while it is open see its changes.
  Status BeginWrite();
  Status Commit();
  void Abort();
  bool writing() const { return write_txn_ != nullptr; }

  // A query's deadline: scans stop (and expired() turns true) past it.
  void SetDeadline(std::chrono::steady_clock::time_point deadline) {
    deadline_ = deadline;
    has_deadline_ = true;
    expired_ = false;
  }
  void ClearDeadline() {
    has_deadline_ = false;
    expired_ = false;
  }
  bool expired() const { return expired_; }
  // True (and expired() set) once the deadline has passed. Inside
  // AllowYield, also where a query hands the engine on (below).
  bool CheckDeadline() {
    if ((has_deadline_ || may_yield_) && !expired_) Tick();
    return expired_;
  }
  // The same without yielding (a query that has ended).
  bool PastDeadline() {
    if (has_deadline_ && !expired_ && std::chrono::steady_clock::now() >= deadline_) expired_ = true;
    return expired_;
  }

  // --- one engine, several threads (tinykg serve) --------------------------
  // A thread that runs a long query holds the caller's lock all along (the
  // librdf world and this engine serve one thread at a time). With a yield
  // set, a query inside AllowYield(true) calls it every kYieldSlice of work,
  // between two reads, never inside a write: its reader state (snapshot,
  // deadline) is put aside first and restored after, so the threads that
  // run meanwhile (the caller's lock lets them) read and write as usual, and
  // the query goes on in its own snapshot.
  static constexpr std::chrono::microseconds kYieldSlice{250};
  void SetYield(std::function<void()> yield) {
    yield_ = std::move(yield);
    if (!yield_) may_yield_ = false;
  }
  // Returns the previous setting (for nesting).
  bool AllowYield(bool allow) {
    const bool was = may_yield_;
    may_yield_ = allow && static_cast<bool>(yield_);
    if (may_yield_ && !was) slice_start_ = std::chrono::steady_clock::now();
    return was;
  }

  // --- writes (inside BeginWrite/Commit) -----------------------------------
  // Removes every quad of graph `iri` (its catalog entry stays). Returns the
  // number removed.
  Result<std::int64_t> ClearGraph(const std::string& iri);
  // Adds triples (already normalised) to graph `iri`; duplicates within the
  // graph are kept once. Returns the number of new quads.
  Result<std::int64_t> AddToGraph(const std::string& iri, const std::vector<Triple>& triples);
  // Several graphs in one pass over the indexes (a batch, a document and its
  // inferences); added[i] is the number of new quads of graphs[i].
  Status AddToGraphs(const std::vector<std::pair<std::string, const std::vector<Triple>*>>& graphs,
                     std::vector<std::int64_t>& added);
  Status AddQuad(const Triple& triple, const std::string& graph);
  Status RemoveQuad(const Triple& triple, const std::string& graph);
  Status PutCatalog(const GraphInfo& info, const std::string& original_text);
  Status DeleteCatalog(const std::string& iri);

  // --- reads ---------------------------------------------------------------
  // Looks a term up without creating it (nullopt: not in the store).
  Result<std::optional<TermId>> Find(const Term& term);
  Result<Term> TermOf(TermId id);
  // The catalog entry of `iri` (with its original text when `with_text`).
  Result<std::optional<GraphInfo>> Catalog(const std::string& iri, std::string* original_text);
  Result<std::vector<GraphInfo>> AllCatalog();
  std::int64_t triple_count();
  std::int64_t quad_count();

  // A range scan for one pattern. With `pattern.g` set, the quads of that
  // graph (results carry g); else the union of all graphs as a set (g = 0).
  class Scan {
   public:
    ~Scan();
    Scan(const Scan&) = delete;
    Scan& operator=(const Scan&) = delete;
    // The next match, false at the end (or when the deadline passed).
    bool Next(QuadIds& out);
    // How many matches are left (Next until false), without decoding keys
    // when the pattern's bound terms are all in the index's key prefix (a
    // class's instances: stats counts a million devices).
    std::int64_t CountRest();

   private:
    friend class LmdbEngine;
    Scan() = default;
    LmdbEngine* engine_ = nullptr;
    MDB_txn* own_txn_ = nullptr;  // a snapshot of its own, when none was open
    MDB_cursor* cursor_ = nullptr;
    std::string prefix_;
    int order_[4] = {0, 1, 2, 3};  // key position -> s/p/o/g
    int key_terms_ = 3;
    QuadIds want_;
    bool started_ = false, done_ = false;
    std::uint32_t steps_ = 0;
  };
  Result<std::unique_ptr<Scan>> Find(const QuadIds& pattern);
  // Starts `scan` (from Find) again with another pattern, reusing its cursor
  // when the index is the same: a join's inner loop, one range per row.
  // Only within the transaction the scan was made in.
  Status Refind(Scan& scan, const QuadIds& pattern);
  // The ids of every graph with quads (gspo), in id order.
  Result<std::vector<TermId>> GraphIds();

  // --- maintenance -----------------------------------------------------------
  // Store::Compact: under the write lock and with LMDB's lock file held
  // exclusively (no other process has the store open, and none can open it
  // meanwhile), writes a compacting copy (mdb_env_copyfd2, MDB_CP_COMPACT)
  // beside data.mdb, syncs it, renames it over data.mdb and reopens.
  Result<Store::Compaction> Compact();

 private:
  LmdbEngine() = default;
  Status OpenEnv(const Options& options);
  Status LockWriter();
  void UnlockWriter();
  // The transaction reads run in: the writer's, the reader snapshot, or a
  // new short one (owned by the caller, returned in `owned`).
  Status ReadTxn(MDB_txn** txn, MDB_txn** owned);
  Result<TermId> Intern(const Term& term);
  Result<std::optional<TermId>> Lookup(MDB_txn* txn, const std::string& bytes);
  Status FlushRefs();
  // Writes the batch's pending pos and osp keys (AddToGraphs); a scan of
  // pos or osp, a removal and Commit call it first.
  Status FlushUnion();
  Status RepackIndexes();
  // The write transaction's cursor on `dbi` (opened on first use, closed
  // by Commit and Abort); null when LMDB cannot open one (`*rc` says why).
  MDB_cursor* WriteCursor(MDB_dbi dbi, int* rc);
  void CloseWriteCursors();
  // Puts a key of a run in ascending order through the write cursor:
  // LMDB finds a key that lands on the cursor's page there, without a
  // descent from the root (each level a search of the transaction's
  // dirty page list), and a key put at the end of a full page splits it
  // so that the old page stays full. MDB_KEYEXIST (then `value` holds the
  // stored value and the cursor is on it) when the key was there.
  int PutSorted(MDB_dbi dbi, MDB_val* key, MDB_val* value);
  Status RemoveIds(const QuadIds& q);
  // Inline ids have no dictionary entry to count.
  void Ref(TermId id, std::int64_t delta) {
    if (!IsInlineId(id)) ref_delta_[id] += delta;
  }
  // The id of `term` when the store inlines it (format 2 and InlineId).
  std::optional<TermId> Inlined(const Term& term) const {
    return inline_integers_ ? InlineId(term) : std::nullopt;
  }
  Status AddCounter(const char* name, std::int64_t delta);
  std::int64_t Counter(const char* name);

  Options options_;
  std::string dir_;
  MDB_env* env_ = nullptr;
  MDB_dbi t2i_ = 0, h2i_ = 0, i2t_ = 0, refs_ = 0, spo_ = 0, pos_ = 0, osp_ = 0, gspo_ = 0,
          cat_ = 0, text_ = 0, meta_ = 0;
  MDB_txn* write_txn_ = nullptr;
  MDB_txn* read_txn_ = nullptr;
  int read_depth_ = 0;
  int lock_fd_ = -1;
  // Compact's descriptor of lock.mdb: its fcntl locks are the process's,
  // released when any descriptor of the file closes, so it is closed only
  // after the environment.
  int compact_fd_ = -1;
  // Write-transaction caches: term bytes -> id, and reference count deltas
  // applied at commit.
  std::unordered_map<std::string, TermId> intern_cache_;
  std::unordered_map<TermId, std::int64_t> ref_delta_;
  // The batch's new triples (s, p, o) whose pos and osp keys are not
  // written yet, one vector per AddToGraphs (gathered into one at
  // FlushUnion: no vector grown by doubling over a whole load).
  using TripleKey = std::array<TermId, 3>;
  std::vector<std::vector<TripleKey>> pending_union_;
  std::string scratch_;  // Intern's encoding buffer
  std::array<MDB_cursor*, 32> write_cursors_{};  // by dbi, inside a write
  std::int64_t triple_delta_ = 0, quad_delta_ = 0;
  TermId next_id_ = 0;
  bool inline_integers_ = false;  // format 2
  bool has_deadline_ = false, expired_ = false;
  std::chrono::steady_clock::time_point deadline_;
  // Yielding (SetYield, AllowYield).
  void Tick();
  std::function<void()> yield_;
  bool may_yield_ = false;
  std::chrono::steady_clock::time_point slice_start_;
};

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_LMDB_ENGINE_H_
