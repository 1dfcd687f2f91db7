#include "tinykg/td/validate.h"

#include <gtest/gtest.h>

#include <iostream>

#include "corpus.h"
#include "tinykg/base/file.h"

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

TEST(ParseJsonStrict, SyntaxErrorHasLineAndColumn) {
  std::vector<Status> problems;
  Result<Json> doc = ParseJsonStrict("{\n  \"a\": ,\n}", "f.json", problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kParseError);
  EXPECT_EQ(doc.status().where().line, 2);
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
