// RELU6: float32 and int8.
#include "kernels/relu_util.h"

namespace tinykg::engine {

Status Relu6(const Tensor& input, const Tensor& output) {
  return internal::ClampedActivation(Activation::kRelu6, input, output);
}

}  // namespace tinykg::engine
