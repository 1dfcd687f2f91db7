// Node Map Generation (7.2) and Deserialize JSON-LD to RDF (8.1), plus the
// public JsonLdProcessor entry points.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "iri.h"
#include <unordered_set>

#include "json_hash.h"
#include "jsonld_internal.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::td {
namespace internal {

// Keyword tests compare lengths first (a std::string == const char* test
// measured the literal and called memcmp for every key).
using std::string_view_literals::operator""sv;
namespace {

const std::string kRdfType = std::string(vocab::kRdf) + "type";
const std::string kRdfFirst = std::string(vocab::kRdf) + "first";
const std::string kRdfRest = std::string(vocab::kRdf) + "rest";
const std::string kRdfNil = std::string(vocab::kRdf) + "nil";
const std::string kRdfValue = std::string(vocab::kRdf) + "value";
const std::string kRdfLanguage = std::string(vocab::kRdf) + "language";
const std::string kRdfDirection = std::string(vocab::kRdf) + "direction";
const std::string kRdfJson = std::string(vocab::kRdf) + "JSON";
const std::string kRdfLangString = std::string(vocab::kRdf) + "langString";
const std::string kXsdBoolean = std::string(vocab::kXsd) + "boolean";
const std::string kXsdDouble = std::string(vocab::kXsd) + "double";
const std::string kXsdInteger = std::string(vocab::kXsd) + "integer";
const std::string kXsdString = std::string(vocab::kXsd) + "string";

bool IsWellFormedLanguage(const std::string& tag) {
  // BCP47 shape: 1-8 letters, then -subtags of 1-8 alphanumerics.
  size_t i = 0;
  size_t n = 0;
  while (i < tag.size() && std::isalpha(static_cast<unsigned char>(tag[i]))) ++i, ++n;
  if (n < 1 || n > 8) return false;
  while (i < tag.size()) {
    if (tag[i] != '-') return false;
    ++i;
    n = 0;
    while (i < tag.size() && std::isalnum(static_cast<unsigned char>(tag[i]))) ++i, ++n;
    if (n < 1 || n > 8) return false;
  }
  return true;
}

TermRef SubjectRef(std::string_view id) {
  if (IsBlankNodeId(id)) return {rdf::TermKind::kBlank, id.substr(2), {}, {}};
  return {rdf::TermKind::kIri, id, {}, {}};
}

bool IsWellFormedNode(std::string_view id) { return IsBlankNodeId(id) || IsWellFormedIri(id); }

}  // namespace

bool WellFormedNodeCache::IsWellFormedNode(std::string_view id) {
  if (id.empty()) return false;
  const size_t n = id.size();
  std::string_view& slot = seen_[(n * 31 + static_cast<unsigned char>(id[n - 1]) * 7 +
                                  static_cast<unsigned char>(id[n / 2])) &
                                 (seen_.size() - 1)];
  if (slot == id) return true;
  if (!internal::IsWellFormedNode(id)) return false;
  slot = id;
  return true;
}

namespace {

// ES6 Number.prototype.toString for a finite double.
std::string EcmaNumber(double d) {
  if (d == 0) return "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // d.ddde[+-]XX, shortest round-trip digits
  const size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exponent = std::stoi(sci.substr(e + 1));
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += "e";
    out += (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
  }
  return negative ? "-" + out : out;
}

void WriteCanonical(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::value_t::object: {
      std::vector<std::string> keys;
      for (auto& [k, x] : v.items()) {
        (void)x;
        keys.push_back(k);
      }
      // RFC 8785 sorts by UTF-16 code units; byte order differs only for
      // supplementary-plane characters against U+E000..U+FFFF.
      std::sort(keys.begin(), keys.end());
      out += '{';
      bool first = true;
      for (const auto& k : keys) {
        if (!first) out += ',';
        first = false;
        out += Json(k).dump();
        out += ':';
        WriteCanonical(v[k], out);
      }
      out += '}';
      break;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& x : v) {
        if (!first) out += ',';
        first = false;
        WriteCanonical(x, out);
      }
      out += ']';
      break;
    }
    case Json::value_t::number_float:
      out += EcmaNumber(v.get<double>());
      break;
    default:
      out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

std::string CanonicalDouble(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15E", d);
  std::string s(buf);
  const size_t e = s.find('E');
  std::string mantissa = s.substr(0, e);
  int exponent = std::stoi(s.substr(e + 1));
  while (mantissa.size() > 1 && mantissa.back() == '0' && mantissa[mantissa.size() - 2] != '.') {
    mantissa.pop_back();
  }
  return mantissa + "E" + std::to_string(exponent);
}

}  // namespace

std::string Engine::IssueBlank(const std::string& old_id) {
  if (!old_id.empty()) {
    auto it = blank_ids_.find(old_id);
    if (it != blank_ids_.end()) return it->second;
  }
  std::string id = "_:b" + std::to_string(blank_counter_++);
  if (!old_id.empty()) blank_ids_[old_id] = id;
  return id;
}

std::string_view Engine::IssueBlank(std::string_view old_id, NodeMap& node_map) {
  if (old_id.empty()) return node_map.Keep(IssueBlank(""));
  auto it = blank_ids_.find(old_id);
  if (it == blank_ids_.end()) {
    it = blank_ids_.emplace(std::string(old_id), "_:b" + std::to_string(blank_counter_++)).first;
  }
  return it->second;
}

void Engine::GenerateNodeMap(const Json& element, NodeMap& node_map, std::string_view active_graph,
                             const std::string_view* active_subject, bool reverse_subject,
                             const std::string_view* active_property, std::vector<NodeMapValue>* list,
                             std::vector<NodeMapValue>* subject_values) {
  if (element.is_array()) {
    for (const Json& item : element.get_ref<const Json::array_t&>()) {
      GenerateNodeMap(item, node_map, active_graph, active_subject, reverse_subject,
                      active_property, list, subject_values);
    }
    return;
  }
  auto add_unique = [this, &node_map](std::vector<NodeMapValue>& values, NodeMapValue&& value) {
    AddUnique(values, std::move(value), node_map);
  };
  if (!element.is_object()) {
    // A deferred value object or node reference, taken as the value objects
    // and node objects below (a value's @type is never a blank node
    // identifier; a reference is never in a reverse map). With an active
    // subject the graph exists already (its node was entered in it).
    const DeferredValue* d = Deferred(element);
    if (d == nullptr) return;
    NodeMapValue value;
    if (d->id != nullptr) {
      // A node reference, as a node object of only @id below.
      std::string_view id = *d->id;
      if (IsBlankNodeId(id)) id = IssueBlank(id, node_map);
      node_map.graphs[active_graph][id];
      if (active_property == nullptr) return;
      value.kind = NodeMapValue::Kind::kReference;
      value.id = id;
    } else if (active_subject == nullptr || active_property == nullptr) {
      node_map.graphs[active_graph];
      return;  // expansion drops these
    } else {
      value.value = &element;
    }
    if (list != nullptr) {
      list->push_back(std::move(value));
    } else if (subject_values != nullptr) {
      add_unique(*subject_values, std::move(value));
    } else {
      add_unique(node_map.graphs[active_graph][*active_subject].properties.Get(*active_property,
                                                                               node_map.value_lists),
                 std::move(value));
    }
    return;
  }
  // The element is read, never copied: values in the map point into it.
  // Keys the algorithm "removes" are skipped.
  auto& graph = node_map.graphs[active_graph];
  // The active subject's values for the active property: passed down by the
  // caller that holds them (two map lookups by IRI per value otherwise).
  auto active_values = [&]() -> std::vector<NodeMapValue>& {
    if (subject_values != nullptr) return *subject_values;
    return graph[*active_subject].properties.Get(*active_property, node_map.value_lists);
  };

  // The keyword entries, found in one pass over the keys (a find per
  // keyword compared long IRIs with each keyword, for every element).
  const Json* type_entry = nullptr;
  const Json* value_entry = nullptr;
  const Json* list_entry = nullptr;
  const Json* id_entry = nullptr;
  const Json* index_entry = nullptr;
  const Json* reverse_entry = nullptr;
  const Json* graph_entry = nullptr;
  const Json* included_entry = nullptr;
  // The object's std::map walked directly (nlohmann's iterators dispatch on
  // the type at every step).
  const Json::object_t& members = element.get_ref<const Json::object_t&>();
  for (const auto& [key, entry_value] : members) {
    if (key.empty() || key[0] != '@') continue;
    const Json* v = &entry_value;
    if (key == "@type"sv) type_entry = v;
    else if (key == "@value"sv) value_entry = v;
    else if (key == "@list"sv) list_entry = v;
    else if (key == "@id"sv) id_entry = v;
    else if (key == "@index"sv) index_entry = v;
    else if (key == "@reverse"sv) reverse_entry = v;
    else if (key == "@graph"sv) graph_entry = v;
    else if (key == "@included"sv) included_entry = v;
  }
  // @type values with blank node identifiers get new labels.
  std::vector<std::string_view> types;
  bool relabeled = false;
  if (type_entry != nullptr) {
    auto add_type = [&](const Json& t) {
      if (!t.is_string()) return;
      const std::string& type = t.get_ref<const std::string&>();
      if (IsBlankNodeId(type)) {
        types.push_back(IssueBlank(type, node_map));
        relabeled = true;
      } else {
        types.push_back(type);
      }
    };
    if (type_entry->is_array()) {
      for (const Json& t : *type_entry) add_type(t);
    } else {
      add_type(*type_entry);
    }
  }
  if (value_entry != nullptr) {
    if (active_subject == nullptr || active_property == nullptr) return;  // expansion drops these
    NodeMapValue value;
    value.value = &element;
    if (relabeled && type_entry->is_string()) {
      auto copy = std::make_unique<Json>(element);
      (*copy)["@type"] = std::string(types[0]);
      value.value = copy.get();
      node_map.owned.push_back(std::move(copy));
    }
    if (list == nullptr) {
      add_unique(active_values(), std::move(value));
    } else {
      list->push_back(std::move(value));
    }
    return;
  }
  if (list_entry != nullptr) {
    if (active_subject == nullptr || active_property == nullptr) return;  // expansion drops these
    NodeMapValue result;
    result.kind = NodeMapValue::Kind::kList;
    GenerateNodeMap(*list_entry, node_map, active_graph, active_subject, reverse_subject,
                    active_property, &result.list, subject_values);
    if (list == nullptr) {
      active_values().push_back(std::move(result));
    } else {
      list->push_back(std::move(result));
    }
    return;
  }
  std::string_view id;
  if (id_entry != nullptr && id_entry->is_string()) {
    id = id_entry->get_ref<const std::string&>();
    if (IsBlankNodeId(id)) id = IssueBlank(id, node_map);
  } else if (id_entry != nullptr) {
    id = "@null";  // an @id that expanded to null: never well-formed, so dropped
  } else {
    id = IssueBlank({}, node_map);
  }
  // References into std::maps stay valid while other entries are added.
  NodeMapNode& node = graph[id];
  node.properties.Reserve(element.size());
  if (active_subject != nullptr && reverse_subject) {
    NodeMapValue reference;
    reference.kind = NodeMapValue::Kind::kReference;
    reference.id = *active_subject;
    add_unique(node.properties.Get(*active_property, node_map.value_lists), std::move(reference));
  } else if (active_property != nullptr) {
    NodeMapValue reference;
    reference.kind = NodeMapValue::Kind::kReference;
    reference.id = id;
    if (list == nullptr) {
      add_unique(active_values(), std::move(reference));
    } else {
      list->push_back(std::move(reference));
    }
  }
  if (type_entry != nullptr) {
    std::vector<std::string_view>& node_types = node.types;
    if (node_types.size() + types.size() <= NodeMap::kIndexedFrom) {
      for (std::string_view t : types) {
        if (std::find(node_types.begin(), node_types.end(), t) == node_types.end()) node_types.push_back(t);
      }
    } else {  // 100,000 types would be 5 * 10^9 comparisons
      std::unordered_set<std::string_view>& seen = node_map.type_index[&node];
      if (seen.empty()) seen.insert(node_types.begin(), node_types.end());
      for (std::string_view t : types) {
        if (seen.insert(t).second) node_types.push_back(t);
      }
    }
  }
  if (index_entry != nullptr) {
    if (node.index != nullptr && *node.index != *index_entry) Fail("conflicting indexes");
    node.index = index_entry;
  }
  if (reverse_entry != nullptr) {
    for (auto entry = reverse_entry->begin(); entry != reverse_entry->end(); ++entry) {
      const std::string_view property = entry.key();
      for (const Json& value : entry.value()) {
        GenerateNodeMap(value, node_map, active_graph, &id, true, &property, nullptr, nullptr);
      }
    }
  }
  if (graph_entry != nullptr) {
    GenerateNodeMap(*graph_entry, node_map, id, nullptr, false, nullptr, nullptr, nullptr);
  }
  if (included_entry != nullptr) {
    GenerateNodeMap(*included_entry, node_map, active_graph, nullptr, false, nullptr, nullptr,
                    nullptr);
  }
  for (const auto& [key, entry_value] : members) {
    if (!key.empty() && key[0] == '@' &&
        (key == "@id"sv || key == "@type"sv || key == "@index"sv || key == "@reverse"sv ||
         key == "@graph"sv || key == "@included"sv)) {
      continue;
    }
    const std::string_view property = IsBlankNodeId(key) ? IssueBlank(key, node_map) : std::string_view(key);
    std::vector<NodeMapValue>& values = node.properties.Get(property, node_map.value_lists);
    GenerateNodeMap(entry_value, node_map, active_graph, &id, false, &property, nullptr, &values);
  }
}

rdf::Term Engine::ListToRdf(const std::vector<NodeMapValue>& list, std::vector<rdf::Triple>& triples) {
  if (list.empty()) return rdf::Term::Iri(kRdfNil);
  std::vector<std::string> nodes;
  for (size_t i = 0; i < list.size(); ++i) nodes.push_back(IssueBlank("").substr(2));
  for (size_t i = 0; i < list.size(); ++i) {
    const rdf::Term subject = rdf::Term::Blank(nodes[i]);
    std::vector<rdf::Triple> nested;
    ObjectScratch scratch;
    std::optional<TermRef> object = ObjectToRdf(list[i], nested, scratch);
    if (object) triples.push_back({subject, rdf::Term::Iri(kRdfFirst), object->ToTerm()});
    for (auto& t : nested) triples.push_back(std::move(t));
    triples.push_back({subject, rdf::Term::Iri(kRdfRest),
                       i + 1 < list.size() ? rdf::Term::Blank(nodes[i + 1]) : rdf::Term::Iri(kRdfNil)});
  }
  return rdf::Term::Blank(nodes[0]);
}

std::optional<TermRef> Engine::ObjectToRdf(const NodeMapValue& item, std::vector<rdf::Triple>& triples,
                                           ObjectScratch& scratch) {
  switch (item.kind) {
    case NodeMapValue::Kind::kReference:
      if (!well_formed_.IsWellFormedNode(item.id)) return std::nullopt;
      return SubjectRef(item.id);
    case NodeMapValue::Kind::kList:
      scratch.term = ListToRdf(item.list, triples);
      return TermRef::Of(scratch.term);
    case NodeMapValue::Kind::kValue:
      return ValueToRdf(*item.value, triples, scratch);
  }
  return std::nullopt;
}

namespace {

// A value object's entries, built or deferred, for the node map's equality.
struct ValueParts {
  const Json* value = nullptr;
  const std::string* type = nullptr;
  const std::string* language = nullptr;
  const std::string* direction = nullptr;
  const Json* index = nullptr;
  bool comparable = true;  // false: an entry that is not a string where one is expected
};

ValueParts PartsOf(const Json& item, const Engine::DeferredValue* d) {
  ValueParts p;
  if (d != nullptr) {
    p.value = d->value;
    p.type = d->type;
    p.language = d->language;
    p.direction = d->direction;
    return p;
  }
  for (const auto& [key, entry_value] : item.get_ref<const Json::object_t&>()) {
    const std::string** text = nullptr;
    if (key == "@value"sv) p.value = &entry_value;
    else if (key == "@index"sv) p.index = &entry_value;
    else if (key == "@type"sv) text = &p.type;
    else if (key == "@language"sv) text = &p.language;
    else if (key == "@direction"sv) text = &p.direction;
    else p.comparable = false;
    if (text != nullptr) {
      if (entry_value.is_string()) *text = &entry_value.get_ref<const std::string&>();
      else p.comparable = false;
    }
  }
  return p;
}

bool SameText(const std::string* a, const std::string* b) {
  return a == nullptr ? b == nullptr : b != nullptr && *a == *b;
}

size_t TextHash(const std::string* text) { return text == nullptr ? 11 : std::hash<std::string>()(*text); }

}  // namespace

bool Engine::SameValue(const NodeMapValue& a, const NodeMapValue& b) const {
  if (a.kind != NodeMapValue::Kind::kValue || b.kind != NodeMapValue::Kind::kValue) return a.SameAs(b);
  const DeferredValue* da = Deferred(*a.value);
  const DeferredValue* db = Deferred(*b.value);
  if (da == nullptr && db == nullptr) return *a.value == *b.value;
  // Json equality of the objects the two would have been.
  const ValueParts pa = PartsOf(*a.value, da);
  const ValueParts pb = PartsOf(*b.value, db);
  if (!pa.comparable || !pb.comparable) return false;
  if ((pa.value == nullptr) != (pb.value == nullptr)) return false;
  if (pa.value != nullptr && !(*pa.value == *pb.value)) return false;
  if ((pa.index == nullptr) != (pb.index == nullptr)) return false;
  if (pa.index != nullptr && !(*pa.index == *pb.index)) return false;
  return SameText(pa.type, pb.type) && SameText(pa.language, pb.language) &&
         SameText(pa.direction, pb.direction);
}

size_t Engine::ValueHash(const NodeMapValue& v) const {
  switch (v.kind) {
    case NodeMapValue::Kind::kReference: return HashMix(13, std::hash<std::string_view>()(v.id));
    case NodeMapValue::Kind::kList: return 17;  // never equal to anything
    case NodeMapValue::Kind::kValue: break;
  }
  const ValueParts p = PartsOf(*v.value, Deferred(*v.value));
  // Not comparable: equal only to the same built object (Json equality,
  // which hashing by parts could not follow); all in one bucket.
  if (!p.comparable) return 19;
  size_t h = p.value == nullptr ? 23 : JsonHash(*p.value);
  h = HashMix(h, p.index == nullptr ? 29 : JsonHash(*p.index));
  h = HashMix(h, TextHash(p.type));
  h = HashMix(h, TextHash(p.language));
  return HashMix(h, TextHash(p.direction));
}

void Engine::AddUnique(std::vector<NodeMapValue>& values, NodeMapValue&& value, NodeMap& node_map) const {
  if (values.size() < NodeMap::kIndexedFrom) {
    for (const NodeMapValue& v : values) {
      if (SameValue(v, value)) return;
    }
    values.push_back(std::move(value));
    return;
  }
  // Lists are appended without this (they are never equal to anything), so
  // the index may lack them; it holds every other value.
  auto& index = node_map.value_index[&values];
  if (index.empty()) {
    for (size_t i = 0; i < values.size(); ++i) index.emplace(ValueHash(values[i]), i);
  }
  const size_t hash = ValueHash(value);
  for (auto [it, end] = index.equal_range(hash); it != end; ++it) {
    if (SameValue(values[it->second], value)) return;
  }
  index.emplace(hash, values.size());
  values.push_back(std::move(value));
}

// A value object (the node map holds only value objects as Json), built or
// deferred.
std::optional<TermRef> Engine::ValueToRdf(const Json& item, std::vector<rdf::Triple>& triples,
                                          ObjectScratch& scratch) {
  if (const DeferredValue* d = Deferred(item)) {
    return ValuePartsToRdf(*d->value, d->type != nullptr ? std::string_view(*d->type) : std::string_view(),
                           d->language, d->direction, triples, scratch);
  }
  // The entries, found in one pass over the keys.
  const Json* value_entry = nullptr;
  const Json* type_entry = nullptr;
  const Json* language_entry = nullptr;
  const Json* direction_entry = nullptr;
  for (const auto& [key, entry_value] : item.get_ref<const Json::object_t&>()) {
    if (key == "@value"sv) value_entry = &entry_value;
    else if (key == "@type"sv) type_entry = &entry_value;
    else if (key == "@language"sv) language_entry = &entry_value;
    else if (key == "@direction"sv) direction_entry = &entry_value;
  }
  if (value_entry == nullptr) return std::nullopt;
  return ValuePartsToRdf(
      *value_entry,
      type_entry != nullptr ? std::string_view(type_entry->get_ref<const std::string&>()) : std::string_view(),
      language_entry != nullptr ? &language_entry->get_ref<const std::string&>() : nullptr,
      direction_entry != nullptr ? &direction_entry->get_ref<const std::string&>() : nullptr, triples,
      scratch);
}

std::optional<TermRef> Engine::ValuePartsToRdf(const Json& value, std::string_view datatype,
                                               const std::string* language_entry,
                                               const std::string* direction_entry,
                                               std::vector<rdf::Triple>& triples,
                                               ObjectScratch& scratch) {
  // `datatype`: a view of the @type entry or of one of the constants above:
  // no copy until the term is built.
  if (!datatype.empty() && datatype != "@json"sv && !IsWellFormedIri(datatype)) return std::nullopt;
  if (language_entry != nullptr && !IsWellFormedLanguage(*language_entry)) return std::nullopt;
  // A view of the value's string, or of scratch.lexical.
  std::string_view lexical;
  std::string& text = scratch.lexical;
  if (datatype == "@json"sv) {
    text = CanonicalJson(value);
    lexical = text;
    datatype = kRdfJson;
  } else if (value.is_boolean()) {
    lexical = value.get<bool>() ? "true"sv : "false"sv;
    if (datatype.empty()) datatype = kXsdBoolean;
  } else if (value.is_number()) {
    const double d = value.get<double>();
    const bool integral = value.is_number_integer() || value.is_number_unsigned() ||
                          (std::isfinite(d) && std::floor(d) == d);
    if (!integral || std::fabs(d) >= 1e21 || datatype == kXsdDouble) {
      text = CanonicalDouble(d);
      if (datatype.empty()) datatype = kXsdDouble;
    } else {
      if (value.is_number_integer() || value.is_number_unsigned()) {
        // Json::dump's text, without its serializer and output adapter.
        char buf[24];
        const auto res = value.is_number_unsigned()
                             ? std::to_chars(buf, buf + sizeof buf, value.get<std::uint64_t>())
                             : std::to_chars(buf, buf + sizeof buf, value.get<std::int64_t>());
        text.assign(buf, res.ptr);
      } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", d);
        text = buf;
        if (text == "-0") text = "0";
      }
      if (datatype.empty()) datatype = kXsdInteger;
    }
    lexical = text;
  } else if (value.is_string()) {
    // An untyped string is xsd:string (written without a datatype) or, with
    // a language, rdf:langString (written with the tag): no datatype needed.
    lexical = value.get_ref<const std::string&>();
  } else {
    return std::nullopt;
  }
  if (direction_entry != nullptr && !options_.rdf_direction.empty()) {
    const std::string language = language_entry != nullptr ? *language_entry : "";
    const std::string direction = *direction_entry;
    if (options_.rdf_direction == "i18n-datatype") {
      std::string lower = language;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      scratch.datatype = "https://www.w3.org/ns/i18n#" + lower + "_" + direction;
      return TermRef{rdf::TermKind::kLiteral, lexical, scratch.datatype, {}};
    }
    if (options_.rdf_direction == "compound-literal") {
      const rdf::Term node = rdf::Term::Blank(IssueBlank("").substr(2));
      triples.push_back({node, rdf::Term::Iri(kRdfValue), rdf::Term::Literal(std::string(lexical), kXsdString)});
      if (!language.empty()) {
        triples.push_back({node, rdf::Term::Iri(kRdfLanguage), rdf::Term::Literal(language, kXsdString)});
      }
      triples.push_back({node, rdf::Term::Iri(kRdfDirection), rdf::Term::Literal(direction, kXsdString)});
      scratch.term = node;
      return TermRef::Of(scratch.term);
    }
  }
  if (language_entry != nullptr) {
    return TermRef{rdf::TermKind::kLiteral, lexical, {}, *language_entry};
  }
  if (datatype == kXsdString) datatype = {};
  return TermRef{rdf::TermKind::kLiteral, lexical, datatype, {}};
}

