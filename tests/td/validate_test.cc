#include "tinykg/td/validate.h"

#include <gtest/gtest.h>

#include <iostream>

#include "../../src/td/schema_check.h"
#include "corpus.h"
#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"
#include "tinykg/td/thing_description.h"

namespace tinykg::td {
namespace {

const std::string kSchemaDir = std::string(TINYKG_SOURCE_DIR) + "/ontology/schemas";

std::vector<Status> Check(const TdValidator& validator, const std::string& path) {
  std::vector<Status> problems;
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return {text.status()};
  Result<Json> doc = ParseJsonStrict(*text, path, problems);
  if (!doc.ok()) return {doc.status()};
  validator.Validate(*doc, DetectKind(*doc), path, problems);
  return problems;
}

class TdValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = TdValidator::Load(kSchemaDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    validator_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() { delete validator_; }
  static TdValidator* validator_;
};
TdValidator* TdValidatorTest::validator_ = nullptr;

// Variants of a document that a schema may refuse: each member removed, or
// its value replaced by a value of another JSON type. At most `limit`, taken
// evenly over the document's members (every `stride`-th one).
void Mutations(const Json& node, Json& root, const Json::json_pointer& at, size_t stride,
               size_t& seen, std::vector<Json>& out, size_t limit) {
  if (out.size() >= limit) return;
  if (node.is_object() || node.is_array()) {
    std::vector<std::string> keys;
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) keys.push_back(it.key());
    } else {
      for (size_t i = 0; i < node.size(); ++i) keys.push_back(std::to_string(i));
    }
    for (const std::string& k : keys) {
      const Json::json_pointer child = at / k;
      if (seen++ % stride == 0) {
        const Json replacements[] = {Json(), Json(42), Json(-1.5), Json("x"), Json(""), Json::array(),
                                     Json::object(), Json(true)};
        const Json& original = root.at(child);
        for (const Json& r : replacements) {
          if (r.type() == original.type()) continue;
          Json variant = root;
          variant.at(child) = r;
          out.push_back(std::move(variant));
        }
        if (node.is_object()) {
          Json variant = root;
          variant.at(at).erase(k);
          out.push_back(std::move(variant));
        }
      }
      Mutations(root.at(child), root, child, stride, seen, out, limit);
    }
  }
}

// The compiled schema checker only lets a document skip valijson when
// valijson would accept it: with and without it, every document of the
// shared corpus (valid and invalid) and mutated variants of the valid ones
// get the same problems, word for word.
TEST(TdValidatorCompiledCheck, SameProblemsAsValijsonAlone) {
  auto fast = TdValidator::Load(kSchemaDir);
  auto slow = TdValidator::Load(kSchemaDir);
  ASSERT_TRUE(fast.ok() && slow.ok());
  (*slow)->set_compiled_schema_check(false);
  std::vector<std::string> files = testing::ValidFiles();
  const std::vector<std::string> invalid = testing::InvalidFiles();
  const size_t valid_count = files.size();
  files.insert(files.end(), invalid.begin(), invalid.end());
  size_t documents = 0, rejected = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    std::vector<Status> ignored;
    Result<std::string> text = ReadFile(files[f]);
    ASSERT_TRUE(text.ok());
    Result<Json> doc = ParseJsonStrict(*text, files[f], ignored);
    if (!doc.ok()) continue;
    std::vector<Json> variants = {*doc};
    if (f < valid_count && f % 3 == 0) {
      size_t seen = 0;
      Json root = *doc;
      Mutations(root, root, Json::json_pointer(), 7, seen, variants, 60);
    }
    for (const Json& v : variants) {
      const TdKind kind = DetectKind(v);
      auto run = [&](const TdValidator& validator) {
        std::vector<Status> problems;
        validator.Validate(v, kind, files[f], problems);
        return problems;
      };
      const std::vector<Status> a = run(**fast);
      const std::vector<Status> b = run(**slow);
      ++documents;
      if (!b.empty()) ++rejected;
      ASSERT_EQ(a.size(), b.size()) << files[f] << "\n" << v.dump();
      for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].ToString(), b[i].ToString()) << files[f];
      }
    }
  }
  std::cout << documents << " documents, " << rejected << " rejected by both\n";
  EXPECT_GT(rejected, 1000u);  // the mutations must reach the schema's refusals
}

