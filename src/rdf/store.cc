// The Store on Redland's own `hashes` storage (hashes:DIR, hashes-memory:),
// the format before the LMDB engine: two `hashes` storages (BerkeleyDB on disk, or
// memory). The graph storage has contexts: it holds every named graph, the
// inferences of each, and the catalog. The query index has no contexts: it
// holds the union of all graphs as a set, and SPARQL runs on it. One index
// is needed because Rasqal returns a triple once per graph that holds it,
// and such duplicate rows break its OPTIONAL joins (measured: 48 rows for
// 18); a union default graph is a set in SPARQL anyway. Writes are transactions at file level: the
// database files are copied aside and a journal is written before the first
// change, and the journal is removed after librdf has synced. A process that
// dies mid-write leaves the journal behind; the next Open restores the
// copies, so every write is wholly present or wholly absent.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "catalog.h"
#include "redland_handles.h"
#include "rdfs.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/namespaces.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/vocab.h"
#include "lmdb_store.h"
#include "virtuoso_store.h"

namespace tinykg::rdf {

std::string InferredGraphOf(std::string_view graph_iri) {
  return "urn:tinykg:inferred:" + std::string(graph_iri);
}

namespace {

namespace fs = std::filesystem;
using internal::NodePtr;
using internal::StatementPtr;
using internal::StreamPtr;

const std::string kTkg = vocab::kTkg;
const std::string kRdfsLabel = std::string(vocab::kRdfs) + "label";
constexpr char kStorageName[] = "tinykg";
constexpr char kIndexName[] = "tinykg-index";
constexpr char kJournal[] = "journal";
constexpr char kBackupDir[] = "backup";

class RedlandStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Create(bool in_memory, std::string dir) {
    std::unique_ptr<RedlandStore> store(new RedlandStore());
    store->in_memory_ = in_memory;
    store->dir_ = std::move(dir);
    store->world_ = internal::World::Create();
    if (!store->world_) return StoreError("cannot create a librdf world");
    if (!in_memory) {
      std::error_code ec;
      fs::create_directories(store->dir_, ec);
      if (ec) return StoreError("cannot create store directory: " + ec.message(), {store->dir_});
      TINYKG_RETURN_IF_ERROR(store->Lock());
      TINYKG_RETURN_IF_ERROR(store->RecoverFromJournal());
    }
    TINYKG_RETURN_IF_ERROR(store->OpenStorage());
    TINYKG_RETURN_IF_ERROR(store->LoadHierarchy());
    return std::unique_ptr<Store>(std::move(store));
  }

  ~RedlandStore() override {
    CloseStorage();
    if (lock_fd_ >= 0) close(lock_fd_);
  }

  Status Put(const GraphDocument& doc) override { return PutAll({doc}); }

  Status PutAll(const std::vector<GraphDocument>& docs) override {
    // Everything that can fail on the input is checked before the store is
    // touched.
    std::vector<Prepared> prepared;
    prepared.reserve(docs.size());
    Hierarchy staged = hierarchy_;
    for (const auto& doc : docs) {
      if (doc.iri.empty()) return InvalidArgument("a graph needs an IRI", {doc.source});
      TINYKG_RETURN_IF_ERROR(CheckUserGraphIri(doc.iri));
      for (const auto& t : doc.triples) staged.Add(internal::NormalizedInGraph(t, doc.iri));
    }
    for (const auto& doc : docs) {
      Prepared p;
      TINYKG_RETURN_IF_ERROR(Prepare(doc, staged, p));
      prepared.push_back(std::move(p));
    }
    TINYKG_RETURN_IF_ERROR(BeginWrite());
    for (size_t i = 0; i < docs.size(); ++i) {
      Status s = WriteOne(docs[i], prepared[i]);
      if (!s.ok()) return AbortWrite(s);
    }
    TINYKG_RETURN_IF_ERROR(CommitWrite());
    hierarchy_ = std::move(staged);
    bool touched_ontology = false;
    for (const auto& doc : docs) touched_ontology |= doc.kind == kKindOntology;
    if (touched_ontology) declared_.Invalidate();
    if (!declared_.valid()) LoadDeclared();
    internal::DeclaredTerms::Findings undeclared;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (docs[i].kind != kKindOntology) declared_.Check(docs[i], prepared[i].used, undeclared);
    }
    internal::DeclaredTerms::AppendWarnings(undeclared, warnings_);
    return Status::Ok();
  }

