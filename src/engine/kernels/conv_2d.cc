// CONV_2D (NHWC input, OHWI filter): float32, and int8 with per-channel
// filter scales.
#include "kernels/float_loops.h"
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

using internal::BiasFloat;
using internal::BiasInt32;
using internal::Dot;

Status Conv2D(const ConvParams& p, const Tensor& input, const Tensor& filter, const Tensor* bias,
              const Tensor& output) {
  if (input.shape.rank != 4 || filter.shape.rank != 4 || output.shape.rank != 4) {
    return Status::kBadShape;
  }
  const std::int32_t batches = input.shape[0], in_h = input.shape[1], in_w = input.shape[2],
                     in_c = input.shape[3];
  const std::int32_t out_c = filter.shape[0], k_h = filter.shape[1], k_w = filter.shape[2];
  if (filter.shape[3] != in_c || output.shape[3] != out_c || output.shape[0] != batches) {
    return Status::kBadShape;
  }
  const PaddedSize ph = ComputePadding(p.padding, in_h, k_h, p.stride_h, p.dilation_h);
  const PaddedSize pw = ComputePadding(p.padding, in_w, k_w, p.stride_w, p.dilation_w);
  if (output.shape[1] != ph.out || output.shape[2] != pw.out) return Status::kBadShape;
  const std::int32_t out_h = ph.out, out_w = pw.out;

  if (input.type == DataType::kFloat32 && filter.type == DataType::kFloat32) {
    const float* x = input.Data<const float>();
    const float* w = filter.Data<const float>();
    float* y = output.Data<float>();
    const std::int32_t oc_stride = k_h * k_w * in_c;
    for (std::int32_t n = 0; n < batches; ++n) {
      for (std::int32_t oy = 0; oy < out_h; ++oy) {
        for (std::int32_t ox = 0; ox < out_w; ++ox) {
          float* yo = y + ((n * out_h + oy) * out_w + ox) * out_c;
          for (std::int32_t oc = 0; oc < out_c; ++oc) yo[oc] = BiasFloat(bias, oc);
          for (std::int32_t ky = 0; ky < k_h; ++ky) {
            const std::int32_t iy = oy * p.stride_h - ph.pad_before + ky * p.dilation_h;
            if (iy < 0 || iy >= in_h) continue;
            // With dilation 1 the taps of a filter row that fall inside the
            // input are one contiguous run in both the input and the filter
            // (NHWC, OHWI): one dot product per output channel covers it.
            for (std::int32_t kx = 0; kx < k_w;) {
              const std::int32_t ix = ox * p.stride_w - pw.pad_before + kx * p.dilation_w;
              if (ix < 0 || ix >= in_w) {
                ++kx;
                continue;
              }
              std::int32_t run = 1;
              if (p.dilation_w == 1) {
                while (kx + run < k_w && ix + run < in_w) ++run;
              }
              // Two output channels per pass share the loads of the input.
              const float* xi = x + ((n * in_h + iy) * in_w + ix) * in_c;
              const float* wk = w + (ky * k_w + kx) * in_c;
              const std::int32_t len = run * in_c;
              std::int32_t oc = 0;
              for (; oc + 2 <= out_c; oc += 2) {
                float sums[2];
                internal::Dot2(xi, wk + oc * oc_stride, wk + (oc + 1) * oc_stride, len, sums);
                yo[oc] += sums[0];
                yo[oc + 1] += sums[1];
              }
              if (oc < out_c) yo[oc] += Dot(xi, wk + oc * oc_stride, len);
              kx += run;
            }
          }
          if (p.activation != Activation::kNone) {
            for (std::int32_t oc = 0; oc < out_c; ++oc) yo[oc] = ApplyActivation(p.activation, yo[oc]);
          }
        }
      }
    }
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
  QuantizedActivationRange(p.activation, out_scale, out_zp, &lo, &hi);
  const std::int8_t* x = input.Data<const std::int8_t>();
  const std::int8_t* w = filter.Data<const std::int8_t>();
  std::int8_t* y = output.Data<std::int8_t>();
  for (std::int32_t oc = 0; oc < out_c; ++oc) {
    const auto c = static_cast<std::size_t>(oc);
    const internal::Requantizer requant(
        static_cast<double>(in_scale) * filter.quant.Scale(c) / out_scale, out_zp, lo, hi);
    const std::int8_t* wc = w + oc * k_h * k_w * in_c;
    for (std::int32_t n = 0; n < batches; ++n) {
      for (std::int32_t oy = 0; oy < out_h; ++oy) {
        for (std::int32_t ox = 0; ox < out_w; ++ox) {
          std::int32_t acc = 0;
          for (std::int32_t ky = 0; ky < k_h; ++ky) {
            const std::int32_t iy = oy * p.stride_h - ph.pad_before + ky * p.dilation_h;
            if (iy < 0 || iy >= in_h) continue;
            for (std::int32_t kx = 0; kx < k_w; ++kx) {
              const std::int32_t ix = ox * p.stride_w - pw.pad_before + kx * p.dilation_w;
              if (ix < 0 || ix >= in_w) continue;
              const std::int8_t* xi = x + ((n * in_h + iy) * in_w + ix) * in_c;
              const std::int8_t* wk = wc + (ky * k_w + kx) * in_c;
              for (std::int32_t ic = 0; ic < in_c; ++ic) {
                acc += (static_cast<std::int32_t>(xi[ic]) + input_offset) * wk[ic];
              }
            }
          }
          y[((n * out_h + oy) * out_w + ox) * out_c + oc] = requant(acc + BiasInt32(bias, oc));
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
