// TinyOL-style online learning: sample-by-sample updates, a class added on
// the fly, and exact memory accounting.
#include "tinykg/engine/online.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "tinykg/engine/random.h"

namespace tinykg::engine {
namespace {

// Three Gaussian blobs in 2-D, offset so that raw features are badly scaled.
std::array<float, 2> Blob(std::int32_t c, Pcg32& rng) {
  static constexpr std::array<std::array<float, 2>, 3> kCenters{{{100, 5}, {104, 5}, {102, 8}}};
  return {kCenters[static_cast<std::size_t>(c)][0] + 0.6f * rng.Normal(),
          kCenters[static_cast<std::size_t>(c)][1] + 0.4f * rng.Normal()};
}

double Accuracy(OnlineLearner& learner, std::int32_t classes, Pcg32& rng) {
  int correct = 0;
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    const auto c = static_cast<std::int32_t>(i % classes);
    const auto x = Blob(c, rng);
    std::int32_t label = -1;
    EXPECT_EQ(learner.Predict(x, &label), Status::kOk);
    correct += label == c;
  }
  return static_cast<double>(correct) / n;
}

TEST(OnlineLearner, LearnsTwoClassesThenAThirdAddedOnTheFly) {
  std::vector<std::byte> memory(1 << 16);
  Arena arena(memory);
  OnlineConfig config;
  config.input_size = 2;
  config.max_classes = 4;
  config.initial_classes = 2;
  config.optimizer = {OptimizerKind::kSgd, 0.05f, 0.9f};
  OnlineLearner learner;
  ASSERT_EQ(learner.Build(config, arena), Status::kOk);
  Pcg32 rng(3);
  for (int i = 0; i < 400; ++i) {
    const auto c = static_cast<std::int32_t>(rng.Below(2));
    ASSERT_EQ(learner.Learn(Blob(c, rng), c), Status::kOk);
  }
  EXPECT_GT(Accuracy(learner, 2, rng), 0.95);
  EXPECT_EQ(learner.Learn(Blob(2, rng), 2), Status::kInvalidArgument);  // not active yet
  std::int32_t added = -1;
  ASSERT_EQ(learner.AddClass(&added), Status::kOk);
  EXPECT_EQ(added, 2);
  EXPECT_EQ(learner.classes(), 3);
  for (int i = 0; i < 600; ++i) {
    const auto c = static_cast<std::int32_t>(rng.Below(3));
    ASSERT_EQ(learner.Learn(Blob(c, rng), c), Status::kOk);
  }
  EXPECT_GT(Accuracy(learner, 3, rng), 0.9);
  ASSERT_EQ(learner.AddClass(&added), Status::kOk);
  EXPECT_EQ(learner.AddClass(&added), Status::kOutOfMemory);  // capacity 4
}

TEST(OnlineLearner, ReportsExactMemory) {
  std::vector<std::byte> memory(1 << 16);
  Arena arena(memory);
  const std::array hidden{LayerSpec::Dense(8, Activation::kRelu)};
  OnlineConfig config;
  config.input_size = 5;
  config.max_classes = 3;
  config.initial_classes = 2;
  config.hidden = hidden;
  config.optimizer = {OptimizerKind::kAdam, 0.01f};
  OnlineLearner learner;
  ASSERT_EQ(learner.Build(config, arena), Status::kOk);
  const MemoryReport m = learner.memory();
  const std::size_t params = (5 * 8 + 8) + (8 * 3 + 3);
  EXPECT_EQ(m.weights, params * 4);
  EXPECT_EQ(m.gradients, params * 4);
  EXPECT_EQ(m.optimizer_state, 2 * params * 4);
  EXPECT_EQ(m.activations, (5 + 8 + 3) * 4u);
  EXPECT_EQ(m.other, 2 * 5 * 4u);  // running mean and M2
  EXPECT_LE(m.Total(), arena.persistent_used());
}

TEST(OnlineLearner, FailsCleanlyWhenTheArenaIsTooSmall) {
  std::vector<std::byte> memory(256);
  Arena arena(memory);
  OnlineConfig config;
  config.input_size = 50;
  config.max_classes = 10;
  config.initial_classes = 2;
  OnlineLearner learner;
  EXPECT_EQ(learner.Build(config, arena), Status::kOutOfMemory);
  EXPECT_EQ(arena.persistent_used(), 0u);
  config.initial_classes = 11;
  EXPECT_EQ(learner.Build(config, arena), Status::kInvalidArgument);
}

}  // namespace
}  // namespace tinykg::engine
