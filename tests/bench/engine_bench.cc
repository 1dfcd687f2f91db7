// Training steps per second of the engine on two tiny models, one
// mini-batch SGD step at a time (forward + backward per sample, one update).
// Prints one line per case: "<case> <steps_per_second>". The same steps in
// NumPy are in engine_bench.py; engine_bench.sh runs both and prints ratios.
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"

namespace {

using namespace tinykg::engine;

double StepsPerSecond(Shape input, std::span<const LayerSpec> layers, int batch, double seconds) {
  std::vector<std::byte> memory(4 << 20);
  Arena arena(memory);
  Network net;
  Optimizer opt;
  if (net.Build(input, layers, arena) != Status::kOk ||
      opt.Init({OptimizerKind::kSgd, 0.01f}, net.parameters().size(), arena) != Status::kOk) {
    std::fprintf(stderr, "engine_bench: build failed\n");
    return 0;
  }
  Pcg32 rng(1);
  net.Initialize(rng);
  const auto in = static_cast<std::size_t>(input.Elements());
  std::vector<float> xs(in * static_cast<std::size_t>(batch));
  std::vector<std::int32_t> labels(static_cast<std::size_t>(batch));
  for (float& x : xs) x = rng.Uniform(-1, 1);
  for (auto& l : labels) l = static_cast<std::int32_t>(rng.Below(static_cast<std::uint32_t>(net.output_size())));
  std::vector<float> d(net.output_size());
  auto step = [&] {
    net.ZeroGradients();
    for (int b = 0; b < batch; ++b) {
      const auto k = static_cast<std::size_t>(b);
      SoftmaxCrossEntropy(net.Forward(std::span<const float>(xs).subspan(k * in, in)), labels[k], d);
      net.Backward(d);
    }
    opt.Step(net.parameters(), net.gradients(), 1.0f / static_cast<float>(batch));
  };
  for (int i = 0; i < 3; ++i) step();
  const auto start = std::chrono::steady_clock::now();
  long steps = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 10; ++i) step();
    steps += 10;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return static_cast<double>(steps) / elapsed;
}

}  // namespace

int main() {
  // dense: 64 -> 128 (ReLU) -> 10, batch 32.
  const std::array dense{LayerSpec::Dense(128, Activation::kRelu), LayerSpec::Dense(10)};
  std::printf("dense_64x128x10_b32 %.1f\n", StepsPerSecond(Shape{64}, dense, 32, 1.0));
  // tiny dense: 5 -> 16 (ReLU) -> 2, batch 16 (the occupancy head).
  const std::array tiny{LayerSpec::Dense(16, Activation::kRelu), LayerSpec::Dense(2)};
  std::printf("dense_5x16x2_b16 %.1f\n", StepsPerSecond(Shape{5}, tiny, 16, 1.0));
  // conv: 16x16x4 -> conv3x3 8 (same, ReLU) -> conv3x3 stride 2 8 (same, ReLU) -> dense 10, batch 8.
  const std::array conv{LayerSpec::Conv(8, 3, 1, Padding::kSame, Activation::kRelu),
                        LayerSpec::Conv(8, 3, 2, Padding::kSame, Activation::kRelu), LayerSpec::Dense(10)};
  std::printf("conv_16x16x4_b8 %.1f\n", StepsPerSecond(Shape{16, 16, 4}, conv, 8, 1.0));
  return 0;
}
