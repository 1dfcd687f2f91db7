// The Expansion Algorithm and Value Expansion (JSON-LD 1.1 API, section 5).
#include <algorithm>
#include <cctype>

#include "iri.h"
#include "jsonld_internal.h"

namespace tinykg::td::internal {

// Keyword tests compare lengths first (a std::string == const char* test
// measured the literal and called memcmp for every key).
using std::string_view_literals::operator""sv;
namespace {

Json AsArray(const Json& value) { return value.is_array() ? value : Json::array({value}); }
Json AsArray(Json&& value) {
  if (value.is_array()) return std::move(value);
  Json array = Json::array();
  array.push_back(std::move(value));
  return array;
}

void AppendAll(Json& target, const Json& values) {
  if (!target.is_array()) target = target.is_null() ? Json::array() : Json::array({target});
  if (values.is_array()) {
    for (const Json& v : values) target.push_back(v);
  } else {
    target.push_back(values);
  }
}

// Moves instead of copying: expanded subtrees are appended once per level,
// so a copy here made expansion cost O(size x depth).
void AppendAll(Json& target, Json&& values) {
  if (target.is_null() && values.is_array()) {
    target = std::move(values);
    return;
  }
  if (!target.is_array()) target = target.is_null() ? Json::array() : Json::array({std::move(target)});
  if (values.is_array()) {
    for (Json& v : values) target.push_back(std::move(v));
  } else {
    target.push_back(std::move(values));
  }
}

// {key: value} without nlohmann's initializer-list detection and copies
// (expansion builds one such object per value).
Json ObjectWith(const char* key, Json value) {
  Json object(Json::value_t::object);
  object.get_ref<Json::object_t&>().emplace(key, std::move(value));
  return object;
}

const std::string kGraph = "@graph";
const std::string kReverse = "@reverse";

bool IsListObject(const Json& v) { return v.is_object() && v.contains("@list"); }
bool IsValueObject(const Json& v) { return v.is_object() && v.contains("@value"); }
bool IsGraphObject(const Json& v) {
  if (!v.is_object() || !v.contains("@graph")) return false;
  for (auto& [k, x] : v.items()) {
    (void)x;
    if (k != "@graph"sv && k != "@id"sv && k != "@index"sv && k != "@context"sv) return false;
  }
  return true;
}

std::string Lower(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value;
}

// The spec walks map keys in code-point order; a Json object (std::map with
// byte-wise std::less) already iterates in that order, so loops use it
// directly instead of copying and sorting the keys.

}  // namespace

Json Engine::ExpandValue(const Context& active, const TermDefinition* def, const Json& value,
                         bool defer) {
  if (def != nullptr && def->type && value.is_string()) {
    const bool id = *def->type == "@id"sv;
    if (id || *def->type == "@vocab"sv) {
      auto iri = ExpandIri(const_cast<Context&>(active), value.get<std::string>(), true, !id);
      if (defer && iri) {
        DeferredValue d;
        d.id = &deferred_ids_.emplace_back(std::move(*iri));
        deferred_.push_back(d);
        return Json(static_cast<std::uint64_t>(deferred_.size() - 1));
      }
      return ObjectWith("@id", iri ? Json(std::move(*iri)) : Json(nullptr));
    }
  }
  const bool typed = def != nullptr && def->type && *def->type != "@id"sv &&
                     *def->type != "@vocab"sv && *def->type != "@none"sv;
  // A blank node @type would need a new label in the node map: built.
  if (defer && !(typed && IsBlankNodeId(*def->type))) {
    DeferredValue d;
    d.value = &value;
    if (typed) {
      d.type = &*def->type;
    } else if (value.is_string()) {
      const std::optional<std::string>& language =
          def != nullptr && def->has_language ? def->language : active.default_language;
      const std::optional<std::string>& direction =
          def != nullptr && def->has_direction ? def->direction : active.default_direction;
      if (language) d.language = &*language;
      if (direction) d.direction = &*direction;
    }
    deferred_.push_back(d);
    return Json(static_cast<std::uint64_t>(deferred_.size() - 1));
  }
  Json result = ObjectWith("@value", value);
  if (typed) {
    result["@type"] = *def->type;
  } else if (value.is_string()) {
    // Read where they are (a copy of each optional per value before).
    const std::optional<std::string>& language =
        def != nullptr && def->has_language ? def->language : active.default_language;
    const std::optional<std::string>& direction =
        def != nullptr && def->has_direction ? def->direction : active.default_direction;
    auto& members = result.get_ref<Json::object_t&>();
    if (language) members.emplace("@language", *language);
    if (direction) members.emplace("@direction", *direction);
  }
  return result;
}

void Engine::ExpandArrayItem(const ContextPtr& active, const std::string* active_property,
                             const TermDefinition* property_def, bool list_container,
                             const Json& item, const std::string& base_url, bool from_map,
                             Json& result) {
  Json expanded = Expand(active, active_property, property_def, item, base_url, from_map);
  if (list_container && expanded.is_array()) {
    expanded = ObjectWith("@list", std::move(expanded));
  }
  if (expanded.is_array()) {
    for (Json& x : expanded) result.push_back(std::move(x));
  } else if (!expanded.is_null()) {
    result.push_back(std::move(expanded));
  }
}

void Engine::ApplyTypeScoped(const ContextPtr& type_scoped, const std::string& term, ContextPtr& active) {
  const TermDefinition* td = type_scoped->Find(term);
  if (td != nullptr && td->context) {
    active = ProcessScopedContext(active, td->context, td->base_url, false, false);
  }
}

Json Engine::Expand(const ContextPtr& active_in, const std::string* active_property,
                    const TermDefinition* property_def, const Json& element,
                    const std::string& base_url, bool from_map) {
  if (element.is_null()) return nullptr;
  ContextPtr active = active_in;
  std::shared_ptr<const Json> property_scoped =
      property_def != nullptr ? property_def->context : nullptr;

  if (element.is_primitive()) {
    if (!active_property || *active_property == "@graph"sv) return nullptr;
    if (property_scoped) {
      active = ProcessScopedContext(active, property_scoped, property_def->base_url, true, true);
    }
    const TermDefinition* def = property_scoped ? active->Find(*active_property) : property_def;
    if (allow_defer_ && (pinned_.empty() || pinned_.back() != active)) pinned_.push_back(active);
    return ExpandValue(*active, def, element, allow_defer_);
  }

  if (element.is_array()) {
    Json result = Json::array();
    const bool list_container = property_def != nullptr && property_def->HasContainer("@list");
    for (const Json& item : element) {
      ExpandArrayItem(active, active_property, property_def, list_container, item, base_url, from_map,
                      result);
    }
    return result;
  }

  // A map: no value of its own entries is deferred unless ExpandObject says so.
  struct DeferGuard {
    bool& flag;
    bool saved;
    ~DeferGuard() { flag = saved; }
  } defer_guard{allow_defer_, allow_defer_};
  allow_defer_ = false;
  if (active->previous != nullptr && !from_map) {
    bool revert = true;
    for (const auto& [key, value] : element.get_ref<const Json::object_t&>()) {
      (void)value;
      const auto& e = ExpandKey(active, key);
      if (e && *e == "@value"sv) revert = false;
      if (e && *e == "@id"sv && element.size() == 1) revert = false;
    }
    if (revert) active = active->previous;
  }
  if (property_scoped) {
    active = ProcessScopedContext(active, property_scoped, property_def->base_url, true, true);
  }
  if (element.contains("@context")) {
    active = ProcessContext(active, element["@context"], base_url);
  }
  const ContextPtr type_scoped = active;
  std::optional<std::string> input_type;
  bool seen_type_key = false;
  // The keys' lookups, kept for ExpandObject when no type-scoped context
  // changes `active` (one memo lookup per key instead of three).
  constexpr size_t kMaxKeptKeys = 48;
  const Context::KeyInfo* key_infos[kMaxKeptKeys];
  const bool keep_keys = element.size() <= kMaxKeptKeys;
  size_t key_index = 0;
  // The object's std::map walked directly: nlohmann's iterators dispatch on
  // the value's type at every step (3-7 % of a TD import across the walks).
  const Json::object_t& element_members = element.get_ref<const Json::object_t&>();
  for (auto entry = element_members.begin(); entry != element_members.end(); ++entry, ++key_index) {
    const std::string& key = entry->first;
    const Context::KeyInfo& info = LookUpKey(active, key);
    if (keep_keys) key_infos[key_index] = &info;
    const auto& e = info.iri;
    if (!e || *e != "@type"sv) continue;
    // The values read in place (a data schema's "type" is one string; an
    // array of them was copied for every typed node).
    const Json& type_value = entry->second;
    const Json* last = type_value.is_array() ? (type_value.empty() ? nullptr : &type_value.back()) : &type_value;
    if (type_value.is_string()) {
      ApplyTypeScoped(type_scoped, type_value.get_ref<const std::string&>(), active);
    } else if (type_value.is_array()) {
      std::vector<const std::string*> terms;
      for (const Json& v : type_value) {
        if (v.is_string()) terms.push_back(&v.get_ref<const std::string&>());
      }
      std::sort(terms.begin(), terms.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
      for (const std::string* term : terms) ApplyTypeScoped(type_scoped, *term, active);
    }
    if (!seen_type_key) {
      seen_type_key = true;
      if (last != nullptr && last->is_string()) {
        input_type = ExpandType(active, last->get_ref<const std::string&>());
      }
    }
  }

  Json result = Json::object();
  ExpandObject(active, type_scoped, active_property, element, base_url, input_type, result,
               keep_keys && active == type_scoped ? key_infos : nullptr);

  // The keyword entries, found in one pass (keywords sort together, after
  // "@"): a find per keyword walked the map again for each.
  Json* value_entry = nullptr;
  Json* type_entry = nullptr;
  bool has_language = false, has_direction = false, has_index = false, has_set = false,
       has_list = false;
  {
    auto& members = result.get_ref<Json::object_t&>();
    for (auto it = members.lower_bound("@"); it != members.end() && it->first.front() == '@'; ++it) {
      const std::string& k = it->first;
      if (k == "@value"sv) value_entry = &it->second;
      else if (k == "@type"sv) type_entry = &it->second;
      else if (k == "@language"sv) has_language = true;
      else if (k == "@direction"sv) has_direction = true;
      else if (k == "@index"sv) has_index = true;
      else if (k == "@set"sv) has_set = true;
      else if (k == "@list"sv) has_list = true;
    }
  }
  if (value_entry != nullptr) {
    for (auto& [k, v] : result.items()) {
      (void)v;
      if (k != "@direction"sv && k != "@index"sv && k != "@language"sv && k != "@type"sv && k != "@value"sv) {
        Fail("invalid value object", "unexpected entry " + k);
      }
    }
    if (type_entry != nullptr && (has_language || has_direction)) {
      Fail("invalid value object", "@type together with @language or @direction");
    }
    const bool is_json = type_entry != nullptr && *type_entry == "@json";
    if (!is_json) {
      const Json& v = *value_entry;
      if (v.is_null()) return nullptr;
      if (!v.is_string() && has_language) {
        Fail("invalid language-tagged value", v.dump());
      }
      if (type_entry != nullptr) {
        const Json& t = *type_entry;
        if (!t.is_string() || !IsWellFormedIri(t.get_ref<const std::string&>())) {
          Fail("invalid typed value", t.dump());
        }
      }
    }
  } else if (type_entry != nullptr && !type_entry->is_array()) {
    Json types = Json::array();
    types.push_back(std::move(*type_entry));
    *type_entry = std::move(types);
  } else if (has_set || has_list) {
    if (result.size() > 2 || (result.size() == 2 && !has_index)) {
      Fail("invalid set or list object");
    }
    if (has_set) {
      Json set = std::move(result["@set"]);
      result = std::move(set);
      has_language = result.is_object() && result.contains("@language");
    }
  }
  if (has_language && result.is_object() && result.size() == 1) return nullptr;
  if (!active_property || *active_property == "@graph"sv) {
    if (result.is_object() &&
        (result.empty() || result.contains("@value") || result.contains("@list"))) {
      return nullptr;
    }
    if (result.is_object() && result.size() == 1 && result.contains("@id")) return nullptr;
  }
  return result;
}

void Engine::ExpandObject(const ContextPtr& active, const ContextPtr& type_scoped,
                          const std::string* active_property, const Json& element,
                          const std::string& base_url,
                          const std::optional<std::string>& input_type, Json& result,
                          const Context::KeyInfo* const* key_infos) {
  std::vector<std::string> nests;
  size_t key_index = 0;
  for (const auto& [key, value] : element.get_ref<const Json::object_t&>()) {
    const size_t this_key = key_index++;
    if (key == "@context"sv) continue;
    const Context::KeyInfo& key_info =
        key_infos != nullptr ? *key_infos[this_key] : LookUpKey(active, key);
    // The key's role found once per context (LookUpKey), not a scan for
    // ':' and a keyword test per key.
    if (key_info.role == Context::KeyInfo::Role::kDropped) continue;
    const std::string& prop = *key_info.iri;
    if (key_info.role == Context::KeyInfo::Role::kKeyword) {
      if (active_property && *active_property == "@reverse"sv) Fail("invalid reverse property map");
      if (result.contains(prop) && prop != "@included"sv && prop != "@type"sv) {
        Fail("colliding keywords", prop);
      }
      Json expanded_value;
      if (prop == "@id"sv) {
        if (!value.is_string()) Fail("invalid @id value", value.dump());
        auto iri = ExpandIri(active, value.get<std::string>(), true, false);
        expanded_value = iri ? Json(std::move(*iri)) : Json(nullptr);
      } else if (prop == "@type"sv) {
        bool ok = value.is_string();
        if (value.is_array()) {
          ok = std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); });
        }
        if (!ok) Fail("invalid type value", value.dump());
        Json types = Json::array();
        auto add_type = [&](const Json& t) {
          const auto& iri = ExpandType(type_scoped, t.get_ref<const std::string&>());
          if (iri) types.push_back(*iri);
        };
        if (value.is_array()) {
          for (const Json& t : value) add_type(t);
        } else {
          add_type(value);
        }
        if (result.contains("@type")) {
          Json merged = AsArray(result["@type"]);
          AppendAll(merged, std::move(types));
          expanded_value = std::move(merged);
        } else if (value.is_string() && types.size() == 1) {
          Json single = std::move(types[0]);
          expanded_value = std::move(single);
        } else {
          expanded_value = std::move(types);
        }
      } else if (prop == "@graph"sv) {
        expanded_value = AsArray(Expand(active, &kGraph, value, base_url));
      } else if (prop == "@included"sv) {
        if (mode10()) continue;
        expanded_value = AsArray(Expand(active, nullptr, value, base_url));
        for (const Json& item : expanded_value) {
          if (!item.is_object() || item.contains("@value") || item.contains("@list") ||
              item.contains("@set")) {
            Fail("invalid @included value");
          }
        }
        if (result.contains("@included")) {
          Json merged = result["@included"];
          AppendAll(merged, expanded_value);
          expanded_value = merged;
        }
      } else if (prop == "@value"sv) {
        if (input_type && *input_type == "@json"sv) {
          expanded_value = value;
          if (value.is_null()) {
            result["@value"] = nullptr;
            continue;
          }
        } else {
          if (!value.is_null() && !value.is_primitive()) Fail("invalid value object value", value.dump());
          expanded_value = value;
          if (value.is_null()) {
            result["@value"] = nullptr;
            continue;
          }
        }
      } else if (prop == "@language"sv) {
        if (!value.is_string()) Fail("invalid language-tagged string", value.dump());
        expanded_value = Lower(value.get<std::string>());
      } else if (prop == "@direction"sv) {
        if (mode10()) continue;
        if (value != "ltr" && value != "rtl") Fail("invalid base direction", value.dump());
        expanded_value = value;
      } else if (prop == "@index"sv) {
        if (!value.is_string()) Fail("invalid @index value", value.dump());
        expanded_value = value;
      } else if (prop == "@list"sv) {
        if (!active_property || *active_property == "@graph"sv) continue;
        expanded_value = AsArray(Expand(active, active_property, value, base_url));
      } else if (prop == "@set"sv) {
        expanded_value = Expand(active, active_property, value, base_url);
      } else if (prop == "@reverse"sv) {
        if (!value.is_object()) Fail("invalid @reverse value");
        expanded_value = Expand(active, &kReverse, value, base_url);
        if (expanded_value.contains("@reverse")) {
          for (auto& [p, items] : expanded_value["@reverse"].items()) {
            AppendAll(result[p], items);
          }
        }
        bool has_other = false;
        for (auto& [p, items] : expanded_value.items()) {
          if (p == "@reverse"sv) continue;
          has_other = true;
          (void)items;
        }
        if (has_other) {
          Json& reverse_map = result["@reverse"];
          if (reverse_map.is_null()) reverse_map = Json::object();
          for (auto& [p, items] : expanded_value.items()) {
            if (p == "@reverse"sv) continue;
            for (const Json& item : items) {
              if (IsListObject(item) || IsValueObject(item)) Fail("invalid reverse property value");
              AppendAll(reverse_map[p], item);
            }
          }
        }
        continue;
      } else if (prop == "@nest"sv) {
        nests.push_back(key);
        continue;
      } else {
        // @context handled above; other keywords (@none, @vocab, ...) as keys are ignored.
        continue;
      }
      result[prop] = std::move(expanded_value);
      continue;
    }

