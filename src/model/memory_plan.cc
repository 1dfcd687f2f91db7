#include "tinykg/model/memory_plan.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace tinykg::model {

MemoryPlan PlanGreedy(const std::vector<PlanBuffer>& buffers) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  if (buffers.empty()) return plan;

  // Largest first; equal sizes in reverse insertion order. TFLM's planner
  // copies the online-planned buffers into its sort arrays from the tail
  // (idx_from_tail--, there to keep offline-planned ones at the head) and
  // then runs a stable bubble sort, so the last-added of equal-sized buffers
  // is placed first. Insertion order left the MLPerf Tiny VWW models 9,216
  // elements short of TFLM's arena (tests/model/summary_test.cc).
  std::vector<std::size_t> order(buffers.size());
  std::iota(order.rbegin(), order.rend(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return buffers[a].bytes > buffers[b].bytes;
  });

  // Placed buffers sorted by offset (ties: earlier placement first).
  std::vector<std::size_t> placed;
  placed.reserve(buffers.size());
  for (std::size_t index : order) {
    const PlanBuffer& want = buffers[index];
    std::int64_t candidate = 0;
    for (std::size_t other : placed) {
      const PlanBuffer& have = buffers[other];
      const bool overlaps_in_time =
          !(have.last_used < want.first_used || have.first_used > want.last_used);
      if (!overlaps_in_time) continue;
      const std::int64_t have_offset = plan.offsets[other];
      if (have_offset >= candidate && have_offset - candidate >= want.bytes) break;
      candidate = std::max(candidate, have_offset + have.bytes);
    }
    plan.offsets[index] = candidate;
    auto at = std::upper_bound(placed.begin(), placed.end(), candidate,
                               [&](std::int64_t offset, std::size_t p) {
                                 return offset < plan.offsets[p];
                               });
    placed.insert(at, index);
    plan.size = std::max(plan.size, candidate + want.bytes);
  }
  return plan;
}

std::int64_t PeakLiveBytes(const std::vector<PlanBuffer>& buffers) {
  std::map<int, std::int64_t> delta;
  for (const PlanBuffer& b : buffers) {
    delta[b.first_used] += b.bytes;
    delta[b.last_used + 1] -= b.bytes;
  }
  std::int64_t live = 0;
  std::int64_t peak = 0;
  for (const auto& [step, change] : delta) {
    live += change;
    peak = std::max(peak, live);
  }
  return peak;
}

}  // namespace tinykg::model
