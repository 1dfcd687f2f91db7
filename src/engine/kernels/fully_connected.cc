// FULLY_CONNECTED: float32, and int8 with per-tensor or per-channel filter
// scales (TFLite reference rounding).
#include "kernels/float_loops.h"
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

using internal::BiasFloat;
using internal::BiasInt32;
using internal::Dot;

void FullyConnectedFloat(Activation activation, const float* x, const float* w, const float* bias, float* y,
                         std::int32_t batch, std::int32_t in, std::int32_t out) {
  for (std::int32_t b = 0; b < batch; ++b) {
    const float* xb = x + b * in;
    float* yb = y + b * out;
    // Two filter rows per pass share the loads of the input.
    std::int32_t o = 0;
    for (; o + 2 <= out; o += 2) {
      float sums[2];
      internal::Dot2(xb, w + o * in, w + (o + 1) * in, in, sums);
      yb[o] = (bias != nullptr ? bias[o] : 0.0f) + sums[0];
      yb[o + 1] = (bias != nullptr ? bias[o + 1] : 0.0f) + sums[1];
    }
    if (o < out) yb[o] = (bias != nullptr ? bias[o] : 0.0f) + Dot(xb, w + o * in, in);
    if (activation != Activation::kNone) {
      for (o = 0; o < out; ++o) yb[o] = ApplyActivation(activation, yb[o]);
    }
  }
}

Status FullyConnected(const FullyConnectedParams& params, const Tensor& input, const Tensor& filter,
                      const Tensor* bias, const Tensor& output) {
  if (filter.shape.rank != 2) return Status::kBadShape;
  const std::int32_t out = filter.shape[0];
  const std::int32_t in = filter.shape[1];
  if (in <= 0 || input.Elements() % in != 0) return Status::kBadShape;
  const std::int32_t batch = input.Elements() / in;
  if (output.Elements() != batch * out) return Status::kBadShape;
  if (bias != nullptr && bias->Elements() != out) return Status::kBadShape;

  if (input.type == DataType::kFloat32 && filter.type == DataType::kFloat32) {
    FullyConnectedFloat(params.activation, input.Data<const float>(), filter.Data<const float>(),
                        bias != nullptr ? bias->Data<const float>() : nullptr, output.Data<float>(), batch, in,
                        out);
    return Status::kOk;
  }
  if (!internal::IsInt8(input) || !internal::IsInt8(filter) || !internal::IsInt8(output)) {
    return Status::kBadType;
  }
  const std::int32_t input_offset = -input.quant.ZeroPoint();
  const float in_scale = input.quant.Scale();
  const float out_scale = output.quant.Scale();
  const std::int32_t out_zp = output.quant.ZeroPoint();
  std::int32_t lo = 0, hi = 0;
  QuantizedActivationRange(params.activation, out_scale, out_zp, &lo, &hi);
  const std::int8_t* x = input.Data<const std::int8_t>();
  const std::int8_t* w = filter.Data<const std::int8_t>();
  std::int8_t* y = output.Data<std::int8_t>();
  for (std::int32_t o = 0; o < out; ++o) {
    const auto c = static_cast<std::size_t>(o);
    const std::int32_t filter_offset = -filter.quant.ZeroPoint(c);
    const internal::Requantizer requant(
        static_cast<double>(in_scale) * filter.quant.Scale(c) / out_scale, out_zp, lo, hi);
    const std::int8_t* wo = w + o * in;
    for (std::int32_t b = 0; b < batch; ++b) {
      const std::int8_t* xb = x + b * in;
      std::int32_t acc = 0;
      for (std::int32_t i = 0; i < in; ++i) {
        acc += (static_cast<std::int32_t>(xb[i]) + input_offset) *
               (static_cast<std::int32_t>(wo[i]) + filter_offset);
      }
      y[b * out + o] = requant(acc + BiasInt32(bias, o));
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
