#include "tinykg/engine/arena.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "tinykg/engine/random.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {
namespace {

TEST(Arena, PersistentAndScratchGrowFromOppositeEnds) {
  alignas(16) std::array<std::byte, 256> memory{};
  Arena arena(memory);
  void* a = arena.AllocatePersistent(32);
  void* b = arena.AllocateScratch(32);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a, memory.data());
  EXPECT_EQ(static_cast<std::byte*>(b) + 32, memory.data() + memory.size());
  EXPECT_EQ(arena.persistent_used(), 32u);
  EXPECT_EQ(arena.scratch_used(), 32u);
  arena.ResetScratch();
  EXPECT_EQ(arena.scratch_used(), 0u);
  EXPECT_EQ(arena.scratch_high_water(), 32u);
}

TEST(Arena, FailsWithoutSideEffectsWhenFull) {
  alignas(16) std::array<std::byte, 64> memory{};
  Arena arena(memory);
  ASSERT_NE(arena.AllocatePersistent(40), nullptr);
  EXPECT_EQ(arena.AllocateScratch(40), nullptr);
  EXPECT_EQ(arena.AllocatePersistent(40), nullptr);
  EXPECT_EQ(arena.persistent_used(), 40u);
  EXPECT_EQ(arena.scratch_used(), 0u);
  EXPECT_TRUE(arena.Persistent<float>(100).empty());
}

TEST(Arena, AlignsAllocations) {
  alignas(16) std::array<std::byte, 128> memory{};
  Arena arena(memory);
  ASSERT_NE(arena.AllocatePersistent(3, 1), nullptr);
  auto* p = arena.AllocatePersistent(8, 8);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 8, 0u);
}

TEST(Pcg32, IsDeterministicAndUniform) {
  Pcg32 a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint32_t x = a.NextU32();
    EXPECT_EQ(x, b.NextU32());
    differs = differs || x != c.NextU32();
  }
  EXPECT_TRUE(differs);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const float u = a.Uniform();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.Below(7), 7u);
}

TEST(Status, HasNames) {
  EXPECT_STREQ(StatusName(Status::kOk), "ok");
  EXPECT_STREQ(StatusName(Status::kOutOfMemory), "out of memory");
}

}  // namespace
}  // namespace tinykg::engine
