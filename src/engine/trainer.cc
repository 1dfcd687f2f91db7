#include "tinykg/engine/trainer.h"

#include <cmath>

#include "tinykg/engine/loss.h"

namespace tinykg::engine {

Status TrainSteps(Network& net, Optimizer& optimizer, SampleStream& stream, LossKind loss,
                  int steps, int batch, Arena& arena, float* mean_loss, float max_gradient_norm) {
  if (batch <= 0 || steps < 0) return Status::kInvalidArgument;
  std::span<float> x = arena.Scratch<float>(net.input_size());
  std::span<float> target = arena.Scratch<float>(net.output_size());
  std::span<float> d_out = arena.Scratch<float>(net.output_size());
  if (x.data() == nullptr || target.data() == nullptr || d_out.data() == nullptr) {
    arena.ResetScratch();
    return Status::kOutOfMemory;
  }
  Status status = Status::kOk;
  for (int s = 0; s < steps && status == Status::kOk; ++s) {
    net.ZeroGradients();
    float total = 0.0f;
    int used = 0;
    for (int b = 0; b < batch; ++b) {
      status = stream.Next(x, target);
      if (status != Status::kOk) break;
      std::span<const float> y = net.Forward(x);
      total += loss == LossKind::kMse
                   ? MeanSquaredError(y, target, d_out)
                   : SoftmaxCrossEntropy(y, static_cast<std::int32_t>(target[0]), d_out);
      net.Backward(d_out);
      ++used;
    }
    if (used > 0) {
      float scale = 1.0f / static_cast<float>(used);
      if (max_gradient_norm > 0.0f) {
        float sq = 0.0f;
        for (float g : net.gradients()) sq += g * g;
        const float norm = std::sqrt(sq) * scale;
        if (norm > max_gradient_norm) scale *= max_gradient_norm / norm;
      }
      optimizer.Step(net.parameters(), net.gradients(), scale);
      if (mean_loss != nullptr) *mean_loss = total / static_cast<float>(used);
    }
  }
  arena.ResetScratch();
  return status;
}

}  // namespace tinykg::engine
