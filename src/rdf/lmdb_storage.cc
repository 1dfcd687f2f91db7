#include "lmdb_storage.h"

#include <rdf_storage_module.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tinykg::rdf::internal {

namespace {

// Engines handed to librdf_new_storage_with_options by name: the options
// hash carries strings only.
std::mutex registry_mutex;
std::map<std::string, LmdbEngine*>& Registry() {
  static std::map<std::string, LmdbEngine*> engines;
  return engines;
}

constexpr size_t kNodeCacheSize = 1 << 18;

struct Instance {
  LmdbEngine* engine = nullptr;
  librdf_world* world = nullptr;
  bool contexts = false;
  // id -> node: the same terms come back row after row (predicates, types,
  // units). Ids are never reused, so entries never go stale.
  std::unordered_map<TermId, librdf_node*> nodes;

  ~Instance() { ClearNodes(); }
  void ClearNodes() {
    for (auto& [id, node] : nodes) librdf_free_node(node);
    nodes.clear();
  }

  // A new reference to the node of `id`, or null.
  librdf_node* Node(TermId id) {
    auto it = nodes.find(id);
    if (it != nodes.end()) return librdf_new_node_from_node(it->second);
    auto term = engine->TermOf(id);
    if (!term.ok()) return nullptr;
    librdf_node* node = NodeOf(*term);
    if (!node) return nullptr;
    if (nodes.size() >= kNodeCacheSize) ClearNodes();
    nodes.emplace(id, node);
    return librdf_new_node_from_node(node);
  }

  librdf_node* NodeOf(const Term& term) {
    const auto* value = reinterpret_cast<const unsigned char*>(term.value.c_str());
    switch (term.kind) {
      case TermKind::kIri: return librdf_new_node_from_uri_string(world, value);
      case TermKind::kBlank: return librdf_new_node_from_blank_identifier(world, value);
      case TermKind::kLiteral: {
        if (!term.language.empty()) {
          return librdf_new_node_from_typed_counted_literal(world, value, term.value.size(),
                                                            term.language.c_str(), term.language.size(), nullptr);
        }
        UriPtr datatype;
        if (!term.datatype.empty()) {
          datatype.reset(librdf_new_uri(world, reinterpret_cast<const unsigned char*>(term.datatype.c_str())));
        }
        return librdf_new_node_from_typed_counted_literal(world, value, term.value.size(), nullptr, 0,
                                                          datatype.get());
      }
    }
    return nullptr;
  }
};

Instance* Get(librdf_storage* storage) { return static_cast<Instance*>(librdf_storage_get_instance(storage)); }

// The id of a pattern node: 0 for a wildcard; false when the term is not in
// the store (nothing can match).
bool IdOf(Instance* inst, librdf_node* node, TermId& id) {
  id = 0;
  if (!node) return true;
  auto found = inst->engine->Find(World::TermOf(node));
  if (!found.ok() || !*found) return false;
  id = **found;
  return true;
}

// --- streams ---------------------------------------------------------------

struct StreamContext {
  Instance* inst = nullptr;
  std::unique_ptr<LmdbEngine::Scan> scan;
  QuadIds current;
  bool end = true;
  bool with_context = false;
  librdf_statement* statement = nullptr;
  librdf_node* context_node = nullptr;

