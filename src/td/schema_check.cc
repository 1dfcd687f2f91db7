#include "schema_check.h"

#include <algorithm>

#include "json_hash.h"

namespace tinykg::td::internal {
namespace {

enum TypeBit : unsigned {
  kNull = 1,
  kBoolean = 2,
  kInteger = 4,
  kNumber = 8,
  kString = 16,
  kArray = 32,
  kObject = 64,
};

unsigned TypeBitOf(const std::string& name) {
  if (name == "null") return kNull;
  if (name == "boolean") return kBoolean;
  if (name == "integer") return kInteger;
  if (name == "number") return kNumber;
  if (name == "string") return kString;
  if (name == "array") return kArray;
  if (name == "object") return kObject;
  return 0;
}

// Whether two items of `array` are equal (Json equality), for
// uniqueItems: by hash, so 100,000 enum values are not 5 * 10^9
// comparisons (154 s for one TD).
bool HasEqualItems(const Json& array) {
  const Json::array_t& items = array.get_ref<const Json::array_t&>();
  if (items.size() <= 16) {  // the usual few: pairwise, without allocating
    for (std::size_t i = 0; i + 1 < items.size(); ++i) {
      for (std::size_t j = i + 1; j < items.size(); ++j) {
        if (items[i] == items[j]) return true;
      }
    }
    return false;
  }
  std::vector<std::pair<std::size_t, std::size_t>> hashed;  // (hash, position)
  hashed.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) hashed.emplace_back(JsonHash(items[i]), i);
  std::sort(hashed.begin(), hashed.end());
  for (std::size_t first = 0; first < hashed.size();) {
    std::size_t end = first + 1;
    while (end < hashed.size() && hashed[end].first == hashed[first].first) ++end;
    for (std::size_t i = first; i < end; ++i) {
      for (std::size_t j = i + 1; j < end; ++j) {
        if (items[hashed[i].second] == items[hashed[j].second]) return true;
      }
    }
    first = end;
  }
  return false;
}

// valijson's strong type test for one named type.
bool HasType(const Json& v, unsigned bits) {
  if ((bits & kNull) && v.is_null()) return true;
  if ((bits & kBoolean) && v.is_boolean()) return true;
  if ((bits & kInteger) && v.is_number_integer()) return true;
  if ((bits & kNumber) && v.is_number()) return true;
  if ((bits & kString) && v.is_string()) return true;
  if ((bits & kArray) && v.is_array()) return true;
  if ((bits & kObject) && v.is_object()) return true;
  return false;
}

enum class Equality { kEqual, kNotEqual, kUnknown };

// Strict equality as valijson decides it, where that is certain.
Equality StrictEqual(const Json& a, const Json& b) {
  if (a.is_string() || b.is_string()) {
    if (a.is_string() != b.is_string()) return Equality::kNotEqual;
    return a.get_ref<const std::string&>() == b.get_ref<const std::string&>() ? Equality::kEqual
                                                                               : Equality::kNotEqual;
  }
  if (a.type() != b.type()) return Equality::kUnknown;
  if (a.is_boolean() || a.is_null() || a.is_number()) {
    return a == b ? Equality::kEqual : Equality::kNotEqual;
  }
  return Equality::kUnknown;  // arrays, objects
}

using Verdict = SchemaChecker::Verdict;

// Conjunction: one kInvalid decides; otherwise any kUnknown leaves it open.
void And(Verdict& acc, Verdict v) {
  if (acc == Verdict::kInvalid || v == Verdict::kValid) return;
  acc = v;
}

constexpr int kMaxDepth = 2000;

}  // namespace

SchemaChecker::SchemaChecker(const Json& schema) : root_(schema) { root_node_ = Build(schema, 0); }

