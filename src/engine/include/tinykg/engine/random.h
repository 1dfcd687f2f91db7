// Deterministic random numbers for initialisation, sampling and tests.
//
// PCG32 (O'Neill's permuted congruential generator, XSH RR variant): 64-bit
// state, 32-bit output, the same sequence on every platform for the same seed
// and stream. No global state: every user owns its generator.
#ifndef TINYKG_ENGINE_RANDOM_H_
#define TINYKG_ENGINE_RANDOM_H_

#include <cstdint>

namespace tinykg::engine {

class Pcg32 {
 public:
  explicit Pcg32(std::uint64_t seed = 0x853c49e6748fea9bULL, std::uint64_t stream = 0xda3e39cb94b95bdbULL);

  std::uint32_t NextU32();
  // Uniform in [0, bound) without modulo bias; bound > 0.
  std::uint32_t Below(std::uint32_t bound);
  // Uniform in [0, 1).
  float Uniform();
  // Uniform in [lo, hi).
  float Uniform(float lo, float hi) { return lo + (hi - lo) * Uniform(); }
  // Standard normal (Box-Muller; uses two draws).
  float Normal();

 private:
  std::uint64_t state_;
  std::uint64_t increment_;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_RANDOM_H_
