// ADD with broadcasting: float32, and int8 with TFLite's rescaling scheme
// (inputs shifted left by 20 bits, brought to a common scale, summed, then
// requantized to the output scale); int32 goes to Binary.
#include "kernels/broadcast.h"
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Add(Activation activation, const Tensor& a, const Tensor& b, const Tensor& output) {
  std::array<std::int32_t, kMaxRank> sa{}, sb{};
  const Shape& out = output.shape;
  if (!internal::BroadcastStrides(a.shape, out, &sa) ||
      !internal::BroadcastStrides(b.shape, out, &sb)) {
    return Status::kBadShape;
  }
  if (a.type == DataType::kInt32 && b.type == DataType::kInt32 && output.type == DataType::kInt32) {
    return Binary(BinaryOp::kAdd, activation, a, b, output);
  }
  const bool is_float = a.type == DataType::kFloat32 && b.type == DataType::kFloat32 &&
                        output.type == DataType::kFloat32;
  if (!is_float && !(internal::IsInt8(a) && internal::IsInt8(b) && internal::IsInt8(output))) {
    return Status::kBadType;
  }
  constexpr int kLeftShift = 20;
  std::int32_t m_a = 0, m_b = 0, m_out = 0;
  int s_a = 0, s_b = 0, s_out = 0;
  std::int32_t lo = -128, hi = 127;
  if (!is_float) {
    const double scale_a = a.quant.Scale(), scale_b = b.quant.Scale();
    const double twice_max = 2.0 * (scale_a > scale_b ? scale_a : scale_b);
    QuantizeMultiplier(scale_a / twice_max, &m_a, &s_a);
    QuantizeMultiplier(scale_b / twice_max, &m_b, &s_b);
    QuantizeMultiplier(twice_max / ((1 << kLeftShift) * static_cast<double>(output.quant.Scale())),
                       &m_out, &s_out);
    QuantizedActivationRange(activation, output.quant.Scale(), output.quant.ZeroPoint(), &lo, &hi);
  }
  std::array<std::int32_t, kMaxRank> index{};
  std::int32_t o = 0;
  if (out.Elements() == 0) return Status::kOk;
  do {
    const std::int32_t ia = internal::Offset(index, sa, out.rank);
    const std::int32_t ib = internal::Offset(index, sb, out.rank);
    if (is_float) {
      output.Data<float>()[o] =
          ApplyActivation(activation, a.Data<const float>()[ia] + b.Data<const float>()[ib]);
    } else {
      const std::int32_t va = (a.Data<const std::int8_t>()[ia] - a.quant.ZeroPoint()) * (1 << kLeftShift);
      const std::int32_t vb = (b.Data<const std::int8_t>()[ib] - b.quant.ZeroPoint()) * (1 << kLeftShift);
      const std::int32_t sum =
          MultiplyByQuantizedMultiplier(va, m_a, s_a) + MultiplyByQuantizedMultiplier(vb, m_b, s_b);
      const std::int32_t q = MultiplyByQuantizedMultiplier(sum, m_out, s_out) + output.quant.ZeroPoint();
      output.Data<std::int8_t>()[o] = static_cast<std::int8_t>(internal::Clamp(q, lo, hi));
    }
    ++o;
  } while (internal::NextIndex(out, &index));
  return Status::kOk;
}

}  // namespace tinykg::engine
