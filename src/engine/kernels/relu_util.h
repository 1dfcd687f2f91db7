// Shared body of RELU and RELU6 (internal).
#ifndef TINYKG_ENGINE_KERNELS_RELU_UTIL_H_
#define TINYKG_ENGINE_KERNELS_RELU_UTIL_H_

#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine::internal {

// Float: clamp. Int8: requantize to the output scale, then clamp to the
// activation's range (TFLite ReluQuantized).
inline Status ClampedActivation(Activation activation, const Tensor& input, const Tensor& output) {
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  const std::int32_t n = input.Elements();
  if (input.type == DataType::kFloat32 && output.type == DataType::kFloat32) {
    for (std::int32_t i = 0; i < n; ++i) {
      output.Data<float>()[i] = ApplyActivation(activation, input.Data<const float>()[i]);
    }
    return Status::kOk;
  }
  if (!IsInt8(input) || !IsInt8(output)) return Status::kBadType;
  std::int32_t lo = 0, hi = 0;
  QuantizedActivationRange(activation, output.quant.Scale(), output.quant.ZeroPoint(), &lo, &hi);
  std::int32_t m = 0;
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(input.quant.Scale()) / output.quant.Scale(), &m, &shift);
  for (std::int32_t i = 0; i < n; ++i) {
    const std::int32_t v = output.quant.ZeroPoint() +
                           MultiplyByQuantizedMultiplier(
                               input.Data<const std::int8_t>()[i] - input.quant.ZeroPoint(), m, shift);
    output.Data<std::int8_t>()[i] = static_cast<std::int8_t>(Clamp(v, lo, hi));
  }
  return Status::kOk;
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_RELU_UTIL_H_
