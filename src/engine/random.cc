#include "tinykg/engine/random.h"

#include <cmath>

namespace tinykg::engine {

Pcg32::Pcg32(std::uint64_t seed, std::uint64_t stream) : state_(0), increment_((stream << 1u) | 1u) {
  NextU32();
  state_ += seed;
  NextU32();
}

std::uint32_t Pcg32::NextU32() {
  const std::uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + increment_;
  const auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
  const auto rot = static_cast<std::uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

std::uint32_t Pcg32::Below(std::uint32_t bound) {
  // Rejects the low values that would make the modulo uneven.
  const std::uint32_t threshold = (0u - bound) % bound;
  for (;;) {
    const std::uint32_t r = NextU32();
    if (r >= threshold) return r % bound;
  }
}

float Pcg32::Uniform() {
  // 24 random bits: exactly representable, strictly below 1.
  return static_cast<float>(NextU32() >> 8) * (1.0f / 16777216.0f);
}

float Pcg32::Normal() {
  float u1 = Uniform();
  const float u2 = Uniform();
  if (u1 < 1e-12f) u1 = 1e-12f;
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.2831853f * u2);
}

}  // namespace tinykg::engine
