#include "tinykg/td/validate.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

// Errors inside valijson throw (caught below) instead of calling abort().
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "json_sax.h"
#include "schema_check.h"
#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"

namespace tinykg::td {
namespace {

constexpr char kTd10Context[] = "https://www.w3.org/2019/wot/td/v1";
constexpr char kTd11Context[] = "https://www.w3.org/2022/wot/td/v1.1";

// valijson context ("<root>", "[properties]", "[0]") -> JSON pointer.
std::string PointerFromContext(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part == "<root>") continue;
    std::string token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    pointer += "/" + EscapePointerToken(token);
  }
  return pointer;
}

std::pair<int64_t, int64_t> LineColumn(std::string_view text, size_t offset) {
  int64_t line = 1;
  int64_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// The member `key` of `object` when it is there and a string, else null.
// The rules below read user JSON, where any member may hold any JSON type
// (the schema's verdict is reported, not relied on): they read strings only
// through this, never with get<std::string>() or value(key, default), which
// throw type_error on another type.
const std::string* StringMember(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

bool ContextNames(const Json& document, const char* iri) {
  if (!document.is_object() || !document.contains("@context")) return false;
  const Json& c = document["@context"];
  if (c.is_string()) return c == iri;
  if (c.is_array()) {
    for (const Json& x : c) {
      if (x.is_string() && x == iri) return true;
    }
  }
  return false;
}

bool IsReservedExampleHost(const std::string& href) {
  const size_t start = href.find("://");
  if (start == std::string::npos) return false;
  std::string host = href.substr(start + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (const size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  host = host.substr(0, host.find(':'));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ends_with = [&](const std::string& suffix) {
    return host.size() >= suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return host == "example.com" || host == "example.net" || host == "example.org" ||
         ends_with(".example.com") || ends_with(".example.net") || ends_with(".example.org") ||
         ends_with(".example") || ends_with(".test") || ends_with(".invalid") ||
         host == "localhost" || ends_with(".localhost");
}

// valijson 1.0's date and time formats as regular expressions (its regexes,
// with its day-of-month check folded in: 30 days in April, June, September,
// November, 29 in February).
constexpr char kDatePattern[] =
    "[0-9]+-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|"
    "02-(0[1-9]|[12][0-9]))";
constexpr char kTimePattern[] =
    "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+|\\-]([01][0-9]|2[0-3]):[0-5][0-9])";

// Calls `visit` on every object of `schema`, innermost first.
template <class Visit>
void ForEachSchemaObject(Json& schema, const Visit& visit) {
  if (schema.is_array()) {
    for (Json& x : schema) ForEachSchemaObject(x, visit);
    return;
  }
  if (!schema.is_object()) return;
  for (auto& [key, value] : schema.items()) {
    (void)key;
    ForEachSchemaObject(value, visit);
  }
  visit(schema);
}

// valijson 1.0 applies "format" to non-string values and then fails on
// them, although JSON Schema says format only constrains strings. Rewrites
// every date/time {"format": F} keyword into {"allOf": [{"if": {"type":
// "string"}, "then": {"pattern": P}}]}, which means the same. (A "format"
// whose value is an object is a property definition, not the keyword, and is
// left alone.)
void GuardFormats(Json& schema) {
  // valijson 1.0 evaluates "propertyNames" wrongly (valid names rejected
  // when the subschema is a "not"); the only use in the WoT schemas is "names
  // must not be TM placeholders", which Validate() checks itself.
  if (schema.contains("propertyNames") && schema["propertyNames"].is_object() &&
      schema["propertyNames"].contains("not")) {
    schema.erase("propertyNames");
  }
  if (schema.contains("format") && schema["format"].is_string()) {
    // valijson compiles a std::regex for every date/time value it checks
    // (14 % of TD import time); a "pattern" regex is compiled once per
    // Validator. The patterns accept what valijson's format check accepts,
    // day-of-month limits included. Other formats (uri, iri-reference, ...)
    // valijson does not check at all, so they are dropped.
    const std::string format = schema["format"].get<std::string>();
    Json then;
    if (format == "date-time") {
      then = {{"pattern", std::string("^") + kDatePattern + "[Tt]" + kTimePattern + "$"}};
    } else if (format == "date") {
      then = {{"pattern", std::string("^") + kDatePattern + "$"}};
    } else if (format == "time") {
      then = {{"pattern", std::string("^") + kTimePattern + "$"}};
    }
    schema.erase("format");
    if (then.is_null()) return;
    Json guarded = {{"if", {{"type", "string"}}}, {"then", std::move(then)}};
    if (!schema.contains("allOf")) schema["allOf"] = Json::array();
    schema["allOf"].push_back(std::move(guarded));
  }
}

// libstdc++'s std::regex (valijson's, and the compiled checker's) recurses
// once per character a loop consumes and backtracks quadratically: a
// 200 KB security "scheme" (pattern ".+:.*") or icon "sizes" overflowed the
// stack (import td exit 139; a PUT killed the server), 20 KB took 21 s.
// Every {"pattern": P} becomes {"allOf": [{"if": {"maxLength": N}, "then":
// {"pattern": P}, "else": {"maxLength": N}}]}: a string of at most N code
// points is matched as before, a longer one is invalid for its length and
// never reaches the regex. The WoT schemas' patterns (security scheme
// names, icon sizes, language tags, dates and times) match short strings.
void GuardPatterns(Json& schema) {
  const auto p = schema.find("pattern");
  if (p == schema.end() || !p->is_string()) return;  // an object: a property named "pattern"
  const Json max = {{"maxLength", kMaxPatternText}};
  Json guarded = {{"if", max}, {"then", {{"pattern", *p}}}, {"else", max}};
  schema.erase(p);
  if (!schema.contains("allOf")) schema["allOf"] = Json::array();
  schema["allOf"].push_back(std::move(guarded));
}

}  // namespace

namespace {

// Builds the DOM from nlohmann's SAX events (iteratively, like its own
// parser) and reports duplicate member names as it goes. A duplicate is seen
// at insertion into the object being built, so no per-object key set is
// kept; the last value wins, as in nlohmann's DOM parser.
class StrictJsonBuilder {
 public:
  using Number = Json::number_integer_t;
  using Unsigned = Json::number_unsigned_t;
  using Float = Json::number_float_t;

  StrictJsonBuilder(const std::string& file, std::vector<Status>& problems,
                    std::vector<Status>* warnings)
      : file_(file), problems_(problems), warnings_(warnings) {}

  Json& root() { return root_; }
  // Set when parsing failed: nlohmann's exception id, message and byte.
  int error_id = 0;
  std::string error_what;
  size_t error_byte = 0;

  bool null() { return Place(Json(nullptr)); }
  bool boolean(bool v) { return Place(Json(v)); }
  bool number_integer(Number v) { return Place(Json(v)); }
  bool number_unsigned(Unsigned v) { return Place(Json(v)); }
  bool number_float(Float v, const std::string&) { return Place(Json(v)); }
  bool string(std::string& v) { return Place(Json(std::move(v))); }
  bool binary(Json::binary_t& v) { return Place(Json::binary(std::move(v))); }
  bool start_object(std::size_t) {
    frames_.push_back(Frame{PlaceAt(Json(Json::value_t::object)), nullptr});
    return true;
  }
  bool end_object() {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    frames_.push_back(Frame{PlaceAt(Json(Json::value_t::array)), nullptr});
    return true;
  }
  bool end_array() {
    frames_.pop_back();
    return true;
  }
  bool key(std::string& name) {
    Frame& top = frames_.back();
    auto& object = top.value->get_ref<Json::object_t&>();
    auto [it, inserted] = object.try_emplace(std::move(name));
    top.key = &it->first;
    slot_ = &it->second;
    if (!inserted) Duplicate(it->first);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_id = e.id;
    error_what = e.what();
    error_byte = position;
    return false;
  }

 private:
  struct Frame {
    Json* value;             // the object or array being filled
    const std::string* key;  // objects: the member being read
  };

  bool Place(Json&& value) {
    PlaceAt(std::move(value));
    return true;
  }
  // Where a new value goes: the root, the end of the open array, or the
  // member slot of the open object. Earlier array elements are never
  // pointed at again once closed, so a reallocation cannot leave a frame
  // dangling.
  Json* PlaceAt(Json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& top = *frames_.back().value;
    if (top.is_array()) {
      auto& array = top.get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    *slot_ = std::move(value);
    return slot_;
  }
  std::string PointerOf(size_t depth) const {
    std::string p;
    for (size_t i = 0; i < depth && i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      p += '/';
      p += f.value->is_array() ? std::to_string(f.value->size() - 1) : EscapePointerToken(*f.key);
    }
    return p;
  }
  void Duplicate(const std::string& name) {
    const std::string parent = PointerOf(frames_.size() - 1);
    SourceLocation where(file_, 0, 0, PointerOf(frames_.size()));
    if (parent == "/properties" || parent == "/actions" || parent == "/events") {
      problems_.push_back(InvalidData("duplicate interaction affordance name \"" + name +
                                          "\" (affordance names must be unique in a Thing)",
                                      std::move(where)));
    } else if (parent == "/securityDefinitions" || parent == "/schemaDefinitions") {
      problems_.push_back(InvalidData(
          "duplicate definition name \"" + name + "\" in " + parent.substr(1), std::move(where)));
    } else if (warnings_ != nullptr) {
      warnings_->push_back(InvalidData("duplicate member name \"" + name + "\"; the last value is used",
                                       std::move(where)));
    }
  }

  const std::string& file_;
  std::vector<Status>& problems_;
  std::vector<Status>* warnings_;
  Json root_;
  std::vector<Frame> frames_;
  Json* slot_ = nullptr;
};

}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, const std::string& file,
                             std::vector<Status>& problems, std::vector<Status>* warnings) {
  {
    // The fast reader decides well-formed text (UTF-8 and depth included,
    // as CheckJsonText); anything else is checked and parsed again by
    // nlohmann, from the same starting point, for its message.
    const size_t problems_before = problems.size();
    const size_t warnings_before = warnings != nullptr ? warnings->size() : 0;
    StrictJsonBuilder fast(file, problems, warnings);
    if (internal::JsonSaxReader(text).Parse(fast)) return std::move(fast.root());
    problems.resize(problems_before);
    if (warnings != nullptr) warnings->resize(warnings_before);
  }
  // Bad UTF-8, nesting past kMaxJsonDepth and NUL bytes are refused before
  // parsing: the validator, the JSON-LD processor and serialisation recurse
  // per level, and nlohmann's lexer ends the input at a NUL.
  if (Status checked = CheckJsonText(text, file); !checked.ok()) return checked;
  StrictJsonBuilder builder(file, problems, warnings);
  if (Json::sax_parse(text.begin(), text.end(), &builder)) return std::move(builder.root());
  std::string what = builder.error_what;
  if (builder.error_id >= 100 && builder.error_id < 200) {  // a syntax error
    auto [line, column] = LineColumn(text, builder.error_byte > 0 ? builder.error_byte - 1 : 0);
    if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return ParseError("not valid JSON: " + what, SourceLocation(file, line, column));
  }
  // e.g. out_of_range for a number too large for a double (found by fuzzing).
  if (const size_t colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
  return ParseError("not valid JSON: " + what, SourceLocation(file));
}

TdKind DetectKind(const Json& document) {
  if (!document.is_object() || !document.contains("@type")) return TdKind::kThingDescription;
  const Json& t = document["@type"];
  auto is_tm = [](const Json& v) {
    // "ThingModel" is the TD 1.1 context's term for tm:ThingModel.
    return v == "tm:ThingModel" || v == "ThingModel" ||
           v == "https://www.w3.org/2019/wot/tm#ThingModel";
  };
  if (t.is_string()) return is_tm(t) ? TdKind::kThingModel : TdKind::kThingDescription;
  if (t.is_array()) {
    for (const Json& x : t) {
      if (is_tm(x)) return TdKind::kThingModel;
    }
  }
  return TdKind::kThingDescription;
}

// A valijson::Validator caches the std::regex of every "pattern" it meets;
// one per schema lives as long as the schemas, so each regex is compiled
// once per process instead of once per document.
// The TD 1.1 and TM 1.1 schemas are also compiled into SchemaCheckers: a
// document they find valid is not walked by valijson (a quarter of TD import
// time); anything else is decided, and explained, by valijson as before.
struct TdValidator::Schemas {
  valijson::Schema td10;
  valijson::Schema td11;
  valijson::Schema tm11;
  valijson::Validator td10_validator;
  valijson::Validator td11_validator;
  valijson::Validator tm11_validator;
  Json td11_json;  // the checkers point into these
  Json tm11_json;
  std::unique_ptr<internal::SchemaChecker> td11_check;
  std::unique_ptr<internal::SchemaChecker> tm11_check;
  bool use_checks = true;
};

TdValidator::TdValidator() : schemas_(std::make_unique<Schemas>()) {}

void TdValidator::set_compiled_schema_check(bool on) { schemas_->use_checks = on; }

bool TdValidator::CompiledCheckFindsValid(const Json& document, TdKind kind) const {
  const internal::SchemaChecker& check = kind == TdKind::kThingModel ? *schemas_->tm11_check : *schemas_->td11_check;
  return check.Check(document) == internal::SchemaChecker::Verdict::kValid;
}
TdValidator::~TdValidator() = default;

Result<std::unique_ptr<TdValidator>> TdValidator::Load(const std::string& schema_dir) {
  std::unique_ptr<TdValidator> validator(new TdValidator());
  struct Entry {
    const char* file;
    valijson::Schema* schema;
    Json* keep;  // where the guarded schema is kept for a SchemaChecker
  };
  const Entry entries[] = {
      {"td-1.0-json-schema-validation.json", &validator->schemas_->td10, nullptr},
      {"td-1.1-json-schema-validation.json", &validator->schemas_->td11, &validator->schemas_->td11_json},
      {"tm-1.1-json-schema-validation.json", &validator->schemas_->tm11, &validator->schemas_->tm11_json},
  };
  for (const Entry& entry : entries) {
    const std::string path = schema_dir + "/" + entry.file;
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) return NotFound("TD JSON Schema not found: " + path);
    Json json = Json::parse(*text, nullptr, false);
    if (json.is_discarded()) return ParseError("schema is not valid JSON", SourceLocation(path));
    ForEachSchemaObject(json, GuardFormats);
    ForEachSchemaObject(json, GuardPatterns);
    try {
      valijson::SchemaParser parser;
      valijson::adapters::NlohmannJsonAdapter adapter(json);
      parser.populateSchema(adapter, *entry.schema);
    } catch (const std::exception& e) {
      return ParseError(std::string("cannot use schema: ") + e.what(), SourceLocation(path));
    }
    if (entry.keep != nullptr) *entry.keep = std::move(json);
  }
  Schemas& s = *validator->schemas_;
  s.td11_check = std::make_unique<internal::SchemaChecker>(s.td11_json);
  s.tm11_check = std::make_unique<internal::SchemaChecker>(s.tm11_json);
  return validator;
}

namespace {

// valijson compares every pair of items under uniqueItems and reports every
// equal pair: explaining an enum of 100,000 values with one repeated took
// 249 s, 1,024 equal values gave 523,776 messages (220 MB). An invalid
// document is explained by valijson only when its arrays have at most this
// many pairs of items in all (one array of 512 items, or 1,000 arrays of
// 16): at most about 60 MB of messages. (Deciding validity stays valijson's
// where the compiled checker cannot: its first violation ends that walk.)
constexpr std::uint64_t kMaxExplainedPairs = 131072;

// The arrays in `j`: pairs of items in all, and the longest one.
struct ArrayCensus {
  std::uint64_t pairs = 0;
  size_t longest = 0;
  std::string pointer;  // of the longest
};

// Adds the arrays of `j`, whose JSON pointer is `path`, to `census`.
void CountArrays(const Json& j, std::string& path, ArrayCensus& census) {
  const size_t at = path.size();
  if (j.is_array()) {
    const std::uint64_t n = j.size();
    census.pairs += n * (n - (n > 0)) / 2;
    if (n > census.longest) {
      census.longest = n;
      census.pointer = path;
    }
    for (size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_structured()) continue;
      path.append("/").append(std::to_string(i));
      CountArrays(j[i], path, census);
      path.resize(at);
    }
  } else if (j.is_object()) {
    for (const auto& [key, value] : j.get_ref<const Json::object_t&>()) {
      if (!value.is_structured()) continue;
      path.append("/").append(EscapePointerToken(key));
      CountArrays(value, path, census);
      path.resize(at);
    }
  }
}

// A refusal when the document's arrays are too many pairs for valijson to
// explain (see kMaxExplainedPairs), naming the longest.
std::optional<Status> TooLongToExplain(const Json& document, const std::string& file,
                                       const std::string& schema_name) {
  ArrayCensus census;
  std::string path;
  CountArrays(document, path, census);
  if (census.pairs <= kMaxExplainedPairs) return std::nullopt;
  return InvalidData("the document is not valid against the " + schema_name + ", and its arrays hold " +
                         std::to_string(census.pairs) + " pairs of items (this one " +
                         std::to_string(census.longest) + " items): the validator that says why compares "
                         "every pair, so it is given at most " + std::to_string(kMaxExplainedPairs) +
                         " (shorten the arrays to see the reason)",
                     SourceLocation(file, 0, 0, census.pointer.empty() ? "/" : census.pointer));
}

// The most distinct messages RunSchema reports at one JSON pointer.
constexpr size_t kMessagesPerPointer = 5;

// valijson's problems with `document`, none when it is valid. `known_invalid`:
// the compiled checker found it invalid (its kInvalid is valijson's verdict),
// so only the explaining walk runs.
std::vector<Status> RunSchema(const valijson::Schema& schema, valijson::Validator& validator,
                              const Json& document, const std::string& file,
                              const std::string& schema_name, bool known_invalid = false) {
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  std::vector<Status> out;
  try {
    // Without a results object valijson stops at the first violation and
    // builds no messages: the common (valid) case costs a third. Only an
    // invalid document is walked again to say why, and only when its arrays
    // are short enough for that walk (TooLongToExplain).
    if (!known_invalid && validator.validate(schema, target, nullptr)) return out;
    if (auto refused = TooLongToExplain(document, file, schema_name)) {
      out.push_back(std::move(*refused));
      return out;
    }
    if (validator.validate(schema, target, &results)) return out;
  } catch (const std::exception& e) {
    // valijson throws on some value/keyword combinations; report, don't crash.
    out.push_back(InvalidData(std::string("JSON Schema validation failed: ") + e.what() + " (" +
                                  schema_name + ")",
                              SourceLocation(file)));
    return out;
  }
  // valijson reports a chain per violation (the failing keyword and each
  // enclosing schema); keep the deepest, most specific message per pointer.
  std::vector<std::pair<std::string, std::string>> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    errors.emplace_back(PointerFromContext(error.context), error.description);
  }
  // At one pointer, the specific messages ("Missing required property",
  // "Array should contain no fewer than 1 elements") say what is wrong; the
  // "Failed to validate against ..." ones only say that a branch failed, so
  // they are kept only when nothing more specific was said there.
  auto generic = [](const std::string& m) { return m.rfind("Failed to validate against", 0) == 0; };
  std::map<std::string, std::vector<std::string>> by_pointer;
  std::vector<std::string> order;
  // A pointer with an error below it is left out: found by a sorted lookup
  // of "pointer/" (a pairwise scan was quadratic: 40,000 invalid properties
  // reported 120,000 errors).
  std::set<std::string_view> pointers;
  for (const auto& e : errors) pointers.insert(e.first);
  std::string below;
  for (size_t i = 0; i < errors.size(); ++i) {
    const auto& [pointer, message] = errors[i];
    below.assign(pointer).push_back('/');
    const auto next = pointers.lower_bound(below);
    const bool has_deeper = next != pointers.end() && next->starts_with(below);
    if (has_deeper) continue;
    if (!by_pointer.count(pointer)) order.push_back(pointer);
    by_pointer[pointer].push_back(message);
  }
  for (const std::string& pointer : order) {
    // The distinct specific messages, the first few of them: an array of
    // 1,024 equal items gives 523,776 ("Elements at indexes #i and #j ...").
    std::vector<std::string> messages;
    std::set<std::string_view> seen;
    size_t more = 0;
    for (const auto& m : by_pointer[pointer]) {
      if (generic(m) || !seen.insert(m).second) continue;
      if (messages.size() < kMessagesPerPointer) messages.push_back(m);
      else ++more;
    }
    if (messages.empty()) messages.push_back(by_pointer[pointer].back());
    if (more > 0) messages.push_back("and " + std::to_string(more) + " more");
    std::string value;
    const Json* node = &document;
    try {
      node = &document.at(Json::json_pointer(pointer));
      value = node->dump(-1, ' ', false, Json::error_handler_t::replace);
      if (value.size() > 80) value = value.substr(0, 77) + "...";
    } catch (const std::exception&) {
      value.clear();
    }
    std::string text;
    for (const auto& m : messages) {
      if (!text.empty()) text += "; ";
      std::string trimmed = m;
      if (!trimmed.empty() && trimmed.back() == '.') trimmed.pop_back();
      text += trimmed;
    }
    if (!value.empty() && !pointer.empty()) text += " (value: " + value + ")";
    out.push_back(InvalidData(text + " [" + schema_name + "]",
                              SourceLocation(file, 0, 0, pointer.empty() ? "/" : pointer)));
  }
  if (out.empty()) out.push_back(InvalidData("does not match " + schema_name, SourceLocation(file)));
  return out;
}

void CheckSecurityNames(const Json& names, const std::set<std::string>& defined,
                        const std::string& pointer, const std::string& file,
                        std::vector<Status>& problems) {
  const Json list = names.is_array() ? names : Json::array({names});
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) continue;
    const std::string& name = list[i].get_ref<const std::string&>();
    if (!defined.count(name)) {
      problems.push_back(InvalidData(
          "security scheme \"" + name + "\" is not defined in securityDefinitions",
          SourceLocation(file, 0, 0, names.is_array() ? pointer + "/" + std::to_string(i) : pointer)));
    }
  }
}

// True when every name in `names` (a string or an array) is defined; the
// common case, checked before any JSON pointer is built.
bool AllSecurityNamesDefined(const Json& names, const std::set<std::string>& defined) {
  if (names.is_string()) return defined.count(names.get_ref<const std::string&>()) > 0;
  if (!names.is_array()) return true;
  for (const Json& n : names) {
    if (n.is_string() && !defined.count(n.get_ref<const std::string&>())) return false;
  }
  return true;
}

// The path to the node being checked, made into a JSON pointer only when
// there is a problem to report (the walk visits every node of every TD).
struct PathToken {
  const std::string* key;  // null for an array index
  size_t index;
};

std::string PointerOf(const std::vector<PathToken>& path) {
  std::string pointer;
  for (const PathToken& t : path) {
    pointer += '/';
    pointer += t.key != nullptr ? EscapePointerToken(*t.key) : std::to_string(t.index);
  }
  return pointer;
}

void CheckForms(const Json& node, const std::set<std::string>& defined, std::vector<PathToken>& path,
                const std::string& file, std::vector<Status>& problems) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.get_ref<const Json::object_t&>()) {
      path.push_back({&key, 0});
      if (key == std::string_view("forms") && value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value[i].is_object()) continue;
          const auto security = value[i].find("security");
          if (security == value[i].end() || AllSecurityNamesDefined(*security, defined)) continue;
          CheckSecurityNames(*security, defined, PointerOf(path) + "/" + std::to_string(i) + "/security",
                             file, problems);
        }
      }
      if (key != std::string_view("securityDefinitions")) CheckForms(value, defined, path, file, problems);
      path.pop_back();
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      path.push_back({nullptr, i});
      CheckForms(node[i], defined, path, file, problems);
      path.pop_back();
    }
  }
}