void TermRef::AppendNTriples(std::string& out) const {
  // toRdf writes an IRI only after IsWellFormedIri accepted it, and the bytes
  // that test refuses are exactly the bytes N-Triples escapes in an IRI
  // (test JsonLd.WellFormedIrisNeedNoNTriplesEscape): appended as they are,
  // without a second scan.
  if (kind == rdf::TermKind::kIri) {
    out += '<';
    out += value;
    out += '>';
    return;
  }
  rdf::AppendNTriplesTerm(kind, value, datatype, language, out);
}

namespace {

// Where ToRdf's statements go: rdf::Terms built in place in a vector of
// quads or triples, or N-Quads lines written from the views. A subject's
// and a predicate's text is made once and reused for each of their
// statements.
class StatementWriter {
 public:
  explicit StatementWriter(Engine::RdfOutput& out) : out_(out) {}

  // The graph of the next statements (an empty term: the default graph).
  // When only the default graph is wanted, a named graph's statements are
  // not written, and the first named graph that has one is reported.
  void Graph(rdf::Term graph) {
    graph_ = std::move(graph);
    skip_ = out_.quads == nullptr && !graph_.value.empty();
  }
  void Subject(TermRef s) { Hold(s, subject_text_, subject_); }
  void Predicate(TermRef p) { Hold(p, predicate_text_, predicate_); }
  // A statement of the current subject and predicate.
  void Object(TermRef o) {
    if (Skip()) return;
    ++out_.statements;
    if (out_.nquads != nullptr) {
      std::string& text = *out_.nquads;
      text += subject_text_;
      text += ' ';
      text += predicate_text_;
      text += ' ';
      o.AppendNTriples(text);
      text += out_.line_end;
    } else if (out_.quads != nullptr) {
      Quad& q = out_.quads->emplace_back();
      q.triple.subject = subject_;
      q.triple.predicate = predicate_;
      q.triple.object = o.ToTerm();
      q.graph = graph_;
    } else {
      rdf::Triple& t = out_.triples->emplace_back();
      t.subject = subject_;
      t.predicate = predicate_;
      t.object = o.ToTerm();
    }
  }
  // A whole statement (of a list or a compound literal).
  void Statement(rdf::Triple&& t) {
    if (Skip()) return;
    ++out_.statements;
    if (out_.nquads != nullptr) {
      t.AppendNTriplesTerms(*out_.nquads);
      *out_.nquads += out_.line_end;
    } else if (out_.quads != nullptr) {
      out_.quads->push_back(Quad{std::move(t), graph_});
    } else {
      out_.triples->push_back(std::move(t));
    }
  }

