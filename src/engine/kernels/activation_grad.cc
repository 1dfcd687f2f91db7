// Derivatives of the fused activations, expressed through their outputs.
#include "tinykg/engine/gradients.h"

namespace tinykg::engine {

void ActivationBackward(Activation activation, std::span<const float> output,
                        std::span<float> grad) {
  const std::size_t n = grad.size() < output.size() ? grad.size() : output.size();
  switch (activation) {
    case Activation::kNone: return;
    case Activation::kRelu:
      for (std::size_t i = 0; i < n; ++i) {
        if (output[i] <= 0.0f) grad[i] = 0.0f;
      }
      return;
    case Activation::kRelu6:
      for (std::size_t i = 0; i < n; ++i) {
        if (output[i] <= 0.0f || output[i] >= 6.0f) grad[i] = 0.0f;
      }
      return;
    case Activation::kReluN1To1:
      for (std::size_t i = 0; i < n; ++i) {
        if (output[i] <= -1.0f || output[i] >= 1.0f) grad[i] = 0.0f;
      }
      return;
    case Activation::kTanh:
      for (std::size_t i = 0; i < n; ++i) grad[i] *= 1.0f - output[i] * output[i];
      return;
    case Activation::kSigmoid:
      for (std::size_t i = 0; i < n; ++i) grad[i] *= output[i] * (1.0f - output[i]);
      return;
  }
}

}  // namespace tinykg::engine
