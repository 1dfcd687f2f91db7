#include "tinykg/engine/arena.h"

namespace tinykg::engine {

void* Arena::AllocatePersistent(std::size_t bytes, std::size_t alignment) {
  const auto base = reinterpret_cast<std::uintptr_t>(memory_.data());
  std::uintptr_t start = (base + low_ + alignment - 1) & ~(alignment - 1);
  const std::size_t offset = start - base;
  if (offset > high_ || bytes > high_ - offset) return nullptr;
  low_ = offset + bytes;
  return memory_.data() + offset;
}

void* Arena::AllocateScratch(std::size_t bytes, std::size_t alignment) {
  const auto base = reinterpret_cast<std::uintptr_t>(memory_.data());
  if (bytes > high_ - low_) return nullptr;
  std::uintptr_t start = (base + high_ - bytes) & ~(alignment - 1);
  if (start < base + low_) return nullptr;
  high_ = start - base;
  if (memory_.size() - high_ > scratch_high_water_) scratch_high_water_ = memory_.size() - high_;
  return memory_.data() + high_;
}

}  // namespace tinykg::engine
