// Internals of the JSON-LD processor shared by its source files: the active
// context, term definitions and the error type used inside the algorithms.
//
// Inside the algorithms errors are thrown as JsonLdError (the recursion is
// deep and every step can fail); JsonLdProcessor catches them at its public
// entry points and returns a Status, so no exception leaves the module.
#ifndef TINYKG_TD_JSONLD_INTERNAL_H_
#define TINYKG_TD_JSONLD_INTERNAL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tinykg/td/jsonld.h"

namespace tinykg::td::internal {

class JsonLdError : public std::runtime_error {
 public:
  JsonLdError(std::string code, const std::string& detail)
      : std::runtime_error(code + (detail.empty() ? "" : ": " + detail)), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

[[noreturn]] inline void Fail(const char* code, const std::string& detail = {}) {
  throw JsonLdError(code, detail);
}

bool IsKeyword(std::string_view value);
// "@" followed by ALPHA only: reserved for future keywords, ignored.
bool HasKeywordForm(std::string_view value);

struct TermDefinition {
  std::optional<std::string> iri;  // nullopt: the term maps to null
  bool prefix = false;
  bool is_protected = false;
  bool reverse = false;
  std::optional<std::string> type;
  bool has_language = false;
  std::optional<std::string> language;  // when has_language: null or tag
  bool has_direction = false;
  std::optional<std::string> direction;
  std::vector<std::string> container;
  std::optional<std::string> index;
  std::optional<std::string> nest;
  std::shared_ptr<const Json> context;  // scoped context, null when none
  std::string base_url;                 // base for the scoped context

  bool HasContainer(std::string_view kind) const {
    for (const auto& c : container) {
      if (c == kind) return true;
    }
    return false;
  }
  // Equal except for the protected flag.
  bool SameAs(const TermDefinition& other) const;
};

struct Context;
using ContextPtr = std::shared_ptr<const Context>;

struct Context {
  std::unordered_map<std::string, std::shared_ptr<const TermDefinition>> terms;
  std::optional<std::string> base;  // nullopt: base IRI is null
  std::string original_base;
  std::optional<std::string> vocab;
  std::optional<std::string> default_language;
  std::optional<std::string> default_direction;
  ContextPtr previous;  // set by non-propagated (type-scoped) contexts
  bool has_protected = false;

  // A map key as a finished context reads it: its IRI expansion and its
  // term definition (null: none), found with one lookup.
  struct KeyInfo {
    std::optional<std::string> iri;
    const TermDefinition* def = nullptr;
    // What expansion does with the key's entry (from `iri`, found once):
    // drop it (null, or neither a keyword nor an IRI with ':'), read it as
    // a keyword, or expand it as a property.
    enum class Role : unsigned char { kDropped, kKeyword, kProperty };
    Role role = Role::kDropped;
  };

  // Expanded map keys (Engine::ExpandKey), filled while the finished context
  // expands documents; a copy of the context starts empty, since the copy is
  // about to be changed.
  struct KeyMemo {
    static constexpr size_t kMaxEntries = 4096;
    KeyMemo() = default;
    KeyMemo(const KeyMemo&) {}
    KeyMemo& operator=(const KeyMemo&) {
      keys.clear();
      types.clear();
      return *this;
    }
    std::unordered_map<std::string, KeyInfo> keys;                      // vocab-relative
    std::unordered_map<std::string, std::optional<std::string>> types;  // vocab- and document-relative
  };
  mutable KeyMemo expanded_keys;

  const TermDefinition* Find(const std::string& term) const {
    auto it = terms.find(term);
    return it == terms.end() ? nullptr : it->second.get();
  }
};

// The node map of Node Map Generation (7.2) on tinykg's own types instead of
// a Json tree: values, node identifiers and property keys point into the
// expanded document (never copied; identifiers issued for blank nodes are
// held by the NodeMap), node references and lists are built here. Maps are
// ordered by the byte order of their keys, the order toRdf walks them in (as
// the Json maps did).
struct NodeMapValue {
  enum class Kind { kValue, kReference, kList };
  Kind kind = Kind::kValue;
  const Json* value = nullptr;      // kValue: a value object, owned by the expanded document
  std::string_view id;              // kReference: the node's identifier
  std::vector<NodeMapValue> list;   // kList: the items

