#include "tinykg/engine/loss.h"

#include <cmath>

namespace tinykg::engine {

float SoftmaxCrossEntropy(std::span<const float> logits, std::int32_t label,
                          std::span<float> d_logits) {
  if (logits.empty()) return 0.0f;
  float max = logits[0];
  for (float v : logits) max = v > max ? v : max;
  float sum = 0.0f;
  for (float v : logits) sum += std::exp(v - max);
  const float log_sum = std::log(sum) + max;
  for (std::size_t i = 0; i < logits.size() && i < d_logits.size(); ++i) {
    d_logits[i] = std::exp(logits[i] - log_sum) - (static_cast<std::int32_t>(i) == label ? 1.0f : 0.0f);
  }
  if (label < 0 || static_cast<std::size_t>(label) >= logits.size()) return 0.0f;
  return log_sum - logits[static_cast<std::size_t>(label)];
}

float MeanSquaredError(std::span<const float> prediction, std::span<const float> target,
                       std::span<float> d_prediction) {
  const std::size_t n = prediction.size();
  if (n == 0) return 0.0f;
  float loss = 0.0f;
  const float inv = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float e = prediction[i] - target[i];
    loss += e * e;
    if (i < d_prediction.size()) d_prediction[i] = 2.0f * e * inv;
  }
  return loss * inv;
}

std::int32_t ArgMax(std::span<const float> values) {
  if (values.empty()) return -1;
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    if (values[i] > values[best]) best = i;
  }
  return static_cast<std::int32_t>(best);
}

}  // namespace tinykg::engine
