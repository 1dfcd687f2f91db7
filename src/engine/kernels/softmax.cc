// SOFTMAX over the last dimension: float32, and int8 computed in float per
// row (may differ from TFLite's fixed-point exp by one step of 1/256).
#include <cmath>

#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Softmax(float beta, const Tensor& input, const Tensor& output) {
  if (input.shape.rank < 1 || input.Elements() != output.Elements()) return Status::kBadShape;
  const std::int32_t depth = input.shape.Dim(-1);
  const std::int32_t rows = depth == 0 ? 0 : input.Elements() / depth;
  const bool is_float = input.type == DataType::kFloat32 && output.type == DataType::kFloat32;
  if (!is_float && !(internal::IsInt8(input) && internal::IsInt8(output))) return Status::kBadType;
  for (std::int32_t r = 0; r < rows; ++r) {
    auto value = [&](std::int32_t i) {
      const std::int32_t k = r * depth + i;
      return is_float ? input.Data<const float>()[k]
                      : DequantizeInt8(input.Data<const std::int8_t>()[k], input.quant.Scale(),
                                       input.quant.ZeroPoint());
    };
    float max = value(0);
    for (std::int32_t i = 1; i < depth; ++i) max = value(i) > max ? value(i) : max;
    float sum = 0.0f;
    for (std::int32_t i = 0; i < depth; ++i) sum += std::exp(beta * (value(i) - max));
    for (std::int32_t i = 0; i < depth; ++i) {
      const float p = std::exp(beta * (value(i) - max)) / sum;
      const std::int32_t k = r * depth + i;
      if (is_float) {
        output.Data<float>()[k] = p;
      } else {
        output.Data<std::int8_t>()[k] =
            QuantizeInt8(p, output.quant.Scale(), output.quant.ZeroPoint());
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
