// A trainable float network: a sequence of dense / convolution layers with
// fused activations, trained one sample at a time.
//
// All parameters live in ONE flat float vector (layer by layer: weights then
// bias), and so do the gradients; federated and meta-learning code treats a
// model as that vector. Build() allocates everything from the caller's Arena
// (persistent end); Forward/Backward never allocate. Forward keeps each
// layer's output for Backward; Backward accumulates parameter gradients so a
// mini-batch is a loop of Forward+Backward followed by one optimizer step.
#ifndef TINYKG_ENGINE_NETWORK_H_
#define TINYKG_ENGINE_NETWORK_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/kernels.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/random.h"
#include "tinykg/engine/status.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

inline constexpr int kMaxLayers = 16;

// kNormalize: layer normalisation of one sample (kernels.h LayerNormFloat)
// with a learned scale and shift per channel, then the activation; the
// shape is unchanged. Works one sample at a time, as training on a device
// does (no batch statistics to keep), and adds 2 parameters per channel.
enum class LayerKind : std::uint8_t { kDense, kConv2D, kDepthwiseConv2D, kNormalize };

struct LayerSpec {
  LayerKind kind = LayerKind::kDense;
  std::int32_t units = 1;  // dense outputs, conv output channels, depthwise multiplier
  std::int32_t kernel = 3;
  std::int32_t stride = 1;
  Padding padding = Padding::kSame;
  Activation activation = Activation::kNone;

  static constexpr LayerSpec Dense(std::int32_t units, Activation act = Activation::kNone) {
    return {LayerKind::kDense, units, 1, 1, Padding::kValid, act};
  }
  static constexpr LayerSpec Conv(std::int32_t channels, std::int32_t kernel, std::int32_t stride,
                                  Padding padding, Activation act) {
    return {LayerKind::kConv2D, channels, kernel, stride, padding, act};
  }
  static constexpr LayerSpec Normalize(Activation act = Activation::kNone) {
    return {LayerKind::kNormalize, 1, 1, 1, Padding::kValid, act};
  }
  static constexpr LayerSpec Depthwise(std::int32_t multiplier, std::int32_t kernel,
                                       std::int32_t stride, Padding padding, Activation act) {
    return {LayerKind::kDepthwiseConv2D, multiplier, kernel, stride, padding, act};
  }
};

// The strided image CNN of the Omniglot family, one definition for the host
// and the fleet firmware: `conv_layers` x (conv 3x3 stride 2, same padding,
// of `channels` -> layer normalisation -> ReLU; without `normalize`: conv ->
// ReLU) -> dense `outputs`. Writes the specs to `out` and returns their
// count (2 conv_layers + 1 with normalisation, conv_layers + 1 without);
// 0 when `out` is shorter than that or conv_layers < 0.
constexpr std::size_t StridedConvNet(std::int32_t conv_layers, std::int32_t channels, bool normalize,
                                     std::int32_t outputs, std::span<LayerSpec> out) {
  if (conv_layers < 0) return 0;
  const std::size_t count = static_cast<std::size_t>(conv_layers) * (normalize ? 2u : 1u) + 1u;
  if (out.size() < count) return 0;
  std::size_t i = 0;
  for (std::int32_t l = 0; l < conv_layers; ++l) {
    if (normalize) {
      out[i++] = LayerSpec::Conv(channels, 3, 2, Padding::kSame, Activation::kNone);
      out[i++] = LayerSpec::Normalize(Activation::kRelu);
    } else {
      out[i++] = LayerSpec::Conv(channels, 3, 2, Padding::kSame, Activation::kRelu);
    }
  }
  out[i++] = LayerSpec::Dense(outputs);
  return i;
}

class Network {
 public:
  Network() = default;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // `input` is [features] for dense-only networks or [h, w, c] when the first
  // layer is a convolution (a dense layer after a convolution flattens).
  // Parameters start at zero; call Initialize. Fails with kBadShape for a
  // convolution after a dense layer, kOutOfMemory when the arena is short.
  Status Build(Shape input, std::span<const LayerSpec> layers, Arena& arena);

  // He-uniform weights for ReLU-family layers, Glorot-uniform otherwise; zero
  // biases.
  void Initialize(Pcg32& rng);

  // Runs one sample (input.size() == input_size()); returns the output,
  // valid until the next Forward.
  std::span<const float> Forward(std::span<const float> input);

  // Given d loss / d output of the last Forward, accumulates parameter
  // gradients (from layer `first_trainable` on; earlier layers get none).
  void Backward(std::span<const float> d_output, int first_trainable = 0);

  void ZeroGradients();

  std::span<float> parameters() { return params_; }
  std::span<const float> parameters() const { return params_; }
  std::span<float> gradients() { return grads_; }
  std::span<const float> output() const { return outputs_[static_cast<std::size_t>(layer_count_ - 1)]; }
  // Layer i's output of the last Forward (its activation applied): e.g. the
  // features the output layer sees are layer_output(layer_count() - 2).
  std::span<const float> layer_output(int i) const { return outputs_[static_cast<std::size_t>(i)]; }
  std::size_t input_size() const { return input_.size(); }
  std::size_t output_size() const { return output().size(); }
  int layer_count() const { return layer_count_; }
  const LayerSpec& layer(int i) const { return specs_[static_cast<std::size_t>(i)]; }
  Shape layer_output_shape(int i) const { return out_shapes_[static_cast<std::size_t>(i)]; }
  // This layer's weights and bias inside parameters().
  std::span<float> layer_weights(int i);
  std::span<float> layer_bias(int i);
  std::size_t layer_weight_offset(int i) const { return offsets_[static_cast<std::size_t>(i)]; }
  std::int64_t macs() const;

  // weights, gradients, activations (input copy + every layer output and
  // the normalised values of kNormalize layers) and
  // scratch (the two backward buffers); optimizer state is not the network's.
  MemoryReport memory() const;

 private:
  struct LayerShapes {
    Shape in;
    Shape filter;
  };
  std::span<float> LayerInput(int i) const;  // the input copy or the previous layer's output
  Tensor InTensor(int i) const;
  Tensor OutTensor(int i) const;

  std::array<LayerSpec, kMaxLayers> specs_{};
  std::array<LayerShapes, kMaxLayers> shapes_{};
  std::array<Shape, kMaxLayers> out_shapes_{};
  std::array<std::size_t, kMaxLayers> offsets_{};  // weights of layer i in params_
  std::array<std::size_t, kMaxLayers> weight_counts_{};
  std::array<std::span<float>, kMaxLayers> outputs_{};
  std::array<std::span<float>, kMaxLayers> normalized_{};  // kNormalize: xhat of the last Forward
  std::array<float, kMaxLayers> inv_std_{};                 // kNormalize: 1 / sqrt(var + eps)
  int layer_count_ = 0;
  Shape input_shape_;
  std::span<float> input_;
  std::span<float> params_;
  std::span<float> grads_;
  std::span<float> back_a_, back_b_;  // ping-pong buffers for d input
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_NETWORK_H_
