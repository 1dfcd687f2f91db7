// `tinykg train --on emulator`: the device's figures come from the knowledge
// graph, the summary carries the emulator's measurements, and they are
// written back as benchmark records.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

struct Output {
  int code = -1;
  std::string out;
};

Output Tinykg(const std::string& args) {
  const std::string command = std::string(TINYKG_CLI) + " " + args + " 2>&1";
  Output o;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return o;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) o.out.append(buffer, n);
  const int status = pclose(pipe);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

class TrainOnEmulator : public ::testing::Test {
 protected:
  // ctest may run these tests in parallel processes: one store per test.
  void SetUp() override {
    ASSERT_EQ(std::system(("rm -rf " + Store()).c_str()), 0);
    const Output init = Tinykg("--store " + Store() + " --quiet init");
    ASSERT_EQ(init.code, 0) << init.out;
  }
  static std::string Store() {
    return std::string(TINYKG_BINARY_DIR) + "/emu-test/cli-store-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static std::string Occupancy(const char* file) {
    return std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/" + file;
  }
};

TEST_F(TrainOnEmulator, Json_HasMeasurements_AndRecordsAreWritten) {
  const Output o = Tinykg("--store " + Store() + " train --on emulator --device Arduino-Nano-BLE-33_1 --data " +
                       Occupancy("datatraining.txt") + " --eval " + Occupancy("datatest.txt") +
                       " --label Occupancy --steps 400 --format json");
  ASSERT_EQ(o.code, 0) << o.out;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["target"], "mps2-an386");
  EXPECT_EQ(j["steps"], 400);
  EXPECT_GT(j["accuracy"].get<double>(), 0.8);
  EXPECT_GT(j["instructions_per_step"].get<double>(), 0);
  EXPECT_GT(j["instructions_per_inference"].get<double>(), 0);
  EXPECT_GT(j["peak_ram_bytes"].get<double>(), 0);
  EXPECT_LE(j["peak_ram_bytes"].get<double>(), 172000);  // the device's free RAM
  EXPECT_GT(j["flash_bytes"].get<double>(), 0);

  const Output q = Tinykg("--store " + Store() +
                       " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                       "SELECT ?v WHERE { ?r tkg:method tkg:MeasuredOnEmulator ; "
                       "tkg:metric tkg:InstructionsPerTrainingStep ; tkg:target \"mps2-an386\" ; tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_NE(q.out.find(std::to_string(static_cast<long long>(j["instructions_per_step"].get<double>())).substr(0, 3)),
            std::string::npos)
      << q.out;
}

// The Syntiant board's M0+ (16 KiB on the micro:bit stand-in) cannot hold a
// 800-unit hidden layer's training state: a clear error, no record.
TEST_F(TrainOnEmulator, OversizedHead_FailsWithOutOfMemory) {
  const Output o = Tinykg("--store " + Store() + " train --on emulator --device Syntiant-TinyML-Board_1 --data " +
                       Occupancy("datatest.txt") + " --label Occupancy --steps 20 --hidden 800 --format json");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("tinykg: error:"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("does not fit"), std::string::npos) << o.out;
}

TEST_F(TrainOnEmulator, UnknownDevice_IsAnError) {
  const Output o = Tinykg("--store " + Store() + " train --on emulator --device no-such-board --data " +
                       Occupancy("datatest.txt") + " --label Occupancy");
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.out.find("no device"), std::string::npos) << o.out;
}

}  // namespace