// The TM 1.1 schema uses contains (a TM's @type must hold "tm:ThingModel"),
// which the compiled checker did not evaluate (its propertyNames and format
// keywords are taken out before it is built, see GuardFormats): every TM was
// kUnknown and went to valijson, whose uniqueItems is pairwise, so a TM with
// a 10,000-value enum took 2.8 s (100,000: minutes).
TEST(SchemaChecker, DecidesThingModels) {
  auto validator = TdValidator::Load(kSchemaDir);
  ASSERT_TRUE(validator.ok());
  int tms = 0;
  for (const std::string& file : testing::CorpusFiles("tm/valid")) {
    Result<std::string> doc = ReadFile(file);
    ASSERT_TRUE(doc.ok());
    EXPECT_TRUE((*validator)->CompiledCheckFindsValid(Json::parse(*doc), TdKind::kThingModel)) << file;
    ++tms;
  }
  EXPECT_GT(tms, 5);
  Json long_enum = Json::parse(R"({"@context": ["https://www.w3.org/2022/wot/td/v1.1"],
      "@type": ["tm:ThingModel"], "title": "T", "properties": {"p": {"type": "string"}}})");
  Json& values = long_enum["properties"]["p"]["enum"] = Json::array();
  for (int i = 0; i < 100000; ++i) values.push_back("v" + std::to_string(i));
  EXPECT_TRUE((*validator)->CompiledCheckFindsValid(long_enum, TdKind::kThingModel));
  long_enum["@type"] = Json::array({"saref:Device"});  // contains finds no tm:ThingModel
  EXPECT_FALSE((*validator)->CompiledCheckFindsValid(long_enum, TdKind::kThingModel));

  const Json schema = Json::parse(R"({"properties": {"c": {"contains": {"const": 1}}}})");
  const internal::SchemaChecker check(schema);
  using Verdict = internal::SchemaChecker::Verdict;
  const std::vector<std::pair<const char*, Verdict>> cases = {
      {R"({"c": [2, 1]})", Verdict::kValid}, {R"({"c": []})", Verdict::kInvalid},
      {R"({"c": [2, "1"]})", Verdict::kInvalid}, {R"({"c": "x"})", Verdict::kValid}};
  for (const auto& [doc, verdict] : cases) EXPECT_EQ(check.Check(Json::parse(doc)), verdict) << doc;
}

TEST_F(TdValidatorTest, AcceptsEveryValidTdAndTm) {
  const auto files = testing::ValidFiles();
  ASSERT_GT(files.size(), 500u);
  int accepted = 0;
  for (const auto& f : files) {
    std::vector<Status> problems = Check(*validator_, f);
    if (problems.empty()) {
      ++accepted;
    } else {
      ADD_FAILURE() << f << ": " << problems[0].ToString();
    }
  }
  std::cout << "valid accepted: " << accepted << "/" << files.size() << "\n";
}

TEST_F(TdValidatorTest, RejectsEveryInvalidTdAndTmNamingTheProblem) {
  const auto files = testing::InvalidFiles();
  ASSERT_GT(files.size(), 40u);
  int rejected = 0;
  for (const auto& f : files) {
    std::vector<Status> problems = Check(*validator_, f);
    if (problems.empty()) {
      ADD_FAILURE() << f << " was accepted";
      continue;
    }
    ++rejected;
    for (const Status& p : problems) {
      EXPECT_EQ(p.where().file, f);
      EXPECT_FALSE(p.message().empty());
      std::cout << "  " << p.ToString().substr(testing::WotDir().size() + 1) << "\n";
    }
  }
  std::cout << "invalid rejected: " << rejected << "/" << files.size() << "\n";
}

