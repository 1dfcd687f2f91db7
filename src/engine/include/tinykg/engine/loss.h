// Losses with their gradients, for one sample.
#ifndef TINYKG_ENGINE_LOSS_H_
#define TINYKG_ENGINE_LOSS_H_

#include <cstdint>
#include <span>

namespace tinykg::engine {

// Softmax cross-entropy of `logits` against class `label`; writes
// d loss / d logits = softmax - onehot into `d_logits` (same size, may alias
// nothing) and returns the loss (natural log). Numerically stable.
float SoftmaxCrossEntropy(std::span<const float> logits, std::int32_t label,
                          std::span<float> d_logits);

// Mean over elements of (prediction - target)^2; writes its gradient.
float MeanSquaredError(std::span<const float> prediction, std::span<const float> target,
                       std::span<float> d_prediction);

// Index of the largest value (first on ties); -1 when empty.
std::int32_t ArgMax(std::span<const float> values);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_LOSS_H_
