// Layer normalisation of one sample (float32): the forward pass and its
// backward pass, for Network's kNormalize layers.
#include <cmath>

#include "tinykg/engine/gradients.h"
#include "tinykg/engine/kernels.h"
#include "tinykg/engine/quantization.h"

namespace tinykg::engine {

float LayerNormFloat(Activation activation, std::span<const float> input, std::size_t channels,
                     std::span<const float> scale, std::span<const float> shift, std::span<float> normalized,
                     std::span<float> output) {
  const std::size_t n = input.size();
  if (n == 0 || channels == 0) return 0.0f;
  float mean = 0.0f;
  for (float v : input) mean += v;
  mean /= static_cast<float>(n);
  float var = 0.0f;
  for (float v : input) var += (v - mean) * (v - mean);
  var /= static_cast<float>(n);
  const float inv_std = 1.0f / std::sqrt(var + kLayerNormEpsilon);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = i % channels;
    normalized[i] = (input[i] - mean) * inv_std;
    output[i] = ApplyActivation(activation, scale[c] * normalized[i] + shift[c]);
  }
  return inv_std;
}

void LayerNormBackward(std::span<const float> normalized, float inv_std, std::size_t channels,
                       std::span<const float> scale, std::span<const float> d_output, std::span<float> d_scale,
                       std::span<float> d_shift, std::span<float> d_input) {
  const std::size_t n = normalized.size();
  if (n == 0 || channels == 0) return;
  float sum = 0.0f, dot = 0.0f;  // of d xhat and d xhat * xhat
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = i % channels;
    d_scale[c] += d_output[i] * normalized[i];
    d_shift[c] += d_output[i];
    const float g = d_output[i] * scale[c];
    sum += g;
    dot += g * normalized[i];
  }
  if (d_input.empty()) return;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float g = d_output[i] * scale[i % channels];
    d_input[i] = inv_std * (g - inv_n * sum - normalized[i] * inv_n * dot);
  }
}

}  // namespace tinykg::engine
