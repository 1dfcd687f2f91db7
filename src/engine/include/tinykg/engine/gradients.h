// Backward passes (float32) of the trainable operations, one source file each
// under src/engine/kernels/*_grad.cc.
//
// Conventions: `d_output` is the gradient of the loss with respect to the
// operation's pre-activation output (apply ActivationBackward first).
// Parameter gradients are ACCUMULATED (+=) so a mini-batch is a loop over
// samples; `d_input` is OVERWRITTEN and may be empty to skip it (first layer).
#ifndef TINYKG_ENGINE_GRADIENTS_H_
#define TINYKG_ENGINE_GRADIENTS_H_

#include <cstdint>
#include <span>

#include "tinykg/engine/kernels.h"
#include "tinykg/engine/quantization.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

// y = x W^T + b with x [batch, in], W [out, in]:
// dW += dy^T x, db += sum_batch dy, dx = dy W.
Status FullyConnectedBackward(std::int32_t batch, std::int32_t in, std::int32_t out,
                              std::span<const float> input, std::span<const float> filter,
                              std::span<const float> d_output, std::span<float> d_filter,
                              std::span<float> d_bias, std::span<float> d_input);

// Float tensors with the shapes of Conv2D; d_filter/d_bias/d_input may be
// null (not wanted). d_filter and d_bias accumulate; d_input is overwritten.
Status Conv2DBackward(const ConvParams& params, const Tensor& input, const Tensor& filter,
                      const Tensor& d_output, const Tensor* d_filter, const Tensor* d_bias,
                      const Tensor* d_input);
Status DepthwiseConv2DBackward(const ConvParams& params, const Tensor& input, const Tensor& filter,
                               const Tensor& d_output, const Tensor* d_filter,
                               const Tensor* d_bias, const Tensor* d_input);

// LayerNormFloat's backward pass from d loss / d pre-activation output
// (apply ActivationBackward first): accumulates d scale and d shift, writes
// d input (skipped when d_input is empty).
void LayerNormBackward(std::span<const float> normalized, float inv_std, std::size_t channels,
                       std::span<const float> scale, std::span<const float> d_output, std::span<float> d_scale,
                       std::span<float> d_shift, std::span<float> d_input);

// In place: grad[i] *= f'(.) where `output` holds f's outputs (ReLU, ReLU6,
// ReLU_N1_TO_1, tanh and sigmoid are all expressible through their output).
void ActivationBackward(Activation activation, std::span<const float> output,
                        std::span<float> grad);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_GRADIENTS_H_
