// Integer helpers of the audio front end (internal): bit length, integer
// square roots and the fixed-point natural log of TFLite Micro's Signal
// library, reproduced result for result (the features must match bit for
// bit, so rounding and truncation follow the reference exactly).
#ifndef TINYKG_ENGINE_KERNELS_SIGNAL_MATH_H_
#define TINYKG_ENGINE_KERNELS_SIGNAL_MATH_H_

#include <cstdint>

namespace tinykg::engine::internal {

// Number of bits needed for x (0 for 0): 64 - clz(x).
inline std::uint32_t BitLength64(std::uint64_t x) {
  std::uint32_t n = 0;
  while (x != 0) {
    x >>= 1;
    ++n;
  }
  return n;
}
inline std::uint32_t BitLength32(std::uint32_t x) { return BitLength64(x); }

// Rounded integer square root by the bit-pair method: the root is built one
// bit at a time from the top; the remainder decides a final +1.
inline std::uint16_t Sqrt32(std::uint32_t num) {
  if (num == 0) return 0;
  std::uint32_t res = 0;
  // Start at an even bit position at or below the highest set bit.
  const int top = (32 - static_cast<int>(BitLength32(num))) | 1;
  std::uint32_t bit = 1u << (31 - top);
  for (int steps = (31 - top) / 2 + 1; steps > 0; --steps) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != 0xFFFF) ++res;
  return static_cast<std::uint16_t>(res);
}

// The 64-bit version; values below 2^32 take the 32-bit path (as the
// reference does, which can be one lower than the exact root near 2^32).
inline std::uint32_t Sqrt64(std::uint64_t num) {
  if ((num >> 32) == 0) return Sqrt32(static_cast<std::uint32_t>(num));
  std::uint64_t res = 0;
  const int top = (64 - static_cast<int>(BitLength64(num))) | 1;
  std::uint64_t bit = std::uint64_t{1} << (63 - top);
  for (int steps = (63 - top) / 2 + 1; steps > 0; --steps) {
    if (num >= res + bit) {
      num -= res + bit;
      res = (res >> 1) + bit;
    } else {
      res >>= 1;
    }
    bit >>= 2;
  }
  if (num > res && res != 0xFFFFFFFFull) ++res;
  return static_cast<std::uint32_t>(res);
}

// log(x) * out_scale in Q16-free integer units, for x >= 1: log2 from the bit
// length plus a 128-segment piecewise-linear correction of the mantissa,
// times ln 2 (45426 / 65536), each step rounded as in TFLite Micro's Log32.
std::uint32_t Log32(std::uint32_t x, std::uint32_t out_scale);

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_SIGNAL_MATH_H_