// "format": "date-time" is checked by a pattern compiled once (valijson
// compiled a regex per value); it accepts and refuses what valijson did.
// uniqueItems over long arrays, found by probing with one TD: an enum of
// 100,000 values took 154 s to check (pairwise), and with one value
// repeated 249 s more for valijson to explain; 1,024 equal values gave
// 523,776 messages; 40,000 invalid properties took minutes to sort their
// messages (pairwise again).
TEST_F(TdValidatorTest, LongArraysAreCheckedInLinearTimeAndExplainedWithinABound) {
  const auto td = [](const Json& values) {
    Json doc = Json::parse(R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:ex:e",
      "title": "e", "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n",
      "properties": {"a": {"type": "string", "forms": [{"href": "http://x/"}]}}})");
    doc["properties"]["a"]["enum"] = values;
    return doc;
  };
  const auto validate = [](const Json& doc) {
    std::vector<Status> problems;
    validator_->Validate(doc, TdKind::kThingDescription, "e.json", problems);
    return problems;
  };
  Json distinct = Json::array();
  for (int i = 0; i < 100000; ++i) distinct.push_back("x" + std::to_string(i));
  EXPECT_TRUE(validate(td(distinct)).empty());
  distinct.push_back("x5");  // one repeated: not valid, and too long to explain
  std::vector<Status> long_one = validate(td(distinct));
  ASSERT_EQ(long_one.size(), 1u);
  EXPECT_NE(long_one[0].ToString().find("e.json#/properties/a/enum"), std::string::npos) << long_one[0].ToString();
  EXPECT_NE(long_one[0].ToString().find("this one 100001 items"), std::string::npos) << long_one[0].ToString();
  // Within the bound valijson says why, in at most five messages.
  std::vector<Status> equal = validate(td(Json::array({"x", "x", "x", "x", "x", "x", "x", "x", "x", "x"})));
  ASSERT_EQ(equal.size(), 1u);
  EXPECT_NE(equal[0].ToString().find("Elements at indexes #0 and #1 violate uniqueness constraint"),
            std::string::npos)
      << equal[0].ToString();
  EXPECT_NE(equal[0].ToString().find("and 40 more"), std::string::npos) << equal[0].ToString();
  // Valid with long arrays where the compiled checker cannot decide (a TM's
  // "@type" array uses "contains"): valijson decides, as before.
  Json tm = Json::parse(R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "@type": ["tm:ThingModel"],
    "title": "t", "properties": {"a": {"type": "string"}}})");
  tm["properties"]["a"]["enum"] = Json::array();
  for (int i = 0; i < 600; ++i) tm["properties"]["a"]["enum"].push_back("v" + std::to_string(i));
  std::vector<Status> tm_problems;
  validator_->Validate(tm, TdKind::kThingModel, "t.json", tm_problems);
  EXPECT_TRUE(tm_problems.empty()) << tm_problems[0].ToString();
  // Many invalid members: one message each.
  Json many = td(Json::array({"x"}));
  for (int i = 0; i < 20000; ++i) many["properties"]["p" + std::to_string(i)] = Json::parse(R"({"type": 5})");
  EXPECT_EQ(validate(many).size(), 20000u);
}