 private:
  // Keeps the subject's or predicate's N-Triples text (N-Quads output) or
  // its term (the others) for the statements that follow.
  void Hold(TermRef t, std::string& text, rdf::Term& term) {
    if (out_.nquads != nullptr) {
      text.clear();
      t.AppendNTriples(text);
    } else {
      term = t.ToTerm();
    }
  }
  bool Skip() {
    if (!skip_) return false;
    if (!out_.named_graph) out_.named_graph = graph_;
    return true;
  }

  Engine::RdfOutput& out_;
  rdf::Term graph_;
  bool skip_ = false;
  rdf::Term subject_, predicate_;
  std::string subject_text_, predicate_text_;
};

}  // namespace

void Engine::ToRdf(const Json& expanded, RdfOutput& out) {
  well_formed_.Clear();
  NodeMap node_map;
  node_map.graphs["@default"];
  GenerateNodeMap(expanded, node_map, "@default", nullptr, false, nullptr, nullptr, nullptr);
  size_t statements = 0;  // a lower bound (lists add more): one allocation, not ~8 per document
  for (const auto& [graph_name, graph] : node_map.graphs) {
    for (const auto& [subject, node] : graph) {
      statements += node.types.size();
      for (const auto& [property, values] : node.properties) statements += values->size();
    }
  }
  if (out.quads != nullptr) out.quads->reserve(statements);
  if (out.triples != nullptr) out.triples->reserve(statements);
  if (out.nquads != nullptr) out.nquads->reserve(out.nquads->size() + statements * (96 + out.line_end.size()));
  // Each statement is built once in its place in the output (no temporary
  // Quad moved in, no Quad -> Triple move for a caller that wants triples).
  StatementWriter writer(out);
  const TermRef type_predicate{rdf::TermKind::kIri, kRdfType, {}, {}};
  std::vector<rdf::Triple> list_triples;
  ObjectScratch scratch;
  for (const auto& [graph_name, graph] : node_map.graphs) {
    if (graph_name == "@default"sv) {
      writer.Graph({});
    } else {
      if (!IsWellFormedNode(graph_name)) continue;
      writer.Graph(SubjectRef(graph_name).ToTerm());
    }
    for (const auto& [subject, node] : graph) {
      // A node only referred to (a TD's every `op` value) has no statements.
      if (node.types.empty() && node.properties.begin() == node.properties.end()) continue;
      if (!well_formed_.IsWellFormedNode(subject)) continue;
      writer.Subject(SubjectRef(subject));
      if (!node.types.empty()) writer.Predicate(type_predicate);
      for (std::string_view type : node.types) {
        if (well_formed_.IsWellFormedNode(type)) writer.Object(SubjectRef(type));
      }
      for (const auto& [property, values] : node.properties) {
        if (IsKeyword(property)) continue;
        if (IsBlankNodeId(property) && !options_.produce_generalized_rdf) continue;
        if (!well_formed_.IsWellFormedNode(property)) continue;
        writer.Predicate(SubjectRef(property));
        for (const NodeMapValue& item : *values) {
          list_triples.clear();
          std::optional<TermRef> object = ObjectToRdf(item, list_triples, scratch);
          if (object) writer.Object(*object);
          for (auto& t : list_triples) writer.Statement(std::move(t));
        }
      }
    }
  }
}

}  // namespace internal

