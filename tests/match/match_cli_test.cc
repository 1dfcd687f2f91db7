// `tinykg match / explain` on a store made by `tinykg init` (the shipped graph).
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "run.h"

namespace tinykg::testing {
namespace {

class MatchCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new TempStore("match-cli");
    CliRun r = Tinykg(store_->path(), "-q init");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete store_; }
  static CliRun Run(const std::string& args) { return Tinykg(store_->path(), args); }
  static TempStore* store_;
};
TempStore* MatchCli::store_ = nullptr;

TEST_F(MatchCli, MatchModel_Json_ListsFittingDevicesByName) {
  CliRun r = Run("match --model Person_Detection --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u) << r.out;
  EXPECT_EQ(j[0]["device"], "Arduino Nano 33 BLE Sense (TinyML kit, OV7675 camera)");
  EXPECT_EQ(j[0]["model"], "Person_Detection");
  EXPECT_TRUE(j[0]["fits"].get<bool>());
  EXPECT_TRUE(j[0]["margins"]["ram_bytes"].is_number());
}

TEST_F(MatchCli, Explain_Json_HasEveryConstraintWithNumbers) {
  CliRun r = Run("explain --model ARM_MicroNet_VWW_3 --device 'Arduino Nano 33 BLE' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "ARM_MicroNet_VWW_3");
  EXPECT_EQ(j["device"], "Arduino Nano 33 BLE");
  EXPECT_FALSE(j["fits"].get<bool>());
  ASSERT_TRUE(j["constraints"].is_array());
  bool saw_ram = false;
  for (const auto& c : j["constraints"]) {
    for (const char* key : {"name", "need", "have", "unit", "ok"}) EXPECT_TRUE(c.contains(key)) << key;
    if (c["name"] == "ram") {
      saw_ram = true;
      EXPECT_EQ(c["have"].get<double>(), 172000);
      EXPECT_GT(c["need"].get<double>(), 172000);
      EXPECT_FALSE(c["ok"].get<bool>());
    }
  }
  EXPECT_TRUE(saw_ram);
}

TEST_F(MatchCli, Explain_Text_SaysHowShort) {
  CliRun r = Run("explain --model ARM_MicroNet_VWW_3 --device 'Arduino Nano 33 BLE'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("RAM: needs 209.0 kB, device has 172.0 kB free — short by 37.0 kB"), std::string::npos) << r.out;
}

TEST_F(MatchCli, UnknownModel_ExitsOneWithDidYouMean) {
  CliRun r = Run("match --model Persn_Detection");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tinykg: error: no model named 'Persn_Detection'; did you mean 'Person_Detection'?"),
            std::string::npos) << r.err;
}

TEST_F(MatchCli, MatchDevice_CsvAndMarkdown) {
  CliRun csv = Run("match --device 'Arduino Nano 33 BLE' --task keyword-spotting --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("rank,model,fits,", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("ARM_DS_CNN_Small_"), std::string::npos);
  CliRun md = Run("match --all --format md --limit 3");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_EQ(md.out.rfind("| rank | model | device |", 0), 0u) << md.out;
}

// match --all in json/csv is written as the pairs come; the same pairs, in
// the same order, as the aligned table (which collects them first).
TEST_F(MatchCli, MatchAll_StreamedFormatsAgreeWithTheTable) {
  CliRun table = Run("match --all");
  CliRun csv = Run("match --all --format csv");
  CliRun json = Run("match --all --format json");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  auto j = nlohmann::json::parse(json.out);
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(static_cast<long>(j.size()) + 1, lines(csv.out));  // + the header
  EXPECT_EQ(static_cast<long>(j.size()) + 2, lines(table.out));  // + header and rule
  EXPECT_GT(j.size(), 50u);
  for (const auto& fit : j) EXPECT_TRUE(fit["fits"].get<bool>());
  // The first row of each names the same pair.
  const std::string first = j[0]["model"].get<std::string>() + "," + j[0]["device"].get<std::string>() + ",true";  // csv: true/false, not yes/no
  EXPECT_NE(csv.out.find("\r\n1," + first), std::string::npos) << csv.out.substr(0, 300);
  CliRun limited = Run("match --all --format json --limit 5");
  ASSERT_EQ(limited.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(limited.out).size(), 5u);
}

TEST_F(MatchCli, HostileName_IsNotFoundNotASyntaxError) {
  CliRun r = Run("match --device '\"} UNION { ?s ?p ?o } <x>'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no device named"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tinykg::testing