TEST_F(TdValidatorTest, DateTimeFormatKeepsValijsonsRules) {
  const std::string path = testing::WotDir() + "/td/valid/playground_core/MinimalThing.json";
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict(*ReadFile(path), path, problems);
  ASSERT_TRUE(doc.ok());
  for (const char* good : {"2022-02-28T10:00:00Z", "2024-04-30t23:59:60.25+02:00", "1-12-31T00:00:00z"}) {
    Json td = *doc;
    td["created"] = good;
    problems.clear();
    EXPECT_TRUE(validator_->Validate(td, TdKind::kThingDescription, path, problems)) << good;
  }
  for (const char* bad : {"2022-02-30T10:00:00Z", "2022-04-31T10:00:00Z", "2022-13-01T10:00:00Z",
                          "2022-01-01 10:00:00Z", "2022-01-01T24:00:00Z", "2022-01-01T10:00:00",
                          "x2022-01-01T10:00:00Z"}) {
    Json td = *doc;
    td["created"] = bad;
    problems.clear();
    EXPECT_FALSE(validator_->Validate(td, TdKind::kThingDescription, path, problems)) << bad;
    ASSERT_FALSE(problems.empty());
    EXPECT_EQ(problems[0].where().pointer, "/created") << problems[0].ToString();
  }
}

