// The Store on tinykg's LMDB engine (the default, and memory:). Writes go to
// the engine directly, one LMDB transaction per batch; SPARQL runs in Rasqal
// over the engine as a Redland storage module (lmdb_storage.h) that shows
// the union of all graphs as a set, inside one read snapshot per query, with
// the query's deadline checked wherever the engine reads triples.
#include "lmdb_store.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <map>
#include <set>
#include <utility>
#include <unordered_map>

#include "catalog.h"
#include "lmdb_engine.h"
#include "lmdb_query.h"
#include "lmdb_storage.h"
#include "published_needs.h"
#include "rdfs.h"
#include "redland_handles.h"
#include "tinykg/base/text.h"
#include "tinykg/rdf/namespaces.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {

namespace {

class LmdbStore final : public Store {
 public:
  static Result<std::unique_ptr<LmdbStore>> Create(const LmdbEngine::Options& engine_options) {
    std::unique_ptr<LmdbStore> store(new LmdbStore());
    store->world_ = World::Create();
    if (!store->world_) return StoreError("cannot create a librdf world");
    TINYKG_ASSIGN_OR_RETURN(store->engine_, LmdbEngine::Open(engine_options));
    RegisterLmdbStorage(store->world_->get());
    store->storage_ = NewLmdbStorage(store->world_->get(), store->engine_.get(), false);
    if (!store->storage_) return store->world_->ErrorStatus(StatusCode::kStoreError, engine_options.dir,
                                                           "cannot open the tinykg-lmdb storage");
    store->model_.reset(librdf_new_model(store->world_->get(), store->storage_.get(), nullptr));
    if (!store->model_) return StoreError("cannot create a Redland model");
    // The same engine seen with its named graphs, for queries with GRAPH:
    // librdf hands Rasqal every context of a model that has contexts as a
    // named data graph, and Rasqal's GRAPH ranges over those only (on the
    // model above, GRAPH ?g matched nothing). Not the default model: that
    // list is built for every query (one entry per TD: 1,000,000 at fleet
    // size), and the default graph stays the union either way (patterns
    // outside GRAPH read the deduplicated triple indexes).
    store->graph_storage_ = NewLmdbStorage(store->world_->get(), store->engine_.get(), true);
    if (store->graph_storage_) {
      store->graph_model_.reset(librdf_new_model(store->world_->get(), store->graph_storage_.get(), nullptr));
    }
    if (!store->graph_model_) return StoreError("cannot create the Redland model of named graphs");
    return store;
  }

  ~LmdbStore() override {
    graph_model_.reset();
    graph_storage_.reset();
    model_.reset();
    storage_.reset();
    engine_.reset();
  }

  LmdbEngine& engine() { return *engine_; }

  Status Put(const GraphDocument& doc) override { return PutAll({doc}); }

  Status PutAll(const std::vector<GraphDocument>& docs) override {
    WriteBatch batch(*this);
    TINYKG_RETURN_IF_ERROR(batch.Begin());
    for (const auto& doc : docs) TINYKG_RETURN_IF_ERROR(batch.Put(GraphDocument(doc)));
    return batch.Commit();
  }

  Status PutAllConsuming(std::vector<GraphDocument>&& docs) override {
    WriteBatch batch(*this);
    TINYKG_RETURN_IF_ERROR(batch.Begin());
    for (auto& doc : docs) TINYKG_RETURN_IF_ERROR(batch.Put(std::move(doc)));
    return batch.Commit();
  }

  Result<std::unique_ptr<Store::Batch>> BeginBatch() override {
    auto batch = std::make_unique<WriteBatch>(*this);
    TINYKG_RETURN_IF_ERROR(batch->Begin());
    return std::unique_ptr<Store::Batch>(std::move(batch));
  }

  Status Drop(std::string_view graph_iri) override {
    std::string iri(graph_iri);
    TINYKG_RETURN_IF_ERROR(CheckDroppableGraphIri(iri));
    TINYKG_RETURN_IF_ERROR(engine_->BeginWrite());
    Status s = DropInWrite(iri);
    if (!s.ok()) {
      engine_->Abort();
      return s;
    }
    return engine_->Commit();
  }

  Result<std::vector<GraphInfo>> Graphs() override { return engine_->AllCatalog(); }