int SchemaChecker::Build(const Json& schema_in, int depth) {
  // Follow $ref chains (valijson replaces a $ref node by its target and
  // reads nothing beside the $ref).
  const Json* schema = &schema_in;
  for (int hops = 0; schema->is_object() && schema->contains("$ref"); ++hops) {
    const Json& ref = (*schema)["$ref"];
    const Json* target = nullptr;
    if (hops < 64 && ref.is_string()) {
      const std::string& r = ref.get_ref<const std::string&>();
      if (!r.empty() && r[0] == '#') {
        std::string pointer = r.substr(1);
        while (!pointer.empty() && pointer.back() == '/') pointer.pop_back();
        try {
          target = &root_.at(Json::json_pointer(pointer));
        } catch (const Json::exception&) {
          target = nullptr;
        }
      }
    }
    if (target == nullptr) {
      nodes_.emplace_back();
      nodes_.back().unknown = true;
      return static_cast<int>(nodes_.size()) - 1;
    }
    schema = target;
  }
  if (auto it = built_.find(schema); it != built_.end()) return it->second;
  const int index = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  built_[schema] = index;
  Node n;
  if (depth > 200) {
    n.unknown = true;
  } else if (schema->is_boolean()) {
    n.always_invalid = !schema->get<bool>();
  } else if (!schema->is_object()) {
    n.unknown = true;
  } else {
    auto sub = [&](const Json& s) { return Build(s, depth + 1); };
    auto sub_list = [&](const Json& list, std::vector<int>& out) {
      if (!list.is_array() || list.empty()) {
        n.unknown = true;
        return;
      }
      for (const Json& s : list) out.push_back(sub(s));
    };
    for (auto entry = schema->begin(); entry != schema->end(); ++entry) {
      const std::string& key = entry.key();
      const Json& v = entry.value();
      if (key == "title" || key == "description" || key == "$comment" || key == "examples" ||
          key == "default" || key == "definitions" || key == "version" || key == "$schema" ||
          key == "$schema " || key == "readOnly" || key == "writeOnly") {
        continue;
      }
      if (key == "$id" && schema == &root_) continue;
      if (key == "type") {
        if (v.is_string()) {
          n.types = TypeBitOf(v.get<std::string>());
          if (n.types == 0) n.unknown = true;
        } else if (v.is_array() && !v.empty()) {
          for (const Json& t : v) {
            const unsigned bit = t.is_string() ? TypeBitOf(t.get<std::string>()) : 0;
            if (bit == 0) n.unknown = true;
            n.types |= bit;
          }
        } else {
          n.unknown = true;
        }
      } else if (key == "properties") {
        if (!v.is_object()) {
          n.unknown = true;
          continue;
        }
        n.object_members = true;
        for (auto p = v.begin(); p != v.end(); ++p) n.properties.emplace_back(p.key(), sub(p.value()));
        std::sort(n.properties.begin(), n.properties.end());
      } else if (key == "additionalProperties") {
        n.object_members = true;
        if (v.is_boolean()) {
          n.additional_properties = v.get<bool>() ? kAllow : kForbid;
        } else if (v.is_object()) {
          n.additional_properties = sub(v);
        } else {
          n.unknown = true;
        }
      } else if (key == "required") {
        if (!v.is_array()) {
          n.unknown = true;
          continue;
        }
        for (const Json& r : v) {
          if (!r.is_string()) n.unknown = true;
          else n.required.push_back(r.get<std::string>());
        }
      } else if (key == "maxLength") {
        if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
          n.unknown = true;
          continue;
        }
        n.max_length = v.get<size_t>();
      } else if (key == "minProperties" || key == "minItems") {
        if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
          n.unknown = true;
          continue;
        }
        (key == "minItems" ? n.min_items : n.min_properties) = v.get<size_t>();
      } else if (key == "items") {
        if (v.is_array()) {
          n.items_list = true;
          sub_list(v, n.item_list);
        } else if (v.is_object() || v.is_boolean()) {
          n.items = sub(v);
        } else {
          n.unknown = true;
        }
      } else if (key == "additionalItems") {
        // Read only beside a list of item schemas (below).
        continue;
      } else if (key == "contains") {
        if (!v.is_object() && !v.is_boolean()) n.unknown = true;
        else n.contains = sub(v);
      } else if (key == "uniqueItems") {
        if (!v.is_boolean()) n.unknown = true;
        else n.unique_items = v.get<bool>();
      } else if (key == "minimum" || key == "exclusiveMinimum") {
        if (!v.is_number()) {
          n.unknown = true;
          continue;
        }
        n.minimums.emplace_back(v.get<double>(), key == "exclusiveMinimum");
      } else if (key == "enum") {
        if (!v.is_array() || v.empty()) n.unknown = true;
        else n.enum_values = &v;
      } else if (key == "const") {
        n.const_value = &v;
      } else if (key == "pattern") {
        if (!v.is_string()) {
          n.unknown = true;
          continue;
        }
        try {
          n.pattern.emplace(v.get<std::string>());
        } catch (const std::regex_error&) {
          n.unknown = true;
        }
      } else if (key == "allOf") {
        sub_list(v, n.all_of);
      } else if (key == "anyOf") {
        sub_list(v, n.any_of);
      } else if (key == "oneOf") {
        sub_list(v, n.one_of);
      } else if (key == "not") {
        n.not_schema = sub(v);
      } else if (key == "if") {
        n.if_schema = sub(v);
        if (const auto t = schema->find("then"); t != schema->end()) n.then_schema = sub(*t);
        if (const auto e = schema->find("else"); e != schema->end()) n.else_schema = sub(*e);
      } else if (key == "then" || key == "else") {
        continue;  // read with "if"; without one valijson ignores them
      } else {
        n.unknown = true;  // a keyword not evaluated here
      }
    }
    if (n.items_list) {
      if (const auto a = schema->find("additionalItems"); a != schema->end()) {
        if (a->is_boolean()) {
          n.additional_items = a->get<bool>() ? kAllow : kForbid;
        } else if (a->is_object()) {
          n.additional_items = sub(*a);
        } else {
          n.unknown = true;
        }
      }
    }
  }
  nodes_[index] = std::move(n);
  return index;
}