// Given the text, Validate skips the walk for forms' security names only when
// the text has no "security" member below the top level; a form's undefined
// name is still found, also when the member name is spelt with a \u escape.
TEST_F(TdValidatorTest, FormSecurityIsCheckedWhenTheTextIsGiven) {
  const std::string head = R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "title": "T",
    "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc",
    "properties": {"p": {"type": "string", "forms": [{"href": "https://example.org/p")";
  for (const std::string& form : {std::string(R"(, "security": "nosuch"}]}}})"),
                                  std::string(R"(, "securit\u0079": "nosuch"}]}}})")}) {
    const std::string text = head + form;
    std::vector<Status> problems;
    Result<Json> doc = ParseJsonStrict(text, "t.json", problems);
    ASSERT_TRUE(doc.ok()) << text;
    EXPECT_FALSE(validator_->Validate(*doc, TdKind::kThingDescription, "t.json", problems, text)) << text;
    ASSERT_EQ(problems.size(), 1u) << text;
    EXPECT_EQ(problems[0].where().pointer, "/properties/p/forms/0/security") << problems[0].ToString();
  }
  const std::string clean = head + "}]}}}";
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict(clean, "t.json", problems);
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(validator_->Validate(*doc, TdKind::kThingDescription, "t.json", problems, clean))
      << (problems.empty() ? "" : problems[0].ToString());
}

// TD 1.1: a Thing instantiates at most one Thing Model (one "rel": "type" link).
TEST_F(TdValidatorTest, SecondTypeLinkIsRejected) {
  const std::string path = testing::WotDir() + "/td/valid/playground_core/fromTM.json";
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict(*text, path, problems);
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(validator_->Validate(*doc, DetectKind(*doc), path, problems)) << problems.size();
  Json twice = *doc;
  Json second = twice["links"][0];
  ASSERT_EQ(second["rel"], "type");
  second["href"] = "https://example.org/another-model.tm.jsonld";
  twice["links"].push_back(second);
  const std::string pointer = "/links/" + std::to_string(twice["links"].size() - 1) + "/rel";
  EXPECT_FALSE(validator_->Validate(twice, DetectKind(twice), path, problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where().pointer, pointer);
  EXPECT_NE(problems[0].message().find("at most one link with \"rel\": \"type\""), std::string::npos)
      << problems[0].ToString();
}

size_t CountMembers(const Json& node) {
  size_t n = 0;
  if (node.is_object() || node.is_array()) {
    for (const Json& child : node) n += 1 + CountMembers(child);
  }
  return n;
}

// Every variant of `doc` with one member (at any depth) replaced by a value
// of each other JSON type, through the whole reader: each is accepted or
// refused with problems that name the file, never an internal error or
// nlohmann's exception text (a "rel": null in a TM link threw type_error
// from the validator's tm:extends rule, reported as "reading the document
// failed: [json.exception.type_error.302] ...").
void ExpectEveryTypeVariantIsReadCleanly(TdReader& reader, const Json& doc, const std::string& file,
                                         size_t stride, size_t& variants_read) {
  std::vector<Json> variants;
  size_t seen = 0;
  Json root = doc;
  Mutations(root, root, Json::json_pointer(), stride, seen, variants, 100000);
  for (const Json& v : variants) {
    const std::string text = v.dump();
    TdReadResult r = reader.Read(text, file);
    ++variants_read;
    for (const Status& p : r.problems) {
      EXPECT_NE(p.code(), StatusCode::kInternal) << p.ToString() << "\n" << text;
      EXPECT_EQ(p.message().find("json.exception"), std::string::npos) << p.ToString() << "\n" << text;
      EXPECT_EQ(p.where().file, file) << p.ToString();
    }
  }
}

std::unique_ptr<TdReader> MakeReader() {
  TdReaderOptions options;
  options.context_dirs = {std::string(TINYKG_SOURCE_DIR) + "/ontology/contexts"};
  options.schema_dir = kSchemaDir;
  options.keep_quads = false;
  auto reader = TdReader::Create(options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(reader).value() : nullptr;
}

// A TD and a TM that reach every rule of the validator and the reader
// (security names in definitions, combos and forms; links of rel type and
// tm:extends; id, title, @type, @context), each member replaced by every
// other JSON type.
TEST(TdReaderAnyType, MemberOfAnotherTypeIsAProblemNotAnInternalError) {
  std::unique_ptr<TdReader> reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  const Json td = Json::parse(R"({
    "@context": ["https://www.w3.org/2022/wot/td/v1.1", {"ex": "https://example.org/ns#"}],
    "@type": ["Thing", "ex:Lamp"], "id": "urn:ex:lamp", "title": "Lamp",
    "securityDefinitions": {"basic": {"scheme": "basic", "in": "header"}, "nosec": {"scheme": "nosec"},
                            "combo": {"scheme": "combo", "oneOf": ["basic", "nosec"]}},
    "security": ["combo"],
    "links": [{"rel": "type", "href": "https://example.org/lamp.tm.jsonld", "type": "application/tm+json"},
              {"rel": "icon", "href": "https://example.org/icon.png"}],
    "properties": {"on": {"type": "boolean", "observable": true,
                          "forms": [{"href": "https://lamp.example.org/on", "security": "basic",
                                     "contentType": "application/json", "op": ["readproperty"]}]}},
    "actions": {"toggle": {"input": {"type": "object", "properties": {"x": {"type": "integer"}}},
                           "forms": [{"href": "https://lamp.example.org/toggle", "security": ["nosec"]}]}}
  })");
  const Json tm = Json::parse(R"({
    "@context": ["https://www.w3.org/2022/wot/td/v1.1"], "@type": "tm:ThingModel", "title": "Lamp model",
    "links": [{"rel": "tm:extends", "href": "https://example.org/base.tm.jsonld", "type": "application/tm+json"},
              {"rel": "tm:extends", "href": "http://localhost/base.tm.jsonld", "type": "application/tm+json"}],
    "securityDefinitions": {"basic": {"scheme": "basic"}}, "security": "basic",
    "properties": {"level": {"type": "integer", "minimum": 0, "forms": [{"href": "{{BASE}}/level"}]}}
  })");
  size_t read = 0;
  ExpectEveryTypeVariantIsReadCleanly(*reader, td, "lamp.td.json", 1, read);
  ExpectEveryTypeVariantIsReadCleanly(*reader, tm, "lamp.tm.json", 1, read);
  std::cout << read << " variants read\n";
  EXPECT_GT(read, 300u);
}

// The same over the shared corpus: every valid TD and TM, about five
// members of each replaced by every other JSON type.
TEST(TdReaderAnyType, CorpusMembersOfAnotherTypeAreProblemsNotInternalErrors) {
  std::unique_ptr<TdReader> reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  size_t read = 0;
  for (const std::string& path : testing::ValidFiles()) {
    Result<std::string> text = ReadFile(path);
    ASSERT_TRUE(text.ok());
    std::vector<Status> ignored;
    Result<Json> doc = ParseJsonStrict(*text, path, ignored);
    if (!doc.ok()) continue;
    ExpectEveryTypeVariantIsReadCleanly(*reader, *doc, path, std::max<size_t>(1, CountMembers(*doc) / 5),
                                        read);
  }
  std::cout << read << " variants read\n";
  EXPECT_GT(read, 10000u);
}

TEST(ParseJsonStrict, DuplicateAffordanceIsAnErrorOtherDuplicatesWarnings) {
  std::vector<Status> problems;
  std::vector<Status> warnings;
  Result<Json> doc = ParseJsonStrict(
      R"({"properties": {"a": {"x": [1, {"k": 1, "k": 2}]}, "a": {}}})", "f.json", problems,
      &warnings);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where().pointer, "/properties/a");
  EXPECT_NE(problems[0].message().find("affordance"), std::string::npos);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].where().pointer, "/properties/a/x/1/k");
}

