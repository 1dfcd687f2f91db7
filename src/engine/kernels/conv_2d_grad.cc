// Backward pass of CONV_2D (float32): scatters each output gradient back
// over the receptive field it came from.
#include "kernels/float_loops.h"
#include "tinykg/engine/gradients.h"

namespace tinykg::engine {

Status Conv2DBackward(const ConvParams& p, const Tensor& input, const Tensor& filter,
                      const Tensor& d_output, const Tensor* d_filter, const Tensor* d_bias,
                      const Tensor* d_input) {
  if (input.type != DataType::kFloat32 || filter.type != DataType::kFloat32) return Status::kBadType;
  if (input.shape.rank != 4 || filter.shape.rank != 4 || d_output.shape.rank != 4) {
    return Status::kBadShape;
  }
  const std::int32_t batches = input.shape[0], in_h = input.shape[1], in_w = input.shape[2],
                     in_c = input.shape[3];
  const std::int32_t out_c = filter.shape[0], k_h = filter.shape[1], k_w = filter.shape[2];
  const PaddedSize ph = ComputePadding(p.padding, in_h, k_h, p.stride_h, p.dilation_h);
  const PaddedSize pw = ComputePadding(p.padding, in_w, k_w, p.stride_w, p.dilation_w);
  if (filter.shape[3] != in_c || d_output.shape[1] != ph.out || d_output.shape[2] != pw.out ||
      d_output.shape[3] != out_c) {
    return Status::kBadShape;
  }
  const float* x = input.Data<const float>();
  const float* w = filter.Data<const float>();
  const float* dy = d_output.Data<const float>();
  float* dw = d_filter != nullptr ? d_filter->Data<float>() : nullptr;
  float* db = d_bias != nullptr ? d_bias->Data<float>() : nullptr;
  float* dx = d_input != nullptr ? d_input->Data<float>() : nullptr;
  if (dx != nullptr) {
    for (std::int32_t i = 0; i < input.Elements(); ++i) dx[i] = 0.0f;
  }
  const std::int32_t oc_stride = k_h * k_w * in_c;
  for (std::int32_t n = 0; n < batches; ++n) {
    for (std::int32_t oy = 0; oy < ph.out; ++oy) {
      for (std::int32_t ox = 0; ox < pw.out; ++ox) {
        const float* g = dy + ((n * ph.out + oy) * pw.out + ox) * out_c;
        if (db != nullptr) {
          internal::Add(g, db, out_c);
        }
        for (std::int32_t ky = 0; ky < k_h; ++ky) {
          const std::int32_t iy = oy * p.stride_h - ph.pad_before + ky * p.dilation_h;
          if (iy < 0 || iy >= in_h) continue;
          // As in the forward pass, a contiguous run of in-bounds taps
          // (dilation 1) is one axpy per output channel; every gradient
          // element still receives its terms in the same order.
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
            const std::int32_t xo = ((n * in_h + iy) * in_w + ix) * in_c;
            const std::int32_t len = run * in_c;
            const std::int32_t wk = (ky * k_w + kx) * in_c;
            if (dw != nullptr) {
              // Two output channels per pass share the loads of the input.
              std::int32_t oc = 0;
              for (; oc + 2 <= out_c; oc += 2) {
                const float g0 = g[oc], g1 = g[oc + 1];
                float* dw0 = dw + oc * oc_stride + wk;
                if (g0 != 0.0f && g1 != 0.0f) {
                  internal::Axpy2(g0, g1, x + xo, dw0, dw0 + oc_stride, len);
                } else if (g0 != 0.0f) {
                  internal::Axpy(g0, x + xo, dw0, len);
                } else if (g1 != 0.0f) {
                  internal::Axpy(g1, x + xo, dw0 + oc_stride, len);
                }
              }
              if (oc < out_c && g[oc] != 0.0f) internal::Axpy(g[oc], x + xo, dw + oc * oc_stride + wk, len);
            }
            if (dx != nullptr) {
              for (std::int32_t oc = 0; oc < out_c; ++oc) {
                if (g[oc] != 0.0f) internal::Axpy(g[oc], w + oc * oc_stride + wk, dx + xo, len);
              }
            }
            kx += run;
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