  Result<GraphDocument> Get(std::string_view graph_iri, bool with_triples) override {
    std::string iri(graph_iri);
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    GraphDocument doc;
    TINYKG_ASSIGN_OR_RETURN(auto info, engine_->Catalog(iri, &doc.original_text));
    if (!info) return NotFound("no graph <" + iri + "> in the store");
    doc.iri = iri;
    doc.kind = info->kind;
    doc.source = info->source;
    doc.label = info->label;
    if (with_triples) {
      TINYKG_ASSIGN_OR_RETURN(doc.triples, GraphTriples(iri));
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
    // The bound as it is now: a thread that runs while this query yields
    // may set another.
    const std::int64_t bound_ms = timeout_ms_;
    const std::int64_t max_rows = row_limit_;
    const std::int64_t max_bytes = byte_limit_;
    YieldScope yielding(*engine_);
    if (engine_choice_ != EngineChoice::kRasqal) {
      Snapshot snapshot(*engine_);
      TINYKG_RETURN_IF_ERROR(snapshot.status);
      auto started = std::chrono::steady_clock::now();
      StartDeadline(started, bound_ms);
      auto result = EvaluateOnIndexes(*engine_, parser_, text, max_rows, blanks.added, max_bytes);
      if (auto expired = Expired(started, bound_ms)) return *expired;
      if (result) {
        KeepWarnings();
        if (result->ok()) DropVariables(result->value(), blanks.added);
        return std::move(*result);
      }
      if (engine_choice_ == EngineChoice::kIndexes) {
        world_->TakeErrors();
        return InvalidArgument(
            "TINYKG_QUERY_ENGINE=indexes: the query is not a basic graph pattern with filters the index "
            "evaluator runs (see src/rdf/lmdb_query.h)");
      }
    }
    world_->TakeErrors();
    QueryRewrite graph_rewrite;
    if (uses_graph) {
      TINYKG_ASSIGN_OR_RETURN(graph_rewrite, BindGroundPatternsInGraphs(text));
      text = std::move(graph_rewrite.text);
    }
    QueryPtr query(librdf_new_query(world_->get(), "sparql", nullptr,
                                    reinterpret_cast<const unsigned char*>(text.c_str()), nullptr));
    if (!query || world_->HasErrors()) {
      return world_->ErrorStatus(StatusCode::kInvalidArgument, "query", "SPARQL syntax error");
    }
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    auto started = std::chrono::steady_clock::now();
    StartDeadline(started, bound_ms);
    QueryResult out;
    std::vector<std::string> hidden = blanks.added;
    hidden.insert(hidden.end(), graph_rewrite.added.begin(), graph_rewrite.added.end());
    Status status = Run(uses_graph ? graph_model_.get() : model_.get(), query.get(), out, max_rows, max_bytes,
                        empty_template, hidden);
    if (auto expired = Expired(started, bound_ms)) return *expired;
    TINYKG_RETURN_IF_ERROR(status);
    DropVariables(out, graph_rewrite.added);
    DropVariables(out, blanks.added);
    KeepWarnings();
    return out;
  }

  // Rasqal's warnings about the query, but for projected variables no
  // pattern binds (RunQuery fills client-side OPTIONALs into those).
  void KeepWarnings() {
    for (auto& w : world_->TakeWarnings()) {
      if (w.find("was used but is not bound in the query") == std::string::npos) warnings_.push_back(std::move(w));
    }
  }

  Result<std::vector<Quad>> AllQuads() override {
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    std::vector<Quad> out;
    TINYKG_ASSIGN_OR_RETURN(auto graphs, engine_->GraphIds());
    std::unordered_map<TermId, Term> terms;
    auto term = [&](TermId id) -> Result<Term> {
      auto it = terms.find(id);
      if (it != terms.end()) return it->second;
      TINYKG_ASSIGN_OR_RETURN(Term t, engine_->TermOf(id));
      if (terms.size() > 1000000) terms.clear();
      terms.emplace(id, t);
      return t;
    };
    for (TermId g : graphs) {
      TINYKG_ASSIGN_OR_RETURN(Term graph, engine_->TermOf(g));
      QuadIds pattern;
      pattern.g = g;
      TINYKG_ASSIGN_OR_RETURN(auto scan, engine_->Find(pattern));
      QuadIds q;
      while (scan->Next(q)) {
        Quad quad;
        quad.graph = graph.value;
        TINYKG_ASSIGN_OR_RETURN(quad.triple.subject, term(q.s));
        TINYKG_ASSIGN_OR_RETURN(quad.triple.predicate, term(q.p));
        TINYKG_ASSIGN_OR_RETURN(quad.triple.object, term(q.o));
        out.push_back(std::move(quad));
      }
    }
    // The catalog, as the statements of graph urn:tinykg:catalog.
    TINYKG_ASSIGN_OR_RETURN(auto catalog, engine_->AllCatalog());
    for (const auto& info : catalog) {
      std::string text;
      TINYKG_RETURN_IF_ERROR(engine_->Catalog(info.iri, &text).status());
      for (auto& t : CatalogEntryTriples(info, text)) out.push_back(Quad{std::move(t), kCatalogGraph});
    }
    return out;
  }

  Result<Compaction> Compact() override { return engine_->Compact(); }

  Result<StoreStats> Stats() override {
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    StoreStats stats;
    stats.triples = engine_->triple_count();
    TINYKG_ASSIGN_OR_RETURN(auto graphs, engine_->AllCatalog());
    stats.graphs = static_cast<std::int64_t>(graphs.size());
    return stats;
  }

  Result<std::vector<Term>> Objects(const Term& subject, const std::string& predicate) override {
    TINYKG_ASSIGN_OR_RETURN(ObjectTable table, ObjectsOfMany({subject}, {predicate}));
    std::vector<Term> out;
    for (std::uint32_t ref : table.Of(0, 0)) out.push_back(table.terms()[ref]);
    return out;
  }

  using Store::ObjectsOfMany;
  Result<ObjectTable> ObjectsOfMany(std::span<const Term* const> subjects, const std::vector<std::string>& predicates,
                                    std::span<const std::uint64_t> subject_ids) override {
    const bool hinted = subject_ids.size() == subjects.size();
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    ObjectTable out(predicates.size());
    // Predicate id -> its index in `predicates` (a predicate may be asked
    // twice: every index gets the objects).
    std::vector<std::pair<TermId, size_t>> wanted;
    for (size_t i = 0; i < predicates.size(); ++i) {
      TINYKG_ASSIGN_OR_RETURN(auto p, engine_->Find(Term::Iri(NormalizeIri(predicates[i]))));
      if (p) wanted.emplace_back(*p, i);
    }
    std::sort(wanted.begin(), wanted.end());
    const bool one = wanted.size() == 1;
    std::unique_ptr<LmdbEngine::Scan> scan;
    TermCache terms(*engine_);
    // Term id -> its index in out.terms(), direct-mapped: values that repeat
    // (classes, cores, sensor kinds) are added once; a value evicted and met
    // again is added twice, which costs a copy and changes nothing.
    constexpr size_t kRefSlots = 1 << 12;
    std::vector<std::pair<TermId, std::uint32_t>> ref_of(kRefSlots, {0, 0});
    std::vector<std::pair<size_t, std::uint32_t>> found;  // (predicate index, ref) of one subject
    for (size_t i = 0; i < subjects.size(); ++i) {
      found.clear();
      std::optional<TermId> s;
      if (wanted.empty()) {
      } else if (hinted && subject_ids[i] != 0) {
        // An id from one of this store's results. Ids are never given to
        // another term (next-id only grows), so a subject removed since has
        // no triples under it, as a lookup of its text would have found.
        s = subject_ids[i];
      } else {
        TINYKG_ASSIGN_OR_RETURN(s, engine_->Find(*subjects[i]));
      }
      if (s) {
        // One predicate: its (s, p) range; several: the subject's whole range.
        QuadIds pattern;
        pattern.s = *s;
        if (one) pattern.p = wanted.front().first;
        if (!scan) {
          TINYKG_ASSIGN_OR_RETURN(scan, engine_->Find(pattern));
        } else {
          TINYKG_RETURN_IF_ERROR(engine_->Refind(*scan, pattern));
        }
        QuadIds q;
        while (scan->Next(q)) {
          auto it = std::lower_bound(wanted.begin(), wanted.end(), std::pair<TermId, size_t>(q.p, 0));
          if (it == wanted.end() || it->first != q.p) continue;
          auto& slot = ref_of[q.o & (kRefSlots - 1)];
          if (slot.first != q.o) {
            if (IsInlineId(q.o)) {
              TINYKG_ASSIGN_OR_RETURN(Term o, engine_->TermOf(q.o));
              slot = {q.o, out.AddTerm(std::move(o))};
            } else {
              const Term* o = terms.Get(q.o);
              if (!o) return StoreError("term " + std::to_string(q.o) + " is missing from the store");
              slot = {q.o, out.AddTerm(*o)};
            }
          }
          for (; it != wanted.end() && it->first == q.p; ++it) found.emplace_back(it->second, slot.second);
        }
        // By predicate, index order kept within one: an insertion sort, as
        // a subject has a dozen values (std::stable_sort allocated a buffer
        // per subject).
        for (size_t a = 1; a < found.size(); ++a) {
          auto v = found[a];
          size_t b = a;
          for (; b > 0 && found[b - 1].first > v.first; --b) found[b] = found[b - 1];
          found[b] = v;
        }
      }
      size_t k = 0;
      for (size_t p = 0; p < predicates.size(); ++p) {
        for (; k < found.size() && found[k].first == p; ++k) out.AddObject(found[k].second);
        out.EndCell();
      }
    }
    return out;
  }

  Result<std::int64_t> Count(const std::optional<Term>& subject, const std::optional<Term>& predicate,
                             const std::optional<Term>& object) override {
    Snapshot snapshot(*engine_);
    TINYKG_RETURN_IF_ERROR(snapshot.status);
    QuadIds pattern;
    for (auto [term, id] : {std::pair<const std::optional<Term>*, TermId*>{&subject, &pattern.s},
                            {&predicate, &pattern.p}, {&object, &pattern.o}}) {
      if (!*term) continue;
      Term t = term->value();
      if (t.is_iri()) NormalizeIriInPlace(t.value);
      TINYKG_ASSIGN_OR_RETURN(auto found, engine_->Find(t));
      if (!found) return std::int64_t{0};
      *id = *found;
    }
    if (!pattern.s && !pattern.p && !pattern.o) return engine_->triple_count();
    TINYKG_ASSIGN_OR_RETURN(auto scan, engine_->Find(pattern));
    return scan->CountRest();
  }

  std::vector<std::string> TakeWarnings() override {
    std::vector<std::string> out = std::move(warnings_);
    warnings_.clear();
    for (auto& w : world_->TakeWarnings()) out.push_back(std::move(w));
    return out;
  }

  void SetQueryTimeout(std::int64_t milliseconds) override { timeout_ms_ = milliseconds; }
  bool StopsQueriesAtDeadline() const override { return true; }
  void SetQueryRowLimit(std::int64_t rows) override { row_limit_ = rows; }
  void SetQueryByteLimit(std::int64_t bytes) override { byte_limit_ = bytes; }

  // The engine hands itself on. The world's messages so far are this
  // query's and stay aside meanwhile; so do the bounds its caller set: a
  // thread that runs meanwhile starts from no bound (it sets its own), and
  // this one gets its own back.
  void SetQueryYield(std::function<void()> yield) override {
    if (!yield) return engine_->SetYield(nullptr);
    engine_->SetYield([this, yield = std::move(yield)] {
      auto mine = world_->TakeMessages();
      const std::int64_t timeout_ms = std::exchange(timeout_ms_, 0);
      const std::int64_t row_limit = std::exchange(row_limit_, 0);
      const std::int64_t byte_limit = std::exchange(byte_limit_, 0);
      yield();
      timeout_ms_ = timeout_ms;
      row_limit_ = row_limit;
      byte_limit_ = byte_limit;
      world_->PutBackMessages(std::move(mine));
    });
  }
  void AddWarning(std::string text) { warnings_.push_back(std::move(text)); }

  // Writes graphs as they were stored elsewhere (migration): quads and
  // catalog entries as given, no normalisation, no inferences.
  Status PutRaw(const std::map<std::string, std::vector<Triple>>& graphs,
                const std::vector<std::pair<GraphInfo, std::string>>& catalog) {
    TINYKG_RETURN_IF_ERROR(engine_->BeginWrite());
    Status s;
    for (const auto& [iri, triples] : graphs) {
      s = engine_->AddToGraph(iri, triples).status();
      if (!s.ok()) break;
    }
    for (size_t i = 0; s.ok() && i < catalog.size(); ++i) s = engine_->PutCatalog(catalog[i].first, catalog[i].second);
    if (!s.ok()) {
      engine_->Abort();
      return s;
    }
    return engine_->Commit();
  }

 private:
  // A read snapshot for the duration of a call (inside a write, the write).
  struct Snapshot {
    explicit Snapshot(LmdbEngine& e) : engine(e), status(e.BeginRead()) {}
    ~Snapshot() {
      if (status.ok()) engine.EndRead();
    }
    LmdbEngine& engine;
    Status status;
  };

  LmdbStore() = default;

  // A write of documents one at a time (Put, PutAll, BeginBatch): one
  // engine write transaction from Begin to Commit. Each document's quads,
  // RDFS closure and catalog entry are written when it comes, against the
  // class hierarchy of the store plus the batch so far; when a later
  // document adds hierarchy edges, Commit works out the closures of the
  // earlier ones again, so the batch ends as if the whole hierarchy had
  // been known from the start. Undeclared terms are looked for as documents
  // come and reported at Commit (less the terms an ontology of the batch
  // declares).
  class WriteBatch final : public Store::Batch {
   public:
    explicit WriteBatch(LmdbStore& store) : store_(store) {}
    ~WriteBatch() override {
      if (open_) store_.engine_->Abort();
    }

    Status Begin() {
      TINYKG_RETURN_IF_ERROR(store_.engine_->BeginWrite());
      open_ = true;
      // Read inside the write, so another process's ontology change is seen.
      return Fail(store_.LoadHierarchy(staged_));
    }

    Status Put(GraphDocument&& doc) override {
      if (!open_) return Internal("the batch is no longer open (a write failed or it was committed)");
      if (doc.iri.empty()) return Fail(InvalidArgument("a graph needs an IRI", {doc.source}));
      // The last line of defence: every caller checks user IRIs already.
      TINYKG_RETURN_IF_ERROR(Fail(CheckUserGraphIri(doc.iri)));
      TINYKG_RETURN_IF_ERROR(Fail(FinishDocument()));
      std::vector<Triple> first = std::move(doc.triples);
      doc.triples = {};
      LmdbEngine& engine = *store_.engine_;
      TINYKG_RETURN_IF_ERROR(Fail(engine.ClearGraph(doc.iri).status()));
      TINYKG_RETURN_IF_ERROR(Fail(engine.ClearGraph(InferredGraphOf(doc.iri)).status()));
      if (doc.kind != kKindOntology && !store_.declared_.valid()) store_.LoadDeclared();
      current_ = std::move(doc);
      current_open_ = true;
      written_.push_back(current_.iri);
      return Fail(WritePart(std::move(first)));
    }

    Status Append(GraphDocument&& more) override {
      if (!open_) return Internal("the batch is no longer open (a write failed or it was committed)");
      if (!current_open_ || more.iri != current_.iri) {
        return Fail(Internal("Append() continues the document of the last Put()"));
      }
      if (!more.prefixes.empty()) current_.prefixes = std::move(more.prefixes);
      return Fail(WritePart(std::move(more.triples)));
    }

    Status Commit() override {
      if (!open_) return Internal("the batch is no longer open (a write failed or it was committed)");
      TINYKG_RETURN_IF_ERROR(Fail(FinishDocument()));
      if (recompute_) TINYKG_RETURN_IF_ERROR(Fail(RecomputeClosures()));
      open_ = false;
      TINYKG_RETURN_IF_ERROR(store_.engine_->Commit());
      if (ontology_) {
        store_.declared_.Invalidate();
        store_.LoadDeclared();
        std::erase_if(undeclared_, [this](const auto& finding) { return store_.declared_.Declares(finding.first); });
      }
      DeclaredTerms::AppendWarnings(undeclared_, store_.warnings_);
      return Status::Ok();
    }

   private:
    // A failed step ends the batch: nothing of it is written.
    Status Fail(Status s) {
      if (!s.ok() && open_) {
        store_.engine_->Abort();
        open_ = false;
      }
      return s;
    }

    // A part of the current document: its quads and their closure against
    // the hierarchy so far, written now; what feeds the published needs and
    // the declared-terms check kept for FinishDocument.
    Status WritePart(std::vector<Triple>&& part) {
      bool edges = false;
      for (auto& t : part) {
        NormalizeInGraph(t, current_.iri);
        if (!t.predicate.is_iri() || t.subject.is_literal()) {
          return InvalidData("not an RDF triple: " + t.ToNTriples(), {current_.source});
        }
        edges = staged_.Add(t) || edges;
        if (FeedsPublishedNeeds(t)) needs_input_.push_back(t);
      }
      // Edges change the closure of what is written: of earlier documents,
      // and of this one's earlier parts.
      if (edges && (written_.size() > 1 || current_count_ > 0)) recompute_ = true;
      std::vector<Triple> entailed;
      staged_.AppendClosure(part, entailed);
      std::vector<std::int64_t> added;
      TINYKG_RETURN_IF_ERROR(store_.engine_->AddToGraphs(
          {{current_.iri, &part}, {InferredGraphOf(current_.iri), &entailed}}, added));
      current_count_ += added[0];
      if (current_.kind != kKindOntology) check_.Add(store_.declared_, part);
      return Status::Ok();
    }

    // The end of the current document: its published needs (from the whole
    // document), its catalog entry and its declared-terms findings.
    Status FinishDocument() {
      if (!current_open_) return Status::Ok();
      current_open_ = false;
      std::vector<Triple> needs = PublishedModelNeeds(needs_input_);
      needs_input_.clear();
      if (!needs.empty()) {
        std::vector<std::int64_t> added;
        TINYKG_RETURN_IF_ERROR(store_.engine_->AddToGraphs({{InferredGraphOf(current_.iri), &needs}}, added));
      }
      TINYKG_RETURN_IF_ERROR(store_.engine_->PutCatalog(CatalogInfo(current_, current_count_), current_.original_text));
      current_count_ = 0;
      if (current_.kind == kKindOntology) {
        ontology_ = true;
      } else {
        check_.Finish(current_, undeclared_);
      }
      return Status::Ok();
    }

    Status RecomputeClosures() {
      std::set<std::string> done;
      for (const std::string& iri : written_) {
        if (!done.insert(iri).second) continue;
        TINYKG_ASSIGN_OR_RETURN(std::vector<Triple> triples, store_.GraphTriples(iri));
        const std::string inferred_iri = InferredGraphOf(iri);
        TINYKG_RETURN_IF_ERROR(store_.engine_->ClearGraph(inferred_iri).status());
        std::vector<Triple> entailed = staged_.Entailed(triples);
        std::vector<std::int64_t> added;
        TINYKG_RETURN_IF_ERROR(store_.engine_->AddToGraphs({{inferred_iri, &entailed}}, added));
      }
      return Status::Ok();
    }

    LmdbStore& store_;
    bool open_ = false;
    GraphDocument current_;            // the document being written (no triples)
    bool current_open_ = false;
    std::int64_t current_count_ = 0;   // its quads written so far
    std::vector<Triple> needs_input_;  // its triples that feed the published needs
    DeclaredTerms::DocumentCheck check_;
    Hierarchy staged_;
    std::vector<std::string> written_;  // graph IRIs, in order
    bool recompute_ = false;            // hierarchy edges came after the first document
    bool ontology_ = false;
    DeclaredTerms::Findings undeclared_;
  };

  Status DropInWrite(const std::string& iri) {
    TINYKG_ASSIGN_OR_RETURN(auto info, engine_->Catalog(iri, nullptr));
    if (!info) return NotFound("no graph <" + iri + "> in the store");
    TINYKG_RETURN_IF_ERROR(engine_->ClearGraph(iri).status());
    TINYKG_RETURN_IF_ERROR(engine_->ClearGraph(InferredGraphOf(iri)).status());
    TINYKG_RETURN_IF_ERROR(engine_->DeleteCatalog(iri));
    if (info->kind == kKindOntology) declared_.Invalidate();
    return Status::Ok();
  }

  Status LoadHierarchy(Hierarchy& hierarchy) {
    for (const char* name : {"subClassOf", "subPropertyOf"}) {
      Term predicate = Term::Iri(std::string(vocab::kRdfs) + name);
      TINYKG_ASSIGN_OR_RETURN(auto p, engine_->Find(predicate));
      if (!p) continue;
      QuadIds pattern;
      pattern.p = *p;
      TINYKG_ASSIGN_OR_RETURN(auto scan, engine_->Find(pattern));
      QuadIds q;
      while (scan->Next(q)) {
        TINYKG_ASSIGN_OR_RETURN(Term s, engine_->TermOf(q.s));
        TINYKG_ASSIGN_OR_RETURN(Term o, engine_->TermOf(q.o));
        hierarchy.Add(Triple{std::move(s), predicate, std::move(o)});
      }
    }
    return Status::Ok();
  }

  Result<std::vector<Triple>> GraphTriples(const std::string& iri) {
    std::vector<Triple> out;
    TINYKG_ASSIGN_OR_RETURN(auto g, engine_->Find(Term::Iri(iri)));
    if (!g) return out;
    QuadIds pattern;
    pattern.g = *g;
    TINYKG_ASSIGN_OR_RETURN(auto scan, engine_->Find(pattern));
    QuadIds q;
    while (scan->Next(q)) {
      Triple t;
      TINYKG_ASSIGN_OR_RETURN(t.subject, engine_->TermOf(q.s));
      TINYKG_ASSIGN_OR_RETURN(t.predicate, engine_->TermOf(q.p));
      TINYKG_ASSIGN_OR_RETURN(t.object, engine_->TermOf(q.o));
      out.push_back(std::move(t));
    }
    return out;
  }

  // The declared terms, from every ontology graph.
  void LoadDeclared() {
    auto graphs = Graphs();
    if (!graphs.ok()) {
      declared_.Reset();
      return;
    }
    declared_.Load(*graphs, [this](const std::string& iri) { return GraphTriples(iri); });
  }

  // Query() may yield inside this scope.
  struct YieldScope {
    explicit YieldScope(LmdbEngine& e) : engine(e), was(e.AllowYield(true)) {}
    ~YieldScope() { engine.AllowYield(was); }
    LmdbEngine& engine;
    bool was;
  };

  void StartDeadline(std::chrono::steady_clock::time_point started, std::int64_t bound_ms) {
    if (bound_ms > 0) {
      engine_->SetDeadline(started + std::chrono::milliseconds(bound_ms));
    } else {
      engine_->ClearDeadline();
    }
  }

  // The deadline-exceeded status when the query ran past its bound.
  std::optional<Status> Expired(std::chrono::steady_clock::time_point started, std::int64_t bound_ms) {
    bool expired = engine_->PastDeadline();
    engine_->ClearDeadline();
    if (!expired) return std::nullopt;
    world_->TakeErrors();
    world_->TakeWarnings();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return DeadlineExceeded("deadline exceeded: the query was stopped after " + std::to_string(ms.count()) +
                            " ms (its bound is " + std::to_string(bound_ms) + " ms)");
  }

  // `empty_template`: a CONSTRUCT with an empty template. Rasqal parses the
  // query when it runs it (a syntax error is reported here), but reads past
  // such a template when asked for the triples: that answer is the empty
  // graph.
  // `hidden`: helper columns dropped afterwards, not counted in the row bound.
  Status Run(librdf_model* model, librdf_query* query, QueryResult& out, std::int64_t max_rows,
             std::int64_t max_bytes, bool empty_template, const std::vector<std::string>& hidden) {
    QueryResultsPtr results(librdf_model_query_execute(model, query));
    if (!results || world_->HasErrors()) {
      return world_->ErrorStatus(StatusCode::kInvalidArgument, "query", "query failed");
    }
    if (empty_template) {
      out.kind = QueryResult::Kind::kGraph;
      return Status::Ok();
    }
    // A triple counts as 3 columns.
    const auto columns = [&] {
      if (!out.triples.empty()) return std::size_t{3};
      std::size_t n = 0;
      for (const auto& v : out.variables) n += std::find(hidden.begin(), hidden.end(), v) == hidden.end();
      return n;
    };
    const auto over = [&] {
      const auto n = static_cast<std::int64_t>(std::max(out.rows.size(), out.triples.size()));
      return max_rows > 0 && n > RowBound(max_rows, columns());
    };
    // The values' memory, counted as rows come.
    std::size_t rows_counted = 0, triples_counted = 0, bytes = 0;
    const auto too_large = [&] {
      if (max_bytes <= 0) return false;
      for (; rows_counted < out.rows.size(); ++rows_counted) {
        for (const auto& value : out.rows[rows_counted]) bytes += ResultValueBytes(value);
      }
      for (; triples_counted < out.triples.size(); ++triples_counted) {
        const Triple& t = out.triples[triples_counted];
        bytes += ResultValueBytes(t.subject) + ResultValueBytes(t.predicate) + ResultValueBytes(t.object);
      }
      return bytes > static_cast<std::size_t>(max_bytes);
    };
    TINYKG_RETURN_IF_ERROR(
        world_->Collect(results.get(), out, [&] { return engine_->CheckDeadline() || over() || too_large(); }));
    if (over()) return RowLimitExceeded(max_rows, columns());
    if (too_large()) return ResultBytesExceeded(max_bytes);
    return Status::Ok();
  }

  // Declared first, destroyed last.
  std::unique_ptr<World> world_;
  std::unique_ptr<LmdbEngine> engine_;
  StoragePtr storage_;
  ModelPtr model_;
  StoragePtr graph_storage_;  // the same engine with contexts: queries with GRAPH
  ModelPtr graph_model_;
  Hierarchy hierarchy_;
  DeclaredTerms declared_;
  std::vector<std::string> warnings_;
  std::int64_t timeout_ms_ = 0;
  std::int64_t row_limit_ = 0;
  std::int64_t byte_limit_ = 0;
  IndexQueryParser parser_;
  // Basic graph patterns run on the indexes (lmdb_query.h), the rest in
  // Rasqal. The environment variable TINYKG_QUERY_ENGINE=rasqal sends every
  // query to Rasqal, =indexes refuses what the index evaluator does not run
  // (the differential tests and benchmarks compare the two).
  enum class EngineChoice { kAuto, kRasqal, kIndexes };
  EngineChoice engine_choice_ = [] {
    const char* engine = std::getenv("TINYKG_QUERY_ENGINE");
    if (engine && std::string_view(engine) == "rasqal") return EngineChoice::kRasqal;
    if (engine && std::string_view(engine) == "indexes") return EngineChoice::kIndexes;
    return EngineChoice::kAuto;
  }();
};

}  // namespace

Result<std::unique_ptr<Store>> OpenLmdbStore(const StoreSpec& spec, const StoreOptions& options,
                                             const std::string& notice) {
  LmdbEngine::Options engine_options;
  engine_options.dir = spec.dir;
  engine_options.temporary = spec.kind == StoreSpec::Kind::kMemory;
  engine_options.lock_timeout_ms = options.lock_timeout_ms;
  engine_options.on_wait = options.on_wait;
  TINYKG_ASSIGN_OR_RETURN(auto store, LmdbStore::Create(engine_options));
  if (!notice.empty()) store->AddWarning(notice);
  return std::unique_ptr<Store>(std::move(store));
}

Status MigrateIntoLmdb(Store& from, const std::string& dir, std::int64_t* quads) {
  TINYKG_ASSIGN_OR_RETURN(auto all, from.AllQuads());
  std::map<std::string, std::vector<Triple>> graphs;
  std::map<std::string, std::pair<GraphInfo, std::string>> entries;
  for (auto& q : all) {
    if (q.graph == kCatalogGraph) {
      auto& [info, text] = entries[q.triple.subject.value];
      info.iri = q.triple.subject.value;
      ReadCatalogField(q.triple.predicate.value, q.triple.object.value, info);
      if (q.triple.predicate.value == std::string(vocab::kTkg) + "sourceText") text = q.triple.object.value;
      continue;
    }
    graphs[q.graph].push_back(std::move(q.triple));
  }
  std::vector<std::pair<GraphInfo, std::string>> catalog;
  for (auto& [iri, entry] : entries) catalog.push_back(std::move(entry));
  LmdbEngine::Options options;
  options.dir = dir;
  TINYKG_ASSIGN_OR_RETURN(auto store, LmdbStore::Create(options));
  *quads = static_cast<std::int64_t>(all.size());
  return store->PutRaw(graphs, catalog);
}

}  // namespace tinykg::rdf::internal
