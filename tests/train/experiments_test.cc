// Learning experiments with thresholds that prove learning happens: online
// presence detection on UCI occupancy, and sine-wave few-shot regression with
// a TinyReptile meta-initialisation against scratch and FedAvg.
#include "tinykg/train/sine.h"
#include "tinykg/train/tabular.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "occupancy_data.h"

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