  Status Drop(std::string_view graph_iri) override {
    std::string iri(graph_iri);
    TINYKG_RETURN_IF_ERROR(CheckDroppableGraphIri(iri));
    TINYKG_ASSIGN_OR_RETURN(GraphDocument old, Get(iri, false));  // kNotFound when absent
    TINYKG_RETURN_IF_ERROR(BeginWrite());
    Status s = RemoveGraph(iri);
    if (!s.ok()) return AbortWrite(s);
    TINYKG_RETURN_IF_ERROR(CommitWrite());
    TINYKG_RETURN_IF_ERROR(LoadHierarchy());
    if (old.kind == kKindOntology) declared_.Invalidate();
    return Status::Ok();
  }

  Result<std::vector<GraphInfo>> Graphs() override {
    std::map<std::string, GraphInfo> by_iri;
    TINYKG_ASSIGN_OR_RETURN(auto triples, ContextTriples(kCatalogGraph));
    for (const auto& t : triples) {
      if (!t.subject.is_iri()) continue;
      GraphInfo& g = by_iri[t.subject.value];
      g.iri = t.subject.value;
      internal::ReadCatalogField(t.predicate.value, t.object.value, g);
    }
    std::vector<GraphInfo> out;
    for (auto& [iri, info] : by_iri) out.push_back(std::move(info));
    return out;
  }

  Result<GraphDocument> Get(std::string_view graph_iri, bool with_triples) override {
    std::string iri(graph_iri);
    GraphDocument doc;
    doc.iri = iri;
    bool found = false;
    TINYKG_ASSIGN_OR_RETURN(auto entry, CatalogEntry(iri));
    for (const auto& st : entry) {
      Triple t = internal::World::TripleOf(st.get());
      found = true;
      internal::ReadCatalogField(t.predicate.value, t.object.value, doc);
    }
    if (!found) return NotFound("no graph <" + iri + "> in the store");
    if (with_triples) {
      TINYKG_ASSIGN_OR_RETURN(doc.triples, ContextTriples(iri));
    }
    return doc;
  }

  Result<QueryResult> Query(std::string_view sparql) override {
    std::string text = NormalizeNamespacesInText(sparql);
    // Rasqal leaks the name of each blank node of a pattern: written as
    // variables, before the check, which counts them.
    TINYKG_ASSIGN_OR_RETURN(QueryRewrite blanks, BlankNodesAsVariables(text));
    text = std::move(blanks.text);
    // And an aggregate only HAVING uses, per group: projected.
    TINYKG_ASSIGN_OR_RETURN(QueryRewrite having, RewriteHaving(text));
    text = std::move(having.text);
    blanks.added.insert(blanks.added.end(), having.added.begin(), having.added.end());
    bool empty_template = false, uses_graph = false;
    TINYKG_RETURN_IF_ERROR(CheckRasqalCanRun(text, &empty_template, &uses_graph));
    if (uses_graph) {
      // Rasqal's GRAPH needs a model with contexts, and here that is the
      // graph storage, where a triple outside GRAPH comes once per graph
      // that holds it (see above) and the catalog is a graph like the
      // others: the answers would be wrong.
      return Unsupported("GRAPH patterns are not answered on a hashes store (Redland's format before the LMDB "
                         "engine); use an LMDB store (DIR, lmdb:DIR or memory:)");
    }
    world_->TakeErrors();
    internal::QueryPtr query(librdf_new_query(world_->get(), "sparql", nullptr,
                                              reinterpret_cast<const unsigned char*>(text.c_str()),
                                              nullptr));
    if (!query || world_->HasErrors()) {
      return world_->ErrorStatus(StatusCode::kInvalidArgument, "query", "SPARQL syntax error");
    }
    internal::QueryResultsPtr results(librdf_model_query_execute(index_.get(), query.get()));
    if (!results || world_->HasErrors()) {
      return world_->ErrorStatus(StatusCode::kInvalidArgument, "query", "query failed");
    }
    QueryResult out;
    // Rasqal parses the query when it runs it (a syntax error is reported
    // above), but reads past an empty CONSTRUCT template when asked for the
    // triples: that answer is the empty graph.
    if (empty_template) {
      out.kind = QueryResult::Kind::kGraph;
      return out;
    }
    TINYKG_RETURN_IF_ERROR(world_->Collect(results.get(), out, nullptr));
    DropVariables(out, blanks.added);
    // Rasqal notes projected variables that no pattern binds; RunQuery binds
    // such variables itself (client-side OPTIONALs), so the note is noise.
    for (auto& w : world_->TakeWarnings()) {
      if (w.find("was used but is not bound in the query") == std::string::npos) {
        warnings_.push_back(std::move(w));
      }
    }
    return out;
  }

