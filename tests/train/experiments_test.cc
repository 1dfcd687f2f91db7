// Learning experiments with thresholds that prove learning happens: online
// presence detection on UCI occupancy, and sine-wave few-shot regression with
// a TinyReptile meta-initialisation against scratch and FedAvg.
#include "tinykg/train/sine.h"
#include "tinykg/train/tabular.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "occupancy_data.h"
#include "tinykg/base/file.h"

namespace tinykg::train {
namespace {

TEST(ReadCsv, SkipsTheIndexColumnAndTextColumns) {
  const Dataset d = LoadOccupancy("datatraining.txt");
  EXPECT_EQ(d.rows, 8143u);
  ASSERT_EQ(d.feature_count(), 5u);
  EXPECT_EQ(d.feature_names[0], "Temperature");
  EXPECT_EQ(d.feature_names[4], "HumidityRatio");
  EXPECT_FLOAT_EQ(d.Row(0)[0], 23.18f);
  EXPECT_FLOAT_EQ(d.labels[0], 1.0f);
  EXPECT_EQ(d.ClassCount(), 2);
}

TEST(ReadCsv, RejectsUnknownColumns) {
  auto d = ReadCsv(kOccupancy + "datatest.txt", {"Occupancy", {"Light", "Nope"}});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ReadCsv(kOccupancy + "datatest.txt", {"Missing", {}}).ok());
  EXPECT_FALSE(ReadCsv("/nonexistent.csv", {"Occupancy", {}}).ok());
}

// A label of 1e9 made a 10^9-class output layer ("engine arena too small"),
// -3 or 1.5 were refused without a line, and /dev/zero was read until memory
// ran out (4 GB in 10 s).
TEST(ReadCsv, LabelsAreClassIndicesAndDevicesAreRefused) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/read_csv_test";
  std::filesystem::create_directories(dir);
  for (const char* label : {"1000000000", "-3", "1.5", "1024"}) {
    const std::string path = dir + "/labels.csv";
    ASSERT_TRUE(WriteFileAtomic(path, std::string("a,b,L\n1,2,0\n3,4,") + label + "\n5,6,1\n").ok());
    auto d = ReadCsv(path, {"L", {}});
    ASSERT_FALSE(d.ok()) << label;
    EXPECT_EQ(d.status().code(), StatusCode::kParseError);
    EXPECT_NE(d.status().ToString().find("labels.csv:3: label 'L' is '" + std::string(label) + "'"), std::string::npos)
        << d.status().ToString();
  }
  auto device = ReadCsv("/dev/zero", {"L", {}});
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().ToString().find("device"), std::string::npos) << device.status().ToString();
  EXPECT_TRUE(IsClassIndex(1023.0f));
  EXPECT_FALSE(IsClassIndex(1e10f));
}

TEST(Occupancy, OnlineLearningReachesHighAccuracy) {
  const Dataset train = LoadOccupancy("datatraining.txt");
  const Dataset test = LoadOccupancy("datatest.txt");
  TabularOptions options;
  options.method = Method::kOnline;
  options.seed = 7;
  auto r = RunTabular(train, test, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::printf("occupancy online: accuracy %.4f prequential %.4f steps %lld memory %zu\n", r->accuracy,
              r->prequential_accuracy,
              static_cast<long long>(r->steps), r->memory.Total());
  EXPECT_GT(r->accuracy, 0.95);
  EXPECT_GT(r->prequential_accuracy, 0.95);  // test-then-train on the training stream
  EXPECT_EQ(r->steps, 8143);
  // Five features, two classes, SGD: 12 weights, 12 gradients, no optimizer state.
  EXPECT_EQ(r->memory.weights, 12u * 4);
  EXPECT_EQ(r->memory.optimizer_state, 0u);
}

TEST(Occupancy, BaselinesLearnToo) {
  const Dataset train = LoadOccupancy("datatraining.txt");
  const Dataset test = LoadOccupancy("datatest.txt");
  for (Method m : {Method::kScratch, Method::kFedAvg, Method::kReptile}) {
    TabularOptions options;
    options.method = m;
    options.seed = 7;
    auto r = RunTabular(train, test, options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::printf("occupancy %s: accuracy %.4f steps %lld\n", MethodName(m), r->accuracy,
                static_cast<long long>(r->steps));
    EXPECT_GT(r->accuracy, 0.9) << MethodName(m);
  }
}

TEST(Sine, ReptileBeatsScratchAndFedAvgAfterFewSteps) {
  SineOptions options;
  options.server.visits = 2000;
  options.eval_tasks = 50;
  options.server.seed = 1;
  std::vector<FederatedResult> results;
  for (Method m : {Method::kReptile, Method::kScratch, Method::kFedAvg}) {
    options.method = m;
    auto r = RunSine(options);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::printf("sine %-8s before %.3f  1:%.3f  8:%.3f  32:%.3f  (%.2fs, %lld device steps)\n", MethodName(m),
                r->test.before, r->test.after[0], r->test.after[1], r->test.after[2], r->seconds,
                static_cast<long long>(r->device_steps));
    results.push_back(*r);
  }
  const MetaTest& reptile = results[0].test;
  const MetaTest& scratch = results[1].test;
  const MetaTest& fedavg = results[2].test;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_LT(reptile.after[i], scratch.after[i]) << reptile.steps[i];
    EXPECT_LT(reptile.after[i], fedavg.after[i]) << reptile.steps[i];
  }
  EXPECT_LT(reptile.after[2], 0.7 * fedavg.after[2]);
  EXPECT_EQ(results[0].device_steps, results[2].device_steps);
  EXPECT_EQ(results[0].device_steps, 2000 * 8);
}

}  // namespace
}  // namespace tinykg::train
