// Static memory planning for activation buffers, modelled on TensorFlow Lite
// Micro's GreedyMemoryPlanner (tensorflow/lite/micro/memory_planner).
//
// Every buffer has a size and a lifetime [first_used, last_used] in operator
// steps. Buffers are taken largest first (equal sizes: the last added first,
// as TFLM's planner orders them, see memory_plan.cc); each is
// put at the lowest offset where it does not overlap, in both address and
// lifetime, any buffer already placed ("first fit"). The plan's size is the
// highest end offset. No heap use beyond the returned vectors; O(n^2).
#ifndef TINYKG_MODEL_MEMORY_PLAN_H_
#define TINYKG_MODEL_MEMORY_PLAN_H_

#include <cstdint>
#include <vector>

namespace tinykg::model {

struct PlanBuffer {
  std::int64_t bytes = 0;  // already rounded up to the wanted alignment
  int first_used = 0;      // operator step that creates it
  int last_used = 0;       // last operator step that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<std::int64_t> offsets;  // one per buffer, same order as given
  std::int64_t size = 0;              // max(offset + bytes)
};

// Greedy-by-size, first-fit placement (see above).
MemoryPlan PlanGreedy(const std::vector<PlanBuffer>& buffers);

// The lower bound: the largest sum of sizes of buffers alive at one step.
std::int64_t PeakLiveBytes(const std::vector<PlanBuffer>& buffers);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_MEMORY_PLAN_H_
