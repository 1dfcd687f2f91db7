// Backward pass of FULLY_CONNECTED (float32).
#include "kernels/float_loops.h"
#include "tinykg/engine/gradients.h"

namespace tinykg::engine {

Status FullyConnectedBackward(std::int32_t batch, std::int32_t in, std::int32_t out,
                              std::span<const float> input, std::span<const float> filter,
                              std::span<const float> d_output, std::span<float> d_filter,
                              std::span<float> d_bias, std::span<float> d_input) {
  const auto n_in = static_cast<std::size_t>(batch * in);
  const auto n_out = static_cast<std::size_t>(batch * out);
  const auto n_w = static_cast<std::size_t>(out * in);
  if (input.size() < n_in || d_output.size() < n_out || filter.size() < n_w) return Status::kBadShape;
  if ((!d_filter.empty() && d_filter.size() < n_w) ||
      (!d_bias.empty() && d_bias.size() < static_cast<std::size_t>(out)) ||
      (!d_input.empty() && d_input.size() < n_in)) {
    return Status::kBadShape;
  }
  for (std::int32_t b = 0; b < batch; ++b) {
    const float* x = input.data() + b * in;
    const float* dy = d_output.data() + b * out;
    if (!d_filter.empty()) {
      // Two gradient rows per pass share the loads of the input; a zero
      // output gradient leaves its row untouched, as in the one-row loop.
      float* dw = d_filter.data();
      std::int32_t o = 0;
      for (; o + 2 <= out; o += 2) {
        const float g0 = dy[o], g1 = dy[o + 1];
        if (g0 != 0.0f && g1 != 0.0f) {
          internal::Axpy2(g0, g1, x, dw + o * in, dw + (o + 1) * in, in);
        } else if (g0 != 0.0f) {
          internal::Axpy(g0, x, dw + o * in, in);
        } else if (g1 != 0.0f) {
          internal::Axpy(g1, x, dw + (o + 1) * in, in);
        }
      }
      if (o < out && dy[o] != 0.0f) internal::Axpy(dy[o], x, dw + o * in, in);
    }
    if (!d_bias.empty()) {
      internal::Add(dy, d_bias.data(), out);
    }
    if (!d_input.empty()) {
      float* dx = d_input.data() + b * in;
      for (std::int32_t i = 0; i < in; ++i) dx[i] = 0.0f;
      for (std::int32_t o = 0; o < out; ++o) {
        const float g = dy[o];
        if (g == 0.0f) continue;
        internal::Axpy(g, filter.data() + o * in, dx, in);
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