    const TermDefinition* def = key_info.def;
    Json expanded_value;
    // Deferred (toRdf only): values left as DeferredValues, and a single
    // value not wrapped in an array (GenerateNodeMap reads either), where
    // nothing below reads them as expanded JSON-LD: not in a reverse map,
    // not for a reverse or @graph-container term.
    bool deferrable = false;
    if (def != nullptr && def->type && *def->type == "@json"sv) {
      expanded_value = Json{{"@value", value}, {"@type", "@json"}};
    } else if (def != nullptr && def->HasContainer("@language") && value.is_object()) {
      expanded_value = Json::array();
      std::optional<std::string> direction = active->default_direction;
      if (def->has_direction) direction = def->direction;
      for (auto language_entry = value.begin(); language_entry != value.end(); ++language_entry) {
        const std::string& language = language_entry.key();
        for (const Json& item : AsArray(language_entry.value())) {
          if (item.is_null()) continue;
          if (!item.is_string()) Fail("invalid language map value", item.dump());
          Json v = ObjectWith("@value", item);
          const auto& lang_iri = ExpandKey(active, language);
          if (language != "@none"sv && !(lang_iri && *lang_iri == "@none"sv)) {
            v["@language"] = Lower(language);
          }
          if (direction) v["@direction"] = *direction;
          expanded_value.push_back(std::move(v));
        }
      }
    } else if (def != nullptr &&
               (def->HasContainer("@index") || def->HasContainer("@type") ||
                def->HasContainer("@id")) &&
               value.is_object()) {
      expanded_value = Json::array();
      std::string index_key = def->index ? *def->index : "@index";
      if (options_.jsonld_js_index_compat && def->context && def->index) {
        ContextPtr term_context = ProcessScopedContext(active, def->context, def->base_url, true, true);
        if (const TermDefinition* redefined = term_context->Find(key);
            redefined != nullptr && redefined->index) {
          index_key = *redefined->index;
        }
      }
      const bool id_or_type = def->HasContainer("@id") || def->HasContainer("@type");
      for (auto index_entry = value.begin(); index_entry != value.end(); ++index_entry) {
        const std::string& index = index_entry.key();
        ContextPtr map_context = active;
        if (id_or_type && active->previous) map_context = active->previous;
        if (def->HasContainer("@type")) {
          const TermDefinition* idef = map_context->Find(index);
          if (idef != nullptr && idef->context) {
            map_context = ProcessScopedContext(map_context, idef->context, idef->base_url, false, true);
          }
        } else {
          map_context = active;
        }
        const auto& expanded_index = ExpandKey(active, index);
        const bool is_none = expanded_index && *expanded_index == "@none"sv;
        // Expand(map_context, &key, AsArray(value)) without copying a
        // non-array value (an affordance's whole subtree) into an array.
        Json index_value = Json::array();
        const TermDefinition* map_def = map_context->Find(key);
        const bool list_container = map_def != nullptr && map_def->HasContainer("@list");
        if (index_entry.value().is_array()) {
          for (const Json& x : index_entry.value()) {
            ExpandArrayItem(map_context, &key, map_def, list_container, x, base_url, true, index_value);
          }
        } else {
          ExpandArrayItem(map_context, &key, map_def, list_container, index_entry.value(), base_url,
                          true, index_value);
        }
        for (Json& item : index_value) {
          if (def->HasContainer("@graph") && !IsGraphObject(item)) {
            item = Json{{"@graph", AsArray(item)}};
          }
          if (def->HasContainer("@index") && index_key != "@index"sv && !is_none) {
            Json re_expanded = ExpandValue(*active, active->Find(index_key), index);
            const auto& expanded_index_key = ExpandKey(active, index_key);
            if (!expanded_index_key) continue;
            if (IsValueObject(item)) Fail("invalid value object", "property-valued index on a value");
            // Moved, not copied (Json::array({x}) and the assignment each
            // copied the values: a TD's every affordance has its name here).
            Json values = Json::array();
            values.push_back(std::move(re_expanded));
            if (item.is_object() && item.contains(*expanded_index_key)) {
              AppendAll(values, std::move(item[*expanded_index_key]));
            }
            item[*expanded_index_key] = std::move(values);
          } else if (def->HasContainer("@index") && item.is_object() && !item.contains("@index") &&
                     !is_none) {
            item["@index"] = index;
          } else if (def->HasContainer("@id") && item.is_object() && !item.contains("@id") &&
                     !is_none) {
            auto id = ExpandIri(active, index, true, false);
            item["@id"] = id ? Json(*id) : Json(nullptr);
          } else if (def->HasContainer("@type") && !is_none && expanded_index) {
            Json types = Json::array({*expanded_index});
            if (item.contains("@type")) AppendAll(types, item["@type"]);
            item["@type"] = types;
          }
          expanded_value.push_back(std::move(item));
        }
      }
    } else {
      deferrable = defer_values_ && !(active_property && *active_property == "@reverse"sv) &&
                   !(def != nullptr && (def->reverse || def->HasContainer("@graph")));
      allow_defer_ = deferrable;
      expanded_value = Expand(active, &key, def, value, base_url, false);
      allow_defer_ = false;
    }
    if (expanded_value.is_null()) continue;
    if (def != nullptr && def->HasContainer("@list") && !IsListObject(expanded_value)) {
      expanded_value = ObjectWith("@list", AsArray(std::move(expanded_value)));
    }
    if (def != nullptr && def->HasContainer("@graph") && !def->HasContainer("@id") &&
        !def->HasContainer("@index")) {
      Json graphs = Json::array();
      for (const Json& ev : AsArray(expanded_value)) graphs.push_back(Json{{"@graph", AsArray(ev)}});
      expanded_value = graphs;
    }
    if (def != nullptr && def->reverse) {
      Json& reverse_map = result["@reverse"];
      if (reverse_map.is_null()) reverse_map = Json::object();
      for (const Json& item : AsArray(expanded_value)) {
        if (IsListObject(item) || IsValueObject(item)) Fail("invalid reverse property value");
        AppendAll(reverse_map[prop], item);
      }
    } else {
      Json& target = result[prop];
      if (deferrable && target.is_null()) {
        target = std::move(expanded_value);  // an array's two allocations saved for one value
      } else {
        AppendAll(target, std::move(expanded_value));
      }
    }
  }

  std::sort(nests.begin(), nests.end());
  for (const std::string& nesting_key : nests) {
    // Read in place (AsArray copied them; deferred values point into them).
    const Json& nest_entry = element[nesting_key];
    const bool nest_is_array = nest_entry.is_array();
    const size_t nest_count = nest_is_array ? nest_entry.size() : 1;
    for (size_t nest_index = 0; nest_index < nest_count; ++nest_index) {
      const Json& nested_value = nest_is_array ? nest_entry[nest_index] : nest_entry;
      if (!nested_value.is_object()) Fail("invalid @nest value");
      for (auto& [k, v] : nested_value.items()) {
        (void)v;
        const auto& e = ExpandKey(active, k);
        if (e && *e == "@value"sv) Fail("invalid @nest value");
      }
      // A property-scoped context on the nesting term applies inside it.
      ContextPtr nested_context = active;
      if (const TermDefinition* nd = active->Find(nesting_key); nd != nullptr && nd->context) {
        nested_context = ProcessScopedContext(active, nd->context, nd->base_url, true, true);
      }
      ExpandObject(nested_context, type_scoped, active_property, nested_value, base_url, input_type,
                   result, nullptr);
    }
  }
}

}  // namespace tinykg::td::internal