// Same value and same JSON types (integer, unsigned, float) at every node.
bool SameJson(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
      if (x.key() != y.key() || !SameJson(x.value(), y.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameJson(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// ParseJsonStrict reads well-formed text with its own reader and leaves the
// rest to nlohmann: the values (and number types) are nlohmann's for every
// file of the shared corpus and for edge cases of strings and numbers, and
// what nlohmann refuses is refused.
TEST(ParseJsonStrict, SameValuesAsNlohmann) {
  std::vector<std::string> texts = {
      R"({"a": "plain", "b": "esc \" \\ \/ \b \f \n \r \t", "c": "\u00e9\u20ac\ud83d\ude00 é€😀"})",
      R"([0, -0, 1, -1, 18446744073709551615, 18446744073709551616, 9223372036854775807,
          -9223372036854775808, -9223372036854775809, 1.5, -0.0, 1e2, 1E-2, 2.5e+3, 1e-400,
          0.1, 123456789012345678901234567890, true, false, null, {}, [], [[]], {"": {}}])",
      "  \n\t{ \"k\" : [ 1 , 2 ] , \"k\" : 3 }  ", "\"top\"", "42", "null",
      R"({"x": "\u0000 and \u001f"})"};
  size_t files = 0;
  for (const std::string& path : testing::CorpusFiles("")) {
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) continue;
    texts.push_back(*text);
    ++files;
  }
  EXPECT_GT(files, 600u);
  for (const std::string& text : texts) {
    std::vector<Status> problems;
    Result<Json> ours = ParseJsonStrict(text, "f.json", problems);
    const Json theirs = Json::parse(text, nullptr, false);
    if (theirs.is_discarded()) {
      EXPECT_FALSE(ours.ok()) << text.substr(0, 200);
      continue;
    }
    if (!ours.ok() && ours.status().message().find("UTF-8") != std::string::npos) continue;
    ASSERT_TRUE(ours.ok()) << ours.status().ToString() << "\n" << text.substr(0, 200);
    EXPECT_TRUE(SameJson(*ours, theirs)) << text.substr(0, 200);
  }
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "01", "1.", "-", "1e", ".5",
                          "tru", "nul", "[1 2]", "\"\\ud800\"", "\"\\udc00\"", "\"\\x\"",
                          "\"a\nb\"", "\"open", "1e400", "{} {}", "\xEF\xBB\xBF{}"}) {
    std::vector<Status> problems;
    Result<Json> ours = ParseJsonStrict(bad, "f.json", problems);
    const Json theirs = Json::parse(bad, nullptr, false);
    EXPECT_EQ(ours.ok(), !theirs.is_discarded()) << bad;
    if (ours.ok() && !theirs.is_discarded()) {
      EXPECT_TRUE(SameJson(*ours, theirs)) << bad;
    }
  }
}

