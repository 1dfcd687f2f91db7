#include "tinykg/engine/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tinykg::engine {
namespace {

// Minimises sum_i a_i (x_i - c_i)^2 and returns the final distance to c.
float Minimise(const OptimizerConfig& config, int steps) {
  std::vector<std::byte> memory(4096);
  Arena arena(memory);
  Optimizer opt;
  EXPECT_EQ(opt.Init(config, 3, arena), Status::kOk);
  std::vector<float> x{5.0f, -3.0f, 1.0f}, g(3);
  const std::vector<float> a{1.0f, 4.0f, 0.5f}, c{1.0f, 2.0f, -1.0f};
  for (int s = 0; s < steps; ++s) {
    for (int i = 0; i < 3; ++i) g[i] = 2 * a[i] * (x[i] - c[i]);
    opt.Step(x, g);
  }
  float d = 0;
  for (int i = 0; i < 3; ++i) d += (x[i] - c[i]) * (x[i] - c[i]);
  return std::sqrt(d);
}

TEST(Optimizer, SgdConverges) {
  EXPECT_LT(Minimise({OptimizerKind::kSgd, 0.05f}, 200), 1e-3f);
}

TEST(Optimizer, MomentumConvergesFasterThanPlainSgd) {
  const float plain = Minimise({OptimizerKind::kSgd, 0.01f}, 100);
  const float heavy = Minimise({OptimizerKind::kSgd, 0.01f, 0.9f}, 100);
  EXPECT_LT(heavy, plain);
}

TEST(Optimizer, AdamConverges) {
  EXPECT_LT(Minimise({OptimizerKind::kAdam, 0.1f}, 500), 1e-2f);
}

TEST(Optimizer, AdamFirstStepHasLearningRateMagnitude) {
  std::vector<std::byte> memory(1024);
  Arena arena(memory);
  Optimizer opt;
  ASSERT_EQ(opt.Init({OptimizerKind::kAdam, 0.01f}, 2, arena), Status::kOk);
  std::vector<float> x{0.0f, 0.0f};
  const std::vector<float> g{1000.0f, -0.001f};
  opt.Step(x, g);
  EXPECT_NEAR(x[0], -0.01f, 1e-4f);
  EXPECT_NEAR(x[1], 0.01f, 1e-3f);
  EXPECT_EQ(opt.state_bytes(), 16u);
}

TEST(Optimizer, StateComesFromTheArena) {
  std::vector<std::byte> memory(64);
  Arena arena(memory);
  Optimizer opt;
  EXPECT_EQ(opt.Init({OptimizerKind::kAdam, 0.01f}, 100, arena), Status::kOutOfMemory);
  EXPECT_EQ(arena.persistent_used(), 0u);
  Optimizer plain;
  EXPECT_EQ(plain.Init({OptimizerKind::kSgd, 0.01f}, 100, arena), Status::kOk);
  EXPECT_EQ(plain.state_bytes(), 0u);
}

}  // namespace
}  // namespace tinykg::engine
