// DEQUANTIZE: int8 / uint8 / int16 -> float32 (per-tensor scale).
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Dequantize(const Tensor& input, const Tensor& output) {
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  if (output.type != DataType::kFloat32 || !input.quant.quantized()) return Status::kBadType;
  const float scale = input.quant.Scale();
  const std::int32_t zp = input.quant.ZeroPoint();
  float* y = output.Data<float>();
  const std::int32_t n = input.Elements();
  for (std::int32_t i = 0; i < n; ++i) {
    std::int32_t q = 0;
    switch (input.type) {
      case DataType::kInt8: q = input.Data<const std::int8_t>()[i]; break;
      case DataType::kUInt8: q = input.Data<const std::uint8_t>()[i]; break;
      case DataType::kInt16: q = input.Data<const std::int16_t>()[i]; break;
      default: return Status::kBadType;
    }
    y[i] = scale * static_cast<float>(q - zp);
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