SchemaChecker::Verdict SchemaChecker::Check(const Json& document) const {
  return Eval(root_node_, document, 0);
}

SchemaChecker::Verdict SchemaChecker::Eval(int node, const Json& value, int depth) const {
  if (node == kAllow) return Verdict::kValid;
  if (node == kForbid) return Verdict::kInvalid;
  if (depth > kMaxDepth) return Verdict::kUnknown;
  return EvalNode(nodes_[node], value, depth + 1);
}

SchemaChecker::Verdict SchemaChecker::EvalNode(const Node& n, const Json& value, int depth) const {
  if (n.always_invalid) return Verdict::kInvalid;
  if (n.unknown) return Verdict::kUnknown;
  Verdict result = Verdict::kValid;
  if (n.types != 0 && !HasType(value, n.types)) return Verdict::kInvalid;
  if (value.is_object()) {
    if (n.min_properties && value.size() < *n.min_properties) return Verdict::kInvalid;
    for (const std::string& r : n.required) {
      if (!value.contains(r)) return Verdict::kInvalid;
    }
    if (n.object_members) {
      // The members come in byte order (a Json object is a std::map), as
      // n.properties is sorted: each search starts where the last ended.
      auto from = n.properties.begin();
      // The std::map walked directly (nlohmann's iterators dispatch on the
      // type at every step).
      for (const auto& [key, member] : value.get_ref<const Json::object_t&>()) {
        const auto p = std::lower_bound(
            from, n.properties.end(), key,
            [](const std::pair<std::string, int>& a, const std::string& k) { return a.first < k; });
        from = p;
        const int sub = p != n.properties.end() && p->first == key ? p->second : n.additional_properties;
        And(result, Eval(sub, member, depth));
        if (result == Verdict::kInvalid) return result;
      }
    }
  } else if (value.is_array()) {
    if (n.min_items && value.size() < *n.min_items) return Verdict::kInvalid;
    if (n.items_list) {
      for (size_t i = 0; i < value.size(); ++i) {
        And(result, Eval(i < n.item_list.size() ? n.item_list[i] : n.additional_items, value[i], depth));
        if (result == Verdict::kInvalid) return result;
      }
    } else if (n.items != kAllow) {
      for (const Json& item : value.get_ref<const Json::array_t&>()) {
        And(result, Eval(n.items, item, depth));
        if (result == Verdict::kInvalid) return result;
      }
    }
    if (n.unique_items && HasEqualItems(value)) And(result, Verdict::kUnknown);
    if (n.contains) {
      Verdict found = Verdict::kInvalid;
      for (const Json& item : value.get_ref<const Json::array_t&>()) {
        const Verdict b = Eval(*n.contains, item, depth);
        if (b == Verdict::kValid) {
          found = Verdict::kValid;
          break;
        }
        if (b == Verdict::kUnknown) found = Verdict::kUnknown;
      }
      And(result, found);
      if (result == Verdict::kInvalid) return result;
    }
  } else if (value.is_number()) {
    const double d = value.get<double>();
    for (const auto& [bound, exclusive] : n.minimums) {
      if (exclusive ? d <= bound : d < bound) return Verdict::kInvalid;
    }
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (n.max_length) {
      size_t code_points = 0;
      for (const char c : text) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      if (code_points > *n.max_length) return Verdict::kInvalid;
    }
    if (n.pattern && !std::regex_search(text, *n.pattern)) return Verdict::kInvalid;
  }
  if (n.const_value != nullptr) {
    const Equality e = StrictEqual(*n.const_value, value);
    if (e == Equality::kNotEqual) return Verdict::kInvalid;
    if (e == Equality::kUnknown) And(result, Verdict::kUnknown);
  }
  if (n.enum_values != nullptr) {
    Verdict v = Verdict::kInvalid;
    for (const Json& option : *n.enum_values) {
      const Equality e = StrictEqual(option, value);
      if (e == Equality::kEqual) {
        v = Verdict::kValid;
        break;
      }
      if (e == Equality::kUnknown) v = Verdict::kUnknown;
    }
    And(result, v);
    if (result == Verdict::kInvalid) return result;
  }
  for (int s : n.all_of) {
    And(result, Eval(s, value, depth));
    if (result == Verdict::kInvalid) return result;
  }
  if (!n.any_of.empty()) {
    Verdict v = Verdict::kInvalid;
    for (int s : n.any_of) {
      const Verdict b = Eval(s, value, depth);
      if (b == Verdict::kValid) {
        v = Verdict::kValid;
        break;
      }
      if (b == Verdict::kUnknown) v = Verdict::kUnknown;
    }
    And(result, v);
    if (result == Verdict::kInvalid) return result;
  }
  if (!n.one_of.empty()) {
    int valid = 0;
    bool unknown = false;
    for (int s : n.one_of) {
      const Verdict b = Eval(s, value, depth);
      if (b == Verdict::kValid) ++valid;
      if (b == Verdict::kUnknown) unknown = true;
    }
    if (valid > 1) return Verdict::kInvalid;
    if (unknown) And(result, Verdict::kUnknown);
    else if (valid == 0) return Verdict::kInvalid;
  }
  if (n.not_schema != kAllow) {
    const Verdict b = Eval(n.not_schema, value, depth);
    if (b == Verdict::kValid) return Verdict::kInvalid;
    if (b == Verdict::kUnknown) And(result, Verdict::kUnknown);
  }
  if (n.if_schema != kAllow) {
    const Verdict c = Eval(n.if_schema, value, depth);
    if (c == Verdict::kUnknown) {
      And(result, Verdict::kUnknown);
    } else {
      And(result, Eval(c == Verdict::kValid ? n.then_schema : n.else_schema, value, depth));
    }
  }
  return result;
}

}  // namespace tinykg::td::internal
