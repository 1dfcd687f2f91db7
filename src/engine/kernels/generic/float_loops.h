// Portable inner loops of the float kernels; see kernels/float_loops.h for
// the summation order every implementation keeps.
#ifndef TINYKG_ENGINE_KERNELS_GENERIC_FLOAT_LOOPS_H_
#define TINYKG_ENGINE_KERNELS_GENERIC_FLOAT_LOOPS_H_

#include <cstdint>

namespace tinykg::engine::internal {

// Four independent partial sums let the compiler use SIMD lanes without
// -ffast-math (a single accumulator forces strict left-to-right adds).
inline float Dot(const float* a, const float* b, std::int32_t n) {
  float p[4] = {0, 0, 0, 0};
  std::int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) p[k] += a[i + k] * b[i + k];
  }
  float acc = (p[0] + p[1]) + (p[2] + p[3]);
  for (; i < n; ++i) acc += a[i] * b[i];
  return acc;
}

inline void Axpy(float g, const float* x, float* y, std::int32_t n) {
  for (std::int32_t i = 0; i < n; ++i) y[i] += g * x[i];
}

inline void Dot2(const float* x, const float* w0, const float* w1, std::int32_t n, float* out) {
  out[0] = Dot(x, w0, n);
  out[1] = Dot(x, w1, n);
}

inline void Axpy2(float g0, float g1, const float* x, float* y0, float* y1, std::int32_t n) {
  Axpy(g0, x, y0, n);
  Axpy(g1, x, y1, n);
}

inline void Add(const float* x, float* y, std::int32_t n) {
  for (std::int32_t i = 0; i < n; ++i) y[i] += x[i];
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_GENERIC_FLOAT_LOOPS_H_