// The TM schema's rule (dropped from the schema, see GuardFormats): member
// names must not be placeholders ("{{NAME}}").
void CheckPlaceholderNames(const Json& node, const std::string& pointer, const std::string& file,
                           std::vector<Status>& problems) {
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      const std::string child = pointer + "/" + EscapePointerToken(key);
      const size_t open = key.find("{{");
      if (open != std::string::npos && key.find("}}", open + 3) != std::string::npos) {
        problems.push_back(InvalidData("a member name must not be a placeholder: \"" + key + "\"",
                                       SourceLocation(file, 0, 0, child)));
      }
      CheckPlaceholderNames(value, child, file, problems);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CheckPlaceholderNames(node[i], pointer + "/" + std::to_string(i), file, problems);
    }
  }
}

// False when `text` (the JSON text of `document`) cannot hold a member named
// "security" below the top level: the name appears no more often than the
// top-level member accounts for. A name spelt with escapes could only hide
// behind a \u escape, so any "\u" in the text says it may.
// Both searches go by memchr on a byte that is rare in JSON text ('\\',
// 'y'): memmem took 5 us per TD for the two-byte "\\u", string_view::find
// stops at every '"'.
bool MayHaveNestedSecurity(std::string_view text, const Json& document) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  // (An escape's backslash may be the text's last byte: the next search
  // starts at most at `end`, never past it.)
  for (const char* p = begin; p < end && (p = static_cast<const char*>(std::memchr(p, '\\', end - p))) != nullptr;
       p += 2) {
    if (p + 1 >= end) break;
    if (p[1] == 'u') return true;
  }
  // "security": found by its 'y' and the quote after it.
  size_t allowed = document.contains("security") ? 1 : 0;
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, 'y', end - p))) != nullptr; ++p) {
    if (p - begin < 8 || p + 1 >= end || p[1] != '"' || std::memcmp(p - 8, "\"securit", 8) != 0) continue;
    if (allowed == 0) return true;
    --allowed;
  }
  return false;
}

}  // namespace

