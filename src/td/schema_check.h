// A JSON Schema checker compiled once from a schema, for the common case of
// a document that is valid: valijson builds a context vector of strings per
// property and array item it visits, which made schema validation a quarter
// of TD import time. This checker walks the document once over a compiled
// form of the schema and answers kValid, kInvalid or kUnknown; it never
// gives messages. TdValidator trusts only kValid and asks valijson for
// everything else (so valijson still decides, and explains, every document
// that is not plainly valid).
//
// Exactness: a kValid or kInvalid answer is the verdict valijson 1.0 gives
// with strong types and draft 7 (what TdValidator uses), keyword by keyword:
// type, properties, additionalProperties, required, minProperties, items
// (one schema or a list), additionalItems, minItems, uniqueItems, contains
// (a TM's @type must hold "tm:ThingModel"), minimum, exclusiveMinimum, enum,
// const, pattern (std::regex + regex_search, as valijson), allOf, anyOf,
// oneOf, not, if/then/else, $ref ("#..." pointers in
// the same document; like valijson, the keywords beside a $ref are not read)
// and boolean schemas. Any other keyword makes its subschema kUnknown, and so
// do equality questions valijson might answer differently (numbers of
// different JSON types, objects and arrays in enum/const, duplicates under
// uniqueItems). Check() keeps no state between calls.
#ifndef TINYKG_TD_SCHEMA_CHECK_H_
#define TINYKG_TD_SCHEMA_CHECK_H_

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tinykg/td/jsonld.h"

namespace tinykg::td::internal {

class SchemaChecker {
 public:
  enum class Verdict { kValid, kInvalid, kUnknown };

  // Compiles `schema` (the root of a schema document). Never fails: parts it
  // cannot evaluate become kUnknown. `schema` must outlive the checker
  // (enum and const values point into it).
  explicit SchemaChecker(const Json& schema);

  Verdict Check(const Json& document) const;

 private:
  static constexpr int kAllow = -1;   // additionalProperties/Items absent or true
  static constexpr int kForbid = -2;  // ... false

  struct Node {
    bool unknown = false;        // holds a keyword this checker does not evaluate
    bool always_invalid = false; // the boolean schema false
    unsigned types = 0;          // bit per JSON type; 0: no "type" keyword
    bool object_members = false; // "properties" or "additionalProperties" present
    std::vector<std::pair<std::string, int>> properties;  // sorted by name
    int additional_properties = kAllow;
    std::vector<std::string> required;
    std::optional<size_t> min_properties;
    int items = kAllow;          // the single "items" schema
    bool items_list = false;     // "items" is an array of schemas
    std::vector<int> item_list;
    int additional_items = kAllow;
    std::optional<size_t> min_items;
    bool unique_items = false;
    std::optional<int> contains;  // the "contains" schema (kAllow/kForbid for true/false)
    std::vector<std::pair<double, bool>> minimums;  // (bound, exclusive)
    const Json* enum_values = nullptr;
    const Json* const_value = nullptr;
    std::optional<std::regex> pattern;
    std::optional<size_t> max_length;  // in code points
    std::vector<int> all_of, any_of, one_of;
    int not_schema = kAllow;
    int if_schema = kAllow, then_schema = kAllow, else_schema = kAllow;
  };

  int Build(const Json& schema, int depth);
  Verdict Eval(int node, const Json& value, int depth) const;
  Verdict EvalNode(const Node& n, const Json& value, int depth) const;

  const Json& root_;
  std::vector<Node> nodes_;
  std::map<const Json*, int> built_;  // schema node -> compiled node
  int root_node_ = 0;
};

}  // namespace tinykg::td::internal

#endif  // TINYKG_TD_SCHEMA_CHECK_H_