std::string CanonicalJson(const Json& value) {
  std::string out;
  internal::WriteCanonical(value, out);
  return out;
}

std::string Quad::ToNQuads() const {
  std::string line = triple.subject.ToNTriples() + " " + triple.predicate.ToNTriples() + " " +
                     triple.object.ToNTriples();
  if (!in_default_graph()) line += " " + graph.ToNTriples();
  line += " .";
  return line;
}

std::string ToNQuads(const std::vector<Quad>& quads) {
  std::string out;
  for (const Quad& q : quads) {
    out += q.ToNQuads();
    out += '\n';
  }
  return out;
}

std::string JsonLdErrorCode(const Status& status) {
  if (status.ok()) return {};
  const std::string& m = status.message();
  return m.substr(0, m.find(':'));
}

struct JsonLdProcessor::Caches {
  internal::Engine::Caches engine;
  std::map<std::string, internal::ContextPtr> initial;  // by base IRI
};

JsonLdProcessor::JsonLdProcessor() : caches_(std::make_unique<Caches>()) {}
JsonLdProcessor::~JsonLdProcessor() = default;

namespace {

Status ToStatus(const internal::JsonLdError& e) {
  if (e.code() == "loading remote context failed" || e.code() == "loading document failed") {
    return Status(StatusCode::kNotFound, e.what());
  }
  return Status(StatusCode::kInvalidData, e.what());
}

// The Expansion Algorithm's entry (5.1.1, steps 1-8 of expand()) on
// `engine`; `initial`: the cached initial context for options.base.
// Throws the algorithm's errors.
Json ExpandDocument(internal::Engine& engine, internal::ContextPtr& initial, const Json& input,
                    const JsonLdOptions& options) {
  if (!initial) {
    auto ctx = std::make_shared<internal::Context>();
    if (!options.base.empty()) ctx->base = options.base;
    ctx->original_base = options.base;
    initial = ctx;
  }
  internal::ContextPtr active = initial;
  if (!options.expand_context.is_null()) {
    const Json& ec = options.expand_context.is_object() && options.expand_context.contains("@context")
                         ? options.expand_context["@context"]
                         : options.expand_context;
    active = engine.ProcessContext(active, ec, options.base);
  }
  Json expanded = engine.Expand(active, nullptr, input, options.base);
  // Moved, not copied: Json::array({expanded}) copied the whole expanded
  // document (3 % of a TD import).
  if (expanded.is_object() && expanded.size() == 1 && expanded.contains("@graph")) {
    Json graph = std::move(expanded["@graph"]);
    expanded = std::move(graph);
  }
  if (expanded.is_null()) expanded = Json::array();
  if (!expanded.is_array()) {
    Json array = Json::array();
    array.push_back(std::move(expanded));
    expanded = std::move(array);
  }
  return expanded;
}

}  // namespace

