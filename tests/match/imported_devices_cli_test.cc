// Devices a user brings in (PlatformIO boards, plain WoT TDs) are devices
// for every command: match, explain, report, stats and train --on emulator
// resolve them by the same names and agree on what they are (issue 16,
// items 1 and 3). Real files from ../shared/data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run.h"

namespace tinykg::testing {
namespace {

const std::string kBoards = std::string(TINYKG_SHARED_DATA) + "/boards/platformio";
const std::string kDisco = kBoards + "/ststm32/disco_f769ni.json";
const std::string kNano = kBoards + "/nordicnrf52/nano33ble.json";
const std::string kNanoIri = "https://w3id.org/tinykg/id/board/platformio/nano33ble";
const std::string kUniboTd =
    std::string(TINYKG_SHARED_DATA) + "/wot/td/valid/real/2021.06.Online__TD__TDs__Unibo__gateway_control.td.jsonld";
const std::string kUniboGraph = "urn:uuid:e15d6008-e48a-84bf-a8d3-58fcf96a52b6";

class ImportedDevices : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TempStore>("imported-devices");
    CliRun r = Run("-q init");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CliRun Run(const std::string& args) { return Tinykg(store_->path(), args); }
  std::unique_ptr<TempStore> store_;
};

TEST_F(ImportedDevices, ImportBoard_MatchesWithDefaultsThatExplainNames) {
  CliRun imported = Run("-q import board '" + kDisco + "' --sensor accelerometer");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CliRun match = Run("match --device 'ST 32F769IDISCOVERY' --format json");
  ASSERT_EQ(match.exit_code, 0) << match.err;
  bool wand = false;
  for (const auto& row : nlohmann::json::parse(match.out)) wand |= row["model"] == "Magic_Wand_1";
  EXPECT_TRUE(wand) << match.out;
  CliRun explain = Run("explain --model Magic_Wand_1 --device 'ST 32F769IDISCOVERY'");
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("524,288 B total - 12.0 kB runtime reserve (default; set with --free-ram)"),
            std::string::npos)
      << explain.out;
  EXPECT_NE(explain.out.find("runtime TFLiteMicro (default"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("on CortexM7 at 216 MHz"), std::string::npos) << explain.out;
}

TEST_F(ImportedDevices, ImportBoard_StatedFactsWin_AndExplainReadsCoreAndFpu) {
  CliRun imported = Run("-q import board '" + kNano +
                        "' --free-ram 100000 --free-flash 500kB --sensor accelerometer --runtime cmsis-nn");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  CliRun explain = Run("explain --model Magic_Wand_1 --device " + kNanoIri);
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("device has 100.0 kB free —"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("device has 500.0 kB free —"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("supported by TFLiteMicroCmsisNn"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("float model, device has an FPU"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("on CortexM4F at 64 MHz"), std::string::npos) << explain.out;
  EXPECT_EQ(explain.out.find("unknown"), std::string::npos) << explain.out;
}

TEST_F(ImportedDevices, ImportBoard_BadFreeRam_ExitsTwo_AndStoreIsUnchanged) {
  CliRun before = Run("stats --format tsv");
  CliRun r = Run("import board '" + kDisco + "' --free-ram 12x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--free-ram: not a size in bytes: '12x'"), std::string::npos) << r.err;
  EXPECT_EQ(Run("stats --format tsv").out, before.out);
}

TEST_F(ImportedDevices, PlainWotTd_IsADeviceOnceItsFactsAreGiven) {
  ASSERT_EQ(Run("-q import td '" + kUniboTd + "'").exit_code, 0);
  CliRun bare = Run("match --device " + kUniboGraph);
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_NE(bare.err.find("is a Thing Description without hardware facts"), std::string::npos) << bare.err;
  ASSERT_EQ(Run("-q import td '" + kUniboTd + "' --free-ram 64kB --free-flash 512kB --sensor accelerometer").exit_code,
            0);
  CliRun match = Run("match --device " + kUniboGraph + " --format json");
  ASSERT_EQ(match.exit_code, 0) << match.err;
  bool wand = false;
  for (const auto& row : nlohmann::json::parse(match.out)) wand |= row["model"] == "Magic_Wand_1";
  EXPECT_TRUE(wand) << match.out;
}

TEST_F(ImportedDevices, StatsAndReport_AgreeOnTheDeviceSet_AndReportSaysWhyNotEvaluated) {
  ASSERT_EQ(Run("-q import board '" + kDisco + "'").exit_code, 0);
  // A TD made a device with sensors but no memory figures: not evaluable.
  ASSERT_EQ(Run("-q import td '" + kUniboTd + "' --sensor accelerometer").exit_code, 0);
  CliRun stats = Run("stats --format json");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const auto binding = nlohmann::json::parse(stats.out)["results"]["bindings"][0];
  const int devices = std::stoi(binding["devices"]["value"].get<std::string>());
  CliRun report = Run("report --format json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto j = nlohmann::json::parse(report.out);
  std::vector<nlohmann::json> skipped;
  for (const auto& u : j["unevaluated"]) {
    if (!u["in_matrix"].get<bool>()) skipped.push_back(u);
  }
  ASSERT_EQ(skipped.size(), 1u) << report.out;
  EXPECT_EQ(skipped[0]["device"], "DA00AW2N-control-network");
  EXPECT_NE(skipped[0]["why"].get<std::string>().find("states no RAM or flash size"), std::string::npos);
  EXPECT_EQ(j["summary"]["devices"].get<int>() + 1, devices);
  CliRun md = Run("report --format md");
  EXPECT_NE(md.out.find("## Devices that could not be evaluated"), std::string::npos);
  EXPECT_NE(md.out.find("ST 32F769IDISCOVERY"), std::string::npos);
}

TEST_F(ImportedDevices, SameNameForTwoDevices_IsAmbiguousEverywhere_WithIris) {
  ASSERT_EQ(Run("-q import board '" + kNano + "'").exit_code, 0);
  for (const std::string& cmd : {std::string("match --device 'Arduino Nano 33 BLE'"),
                                 std::string("explain --model Hello_World --device 'Arduino Nano 33 BLE'"),
                                 std::string("train --on emulator --device 'Arduino Nano 33 BLE' --data x.csv "
                                             "--label y")}) {
    CliRun r = Run(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("<" + kNanoIri + ">"), std::string::npos) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("arduino_nano_ble_33-322-000-000-002>"), std::string::npos) << cmd << "\n" << r.err;
  }
}

TEST_F(ImportedDevices, TrainOnEmulator_TakesLabelsWithCommas_AndPrefixes) {
  // The device resolves (a label with a comma is one name); the run then
  // stops at the missing data file, before any emulator starts.
  const std::string missing = "/nonexistent/tinykg-train.csv";
  for (const std::string& device :
       {std::string("Arduino Nano 33 BLE Sense (TinyML kit, OV7675 camera)"), std::string("SiFive HiFive1 Rev B")}) {
    CliRun r = Run("train --on emulator --device '" + device + "' --data " + missing + " --label y");
    EXPECT_EQ(r.exit_code, 1) << device << "\n" << r.err;
    EXPECT_EQ(r.err.find("device"), std::string::npos) << device << "\n" << r.err;
    EXPECT_NE(r.err.find(missing), std::string::npos) << device << "\n" << r.err;
  }
}

}  // namespace
}  // namespace tinykg::testing
