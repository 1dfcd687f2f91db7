// QUANTIZE: float32 -> int8, or int8 -> int8 requantization (TFLite
// Requantize: integer multiplier on the zero-point-shifted value).
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Quantize(const Tensor& input, const Tensor& output) {
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  if (!internal::IsInt8(output)) return Status::kBadType;
  const std::int32_t n = input.Elements();
  const float out_scale = output.quant.Scale();
  const std::int32_t out_zp = output.quant.ZeroPoint();
  std::int8_t* y = output.Data<std::int8_t>();
  if (input.type == DataType::kFloat32) {
    const float* x = input.Data<const float>();
    for (std::int32_t i = 0; i < n; ++i) y[i] = QuantizeInt8(x[i], out_scale, out_zp);
    return Status::kOk;
  }
  if (!internal::IsInt8(input)) return Status::kBadType;
  std::int32_t m = 0;
  int shift = 0;
  QuantizeMultiplier(static_cast<double>(input.quant.Scale()) / out_scale, &m, &shift);
  const std::int8_t* x = input.Data<const std::int8_t>();
  for (std::int32_t i = 0; i < n; ++i) {
    const std::int32_t v =
        MultiplyByQuantizedMultiplier(x[i] - input.quant.ZeroPoint(), m, shift) + out_zp;
    y[i] = static_cast<std::int8_t>(internal::Clamp(v, -128, 127));
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