  Result<std::vector<Quad>> AllQuads() override {
    std::vector<Quad> out;
    StreamPtr stream(librdf_model_as_stream(model_.get()));
    if (!stream) return StoreErrorFromLog("cannot read the store");
    for (; !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
      Quad q;
      q.triple = internal::World::TripleOf(librdf_stream_get_object(stream.get()));
      auto* ctx = static_cast<librdf_node*>(librdf_stream_get_context2(stream.get()));
      if (ctx) q.graph = internal::World::TermOf(ctx).value;
      out.push_back(std::move(q));
    }
    return out;
  }

  Result<StoreStats> Stats() override {
    StoreStats stats;
    int size = librdf_model_size(index_.get());
    stats.triples = size;
    if (size < 0) {
      stats.triples = 0;
      StreamPtr stream(librdf_model_as_stream(index_.get()));
      for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) ++stats.triples;
    }
    TINYKG_ASSIGN_OR_RETURN(auto graphs, Graphs());
    stats.graphs = static_cast<std::int64_t>(graphs.size());
    return stats;
  }

  Result<std::vector<Term>> Objects(const Term& subject, const std::string& predicate) override {
    NodePtr s = world_->NewNode(subject);
    NodePtr p = world_->NewNode(Term::Iri(NormalizeIri(predicate)));
    if (!s || !p) return InvalidArgument("invalid subject or predicate");
    StatementPtr pattern(librdf_new_statement_from_nodes(world_->get(), s.release(), p.release(), nullptr));
    StreamPtr stream(librdf_model_find_statements(index_.get(), pattern.get()));
    std::vector<Term> out;
    for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
      out.push_back(internal::World::TermOf(librdf_statement_get_object(librdf_stream_get_object(stream.get()))));
    }
    return out;
  }

  std::vector<std::string> TakeWarnings() override {
    std::vector<std::string> out = std::move(warnings_);
    warnings_.clear();
    for (auto& w : world_->TakeWarnings()) out.push_back(std::move(w));
    return out;
  }

 private:
  using Hierarchy = internal::Hierarchy;

  struct Prepared {
    std::vector<StatementPtr> statements;  // the document, normalised
    std::vector<StatementPtr> inferred;
    std::vector<Triple> used;              // normalised, for the declared-terms check
  };

  RedlandStore() = default;

  Status Prepare(const GraphDocument& doc, const Hierarchy& hierarchy, Prepared& p) {
    std::vector<Triple> normal;
    normal.reserve(doc.triples.size());
    for (const auto& t : doc.triples) normal.push_back(internal::NormalizedInGraph(t, doc.iri));
    for (const auto& t : normal) {
      if (!t.predicate.is_iri() || t.subject.is_literal()) {
        return InvalidData("not an RDF triple: " + t.ToNTriples(), {doc.source});
      }
      StatementPtr st = world_->NewStatement(t);
      if (!st) return InvalidData("cannot store triple " + t.ToNTriples(), {doc.source});
      p.statements.push_back(std::move(st));
    }
    for (const auto& t : hierarchy.Entailed(normal)) {
      StatementPtr st = world_->NewStatement(t);
      if (st) p.inferred.push_back(std::move(st));
    }
    p.used = std::move(normal);
    return Status::Ok();
  }

  Status WriteOne(const GraphDocument& doc, const Prepared& p) {
    TINYKG_RETURN_IF_ERROR(RemoveGraph(doc.iri));
    NodePtr context = world_->NewNode(Term::Iri(doc.iri));
    NodePtr inferred = world_->NewNode(Term::Iri(InferredGraphOf(doc.iri)));
    NodePtr catalog = world_->NewNode(Term::Iri(kCatalogGraph));
    for (const auto& st : p.statements) {
      if (librdf_model_context_add_statement(model_.get(), context.get(), st.get()) != 0 ||
          librdf_model_add_statement(index_.get(), st.get()) != 0) {
        return StoreErrorFromLog("cannot add a statement to <" + doc.iri + ">");
      }
    }
    for (const auto& st : p.inferred) {
      if (librdf_model_context_add_statement(model_.get(), inferred.get(), st.get()) != 0 ||
          librdf_model_add_statement(index_.get(), st.get()) != 0) {
        return StoreErrorFromLog("cannot add an inferred statement");
      }
    }
    const auto entry = internal::CatalogEntryTriples(doc, static_cast<std::int64_t>(p.statements.size()));
    for (const auto& t : entry) {
      StatementPtr st = world_->NewStatement(t);
      if (!st || librdf_model_context_add_statement(model_.get(), catalog.get(), st.get()) != 0) {
        return StoreErrorFromLog("cannot write the catalog entry of <" + doc.iri + ">");
      }
    }
    return Status::Ok();
  }

  Status RemoveGraph(const std::string& iri) {
    std::vector<StatementPtr> removed;
    for (const std::string& ctx : {iri, InferredGraphOf(iri)}) {
      NodePtr node = world_->NewNode(Term::Iri(ctx));
      if (!node) return InvalidArgument("invalid graph IRI <" + ctx + ">");
      {
        StreamPtr stream(librdf_model_context_as_stream(model_.get(), node.get()));
        for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
          removed.emplace_back(librdf_new_statement_from_statement(librdf_stream_get_object(stream.get())));
        }
      }
      librdf_model_context_remove_statements(model_.get(), node.get());
    }
    // The index keeps a triple while any graph still holds it. (A fully
    // bound find is an index lookup; librdf_model_contains_statement scans
    // the whole storage when it has contexts.)
    for (const auto& st : removed) {
      if (!st) continue;
      StreamPtr still(librdf_model_find_statements(model_.get(), st.get()));
      if (!still || librdf_stream_end(still.get())) {
        librdf_model_remove_statement(index_.get(), st.get());
      }
    }
    // Catalog statements about the graph.
    NodePtr catalog = world_->NewNode(Term::Iri(kCatalogGraph));
    TINYKG_ASSIGN_OR_RETURN(auto doomed, CatalogEntry(iri));
    for (const auto& st : doomed) librdf_model_context_remove_statement(model_.get(), catalog.get(), st.get());
    return Status::Ok();
  }

  // The catalog statements about graph `iri`: one (subject, predicate)
  // index lookup per catalog predicate, keeping those in the catalog graph.
  // (A find with only the subject bound, or any find inside one context,
  // walks the whole catalog, original texts included: writes and reads of
  // one graph then grow with the number of graphs.)
  Result<std::vector<StatementPtr>> CatalogEntry(const std::string& iri) {
    NodePtr catalog = world_->NewNode(Term::Iri(kCatalogGraph));
    if (!world_->NewNode(Term::Iri(iri))) return InvalidArgument("invalid graph IRI <" + iri + ">");
    std::vector<StatementPtr> out;
    for (const std::string& predicate : {kTkg + "graphKind", kTkg + "loadedAt", kTkg + "tripleCount",
                                         kTkg + "source", kTkg + "sourceText", std::string(kRdfsLabel)}) {
      NodePtr s = world_->NewNode(Term::Iri(iri));
      NodePtr p = world_->NewNode(Term::Iri(predicate));
      StatementPtr pattern(librdf_new_statement_from_nodes(world_->get(), s.release(), p.release(), nullptr));
      StreamPtr stream(librdf_model_find_statements(model_.get(), pattern.get()));
      if (!stream) return StoreErrorFromLog("cannot read the catalog");
      for (; !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
        librdf_node* context = static_cast<librdf_node*>(librdf_stream_get_context2(stream.get()));
        if (!context || !librdf_node_equals(context, catalog.get())) continue;
        out.emplace_back(librdf_new_statement_from_statement(librdf_stream_get_object(stream.get())));
      }
    }
    return out;
  }

  Result<std::vector<Triple>> ContextTriples(const std::string& iri) {
    NodePtr context = world_->NewNode(Term::Iri(iri));
    if (!context) return InvalidArgument("invalid graph IRI <" + iri + ">");
    StreamPtr stream(librdf_model_context_as_stream(model_.get(), context.get()));
    std::vector<Triple> out;
    for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
      out.push_back(internal::World::TripleOf(librdf_stream_get_object(stream.get())));
    }
    return out;
  }

  Status StoreErrorFromLog(const std::string& fallback) {
    return world_->ErrorStatus(StatusCode::kStoreError, in_memory_ ? "" : dir_, fallback);
  }

  // --- storage, locking and transactions ---------------------------------

  Status Lock() {
    std::string path = dir_ + "/lock";
    lock_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return StoreError("cannot open the store lock", {path});
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      // Another tinykg holds the store; wait for it rather than failing.
      if (flock(lock_fd_, LOCK_EX) != 0) return StoreError("cannot lock the store", {path});
    }
    return Status::Ok();
  }

  // Options go to Redland as a hash, one value per key: a directory name is
  // a value, never parsed (a quote or comma in it cannot add options).
  Status OpenOne(const char* name, bool contexts, internal::StoragePtr& storage,
                 internal::ModelPtr& model) {
    librdf_hash* options = librdf_new_hash(world_->get(), nullptr);
    if (!options) return StoreError("cannot create a librdf hash");
    librdf_hash_put_strings(options, "contexts", contexts ? "yes" : "no");
    librdf_hash_put_strings(options, "index-predicates", "yes");
    if (in_memory_) {
      librdf_hash_put_strings(options, "hash-type", "memory");
    } else {
      bool exists = fs::exists(dir_ + "/" + name + "-sp2o.db");
      librdf_hash_put_strings(options, "hash-type", "bdb");
      librdf_hash_put_strings(options, "dir", dir_.c_str());
      if (!exists) librdf_hash_put_strings(options, "new", "yes");
    }
    storage.reset(librdf_new_storage_with_options(world_->get(), "hashes", name, options));
    librdf_free_hash(options);
    if (!storage) return StoreErrorFromLog(std::string("cannot open Redland hashes storage '") + name + "'");
    model.reset(librdf_new_model(world_->get(), storage.get(), nullptr));
    if (!model) return StoreErrorFromLog("cannot create a Redland model");
    return Status::Ok();
  }

  Status OpenStorage() {
    TINYKG_RETURN_IF_ERROR(OpenOne(kStorageName, true, storage_, model_));
    return OpenOne(kIndexName, false, index_storage_, index_);
  }

  void CloseStorage() {
    index_.reset();
    index_storage_.reset();
    model_.reset();
    storage_.reset();
  }

  std::vector<fs::path> DatabaseFiles() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".db") files.push_back(entry.path());
    }
    return files;
  }

  Status BeginWrite() {
    if (in_memory_) return Status::Ok();
    librdf_model_sync(model_.get());
    librdf_model_sync(index_.get());
    fs::path backup = fs::path(dir_) / kBackupDir;
    std::error_code ec;
    fs::remove_all(backup, ec);
    fs::create_directories(backup, ec);
    if (ec) return StoreError("cannot create the backup folder: " + ec.message(), {backup.string()});
    for (const auto& f : DatabaseFiles()) {
      fs::copy_file(f, backup / f.filename(), fs::copy_options::overwrite_existing, ec);
      if (ec) return StoreError("cannot back up " + f.string() + ": " + ec.message(), {dir_});
    }
    // The journal is written last: its presence means "the backup is whole
    // and the live files may be half-written".
    return WriteFileAtomic((fs::path(dir_) / kJournal).string(), "write in progress\n");
  }

  Status CommitWrite() {
    if (in_memory_) return Status::Ok();
    if (librdf_model_sync(model_.get()) != 0 || librdf_model_sync(index_.get()) != 0) {
      return AbortWrite(StoreErrorFromLog("sync failed"));
    }
    std::error_code ec;
    fs::remove(fs::path(dir_) / kJournal, ec);
    if (ec) return StoreError("cannot remove the journal: " + ec.message(), {dir_});
    fs::remove_all(fs::path(dir_) / kBackupDir, ec);
    return Status::Ok();
  }

  // Undo a failed write: put the backup back and reopen. Returns `cause`.
  Status AbortWrite(Status cause) {
    if (in_memory_) return cause;  // memory stores are checked before writing
    CloseStorage();
    Status restored = RecoverFromJournal();
    Status reopened = OpenStorage();
    if (!restored.ok()) return restored.WithContext(cause.ToString());
    if (!reopened.ok()) return reopened.WithContext(cause.ToString());
    return cause;
  }

  Status RecoverFromJournal() {
    fs::path journal = fs::path(dir_) / kJournal;
    if (!fs::exists(journal)) return Status::Ok();
    fs::path backup = fs::path(dir_) / kBackupDir;
    std::error_code ec;
    for (const auto& f : DatabaseFiles()) fs::remove(f, ec);
    for (const auto& entry : fs::directory_iterator(backup, ec)) {
      fs::copy_file(entry.path(), fs::path(dir_) / entry.path().filename(),
                    fs::copy_options::overwrite_existing, ec);
      if (ec) return StoreError("cannot restore " + entry.path().string() + ": " + ec.message(), {dir_});
    }
    fs::remove(journal, ec);
    fs::remove_all(backup, ec);
    warnings_.push_back("an interrupted write was rolled back (store " + dir_ + ")");
    return Status::Ok();
  }

  // --- RDFS hierarchy and declared terms ---------------------------------

  Status LoadHierarchy() {
    hierarchy_.Clear();
    for (const char* pred : {"subClassOf", "subPropertyOf"}) {
      NodePtr p = world_->NewNode(Term::Iri(std::string(vocab::kRdfs) + pred));
      StatementPtr pattern(librdf_new_statement_from_nodes(world_->get(), nullptr, p.release(), nullptr));
      StreamPtr stream(librdf_model_find_statements(index_.get(), pattern.get()));
      for (; stream && !librdf_stream_end(stream.get()); librdf_stream_next(stream.get())) {
        hierarchy_.Add(internal::World::TripleOf(librdf_stream_get_object(stream.get())));
      }
    }
    return Status::Ok();
  }

  // The declared terms, from every ontology graph.
  void LoadDeclared() {
    auto graphs = Graphs();
    if (!graphs.ok()) {
      declared_.Reset();
      return;
    }
    declared_.Load(*graphs, [this](const std::string& iri) { return ContextTriples(iri); });
  }

  bool in_memory_ = true;
  std::string dir_;
  int lock_fd_ = -1;
  // The world is declared first so that it is destroyed last.
  std::unique_ptr<internal::World> world_;
  internal::StoragePtr storage_;        // named graphs, inferences, catalog
  internal::ModelPtr model_;
  internal::StoragePtr index_storage_;  // union of all graphs, as a set
  internal::ModelPtr index_;
  Hierarchy hierarchy_;
  internal::DeclaredTerms declared_;
  std::vector<std::string> warnings_;
};

}  // namespace

namespace internal {

Result<std::unique_ptr<Store>> OpenHashesStore(bool in_memory, const std::string& dir) {
  return RedlandStore::Create(in_memory, dir);
}

}  // namespace internal

}  // namespace tinykg::rdf