  // The algorithm's "add value unless already present" equality; lists are
  // always appended, so never equal.
  bool SameAs(const NodeMapValue& other) const {
    if (kind != other.kind) return false;
    if (kind == Kind::kValue) return *value == *other.value;
    if (kind == Kind::kReference) return id == other.id;
    return false;
  }
};

// A node's property -> values, in the byte order of the properties. A flat
// vector, not a std::map: a node's properties nearly always arrive in order
// (from one expanded element, whose Json map is ordered), so an insert is one
// comparison with the last entry. The value lists live in the NodeMap's
// pool, so a list's address stays valid while entries are inserted before it.
class NodeProperties {
 public:
  using Entry = std::pair<std::string_view, std::vector<NodeMapValue>*>;
  // The values of `property`, a new empty list taken from `pool` if absent.
  std::vector<NodeMapValue>& Get(std::string_view property,
                                 std::deque<std::vector<NodeMapValue>>& pool) {
    if (entries_.empty() || entries_.back().first < property) {
      return *entries_.emplace_back(property, &pool.emplace_back()).second;
    }
    auto it = std::lower_bound(entries_.begin(), entries_.end(), property,
                               [](const Entry& e, std::string_view p) { return e.first < p; });
    if (it != entries_.end() && it->first == property) return *it->second;
    return *entries_.emplace(it, property, &pool.emplace_back())->second;
  }
  void Reserve(size_t n) { entries_.reserve(n); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

struct NodeMapNode {
  std::vector<std::string_view> types;
  const Json* index = nullptr;  // @index, for the conflicting-indexes check
  NodeProperties properties;
};

struct NodeMap {
  // graph name ("@default" for the default graph) -> subject -> node.
  std::map<std::string_view, std::map<std::string_view, NodeMapNode>> graphs;
  // Value objects whose @type got a new blank node label (never a real one:
  // expansion refuses such types, but the algorithm allows for it).
  std::vector<std::unique_ptr<Json>> owned;
  // Blank node identifiers issued while the map is built (a deque: the
  // views above stay valid as more are added).
  std::deque<std::string> issued;
  // The nodes' value lists (see NodeProperties).
  std::deque<std::vector<NodeMapValue>> value_lists;
  // "Add value unless already present" compares with every value of the
  // list: a list past kIndexedFrom values gets a hash index (value hash ->
  // position), so one property with 100,000 values (a TD's enum) is not
  // quadratic (154 s). Keyed by the list's address: the lists live in
  // value_lists, as long as the map.
  static constexpr size_t kIndexedFrom = 32;
  std::unordered_map<const std::vector<NodeMapValue>*, std::unordered_multimap<size_t, size_t>> value_index;
  // The same for a node's @type list past kIndexedFrom types, kept across
  // the node's occurrences (100,000 objects naming one @id with a type each
  // were quadratic when each occurrence hashed the list again).
  std::unordered_map<const NodeMapNode*, std::unordered_set<std::string_view>> type_index;
  std::string_view Keep(std::string id) { return issued.emplace_back(std::move(id)); }
};

// An RDF term as views of its text (rdf::Term's fields, not copied): what
// toRdf hands to its output, which copies it into an rdf::Term or writes
// its N-Triples form.
struct TermRef {
  rdf::TermKind kind = rdf::TermKind::kIri;
  std::string_view value;
  std::string_view datatype;  // literals: empty for xsd:string and language-tagged
  std::string_view language;
  rdf::Term ToTerm() const {
    return {kind, std::string(value), std::string(datatype), std::string(language)};
  }
  static TermRef Of(const rdf::Term& t) { return {t.kind, t.value, t.datatype, t.language}; }
  // Appends the N-Triples form, as rdf::Term::AppendNTriples does, for a
  // term whose IRI (kIri) passed IsWellFormedIri: it is not escaped.
  void AppendNTriples(std::string& out) const;
};

// Storage for the text of one statement's object that is not in the node
// map or the expanded document (a number's lexical form, a list's head).
struct ObjectScratch {
  std::string lexical;
  std::string datatype;
  rdf::Term term;
};

// Node identifiers, properties and types that IsWellFormedIri (or the blank
// node test) accepted during one ToRdf, in a direct-mapped table of views
// into the node map and the documents: a property or type repeated over a
// TD's nodes is compared (memcmp) with the one seen before instead of
// scanned byte by byte again. Cleared by ToRdf before it fills it, since
// the views live only as long as that call's documents.
class WellFormedNodeCache {
 public:
  bool IsWellFormedNode(std::string_view id);
  void Clear() { seen_.fill({}); }

 private:
  std::array<std::string_view, 256> seen_{};
};

// One run of the algorithms: options, loader, caches, blank node issuer.
class Engine {
 public:
  // Processed contexts, kept for the processor's life (an import batch, or a
  // server's): a remote context or an inline one is processed once per
  // (active context, value) and a term's scoped context once per (active
  // context, definition). Bounded: past kMaxEntries everything is dropped
  // and rebuilt on demand, so varied inline contexts cannot grow a server.
  struct Caches {
    static constexpr size_t kMaxEntries = 20000;
    // (active context, local context as JSON text, base, flags) -> result.
    std::map<std::tuple<const Context*, std::string, std::string, int>, ContextPtr> processed;
    // (active context, scoped context of a term definition, base, flags);
    // the definition's JSON is kept alive so its address stays unique.
    std::map<std::tuple<const Context*, const Json*, std::string, int>, ContextPtr> scoped;
    // (active context, remote context IRI, the remote contexts being
    // processed ("\n"-joined), validate_scoped): the remote context
    // processed against exactly that active context.
    std::map<std::tuple<const Context*, std::string, std::string, bool>, ContextPtr> remote;
    std::vector<ContextPtr> keep_alive;  // the keys hold these addresses
    std::vector<std::shared_ptr<const Json>> keep_alive_json;
    void ClearIfFull() {
      if (processed.size() + scoped.size() + remote.size() < kMaxEntries) return;
      processed.clear();
      scoped.clear();
      remote.clear();
      keep_alive.clear();
      keep_alive_json.clear();
    }
  };

  Engine(const JsonLdOptions& options, Caches& caches) : options_(options), caches_(caches) {}

  // A value object that expansion did not build (toRdf only): the value
  // points into the input document, the strings into term definitions or
  // contexts the engine keeps alive (pinned_). In the expanded document it
  // stands as an unsigned number, its index in deferred_: an expanded
  // property's values are otherwise always objects, so no number stands
  // where a node or value object is read. Read only through Deferred().
  struct DeferredValue {
    // A node reference ({"@id": id} of an @id- or @vocab-typed string):
    // its expanded IRI, held by deferred_ids_; null for a value object.
    const std::string* id = nullptr;
    const Json* value = nullptr;
    const std::string* type = nullptr;  // the term's @type mapping, else null
    const std::string* language = nullptr;
    const std::string* direction = nullptr;
  };
  // Makes expansion leave plain value objects (those Value Expansion makes
  // of a property's string, number or boolean) as DeferredValues instead of
  // Json objects: {"@value": s, "@language": l} was four to five heap nodes
  // and a copy of s. Only for an engine that runs ToRdf on its own expansion
  // while the input document lives; the expanded document is then not
  // JSON-LD and is read only by GenerateNodeMap and ValueToRdf.
  void DeferValueObjects() { defer_values_ = true; }
  const DeferredValue* Deferred(const Json& v) const {
    if (!defer_values_ || !v.is_number_unsigned()) return nullptr;
    const std::uint64_t i = v.get<std::uint64_t>();
    return i < deferred_.size() ? &deferred_[i] : nullptr;
  }

  bool mode10() const { return options_.processing_mode == "json-ld-1.0"; }

  // Context Processing Algorithm (4.1.2).
  ContextPtr ProcessContext(const ContextPtr& active, const Json& local, const std::string& base_url,
                            std::vector<std::string> remote_contexts = {},
                            bool override_protected = false, bool propagate = true,
                            bool validate_scoped = true);

  // ProcessContext for a term's scoped context (property-, type- or
  // nest-scoped), cached by the definition's identity instead of its text.
  ContextPtr ProcessScopedContext(const ContextPtr& active, const std::shared_ptr<const Json>& local,
                                  const std::string& base_url, bool override_protected,
                                  bool propagate);

  // IRI Expansion (4.3.2). Returns nullopt for null.
  std::optional<std::string> ExpandIri(Context& active, const std::string& value,
                                       bool document_relative, bool vocab,
                                       const Json* local_context = nullptr,
                                       std::map<std::string, bool>* defined = nullptr,
                                       const std::string* base_url = nullptr,
                                       bool override_protected = false,
                                       const std::vector<std::string>* remote = nullptr,
                                       bool validate_scoped = true);
  std::optional<std::string> ExpandIri(const ContextPtr& active, const std::string& value,
                                       bool document_relative, bool vocab);
  // ExpandIri(active, key, false, true) for a finished context (one that
  // expansion reads, never one being built): memoised in the context, so a
  // key is expanded once per context instead of once per occurrence. The
  // reference stays valid as long as the context.
  const std::optional<std::string>& ExpandKey(const ContextPtr& active, const std::string& key) {
    return LookUpKey(active, key).iri;
  }
  // ExpandKey and active->Find(key) in one memo lookup.
  const Context::KeyInfo& LookUpKey(const ContextPtr& active, const std::string& key);
  // The same for ExpandIri(active, value, true, true) (@type values).
  const std::optional<std::string>& ExpandType(const ContextPtr& active, const std::string& value);

  // Expansion Algorithm (5.1.2).
  // `active_property` null: no active property (top level, @included).
  Json Expand(const ContextPtr& active, const std::string* active_property,
              const Json& element, const std::string& base_url, bool from_map = false) {
    return Expand(active, active_property, active_property ? active->Find(*active_property) : nullptr,
                  element, base_url, from_map);
  }
  // The same with the active property's definition in `active` already
  // looked up by the caller (`property_def`, null when there is none): a map
  // key's definition is found once, not again for its value and each item.
  Json Expand(const ContextPtr& active, const std::string* active_property,
              const TermDefinition* property_def, const Json& element, const std::string& base_url,
              bool from_map);

  // Node map generation + deserialize to RDF, into `quads` (every graph),
  // `triples` or `nquads` (the default graph only; `named_graph` is set to
  // the first named graph that has statements, which are not written).
  // `nquads`: one line per statement, "S P O" followed by `line_end` (e.g.
  // " <graph> .\n"), written from views of the node map: no rdf::Term per
  // statement.
  struct RdfOutput {
    std::vector<Quad>* quads = nullptr;
    std::vector<rdf::Triple>* triples = nullptr;
    std::string* nquads = nullptr;
    std::string_view line_end;
    size_t statements = 0;  // how many were written
    std::optional<rdf::Term> named_graph;
  };
  void ToRdf(const Json& expanded, RdfOutput& out);

 private:
  ContextPtr ProcessContextUncached(const ContextPtr& active, const Json& local,
                                    const std::string& base_url,
                                    std::vector<std::string> remote_contexts,
                                    bool override_protected, bool propagate, bool validate_scoped);
  void CreateTermDefinition(Context& active, const Json& local, const std::string& term,
                            std::map<std::string, bool>& defined, const std::string& base_url,
                            bool is_protected, bool override_protected,
                            const std::vector<std::string>& remote, bool validate_scoped);
  std::shared_ptr<const Json> LoadRemoteContext(const std::string& iri, const char* error_code);
  // One item of an array being expanded (step 5.2 of the algorithm),
  // appended to `result` (an array): lists of a @list term wrapped, arrays
  // flattened, null dropped. `list_container`: the active property's
  // definition in `active` has a @list container.
  void ExpandArrayItem(const ContextPtr& active, const std::string* active_property,
                       const TermDefinition* property_def, bool list_container, const Json& item,
                       const std::string& base_url, bool from_map, Json& result);
  // A type-scoped context: `term`'s definition in `type_scoped`, when it has
  // a scoped context, applied to `active`.
  void ApplyTypeScoped(const ContextPtr& type_scoped, const std::string& term, ContextPtr& active);
  // `def`: the active property's definition in `active` (null: none).
  // `defer`: a value object may be a DeferredValue (`value` must then live
  // as long as the expanded document, and `active` be pinned).
  Json ExpandValue(const Context& active, const TermDefinition* def, const Json& value,
                   bool defer = false);
  // `key_infos`: LookUpKey(active, key) of each key of `element` in its
  // order, when the caller has them (null: looked up here).
  void ExpandObject(const ContextPtr& active, const ContextPtr& type_scoped,
                    const std::string* active_property, const Json& element,
                    const std::string& base_url, const std::optional<std::string>& input_type,
                    Json& result, const Context::KeyInfo* const* key_infos);

  // toRdf helpers.
  std::string IssueBlank(const std::string& old_id);
  // The same for node map generation: the identifier stays valid as long
  // as `node_map` (a relabelled one as long as the engine).
  std::string_view IssueBlank(std::string_view old_id, NodeMap& node_map);
  // `active_subject` is a node identifier; `reverse_subject` says it is the
  // referencing node of an @reverse entry (the algorithm's map form).
  // `subject_values`, when not null, is the active subject's entry for the
  // active property in the active graph (saves looking it up per value).
  void GenerateNodeMap(const Json& element, NodeMap& node_map, std::string_view active_graph,
                       const std::string_view* active_subject, bool reverse_subject,
                       const std::string_view* active_property, std::vector<NodeMapValue>* list,
                       std::vector<NodeMapValue>* subject_values);
  // The object of a statement: views into the node map, the expanded
  // document or `scratch` (valid until the next call with that scratch).
  // Statements a list or a compound literal needs are appended to `triples`.
  std::optional<TermRef> ObjectToRdf(const NodeMapValue& item, std::vector<rdf::Triple>& triples,
                                     ObjectScratch& scratch);
  std::optional<TermRef> ValueToRdf(const Json& item, std::vector<rdf::Triple>& triples,
                                    ObjectScratch& scratch);
  // ValueToRdf of a value object's parts: `datatype` empty for none; a
  // language or direction null when absent.
  std::optional<TermRef> ValuePartsToRdf(const Json& value, std::string_view datatype,
                                         const std::string* language, const std::string* direction,
                                         std::vector<rdf::Triple>& triples, ObjectScratch& scratch);
  // The node map's "already present" test for two values (Json equality of
  // the value objects, whether built or deferred).
  bool SameValue(const NodeMapValue& a, const NodeMapValue& b) const;
  // A hash that agrees with SameValue: equal values hash alike.
  size_t ValueHash(const NodeMapValue& v) const;
  // Appends `value` to `values` (a list of `node_map`) unless SameValue
  // finds it there.
  void AddUnique(std::vector<NodeMapValue>& values, NodeMapValue&& value, NodeMap& node_map) const;
  rdf::Term ListToRdf(const std::vector<NodeMapValue>& list, std::vector<rdf::Triple>& triples);

  const JsonLdOptions& options_;
  Caches& caches_;
  std::map<std::string, std::string, std::less<>> blank_ids_;
  // ExpandKey/ExpandType results when a memo is full (a deque: references stay valid).
  std::deque<std::optional<std::string>> unmemoised_;
  std::deque<Context::KeyInfo> unmemoised_keys_;
  int blank_counter_ = 0;
  bool defer_values_ = false;
  WellFormedNodeCache well_formed_;
  // Set by ExpandObject around the expansion of a property's value when its
  // primitive values may be deferred; cleared inside every map.
  bool allow_defer_ = false;
  std::vector<DeferredValue> deferred_;
  std::deque<std::string> deferred_ids_;  // DeferredValue::id (a deque: addresses hold)
  std::vector<ContextPtr> pinned_;  // the contexts deferred_ points into
};

}  // namespace tinykg::td::internal

#endif  // TINYKG_TD_JSONLD_INTERNAL_H_
