#include "tinykg/model/memory_plan.h"

#include <gtest/gtest.h>

namespace tinykg::model {
namespace {

TEST(MemoryPlan, ReusesMemoryOfDeadBuffers) {
  // a -> b -> c chain: a and c never live together.
  const std::vector<PlanBuffer> buffers = {{64, 0, 0}, {64, 0, 1}, {64, 1, 1}};
  const MemoryPlan plan = PlanGreedy(buffers);
  EXPECT_EQ(plan.size, 128);
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
  EXPECT_EQ(PeakLiveBytes(buffers), 128);
}

TEST(MemoryPlan, LargestFirstFirstFit) {
  const std::vector<PlanBuffer> buffers = {{16, 0, 2}, {128, 1, 1}, {32, 2, 3}};
  const MemoryPlan plan = PlanGreedy(buffers);
  EXPECT_EQ(plan.offsets[1], 0);    // largest placed first
  EXPECT_EQ(plan.offsets[2], 0);    // does not overlap the 128 in time
  EXPECT_EQ(plan.offsets[0], 128);  // overlaps both
  EXPECT_EQ(plan.size, 144);
}

// TFLite Micro's GreedyMemoryPlanner fills its sort arrays from the tail, so
// the stable size sort keeps equal-sized buffers in reverse order of adding:
// here the second 32 goes first (next to the 64), the first one after it.
// In insertion order the plan would be 112 bytes (the MLPerf Tiny VWW model's
// first four activations, in units of 3,072 bytes).
TEST(MemoryPlan, EqualSizesArePlacedLastAddedFirstAsTflm) {
  const std::vector<PlanBuffer> buffers = {{48, 0, 0}, {32, 0, 1}, {32, 1, 2}, {64, 2, 3}};
  const MemoryPlan plan = PlanGreedy(buffers);
  EXPECT_EQ(plan.offsets[3], 0);
  EXPECT_EQ(plan.offsets[0], 0);
  EXPECT_EQ(plan.offsets[2], 64);
  EXPECT_EQ(plan.offsets[1], 96);
  EXPECT_EQ(plan.size, 128);
}

TEST(MemoryPlan, EmptyPlan) { EXPECT_EQ(PlanGreedy({}).size, 0); }

}  // namespace
}  // namespace tinykg::model
