// A caller-owned byte arena: the engine's only memory.
//
// The caller hands in a span of bytes (a static array on a microcontroller,
// anything on the host) that must outlive the Arena and everything allocated
// from it. Persistent allocations (weights, optimizer state, tensors that live
// as long as a model) grow from the low end; scratch allocations (per-step
// temporaries) grow from the high end and are all released at once by
// ResetScratch(). Nothing is ever freed one by one and nothing touches the
// heap. Allocation costs a few instructions; a failed allocation returns null
// and leaves the arena unchanged.
#ifndef TINYKG_ENGINE_ARENA_H_
#define TINYKG_ENGINE_ARENA_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace tinykg::engine {

class Arena {
 public:
  // `memory` is borrowed, not owned.
  explicit Arena(std::span<std::byte> memory) : memory_(memory), low_(0), high_(memory.size()) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `bytes` bytes aligned to `alignment` (a power of two) from the low end;
  // null when it does not fit. The memory is not cleared.
  void* AllocatePersistent(std::size_t bytes, std::size_t alignment = 16);
  // The same from the high end; released by ResetScratch().
  void* AllocateScratch(std::size_t bytes, std::size_t alignment = 16);

  // Typed helpers: `count` zero-initialised elements, or an empty span when
  // they do not fit (check with .data() == nullptr when count > 0).
  template <typename T>
  std::span<T> Persistent(std::size_t count) {
    void* p = AllocatePersistent(count * sizeof(T), alignof(T) < 16 ? 16 : alignof(T));
    return Clear<T>(p, count);
  }
  template <typename T>
  std::span<T> Scratch(std::size_t count) {
    void* p = AllocateScratch(count * sizeof(T), alignof(T) < 16 ? 16 : alignof(T));
    return Clear<T>(p, count);
  }

  // Releases every scratch allocation.
  void ResetScratch() { high_ = memory_.size(); }
  // Releases the scratch allocated after `mark` (a value of scratch_used()).
  void RewindScratch(std::size_t mark) {
    if (mark <= scratch_used()) high_ = memory_.size() - mark;
  }
  // Releases everything persistent allocated after `mark` (a value of
  // persistent_used()); used to undo a failed multi-step build.
  void RewindPersistent(std::size_t mark) {
    if (mark <= low_) low_ = mark;
  }

  std::size_t capacity() const { return memory_.size(); }
  std::size_t persistent_used() const { return low_; }
  std::size_t scratch_used() const { return memory_.size() - high_; }
  std::size_t available() const { return high_ - low_; }
  // The most scratch ever in use at once (for memory reports).
  std::size_t scratch_high_water() const { return scratch_high_water_; }

 private:
  template <typename T>
  static std::span<T> Clear(void* p, std::size_t count) {
    if (p == nullptr) return {};
    T* t = static_cast<T*>(p);
    for (std::size_t i = 0; i < count; ++i) t[i] = T{};
    return {t, count};
  }

  std::span<std::byte> memory_;
  std::size_t low_;   // first free byte from the low end
  std::size_t high_;  // one past the last free byte from the high end
  std::size_t scratch_high_water_ = 0;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_ARENA_H_
