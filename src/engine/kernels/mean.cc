// MEAN over a set of axes: float32, and int8 averaged in integers and
// requantized to the output scale (rounding to nearest).
#include <cmath>

#include "kernels/broadcast.h"
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Mean(std::span<const std::int32_t> axes, const Tensor& input, const Tensor& output) {
  const Shape& in = input.shape;
  std::array<bool, kMaxRank> reduced{};
  for (std::int32_t axis : axes) {
    const int a = axis < 0 ? in.rank + axis : axis;
    if (a < 0 || a >= in.rank) return Status::kInvalidArgument;
    reduced[static_cast<std::size_t>(a)] = true;
  }
  Shape kept, over;
  std::array<std::int32_t, kMaxRank> kept_strides{}, over_strides{};
  std::int32_t stride = 1;
  std::array<std::int32_t, kMaxRank> strides{};
  for (int i = in.rank - 1; i >= 0; --i) {
    strides[static_cast<std::size_t>(i)] = stride;
    stride *= in[i];
  }
  for (int i = 0; i < in.rank; ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (reduced[k]) {
      over_strides[static_cast<std::size_t>(over.rank)] = strides[k];
      over[over.rank++] = in[i];
    } else {
      kept_strides[static_cast<std::size_t>(kept.rank)] = strides[k];
      kept[kept.rank++] = in[i];
    }
  }
  if (output.Elements() != kept.Elements()) return Status::kBadShape;
  const bool is_float = input.type == DataType::kFloat32 && output.type == DataType::kFloat32;
  if (!is_float && !(internal::IsInt8(input) && internal::IsInt8(output))) return Status::kBadType;
  const std::int32_t count = over.Elements();
  if (count == 0 || kept.Elements() == 0) return Status::kBadShape;
  std::array<std::int32_t, kMaxRank> ki{};
  std::int32_t o = 0;
  do {
    const std::int32_t base = internal::Offset(ki, kept_strides, kept.rank);
    std::array<std::int32_t, kMaxRank> oi{};
    float fsum = 0.0f;
    std::int32_t qsum = 0;
    do {
      const std::int32_t i = base + internal::Offset(oi, over_strides, over.rank);
      if (is_float) {
        fsum += input.Data<const float>()[i];
      } else {
        qsum += input.Data<const std::int8_t>()[i] - input.quant.ZeroPoint();
      }
    } while (internal::NextIndex(over, &oi));
    if (is_float) {
      output.Data<float>()[o] = fsum / static_cast<float>(count);
    } else {
      const double real = static_cast<double>(input.quant.Scale()) * qsum / count;
      const auto q = static_cast<std::int32_t>(std::round(real / output.quant.Scale())) +
                     output.quant.ZeroPoint();
      output.Data<std::int8_t>()[o] = static_cast<std::int8_t>(internal::Clamp(q, -128, 127));
    }
    ++o;
  } while (internal::NextIndex(kept, &ki));
  return Status::kOk;
}

}  // namespace tinykg::engine
