// RELU: float32 and int8.
#include "kernels/relu_util.h"

namespace tinykg::engine {

Status Relu(const Tensor& input, const Tensor& output) {
  return internal::ClampedActivation(Activation::kRelu, input, output);
}

}  // namespace tinykg::engine