Result<Json> JsonLdProcessor::Expand(const Json& input, const JsonLdOptions& options) {
  try {
    internal::Engine engine(options, caches_->engine);
    return ExpandDocument(engine, caches_->initial[options.base], input, options);
  } catch (const internal::JsonLdError& e) {
    return ToStatus(e);
  } catch (const nlohmann::json::exception& e) {
    return Status(StatusCode::kInvalidData, std::string("invalid JSON-LD: ") + e.what());
  }
}

namespace {

// Expansion, node map generation and toRdf of `input` into `out` by one
// engine, with the algorithms' errors as a Status: what every toRdf entry
// point runs. Plain value objects stay deferred (Engine::DeferValueObjects):
// `input` lives until the statements are written, and no expanded value
// object is built for a property's plain string, number or boolean.
Status RunToRdf(const Json& input, const JsonLdOptions& options, internal::Engine::Caches& caches,
                internal::ContextPtr& initial, internal::Engine::RdfOutput& out) {
  try {
    internal::Engine engine(options, caches);
    engine.DeferValueObjects();
    const Json expanded = ExpandDocument(engine, initial, input, options);
    engine.ToRdf(expanded, out);
    return Status::Ok();
  } catch (const internal::JsonLdError& e) {
    return ToStatus(e);
  } catch (const nlohmann::json::exception& e) {
    return Status(StatusCode::kInvalidData, std::string("invalid JSON-LD: ") + e.what());
  }
}

}  // namespace

