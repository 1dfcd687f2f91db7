// Context processing, term definitions and IRI expansion (JSON-LD 1.1 API,
// sections 4.1-4.3).
#include <algorithm>
#include <cctype>

#include "iri.h"
#include "jsonld_internal.h"

namespace tinykg::td::internal {
namespace {

constexpr size_t kMaxRemoteContexts = 32;

const std::set<std::string, std::less<>>& Keywords() {
  static const std::set<std::string, std::less<>> keywords = {
      "@base",     "@container", "@context", "@direction", "@graph", "@id",
      "@import",   "@included",  "@index",   "@json",      "@language", "@list",
      "@nest",     "@none",      "@prefix",  "@propagate", "@protected", "@reverse",
      "@set",      "@type",      "@value",   "@version",   "@vocab"};
  return keywords;
}

bool EndsWithGenDelim(const std::string& iri) {
  if (iri.empty()) return false;
  const char c = iri.back();
  return c == ':' || c == '/' || c == '?' || c == '#' || c == '[' || c == ']' || c == '@';
}

std::string Lower(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value;
}

bool IsIriOrBlank(const std::string& value) { return HasScheme(value) || IsBlankNodeId(value); }

}  // namespace

bool IsKeyword(std::string_view value) {
  // Called for every key and IRI the algorithms see; most are not keywords
  // and fail the first test without a set lookup.
  if (value.size() < 3 || value[0] != '@') return false;
  return Keywords().count(value) > 0;
}

bool HasKeywordForm(std::string_view value) {
  if (value.size() < 2 || value[0] != '@') return false;
  return std::all_of(value.begin() + 1, value.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

bool TermDefinition::SameAs(const TermDefinition& o) const {
  const bool same_context = (context == nullptr && o.context == nullptr) ||
                            (context != nullptr && o.context != nullptr && *context == *o.context);
  return iri == o.iri && prefix == o.prefix && reverse == o.reverse && type == o.type &&
         has_language == o.has_language && language == o.language &&
         has_direction == o.has_direction && direction == o.direction &&
         container == o.container && index == o.index && nest == o.nest && same_context;
}

std::shared_ptr<const Json> Engine::LoadRemoteContext(const std::string& iri,
                                                      const char* error_code) {
  if (options_.loader == nullptr) {
    Fail(error_code, "no document loader for " + iri +
                         " (tinykg never fetches from the network; provide the context in a "
                         "context directory)");
  }
  Result<RemoteDocument> doc = options_.loader->Load(iri);
  if (!doc.ok()) Fail(error_code, doc.status().ToString());  // names the context file when it is one
  const Json& json = *doc->document;
  if (!json.is_object() || !json.contains("@context")) {
    Fail("invalid remote context", iri + " has no top-level @context");
  }
  // Keep the document_url next to the context so relative IRIs resolve.
  auto holder = std::make_shared<Json>(Json::object());
  (*holder)["@context"] = json["@context"];
  (*holder)["url"] = doc->document_url;
  return holder;
}

ContextPtr Engine::ProcessContext(const ContextPtr& active, const Json& local,
                                  const std::string& base_url,
                                  std::vector<std::string> remote_contexts,
                                  bool override_protected, bool propagate, bool validate_scoped) {
  // Only cache the common case (no remote-context bookkeeping pending):
  // results depend on nothing else than these inputs.
  if (!remote_contexts.empty()) {
    return ProcessContextUncached(active, local, base_url, std::move(remote_contexts),
                                  override_protected, propagate, validate_scoped);
  }
  const int flags = (override_protected ? 1 : 0) | (propagate ? 2 : 0) | (validate_scoped ? 4 : 0);
  auto key = std::make_tuple(active.get(), local.dump(), base_url, flags);
  if (auto it = caches_.processed.find(key); it != caches_.processed.end()) return it->second;
  ContextPtr result = ProcessContextUncached(active, local, base_url, {}, override_protected,
                                             propagate, validate_scoped);
  caches_.ClearIfFull();
  caches_.keep_alive.push_back(active);  // the key holds active's address
  caches_.processed.emplace(std::move(key), result);
  return result;
}

ContextPtr Engine::ProcessScopedContext(const ContextPtr& active,
                                        const std::shared_ptr<const Json>& local,
                                        const std::string& base_url, bool override_protected,
                                        bool propagate) {
  const int flags = (override_protected ? 1 : 0) | (propagate ? 2 : 0);
  auto key = std::make_tuple(active.get(), local.get(), base_url, flags);
  if (auto it = caches_.scoped.find(key); it != caches_.scoped.end()) return it->second;
  ContextPtr result =
      ProcessContextUncached(active, *local, base_url, {}, override_protected, propagate, true);
  caches_.ClearIfFull();
  caches_.keep_alive.push_back(active);
  caches_.keep_alive_json.push_back(local);
  caches_.scoped.emplace(std::move(key), result);
  return result;
}

ContextPtr Engine::ProcessContextUncached(const ContextPtr& active, const Json& local_in,
                                          const std::string& base_url,
                                          std::vector<std::string> remote_contexts,
                                          bool override_protected, bool propagate,
                                          bool validate_scoped) {
  auto result = std::make_shared<Context>(*active);
  if (local_in.is_object() && local_in.contains("@propagate")) {
    if (!local_in["@propagate"].is_boolean()) Fail("invalid @propagate value");
    propagate = local_in["@propagate"].get<bool>();
  }
  if (!propagate && result->previous == nullptr) result->previous = active;
  // `result` is still a plain copy of `active` (nothing processed yet, no
  // previous context set here): a remote context can then be processed
  // against `active` itself and the result cached by its address.
  bool result_is_active = result->previous == active->previous;
  const Json locals = local_in.is_array() ? local_in : Json::array({local_in});

  for (const Json& item : locals) {
    if (item.is_null()) {
      if (!override_protected && result->has_protected) {
        Fail("invalid context nullification", "the active context has protected terms");
      }
      auto fresh = std::make_shared<Context>();
      if (!active->original_base.empty()) fresh->base = active->original_base;
      fresh->original_base = active->original_base;
      if (!propagate) fresh->previous = result;
      result = std::move(fresh);
      result_is_active = false;
      continue;
    }
    if (item.is_string()) {
      const std::string iri = ResolveIri(base_url, item.get<std::string>());
      if (!validate_scoped &&
          std::find(remote_contexts.begin(), remote_contexts.end(), iri) != remote_contexts.end()) {
        continue;
      }
      if (remote_contexts.size() > kMaxRemoteContexts) Fail("context overflow", iri);
      remote_contexts.push_back(iri);
      std::shared_ptr<const Json> loaded = LoadRemoteContext(iri, "loading remote context failed");
      ContextPtr processed;
      // A TD's context is often [TD context IRI, {its own terms}]: the
      // whole array is cached by its text, but each distinct inline part
      // processed the (large) remote context again. Processed once per
      // (active context, IRI, remote contexts so far, flag) instead; the
      // loader hands out the same immutable document for an IRI.
      std::tuple<const Context*, std::string, std::string, bool> key;
      if (result_is_active) {
        std::string chain;
        for (const std::string& r : remote_contexts) chain += r + '\n';
        key = std::make_tuple(active.get(), iri, std::move(chain), validate_scoped);
        if (auto it = caches_.remote.find(key); it != caches_.remote.end()) processed = it->second;
      }
      if (!processed) {
        processed = ProcessContextUncached(result_is_active ? active : result, (*loaded)["@context"],
                                           (*loaded)["url"].get<std::string>(), remote_contexts,
                                           false, true, validate_scoped);
        if (result_is_active) {
          caches_.ClearIfFull();
          caches_.keep_alive.push_back(active);
          caches_.keep_alive.push_back(processed);
          caches_.remote.emplace(std::move(key), processed);
        }
      }
      result = std::make_shared<Context>(*processed);
      result_is_active = false;
      continue;
    }
    result_is_active = false;
    if (!item.is_object()) Fail("invalid local context", item.dump());

    Json context = item;
    if (context.contains("@version")) {
      const Json& v = context["@version"];
      if (!v.is_number() || v.get<double>() != 1.1) Fail("invalid @version value", v.dump());
      if (mode10()) Fail("processing mode conflict");
    }
    if (context.contains("@import")) {
      if (mode10()) Fail("invalid context entry", "@import in json-ld-1.0 mode");
      if (!context["@import"].is_string()) Fail("invalid @import value");
      const std::string iri = ResolveIri(base_url, context["@import"].get<std::string>());
      std::shared_ptr<const Json> loaded = LoadRemoteContext(iri, "loading remote context failed");
      const Json& imported = (*loaded)["@context"];
      if (!imported.is_object()) Fail("invalid remote context", iri);
      if (imported.contains("@import")) Fail("invalid context entry", "@import inside @import");
      Json merged = imported;
      for (auto& [k, v] : context.items()) merged[k] = v;
      context = std::move(merged);
    }
    if (context.contains("@base") && remote_contexts.empty()) {
      const Json& v = context["@base"];
      if (v.is_null()) {
        result->base.reset();
      } else if (v.is_string() && HasScheme(v.get<std::string>())) {
        result->base = v.get<std::string>();
      } else if (v.is_string() && result->base) {
        result->base = ResolveIri(*result->base, v.get<std::string>());
      } else {
        Fail("invalid base IRI", v.dump());
      }
    }
    if (context.contains("@vocab")) {
      const Json& v = context["@vocab"];
      if (v.is_null()) {
        result->vocab.reset();
      } else if (v.is_string()) {
        std::optional<std::string> vocab = ExpandIri(*result, v.get<std::string>(), true, true);
        if (!vocab || (mode10() && !IsIriOrBlank(*vocab))) Fail("invalid vocab mapping", v.dump());
        result->vocab = *vocab;
      } else {
        Fail("invalid vocab mapping", v.dump());
      }
    }
    if (context.contains("@language")) {
      const Json& v = context["@language"];
      if (v.is_null()) {
        result->default_language.reset();
      } else if (v.is_string()) {
        result->default_language = Lower(v.get<std::string>());
      } else {
        Fail("invalid default language", v.dump());
      }
    }
    if (context.contains("@direction")) {
      if (mode10()) Fail("invalid context entry", "@direction in json-ld-1.0 mode");
      const Json& v = context["@direction"];
      if (v.is_null()) {
        result->default_direction.reset();
      } else if (v == "ltr" || v == "rtl") {
        result->default_direction = v.get<std::string>();
      } else {
        Fail("invalid base direction", v.dump());
      }
    }
    if (context.contains("@propagate")) {
      if (mode10()) Fail("invalid context entry", "@propagate in json-ld-1.0 mode");
      if (!context["@propagate"].is_boolean()) Fail("invalid @propagate value");
    }
    bool is_protected = false;
    if (context.contains("@protected")) {
      if (!context["@protected"].is_boolean()) Fail("invalid @protected value");
      is_protected = context["@protected"].get<bool>();
    }
    std::map<std::string, bool> defined;
    for (auto& [key, value] : context.items()) {
      (void)value;
      if (key == "@base" || key == "@direction" || key == "@import" || key == "@language" ||
          key == "@propagate" || key == "@protected" || key == "@version" || key == "@vocab") {
        continue;
      }
      CreateTermDefinition(*result, context, key, defined, base_url, is_protected,
                           override_protected, remote_contexts, validate_scoped);
    }
  }
  return result;
}

void Engine::CreateTermDefinition(Context& active, const Json& local, const std::string& term,
                                  std::map<std::string, bool>& defined,
                                  const std::string& base_url, bool is_protected,
                                  bool override_protected, const std::vector<std::string>& remote,
                                  bool validate_scoped) {
  if (auto it = defined.find(term); it != defined.end()) {
    if (it->second) return;
    Fail("cyclic IRI mapping", term);
  }
  if (term.empty()) Fail("invalid term definition", "empty term");
  defined[term] = false;
  Json value = local[term];

  if (term == "@type" && !mode10()) {
    bool ok = value.is_object() && !value.empty();
    if (ok) {
      for (auto& [k, v] : value.items()) {
        if (k == "@container") {
          ok = ok && v == "@set";
        } else if (k != "@protected") {
          ok = false;
        }
      }
    }
    if (!ok) Fail("keyword redefinition", term);
  } else if (IsKeyword(term)) {
    Fail("keyword redefinition", term);
  } else if (HasKeywordForm(term)) {
    return;
  }

  std::shared_ptr<const TermDefinition> previous;
  if (auto it = active.terms.find(term); it != active.terms.end()) {
    previous = it->second;
    active.terms.erase(it);
  }

  bool simple_term = false;
  if (value.is_null()) {
    value = Json{{"@id", nullptr}};
  } else if (value.is_string()) {
    value = Json{{"@id", value}};
    simple_term = true;
  } else if (!value.is_object()) {
    Fail("invalid term definition", term);
  }

  auto def = std::make_shared<TermDefinition>();
  if (value.contains("@protected")) {
    if (mode10()) Fail("invalid term definition", "@protected in json-ld-1.0 mode");
    if (!value["@protected"].is_boolean()) Fail("invalid @protected value", term);
    def->is_protected = value["@protected"].get<bool>();
  } else {
    def->is_protected = is_protected;
  }

  auto expand_local = [&](const std::string& v, bool doc_relative, bool vocab) {
    return ExpandIri(active, v, doc_relative, vocab, &local, &defined, &base_url,
                     override_protected, &remote, validate_scoped);
  };

  if (value.contains("@type")) {
    if (!value["@type"].is_string()) Fail("invalid type mapping", term);
    std::optional<std::string> type = expand_local(value["@type"].get<std::string>(), false, true);
    if (!type) Fail("invalid type mapping", term);
    if (mode10() && (*type == "@json" || *type == "@none")) Fail("invalid type mapping", *type);
    if (*type != "@id" && *type != "@vocab" && *type != "@json" && *type != "@none" &&
        !HasScheme(*type)) {
      Fail("invalid type mapping", *type);
    }
    def->type = *type;
  }

  if (value.contains("@reverse")) {
    if (value.contains("@id") || value.contains("@nest")) Fail("invalid reverse property", term);
    if (!value["@reverse"].is_string()) Fail("invalid IRI mapping", term);
    const std::string rev = value["@reverse"].get<std::string>();
    if (HasKeywordForm(rev)) return;
    std::optional<std::string> iri = expand_local(rev, false, true);
    if (!iri || !IsIriOrBlank(*iri)) Fail("invalid IRI mapping", rev);
    def->iri = *iri;
    if (value.contains("@container")) {
      const Json& c = value["@container"];
      if (!(c.is_null() || c == "@set" || c == "@index")) Fail("invalid reverse property", term);
      if (c.is_string()) def->container = {c.get<std::string>()};
    }
    def->reverse = true;
    active.terms[term] = def;
    if (def->is_protected) active.has_protected = true;
    defined[term] = true;
    return;
  }

  if (value.contains("@id") && !(value["@id"].is_string() && value["@id"] == term)) {
    const Json& id = value["@id"];
    if (id.is_null()) {
      def->iri.reset();
    } else {
      if (!id.is_string()) Fail("invalid IRI mapping", term);
      const std::string id_str = id.get<std::string>();
      if (!IsKeyword(id_str) && HasKeywordForm(id_str)) return;
      std::optional<std::string> iri = expand_local(id_str, false, true);
      if (!iri || (!IsKeyword(*iri) && !IsIriOrBlank(*iri))) Fail("invalid IRI mapping", id_str);
      if (*iri == "@context") Fail("invalid keyword alias", term);
      def->iri = *iri;
      const size_t colon = term.find(':', 1);
      if ((colon != std::string::npos && colon + 1 < term.size()) ||
          term.find('/') != std::string::npos) {
        defined[term] = true;
        std::optional<std::string> own = expand_local(term, false, true);
        if (own != def->iri) Fail("invalid IRI mapping", term + " does not expand to its @id");
      }
      if (term.find(':') == std::string::npos && term.find('/') == std::string::npos &&
          simple_term && (EndsWithGenDelim(*def->iri) || IsBlankNodeId(*def->iri))) {
        def->prefix = true;
      }
    }
  } else if (term.find(':', 1) != std::string::npos) {
    const size_t colon = term.find(':', 1);
    const std::string prefix = term.substr(0, colon);
    const std::string suffix = term.substr(colon + 1);
    if (local.contains(prefix)) {
      CreateTermDefinition(active, local, prefix, defined, base_url, false, override_protected,
                           remote, validate_scoped);
    }
    if (const TermDefinition* p = active.Find(prefix); p != nullptr && p->iri) {
      def->iri = *p->iri + suffix;
    } else {
      def->iri = term;
    }
  } else if (term.find('/') != std::string::npos) {
    std::optional<std::string> iri = ExpandIri(active, term, false, true);
    if (!iri || !HasScheme(*iri)) Fail("invalid IRI mapping", term);
    def->iri = *iri;
  } else if (term == "@type") {
    def->iri = "@type";
  } else if (active.vocab) {
    def->iri = *active.vocab + term;
  } else {
    Fail("invalid IRI mapping", term + " has no @id and there is no @vocab");
  }

  if (value.contains("@container")) {
    const Json& c = value["@container"];
    std::vector<std::string> items;
    if (c.is_string()) {
      items.push_back(c.get<std::string>());
    } else if (c.is_array() && !mode10()) {
      for (const Json& x : c) {
        if (!x.is_string()) Fail("invalid container mapping", term);
        items.push_back(x.get<std::string>());
      }
    } else {
      Fail("invalid container mapping", term);
    }
    static const std::set<std::string> allowed = {"@graph", "@id",  "@index", "@language",
                                                  "@list",  "@set", "@type"};
    for (const auto& x : items) {
      if (!allowed.count(x)) Fail("invalid container mapping", x);
    }
    std::set<std::string> s(items.begin(), items.end());
    bool ok = false;
    if (s.size() == items.size()) {
      if (items.size() == 1) {
        ok = true;
      } else if (s.count("@list")) {
        ok = false;
      } else if (s.count("@graph") && (s.count("@id") || s.count("@index"))) {
        ok = items.size() == 2 || (items.size() == 3 && s.count("@set"));
      } else if (s.count("@set") && items.size() == 2) {
        ok = true;
      } else if (s.count("@graph") && s.count("@set") && items.size() == 2) {
        ok = true;
      }
    }
    if (!ok) Fail("invalid container mapping", c.dump());
    if (mode10() && (s.count("@graph") || s.count("@id") || s.count("@type"))) {
      Fail("invalid container mapping", c.dump());
    }
    def->container = items;
    if (s.count("@type")) {
      if (!def->type) {
        def->type = "@id";
      } else if (*def->type != "@id" && *def->type != "@vocab") {
        Fail("invalid type mapping", *def->type);
      }
    }
  }

  if (value.contains("@index")) {
    if (mode10() || !def->HasContainer("@index")) Fail("invalid term definition", term);
    const Json& idx = value["@index"];
    if (!idx.is_string()) Fail("invalid term definition", term);
    std::optional<std::string> e = expand_local(idx.get<std::string>(), false, true);
    if (!e || IsKeyword(*e) || !HasScheme(*e)) Fail("invalid term definition", term);
    def->index = idx.get<std::string>();
  }

  if (value.contains("@context")) {
    if (mode10()) Fail("invalid term definition", "@context in json-ld-1.0 mode");
    auto scoped = std::make_shared<const Json>(value["@context"]);
    try {
      ProcessContextUncached(std::make_shared<Context>(active), *scoped, base_url, remote, true,
                             true, false);
    } catch (const JsonLdError& e) {
      Fail("invalid scoped context", e.what());
    }
    def->context = std::move(scoped);
    def->base_url = base_url;
  }

  if (value.contains("@language") && !value.contains("@type")) {
    const Json& l = value["@language"];
    if (!l.is_null() && !l.is_string()) Fail("invalid language mapping", term);
    def->has_language = true;
    if (l.is_string()) def->language = Lower(l.get<std::string>());
  }
  if (value.contains("@direction") && !value.contains("@type")) {
    const Json& d = value["@direction"];
    if (!d.is_null() && d != "ltr" && d != "rtl") Fail("invalid base direction", term);
    def->has_direction = true;
    if (d.is_string()) def->direction = d.get<std::string>();
  }
  if (value.contains("@nest")) {
    if (mode10()) Fail("invalid term definition", "@nest in json-ld-1.0 mode");
    const Json& n = value["@nest"];
    if (!n.is_string() || (IsKeyword(n.get<std::string>()) && n != "@nest")) {
      Fail("invalid @nest value", term);
    }
    def->nest = n.get<std::string>();
  }
  if (value.contains("@prefix")) {
    if (mode10() || term.find(':') != std::string::npos || term.find('/') != std::string::npos) {
      Fail("invalid term definition", term);
    }
    if (!value["@prefix"].is_boolean()) Fail("invalid @prefix value", term);
    def->prefix = value["@prefix"].get<bool>();
    if (def->prefix && def->iri && IsKeyword(*def->iri)) Fail("invalid term definition", term);
  }
  static const std::set<std::string> entries = {"@id",       "@reverse", "@container", "@context",
                                                "@direction", "@index",  "@language",  "@nest",
                                                "@prefix",   "@protected", "@type"};
  for (auto& [k, v] : value.items()) {
    (void)v;
    if (!entries.count(k)) Fail("invalid term definition", term + " has entry " + k);
  }
  if (!override_protected && previous && previous->is_protected) {
    if (!def->SameAs(*previous)) Fail("protected term redefinition", term);
    active.terms[term] = previous;
  } else {
    active.terms[term] = def;
    if (def->is_protected) active.has_protected = true;
  }
  defined[term] = true;
}

std::optional<std::string> Engine::ExpandIri(Context& active, const std::string& value,
                                             bool document_relative, bool vocab,
                                             const Json* local, std::map<std::string, bool>* defined,
                                             const std::string* base_url, bool override_protected,
                                             const std::vector<std::string>* remote,
                                             bool validate_scoped) {
  if (IsKeyword(value)) return value;
  if (HasKeywordForm(value)) return std::nullopt;
  auto define = [&](const std::string& term) {
    if (local != nullptr && local->contains(term)) {
      auto it = defined->find(term);
      if (it == defined->end() || !it->second) {
        CreateTermDefinition(active, *local, term, *defined, *base_url, false, override_protected,
                             *remote, validate_scoped);
      }
    }
  };
  define(value);
  const TermDefinition* def = active.Find(value);
  if (def != nullptr && def->iri && IsKeyword(*def->iri)) return def->iri;
  if (vocab && def != nullptr) return def->iri;
  const size_t colon = value.find(':', 1);
  if (colon != std::string::npos) {
    const std::string prefix = value.substr(0, colon);
    const std::string suffix = value.substr(colon + 1);
    if (prefix == "_" || suffix.substr(0, 2) == "//") return value;
    define(prefix);
    const TermDefinition* p = active.Find(prefix);
    if (p != nullptr && p->iri && p->prefix) return *p->iri + suffix;
    if (HasScheme(value)) return value;
  }
  if (vocab && active.vocab) return *active.vocab + value;
  if (document_relative) {
    if (active.base) return ResolveIri(*active.base, value);
  }
  return value;
}

std::optional<std::string> Engine::ExpandIri(const ContextPtr& active, const std::string& value,
                                             bool document_relative, bool vocab) {
  // Without a local context nothing is defined, so the const context is
  // only read.
  return ExpandIri(const_cast<Context&>(*active), value, document_relative, vocab);
}

namespace {

template <typename Compute>
const std::optional<std::string>& Memoised(
    std::unordered_map<std::string, std::optional<std::string>>& memo, const std::string& key,
    std::deque<std::optional<std::string>>& overflow, Compute compute) {
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() >= Context::KeyMemo::kMaxEntries) return overflow.emplace_back(compute());
  return memo.emplace(key, compute()).first->second;
}

}  // namespace

const Context::KeyInfo& Engine::LookUpKey(const ContextPtr& active, const std::string& key) {
  auto& memo = active->expanded_keys.keys;
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  Context::KeyInfo info{ExpandIri(active, key, false, true), active->Find(key)};
  if (info.iri) {
    if (IsKeyword(*info.iri)) info.role = Context::KeyInfo::Role::kKeyword;
    else if (info.iri->find(':') != std::string::npos) info.role = Context::KeyInfo::Role::kProperty;
  }
  if (memo.size() >= Context::KeyMemo::kMaxEntries) return unmemoised_keys_.emplace_back(std::move(info));
  return memo.emplace(key, std::move(info)).first->second;
}

const std::optional<std::string>& Engine::ExpandType(const ContextPtr& active, const std::string& value) {
  return Memoised(active->expanded_keys.types, value, unmemoised_,
                  [&] { return ExpandIri(active, value, true, true); });
}

}  // namespace tinykg::td::internal
