// Gradient checks: analytic backward passes against central finite
// differences of the loss, for dense, convolution and depthwise layers with
// every differentiable activation.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "test_util.h"
#include "tinykg/engine/gradients.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"

namespace tinykg::engine {
namespace {

using testing::RandomVector;

enum class LossKind { kMse, kCrossEntropy };

float Loss(Network& net, const std::vector<float>& x, const std::vector<float>& target, LossKind kind,
           std::vector<float>* d_out) {
  std::span<const float> y = net.Forward(x);
  d_out->assign(y.size(), 0.0f);
  if (kind == LossKind::kMse) return MeanSquaredError(y, target, *d_out);
  return SoftmaxCrossEntropy(y, static_cast<std::int32_t>(target[0]), *d_out);
}

// Returns the largest relative error over (a sample of) all parameters.
float MaxGradientError(Shape input, std::span<const LayerSpec> layers, LossKind kind,
                       std::uint64_t seed) {
  std::vector<std::byte> memory(1 << 20);
  Arena arena(memory);
  Network net;
  EXPECT_EQ(net.Build(input, layers, arena), Status::kOk);
  Pcg32 rng(seed);
  net.Initialize(rng);
  // Non-zero biases so that bias gradients matter.
  for (int i = 0; i < net.layer_count(); ++i) {
    for (float& b : net.layer_bias(i)) b = rng.Uniform(-0.1f, 0.1f);
  }
  std::vector<float> x = RandomVector(static_cast<std::size_t>(input.Elements()), rng);
  std::vector<float> target = RandomVector(net.output_size(), rng);
  if (kind == LossKind::kCrossEntropy) target[0] = static_cast<float>(rng.Below(static_cast<std::uint32_t>(net.output_size())));
  std::vector<float> d_out;
  net.ZeroGradients();
  Loss(net, x, target, kind, &d_out);
  net.Backward(d_out);
  std::vector<float> analytic(net.gradients().begin(), net.gradients().end());
  float worst = 0.0f;
  const std::size_t n = net.parameters().size();
  const std::size_t step = n > 400 ? n / 400 : 1;
  for (std::size_t i = 0; i < n; i += step) {
    float& p = net.parameters()[i];
    const float saved = p;
    const float h = 1e-2f;
    p = saved + h;
    const float up = Loss(net, x, target, kind, &d_out);
    p = saved - h;
    const float down = Loss(net, x, target, kind, &d_out);
    p = saved;
    const float numeric = (up - down) / (2 * h);
    const float err = std::fabs(numeric - analytic[i]) / std::fmax(1e-2f, std::fabs(numeric) + std::fabs(analytic[i]));
    worst = std::fmax(worst, err);
  }
  return worst;
}

TEST(GradientCheck, DenseTanhSigmoidMse) {
  const std::array layers{LayerSpec::Dense(8, Activation::kTanh), LayerSpec::Dense(6, Activation::kSigmoid),
                          LayerSpec::Dense(3)};
  EXPECT_LT(MaxGradientError(Shape{5}, layers, LossKind::kMse, 1), 2e-2f);
}

TEST(GradientCheck, DenseReluCrossEntropy) {
  const std::array layers{LayerSpec::Dense(16, Activation::kRelu), LayerSpec::Dense(4)};
  EXPECT_LT(MaxGradientError(Shape{7}, layers, LossKind::kCrossEntropy, 2), 2e-2f);
}

TEST(GradientCheck, ConvSameStride1) {
  const std::array layers{LayerSpec::Conv(3, 3, 1, Padding::kSame, Activation::kTanh), LayerSpec::Dense(2)};
  EXPECT_LT(MaxGradientError(Shape{5, 5, 2}, layers, LossKind::kMse, 3), 2e-2f);
}

TEST(GradientCheck, ConvStride2ValidThenSameStride2) {
  const std::array layers{LayerSpec::Conv(4, 3, 2, Padding::kValid, Activation::kTanh),
                          LayerSpec::Conv(3, 3, 2, Padding::kSame, Activation::kSigmoid),
                          LayerSpec::Dense(5)};
  EXPECT_LT(MaxGradientError(Shape{9, 8, 2}, layers, LossKind::kCrossEntropy, 4), 2e-2f);
}

TEST(GradientCheck, DepthwiseWithMultiplier) {
  const std::array layers{LayerSpec::Depthwise(2, 3, 1, Padding::kSame, Activation::kTanh),
                          LayerSpec::Conv(2, 1, 1, Padding::kValid, Activation::kNone),
                          LayerSpec::Dense(3)};
  EXPECT_LT(MaxGradientError(Shape{6, 6, 3}, layers, LossKind::kMse, 5), 2e-2f);
}

// Smooth activations after the normalisation: ReLU kinks within the finite
// difference step would make the numeric gradient meaningless.
TEST(GradientCheck, ConvThenLayerNormTanh) {
  const std::array layers{LayerSpec::Conv(3, 3, 2, Padding::kSame, Activation::kNone),
                          LayerSpec::Normalize(Activation::kTanh), LayerSpec::Dense(4)};
  EXPECT_LT(MaxGradientError(Shape{7, 6, 2}, layers, LossKind::kCrossEntropy, 6), 2e-2f);
}

TEST(GradientCheck, DenseThenLayerNormTanhMse) {
  const std::array layers{LayerSpec::Dense(6), LayerSpec::Normalize(Activation::kTanh), LayerSpec::Dense(2)};
  EXPECT_LT(MaxGradientError(Shape{5}, layers, LossKind::kMse, 7), 2e-2f);
}

TEST(GradientCheck, DetectsAWrongGradient) {
  // The checker itself must be able to fail: corrupt one gradient on purpose.
  std::vector<std::byte> memory(1 << 16);
  Arena arena(memory);
  Network net;
  const std::array layers{LayerSpec::Dense(3, Activation::kTanh), LayerSpec::Dense(1)};
  ASSERT_EQ(net.Build(Shape{2}, layers, arena), Status::kOk);
  Pcg32 rng(6);
  net.Initialize(rng);
  const std::vector<float> x{0.5f, -0.3f};
  const std::vector<float> t{0.7f};
  std::vector<float> d(1);
  net.ZeroGradients();
  MeanSquaredError(net.Forward(x), t, d);
  net.Backward(d);
  const float analytic = net.gradients()[0] * 1.5f + 0.1f;
  float& p = net.parameters()[0];
  const float saved = p;
  p = saved + 1e-2f;
  const float up = MeanSquaredError(net.Forward(x), t, d);
  p = saved - 1e-2f;
  const float down = MeanSquaredError(net.Forward(x), t, d);
  const float numeric = (up - down) / 2e-2f;
  EXPECT_GT(std::fabs(numeric - analytic), 1e-2f);
}

TEST(GradientCheck, FullyConnectedInputGradient) {
  Pcg32 rng(7);
  const std::int32_t in = 4, out = 3, batch = 2;
  std::vector<float> x = RandomVector(batch * in, rng), w = RandomVector(out * in, rng),
                     dy = RandomVector(batch * out, rng);
  std::vector<float> dw(out * in, 0.0f), db(out, 0.0f), dx(batch * in, 0.0f);
  ASSERT_EQ(FullyConnectedBackward(batch, in, out, x, w, dy, dw, db, dx), Status::kOk);
  for (std::int32_t b = 0; b < batch; ++b) {
    for (std::int32_t i = 0; i < in; ++i) {
      float expect = 0.0f;
      for (std::int32_t o = 0; o < out; ++o) expect += dy[b * out + o] * w[o * in + i];
      EXPECT_NEAR(dx[b * in + i], expect, 1e-5f);
    }
  }
  EXPECT_NEAR(db[1], dy[1] + dy[4], 1e-6f);
  EXPECT_NEAR(dw[2 * in + 3], dy[2] * x[3] + dy[5] * x[in + 3], 1e-5f);
}

}  // namespace
}  // namespace tinykg::engine