  void Clear() {
    if (statement) librdf_free_statement(statement);
    if (context_node) librdf_free_node(context_node);
    statement = nullptr;
    context_node = nullptr;
  }
  // Moves to the next match and builds its statement.
  void Advance() {
    Clear();
    end = !scan || !scan->Next(current);
    if (end) return;
    librdf_node* s = inst->Node(current.s);
    librdf_node* p = inst->Node(current.p);
    librdf_node* o = inst->Node(current.o);
    if (!s || !p || !o) {
      if (s) librdf_free_node(s);
      if (p) librdf_free_node(p);
      if (o) librdf_free_node(o);
      end = true;
      return;
    }
    statement = librdf_new_statement_from_nodes(inst->world, s, p, o);
    if (with_context && current.g) context_node = inst->Node(current.g);
  }
};

int StreamIsEnd(void* ctx) { return static_cast<StreamContext*>(ctx)->end; }
int StreamNext(void* ctx) {
  auto* c = static_cast<StreamContext*>(ctx);
  c->Advance();
  return c->end;
}
void* StreamGet(void* ctx, int flags) {
  auto* c = static_cast<StreamContext*>(ctx);
  if (c->end) return nullptr;
  if (flags == LIBRDF_ITERATOR_GET_METHOD_GET_OBJECT) return c->statement;
  if (flags == LIBRDF_ITERATOR_GET_METHOD_GET_CONTEXT) return c->context_node;
  return nullptr;
}
void StreamFinished(void* ctx) {
  auto* c = static_cast<StreamContext*>(ctx);
  c->Clear();
  delete c;
}

librdf_stream* NewStream(Instance* inst, librdf_statement* pattern, librdf_node* context) {
  auto* c = new StreamContext();
  c->inst = inst;
  c->with_context = context != nullptr;
  QuadIds want;
  bool possible = true;
  if (pattern) {
    possible = IdOf(inst, librdf_statement_get_subject(pattern), want.s) &&
               IdOf(inst, librdf_statement_get_predicate(pattern), want.p) &&
               IdOf(inst, librdf_statement_get_object(pattern), want.o);
  }
  if (context) possible = possible && IdOf(inst, context, want.g);
  if (possible) {
    auto scan = inst->engine->Find(want);
    if (scan.ok()) c->scan = std::move(scan).value();
    c->Advance();
  }
  librdf_stream* stream = librdf_new_stream(inst->world, c, StreamIsEnd, StreamNext, StreamGet, StreamFinished);
  if (!stream) StreamFinished(c);
  return stream;
}

// --- contexts iterator ------------------------------------------------------------

struct ContextsIterator {
  Instance* inst = nullptr;
  std::vector<TermId> ids;
  size_t at = 0;
  librdf_node* node = nullptr;
  void Load() {
    if (node) librdf_free_node(node);
    node = at < ids.size() ? inst->Node(ids[at]) : nullptr;
  }
};

int ContextsIsEnd(void* ctx) {
  auto* c = static_cast<ContextsIterator*>(ctx);
  return c->at >= c->ids.size();
}
int ContextsNext(void* ctx) {
  auto* c = static_cast<ContextsIterator*>(ctx);
  ++c->at;
  c->Load();
  return c->at >= c->ids.size();
}
void* ContextsGet(void* ctx, int flags) {
  auto* c = static_cast<ContextsIterator*>(ctx);
  return flags == LIBRDF_ITERATOR_GET_METHOD_GET_OBJECT ? c->node : nullptr;
}
void ContextsFinished(void* ctx) {
  auto* c = static_cast<ContextsIterator*>(ctx);
  if (c->node) librdf_free_node(c->node);
  delete c;
}

// --- writes ------------------------------------------------------------------------

// Runs `write` in the open transaction, or in one of its own.
template <typename F>
int Write(Instance* inst, F write) {
  bool own = !inst->engine->writing();
  if (own && !inst->engine->BeginWrite().ok()) return 1;
  Status s = write();
  if (!s.ok()) {
    if (own) inst->engine->Abort();
    return 1;
  }
  if (own && !inst->engine->Commit().ok()) return 1;
  return 0;
}

int AddInContext(librdf_storage* storage, librdf_node* context, librdf_statement* statement) {
  Instance* inst = Get(storage);
  Triple t = World::TripleOf(statement);
  std::string graph = context ? World::TermOf(context).value : kDefaultGraph;
  return Write(inst, [&] { return inst->engine->AddQuad(t, graph); });
}

int RemoveInContext(librdf_storage* storage, librdf_node* context, librdf_statement* statement) {
  Instance* inst = Get(storage);
  Triple t = World::TripleOf(statement);
  std::string graph = context ? World::TermOf(context).value : kDefaultGraph;
  return Write(inst, [&] { return inst->engine->RemoveQuad(t, graph); });
}

// --- the factory ----------------------------------------------------------------------

int Init(librdf_storage* storage, const char* /*name*/, librdf_hash* options) {
  auto* inst = new Instance();
  inst->world = librdf_storage_get_world(storage);
  if (options) {
    char* key = librdf_hash_get(options, "engine");
    if (key) {
      std::lock_guard<std::mutex> lock(registry_mutex);
      auto it = Registry().find(key);
      if (it != Registry().end()) inst->engine = it->second;
      free(key);
    }
    inst->contexts = librdf_hash_get_as_boolean(options, "contexts") > 0;
    librdf_free_hash(options);
  }
  librdf_storage_set_instance(storage, inst);
  return inst->engine ? 0 : 1;
}

void Terminate(librdf_storage* storage) {
  delete Get(storage);
  librdf_storage_set_instance(storage, nullptr);
}

int Open(librdf_storage*, librdf_model*) { return 0; }
int Close(librdf_storage*) { return 0; }

int Size(librdf_storage* storage) {
  Instance* inst = Get(storage);
  std::int64_t n = inst->contexts ? inst->engine->quad_count() : inst->engine->triple_count();
  return n > 0x7FFFFFFF ? -1 : static_cast<int>(n);
}

int AddStatement(librdf_storage* storage, librdf_statement* statement) {
  return AddInContext(storage, nullptr, statement);
}

int AddStatements(librdf_storage* storage, librdf_stream* stream) {
  Instance* inst = Get(storage);
  return Write(inst, [&]() -> Status {
    for (; !librdf_stream_end(stream); librdf_stream_next(stream)) {
      Triple t = World::TripleOf(librdf_stream_get_object(stream));
      TINYKG_RETURN_IF_ERROR(inst->engine->AddQuad(t, kDefaultGraph));
    }
    return Status::Ok();
  });
}

int RemoveStatement(librdf_storage* storage, librdf_statement* statement) {
  return RemoveInContext(storage, nullptr, statement);
}

int ContainsStatement(librdf_storage* storage, librdf_statement* statement) {
  librdf_stream* stream = NewStream(Get(storage), statement, nullptr);
  if (!stream) return 0;
  int found = !librdf_stream_end(stream);
  librdf_free_stream(stream);
  return found;
}

librdf_stream* Serialise(librdf_storage* storage) { return NewStream(Get(storage), nullptr, nullptr); }

librdf_stream* FindStatements(librdf_storage* storage, librdf_statement* pattern) {
  return NewStream(Get(storage), pattern, nullptr);
}

librdf_stream* FindInContext(librdf_storage* storage, librdf_statement* pattern, librdf_node* context) {
  return NewStream(Get(storage), pattern, context);
}

// The factory's find_statements_in_context. Its one caller is Rasqal's
// triple matcher in librdf (tinykg's own code reads a graph through
// context_serialise): rasqal_redland_init_triples_match makes a new node for
// the graph of a pattern inside GRAPH, passes it here and, in librdf
// 1.0.17 (the current release, Debian 12's; upstream's HEAD too), never frees it; its
// finish_triples_match frees only the stream and the statement. That leaked
// 56 bytes per pattern per named graph of every GRAPH query. The node is not
// used after this call (the stream resolves it to an id up front), so the
// storage frees it for those versions (a later release is left alone: at
// worst it leaks again, it cannot be freed twice).
librdf_stream* FindInContextForRasqal(librdf_storage* storage, librdf_statement* pattern, librdf_node* context) {
  librdf_stream* stream = FindInContext(storage, pattern, context);
  if (context && librdf_version_decimal <= 10017) librdf_free_node(context);
  return stream;
}

librdf_stream* ContextSerialise(librdf_storage* storage, librdf_node* context) {
  return FindInContext(storage, nullptr, context);
}

int ContextAddStatements(librdf_storage* storage, librdf_node* context, librdf_stream* stream) {
  Instance* inst = Get(storage);
  std::string graph = context ? World::TermOf(context).value : kDefaultGraph;
  return Write(inst, [&]() -> Status {
    for (; !librdf_stream_end(stream); librdf_stream_next(stream)) {
      TINYKG_RETURN_IF_ERROR(inst->engine->AddQuad(World::TripleOf(librdf_stream_get_object(stream)), graph));
    }
    return Status::Ok();
  });
}

int ContextRemoveStatements(librdf_storage* storage, librdf_node* context) {
  Instance* inst = Get(storage);
  std::string graph = context ? World::TermOf(context).value : kDefaultGraph;
  return Write(inst, [&] { return inst->engine->ClearGraph(graph).status(); });
}

librdf_iterator* GetContexts(librdf_storage* storage) {
  Instance* inst = Get(storage);
  auto* c = new ContextsIterator();
  c->inst = inst;
  auto ids = inst->engine->GraphIds();
  if (ids.ok()) c->ids = std::move(ids).value();
  c->Load();
  librdf_iterator* it =
      librdf_new_iterator(inst->world, c, ContextsIsEnd, ContextsNext, ContextsGet, ContextsFinished);
  if (!it) ContextsFinished(c);
  return it;
}

librdf_node* GetFeature(librdf_storage* storage, librdf_uri* feature) {
  Instance* inst = Get(storage);
  if (!feature) return nullptr;
  const char* uri = reinterpret_cast<const char*>(librdf_uri_as_string(feature));
  if (std::strcmp(uri, LIBRDF_MODEL_FEATURE_CONTEXTS) != 0) return nullptr;
  return librdf_new_node_from_typed_literal(inst->world,
                                            reinterpret_cast<const unsigned char*>(inst->contexts ? "1" : "0"),
                                            nullptr, nullptr);
}

int Sync(librdf_storage*) { return 0; }

int TransactionStart(librdf_storage* storage) { return Get(storage)->engine->BeginWrite().ok() ? 0 : 1; }
int TransactionCommit(librdf_storage* storage) { return Get(storage)->engine->Commit().ok() ? 0 : 1; }
int TransactionRollback(librdf_storage* storage) {
  Get(storage)->engine->Abort();
  return 0;
}

void Factory(librdf_storage_factory* f) {
  f->version = LIBRDF_STORAGE_INTERFACE_VERSION;
  f->init = Init;
  f->terminate = Terminate;
  f->open = Open;
  f->close = Close;
  f->size = Size;
  f->add_statement = AddStatement;
  f->add_statements = AddStatements;
  f->remove_statement = RemoveStatement;
  f->contains_statement = ContainsStatement;
  f->serialise = Serialise;
  f->find_statements = FindStatements;
  f->context_add_statement = AddInContext;
  f->context_remove_statement = RemoveInContext;
  f->context_serialise = ContextSerialise;
  f->sync = Sync;
  f->context_add_statements = ContextAddStatements;
  f->context_remove_statements = ContextRemoveStatements;
  f->find_statements_in_context = FindInContextForRasqal;
  f->get_contexts = GetContexts;
  f->get_feature = GetFeature;
  f->transaction_start = TransactionStart;
  f->transaction_commit = TransactionCommit;
  f->transaction_rollback = TransactionRollback;
}

}  // namespace

void RegisterLmdbStorage(librdf_world* world) {
  librdf_storage_register_factory(world, kLmdbStorageName, "tinykg quad store over LMDB", Factory);
}

StoragePtr NewLmdbStorage(librdf_world* world, LmdbEngine* engine, bool contexts) {
  char key[32];
  std::snprintf(key, sizeof key, "%p", static_cast<void*>(engine));
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    Registry()[key] = engine;
  }
  librdf_hash* options = librdf_new_hash(world, nullptr);
  if (!options) return nullptr;
  librdf_hash_put_strings(options, "engine", key);
  librdf_hash_put_strings(options, "contexts", contexts ? "yes" : "no");
  StoragePtr storage(librdf_new_storage_with_options(world, kLmdbStorageName, "tinykg", options));
  librdf_free_hash(options);
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    Registry().erase(key);
  }
  return storage;
}

}  // namespace tinykg::rdf::internal
