// Internal helpers shared by the kernel files (not a public header).
#ifndef TINYKG_ENGINE_KERNELS_KERNEL_UTIL_H_
#define TINYKG_ENGINE_KERNELS_KERNEL_UTIL_H_

#include <cstdint>

#include "tinykg/engine/quantization.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine::internal {

inline std::int32_t Clamp(std::int32_t v, std::int32_t lo, std::int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

inline bool IsInt8(const Tensor& t) { return t.type == DataType::kInt8 && t.quant.quantized(); }

// Bias of output channel c in accumulator units: int32 for quantized
// kernels, 0 when there is no bias.
inline std::int32_t BiasInt32(const Tensor* bias, std::int32_t c) {
  return bias == nullptr ? 0 : bias->Data<const std::int32_t>()[c];
}
inline float BiasFloat(const Tensor* bias, std::int32_t c) {
  return bias == nullptr ? 0.0f : bias->Data<const float>()[c];
}

// Per-output-channel requantization of an int32 accumulator to int8.
struct Requantizer {
  std::int32_t multiplier = 0;
  int shift = 0;
  std::int32_t output_zero_point = 0;
  std::int32_t min = -128, max = 127;

  Requantizer(double real_multiplier, std::int32_t zero_point, std::int32_t lo, std::int32_t hi)
      : output_zero_point(zero_point), min(lo), max(hi) {
    QuantizeMultiplier(real_multiplier, &multiplier, &shift);
  }
  std::int8_t operator()(std::int32_t acc) const {
    const std::int32_t v = MultiplyByQuantizedMultiplier(acc, multiplier, shift) + output_zero_point;
    return static_cast<std::int8_t>(Clamp(v, min, max));
  }
};

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_KERNEL_UTIL_H_