// The same on damaged text: bytes of corpus files replaced, deleted or
// duplicated at random (fixed seed), so the reader meets every kind of
// broken token; it must accept exactly what nlohmann accepts, with the same
// values.
TEST(ParseJsonStrict, DamagedTextAcceptedExactlyWhenNlohmannAcceptsIt) {
  const std::vector<std::string> files = testing::ValidFiles();
  ASSERT_FALSE(files.empty());
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const char kBytes[] = "{}[]:,\"\\/ \n0123456789.eE+-tfnul\x01\x7f\xc3\xa9";
  size_t accepted = 0, refused = 0;
  for (int round = 0; round < 6000; ++round) {
    Result<std::string> text = ReadFile(files[next() % files.size()]);
    ASSERT_TRUE(text.ok());
    std::string damaged = *text;
    const int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits && !damaged.empty(); ++e) {
      const size_t at = next() % damaged.size();
      switch (next() % 3) {
        case 0: damaged[at] = kBytes[next() % (sizeof kBytes - 1)]; break;
        case 1: damaged.erase(at, 1 + next() % 4); break;
        default: damaged.insert(at, damaged.substr(at, 1 + next() % 8)); break;
      }
    }
    std::vector<Status> problems;
    Result<Json> ours = ParseJsonStrict(damaged, "f.json", problems);
    const Json theirs = Json::parse(damaged, nullptr, false);
    if (!ours.ok() && ours.status().message().find("UTF-8") != std::string::npos) continue;
    ASSERT_EQ(ours.ok(), !theirs.is_discarded()) << damaged;
    if (ours.ok()) {
      ++accepted;
      EXPECT_TRUE(SameJson(*ours, theirs)) << damaged;
    } else {
      ++refused;
    }
  }
  std::cout << accepted << " damaged texts accepted, " << refused << " refused\n";
  EXPECT_GT(accepted, 300u);
  EXPECT_GT(refused, 3000u);
}

TEST(ParseJsonStrict, SyntaxErrorHasLineAndColumn) {
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict("{\n  \"a\": ,\n}", "f.json", problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kParseError);
  EXPECT_EQ(doc.status().where().line, 2);
}

// The fast reader checks UTF-8 and depth itself (CheckJsonText runs only
// when it refuses): every ill-formed sequence in a string or a key, and one
// level past kMaxJsonDepth (empty innermost container too), get
// CheckJsonText's refusal; depth kMaxJsonDepth itself is read.
TEST(ParseJsonStrict, BadUtf8AndDepthAreRefusedAsCheckJsonTextRefusesThem) {
  for (const std::string bad : {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3"}) {
    for (const std::string& text : {R"({"a": "x)" + bad + R"(y"})", R"({"x)" + bad + R"(": 1})"}) {
      std::vector<Status> problems;
      Result<Json> doc = ParseJsonStrict(text, "f.json", problems);
      ASSERT_FALSE(doc.ok()) << text;
      EXPECT_EQ(doc.status().ToString(), CheckJsonText(text, "f.json").ToString());
    }
  }
  for (const char* innermost : {"[]", "{}", "[1]"}) {
    std::string deep;
    for (int i = 0; i < kMaxJsonDepth; ++i) deep += "[";
    deep += innermost;
    for (int i = 0; i < kMaxJsonDepth; ++i) deep += "]";
    std::vector<Status> problems;
    Result<Json> doc = ParseJsonStrict(deep, "f.json", problems);
    ASSERT_FALSE(doc.ok()) << innermost;
    EXPECT_NE(doc.status().message().find("nesting deeper than 256 levels"), std::string::npos)
        << doc.status().ToString();
    const std::string fits = deep.substr(1, deep.size() - 2);
    EXPECT_TRUE(ParseJsonStrict(fits, "f.json", problems).ok()) << innermost;
  }
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict("{\"a\": \"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}", "f.json", problems);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["a"], "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(ParseJsonStrict, HugeNumberIsAParseErrorNotACrash) {
  // Found by td_fuzz_reader: nlohmann throws out_of_range, not parse_error.
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict(R"({"a": 1e11111111111111111})", "f.json", problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kParseError);
}

}  // namespace
}  // namespace tinykg::td
