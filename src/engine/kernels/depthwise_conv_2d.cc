// DEPTHWISE_CONV_2D (filter [1, kh, kw, in_c * multiplier]): float32, and
// int8 with per-channel filter scales.
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

using internal::BiasFloat;
using internal::BiasInt32;

Status DepthwiseConv2D(const ConvParams& p, const Tensor& input, const Tensor& filter,
                       const Tensor* bias, const Tensor& output) {
  if (input.shape.rank != 4 || filter.shape.rank != 4 || output.shape.rank != 4) {
    return Status::kBadShape;
  }
  const std::int32_t batches = input.shape[0], in_h = input.shape[1], in_w = input.shape[2],
                     in_c = input.shape[3];
  const std::int32_t k_h = filter.shape[1], k_w = filter.shape[2], out_c = filter.shape[3];
  const std::int32_t mult = p.depth_multiplier;
  if (mult <= 0 || out_c != in_c * mult || output.shape[3] != out_c ||
      output.shape[0] != batches) {
    return Status::kBadShape;
  }
  const PaddedSize ph = ComputePadding(p.padding, in_h, k_h, p.stride_h, p.dilation_h);
  const PaddedSize pw = ComputePadding(p.padding, in_w, k_w, p.stride_w, p.dilation_w);
  if (output.shape[1] != ph.out || output.shape[2] != pw.out) return Status::kBadShape;
  const std::int32_t out_h = ph.out, out_w = pw.out;
  const bool is_float = input.type == DataType::kFloat32 && filter.type == DataType::kFloat32;
  if (!is_float &&
      (!internal::IsInt8(input) || !internal::IsInt8(filter) || !internal::IsInt8(output))) {
    return Status::kBadType;
  }
  const std::int32_t input_offset = is_float ? 0 : -input.quant.ZeroPoint();
  std::int32_t lo = -128, hi = 127;
  if (!is_float) {
    QuantizedActivationRange(p.activation, output.quant.Scale(), output.quant.ZeroPoint(), &lo,
                             &hi);
  }
  for (std::int32_t oc = 0; oc < out_c; ++oc) {
    const std::int32_t ic = oc / mult;
    const auto c = static_cast<std::size_t>(oc);
    const internal::Requantizer requant(
        is_float ? 0.0
                 : static_cast<double>(input.quant.Scale()) * filter.quant.Scale(c) /
                       output.quant.Scale(),
        is_float ? 0 : output.quant.ZeroPoint(), lo, hi);
    for (std::int32_t n = 0; n < batches; ++n) {
      for (std::int32_t oy = 0; oy < out_h; ++oy) {
        for (std::int32_t ox = 0; ox < out_w; ++ox) {
          float facc = 0.0f;
          std::int32_t acc = 0;
          for (std::int32_t ky = 0; ky < k_h; ++ky) {
            const std::int32_t iy = oy * p.stride_h - ph.pad_before + ky * p.dilation_h;
            if (iy < 0 || iy >= in_h) continue;
            for (std::int32_t kx = 0; kx < k_w; ++kx) {
              const std::int32_t ix = ox * p.stride_w - pw.pad_before + kx * p.dilation_w;
              if (ix < 0 || ix >= in_w) continue;
              const std::int32_t xi = ((n * in_h + iy) * in_w + ix) * in_c + ic;
              const std::int32_t wi = (ky * k_w + kx) * out_c + oc;
              if (is_float) {
                facc += input.Data<const float>()[xi] * filter.Data<const float>()[wi];
              } else {
                acc += (static_cast<std::int32_t>(input.Data<const std::int8_t>()[xi]) +
                        input_offset) *
                       filter.Data<const std::int8_t>()[wi];
              }
            }
          }
          const std::int32_t yi = ((n * out_h + oy) * out_w + ox) * out_c + oc;
          if (is_float) {
            output.Data<float>()[yi] = ApplyActivation(p.activation, facc + BiasFloat(bias, oc));
          } else {
            output.Data<std::int8_t>()[yi] = requant(acc + BiasInt32(bias, oc));
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
