// LOGISTIC (sigmoid): float32, and int8 through float per element.
#include <cmath>

#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Logistic(const Tensor& input, const Tensor& output) {
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  const std::int32_t n = input.Elements();
  if (input.type == DataType::kFloat32 && output.type == DataType::kFloat32) {
    for (std::int32_t i = 0; i < n; ++i) {
      output.Data<float>()[i] = 1.0f / (1.0f + std::exp(-input.Data<const float>()[i]));
    }
    return Status::kOk;
  }
  if (!internal::IsInt8(input) || !internal::IsInt8(output)) return Status::kBadType;
  for (std::int32_t i = 0; i < n; ++i) {
    const float x = DequantizeInt8(input.Data<const std::int8_t>()[i], input.quant.Scale(),
                                   input.quant.ZeroPoint());
    output.Data<std::int8_t>()[i] =
        QuantizeInt8(1.0f / (1.0f + std::exp(-x)), output.quant.Scale(), output.quant.ZeroPoint());
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