bool TdValidator::Validate(const Json& document, TdKind kind, const std::string& file,
                           std::vector<Status>& problems, std::string_view text) const {
  const size_t before = problems.size();
  using Verdict = internal::SchemaChecker::Verdict;
  if (kind == TdKind::kThingModel) {
    const Verdict verdict = schemas_->use_checks ? schemas_->tm11_check->Check(document) : Verdict::kUnknown;
    if (verdict != Verdict::kValid) {
      for (Status& s : RunSchema(schemas_->tm11, schemas_->tm11_validator, document, file, "TM 1.1 JSON Schema",
                                 verdict == Verdict::kInvalid)) {
        problems.push_back(std::move(s));
      }
    }
  } else {
    std::vector<Status> errors11;
    const Verdict verdict = schemas_->use_checks ? schemas_->td11_check->Check(document) : Verdict::kUnknown;
    if (verdict != Verdict::kValid) {
      errors11 = RunSchema(schemas_->td11, schemas_->td11_validator, document, file, "TD 1.1 JSON Schema",
                           verdict == Verdict::kInvalid);
    }
    if (!errors11.empty() && ContextNames(document, kTd10Context) &&
        !ContextNames(document, kTd11Context) &&
        RunSchema(schemas_->td10, schemas_->td10_validator, document, file, "TD 1.0 JSON Schema")
            .empty()) {
      errors11.clear();
    }
    for (Status& s : errors11) problems.push_back(std::move(s));
  }
  if (!document.is_object()) return problems.size() == before;

  // Security names must reference defined schemes (TD 1.1, 5.3.1.1 and 5.3.4.x).
  std::set<std::string> defined;
  if (document.contains("securityDefinitions") && document["securityDefinitions"].is_object()) {
    for (auto& [name, scheme] : document["securityDefinitions"].items()) {
      defined.insert(name);
      (void)scheme;
    }
    for (auto& [name, scheme] : document["securityDefinitions"].items()) {
      if (!scheme.is_object()) continue;
      for (const char* member : {"oneOf", "allOf"}) {
        if (scheme.contains(member)) {
          CheckSecurityNames(scheme[member], defined,
                             "/securityDefinitions/" + EscapePointerToken(name) + "/" + member, file,
                             problems);
        }
      }
    }
  }
  // In a TM, security may hold placeholders ("{{...}}") and definitions may be
  // left to the TD, so the name rule applies to TDs only.
  if (kind == TdKind::kThingDescription) {
    if (document.contains("security")) {
      CheckSecurityNames(document["security"], defined, "/security", file, problems);
    }
    if (text.empty() || MayHaveNestedSecurity(text, document)) {
      std::vector<PathToken> path;
      CheckForms(document, defined, path, file, problems);
    }
  }

  // TD 1.1 (Thing Model instances): at most one link with "rel": "type",
  // the Thing Model the Thing instantiates; TMs use links the same way.
  if (document.contains("links") && document["links"].is_array()) {
    const Json& links = document["links"];
    std::optional<size_t> first_type_link;
    for (size_t i = 0; i < links.size(); ++i) {
      const Json& link = links[i];
      if (!link.is_object() || !link.contains("rel") || link["rel"] != "type") continue;
      if (!first_type_link) {
        first_type_link = i;
        continue;
      }
      problems.push_back(InvalidData(
          "a Thing has at most one link with \"rel\": \"type\" (the first is /links/" +
              std::to_string(*first_type_link) + ")",
          SourceLocation(file, 0, 0, "/links/" + std::to_string(i) + "/rel")));
    }
  }

  if (kind == TdKind::kThingModel) CheckPlaceholderNames(document, "", file, problems);
  if (kind == TdKind::kThingModel && document.contains("links") && document["links"].is_array()) {
    const Json& links = document["links"];
    for (size_t i = 0; i < links.size(); ++i) {
      const Json& link = links[i];
      const std::string* rel = StringMember(link, "rel");
      const std::string* href = StringMember(link, "href");
      const std::string* type = StringMember(link, "type");
      if (rel == nullptr || *rel != "tm:extends" || href == nullptr || type == nullptr) continue;
      if (*type == "application/tm+json" && IsReservedExampleHost(*href)) {
        problems.push_back(InvalidData(
            "tm:extends parent " + *href +
                " cannot be resolved: it is at a reserved example domain (RFC 2606)",
            SourceLocation(file, 0, 0, "/links/" + std::to_string(i) + "/href")));
      }
    }
  }
  return problems.size() == before;
}

}  // namespace tinykg::td