Result<std::vector<Quad>> JsonLdProcessor::ToRdf(const Json& input, const JsonLdOptions& options) {
  std::vector<Quad> quads;
  internal::Engine::RdfOutput out;
  out.quads = &quads;
  TINYKG_RETURN_IF_ERROR(RunToRdf(input, options, caches_->engine, caches_->initial[options.base], out));
  return quads;
}

Result<std::vector<rdf::Triple>> JsonLdProcessor::ToRdfDefaultGraph(const Json& input,
                                                                    const JsonLdOptions& options,
                                                                    rdf::Term* named_graph) {
  std::vector<rdf::Triple> triples;
  internal::Engine::RdfOutput out;
  out.triples = &triples;
  TINYKG_RETURN_IF_ERROR(RunToRdf(input, options, caches_->engine, caches_->initial[options.base], out));
  if (named_graph != nullptr) *named_graph = out.named_graph.value_or(rdf::Term{});
  return triples;
}

Result<size_t> JsonLdProcessor::ToNQuadsDefaultGraph(const Json& input, const JsonLdOptions& options,
                                                     std::string_view line_end, std::string& out,
                                                     rdf::Term* named_graph) {
  internal::Engine::RdfOutput rdf_out;
  rdf_out.nquads = &out;
  rdf_out.line_end = line_end;
  TINYKG_RETURN_IF_ERROR(
      RunToRdf(input, options, caches_->engine, caches_->initial[options.base], rdf_out));
  if (named_graph != nullptr) *named_graph = rdf_out.named_graph.value_or(rdf::Term{});
  return rdf_out.statements;
}

}  // namespace tinykg::td
