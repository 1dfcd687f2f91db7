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

TEST(MemoryPlan, EmptyPlan) { EXPECT_EQ(PlanGreedy({}).size, 0); }

}  // namespace
}  // namespace tinykg::model
