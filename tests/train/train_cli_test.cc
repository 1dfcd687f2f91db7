// `tinykg train` end to end: JSON keys, exit codes, errors on stderr.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun RunCli(const std::string& args) {
  CliRun r;
  const std::string command = std::string(TINYKG_CLI) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kOccupancy = std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/";

TEST(TrainCli, OnlineCsv_PrintsJsonWithAccuracyAndMemoryByPart) {
  const CliRun r = RunCli("train --data " + kOccupancy + "datatraining.txt --eval " + kOccupancy +
                       "datatest.txt --label Occupancy --method online --seed 3 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["method"], "online");
  EXPECT_GT(j["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(j["seed"], 3);
  EXPECT_EQ(j["steps"], 8143);
  EXPECT_EQ(j["memory_bytes"]["weights"], 48);
  EXPECT_TRUE(j["memory_bytes"].contains("optimizer_state"));
  EXPECT_TRUE(j["memory_bytes"].contains("activations"));
}

TEST(TrainCli, Sine_PrintsMseAfterAdaptationSteps) {
  const CliRun r = RunCli("train --data sine --method fedavg --steps 100 --format json");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["method"], "fedavg");
  EXPECT_TRUE(j["mse"].is_number());
  EXPECT_TRUE(j["mse_after_steps"].contains("32"));
  EXPECT_EQ(j["steps"], 100 / 5 * 5 * 8);
}

TEST(TrainCli, Omniglot_PrintsAccuracyPerShotsAndAdaptationSteps) {
  const CliRun r = RunCli("train --data omniglot --method reptile --steps 6 --channels 4 --local-steps 2 "
                          "--eval-tasks 4 --eval-steps 10 --also-shots 5 --seed 2 --head-init zero --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["accuracy_before"], 0.2);  // the head starts from zero: every class scores the same
  for (const char* shots : {"1", "5"}) {
    const auto& curve = j["accuracy_after_steps"][shots];
    EXPECT_TRUE(curve.contains("0") && curve.contains("5") && curve.contains("10")) << curve.dump();
    EXPECT_EQ(curve["10"], j["accuracy_by_shots"][shots]);
  }
  EXPECT_EQ(RunCli("train --data omniglot --head-init bogus --steps 1").exit_code, 2);
}

// The defaults (SGD, 20 channels, 16 local steps per visit, meta step 2,
// 4 shifted copies of each support drawing): one device's training state is
// the documented budget, inside a 256 KB Cortex-M4 with room for the stack.
// A prototype head classifies before any step.
TEST(TrainCli, Omniglot_DefaultsFitTheDeviceBudget_ProtoHeadClassifiesBeforeAnyStep) {
  const CliRun r = RunCli("train --data omniglot --method reptile --steps 3 --eval-tasks 4 "
                          "--eval-steps 1 --seed 2 --head-init proto --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["local_steps"], 16);
  EXPECT_EQ(j["steps"], 3 * 16);
  EXPECT_EQ(j["eval_augment"], 4);
  EXPECT_EQ(j["meta_lr"], 2.0);
  EXPECT_GT(j["accuracy_before"].get<double>(), 0.3);  // chance is 0.2
  EXPECT_EQ(j["memory_bytes"]["total"], 191116);
  EXPECT_EQ(j["memory_bytes"]["optimizer_state"], 0);
  EXPECT_LE(j["memory_bytes"]["total"].get<int>(), 256 * 1024 - 64 * 1024);
}

// --tilt/--zoom warp the training drawings only: no device memory beyond
// the defaults' (the one drawing is warped where it is read); out-of-range
// values are usage errors.
TEST(TrainCli, Omniglot_TiltAndZoom_KeepTheBudget_AndRejectOutOfRange) {
  const CliRun r = RunCli("train --data omniglot --method reptile --steps 3 --local-steps 1 --eval-tasks 4 "
                          "--eval-steps 1 --seed 2 --tilt 10 --zoom 0.1 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["memory_bytes"]["total"], 191116);
  EXPECT_EQ(RunCli("train --data omniglot --tilt -1 --steps 1").exit_code, 2);
  EXPECT_EQ(RunCli("train --data omniglot --zoom 1 --steps 1").exit_code, 2);
}

TEST(TrainCli, UnknownMethod_IsAUsageError) {
  EXPECT_EQ(RunCli("train --data sine --method bogus").exit_code, 2);
}

TEST(TrainCli, MissingFile_FailsWithExitCode1) {
  EXPECT_EQ(RunCli("train --data /nonexistent.csv --label y").exit_code, 1);
}

TEST(TrainCli, UnknownColumn_IsAUsageError) {
  EXPECT_EQ(RunCli("train --data " + kOccupancy + "datatest.txt --label Nope").exit_code, 2);
}

TEST(TrainCli, Drift_PrintsAChartReadyCsvPerWindow) {
  const CliRun r = RunCli("train --data " + kOccupancy + "datatraining.txt --eval " + kOccupancy +
                          "datatest.txt --label Occupancy --method online --drift --windows 4 --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // RFC 4180 line ends, as every tinykg csv.
  EXPECT_EQ(r.out.rfind("window,begin,end,positives,static_accuracy,online_accuracy,static_cumulative,"
                        "online_cumulative\r\n1,0,666,",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\n4,1998,2665,"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 5) << r.out;
  EXPECT_EQ(RunCli("train --data " + kOccupancy + "datatraining.txt --label Occupancy --drift").exit_code, 2);
}

TEST(TrainCli, TinyMetaFed_ReportsBytesSent) {
  const CliRun full = RunCli("train --data sine --method reptile --steps 50 --format json");
  const CliRun tiny = RunCli("train --data sine --method tinymetafed --top-p 10 --steps 50 --format json");
  ASSERT_EQ(full.exit_code, 0);
  ASSERT_EQ(tiny.exit_code, 0);
  const auto f = nlohmann::json::parse(full.out), t = nlohmann::json::parse(tiny.out);
  EXPECT_EQ(t["method"], "tinymetafed");
  EXPECT_EQ(f["traffic"]["total_bytes"], 50 * 2 * 1761 * 4);
  EXPECT_LT(t["traffic"]["total_bytes"].get<double>(), 0.2 * f["traffic"]["total_bytes"].get<double>());
  EXPECT_EQ(RunCli("train --data sine --method tinymetafed --top-p 0").exit_code, 2);
}

}  // namespace
