// AVERAGE_POOL_2D: float32 and int8 (input and output share quantization).
#include "kernels/kernel_util.h"
#include "kernels/pool_util.h"

namespace tinykg::engine {

Status AveragePool2D(const PoolParams& p, const Tensor& input, const Tensor& output) {
  internal::PoolGeometry g{};
  TINYKG_ENGINE_TRY(internal::PoolPrepare(p, input, output, &g));
  const bool is_float = input.type == DataType::kFloat32;
  std::int32_t lo = -128, hi = 127;
  if (!is_float) {
    QuantizedActivationRange(p.activation, output.quant.Scale(), output.quant.ZeroPoint(), &lo, &hi);
  }
  for (std::int32_t n = 0; n < g.batches; ++n) {
    for (std::int32_t oy = 0; oy < g.out_h; ++oy) {
      for (std::int32_t ox = 0; ox < g.out_w; ++ox) {
        const std::int32_t y0 = oy * p.stride_h - g.ph.pad_before;
        const std::int32_t x0 = ox * p.stride_w - g.pw.pad_before;
        for (std::int32_t c = 0; c < g.channels; ++c) {
          float fvalue = 0.0f;
          std::int32_t qvalue = 0;
          std::int32_t count = 0;
          for (std::int32_t ky = 0; ky < p.filter_h; ++ky) {
            const std::int32_t iy = y0 + ky;
            if (iy < 0 || iy >= g.in_h) continue;
            for (std::int32_t kx = 0; kx < p.filter_w; ++kx) {
              const std::int32_t ix = x0 + kx;
              if (ix < 0 || ix >= g.in_w) continue;
              const std::int32_t i = ((n * g.in_h + iy) * g.in_w + ix) * g.channels + c;
              if (is_float) {
                fvalue += input.Data<const float>()[i];
              } else {
                qvalue += input.Data<const std::int8_t>()[i];
              }
              ++count;
            }
          }
          const std::int32_t o = ((n * g.out_h + oy) * g.out_w + ox) * g.channels + c;
          if (count == 0) count = 1;
          if (is_float) {
            output.Data<float>()[o] = ApplyActivation(p.activation, fvalue / static_cast<float>(count));
          } else {
            // Rounds half away from zero, as TFLite's reference kernel.
            const std::int32_t avg =
                qvalue > 0 ? (qvalue + count / 2) / count : (qvalue - count / 2) / count;
            output.Data<std::int8_t>()[o] = static_cast<std::int8_t>(internal::Clamp(avg, lo, hi));
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
