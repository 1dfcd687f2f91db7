#include "tinykg/engine/optimizer.h"

#include <cmath>

namespace tinykg::engine {

Status Optimizer::Init(const OptimizerConfig& config, std::size_t parameter_count, Arena& arena) {
  config_ = config;
  const std::size_t mark = arena.persistent_used();
  first_ = {};
  second_ = {};
  const bool needs_first = config.kind == OptimizerKind::kAdam || config.momentum != 0.0f;
  if (needs_first && parameter_count > 0) {
    first_ = arena.Persistent<float>(parameter_count);
    if (first_.data() == nullptr) return Status::kOutOfMemory;
  }
  if (config.kind == OptimizerKind::kAdam && parameter_count > 0) {
    second_ = arena.Persistent<float>(parameter_count);
    if (second_.data() == nullptr) {
      arena.RewindPersistent(mark);
      first_ = {};
      return Status::kOutOfMemory;
    }
  }
  Reset();
  return Status::kOk;
}

void Optimizer::Reset() {
  for (float& v : first_) v = 0.0f;
  for (float& v : second_) v = 0.0f;
  steps_ = 0;
  beta1_power_ = 1.0f;
  beta2_power_ = 1.0f;
}

void Optimizer::Step(std::span<float> params, std::span<const float> grads, float grad_scale) {
  const std::size_t n = params.size() < grads.size() ? params.size() : grads.size();
  const float lr = config_.learning_rate;
  ++steps_;
  if (config_.kind == OptimizerKind::kSgd) {
    if (first_.empty()) {
      for (std::size_t i = 0; i < n; ++i) params[i] -= lr * grad_scale * grads[i];
      return;
    }
    const float mu = config_.momentum;
    for (std::size_t i = 0; i < n; ++i) {
      first_[i] = mu * first_[i] + grad_scale * grads[i];
      params[i] -= lr * first_[i];
    }
    return;
  }
  const float b1 = config_.beta1, b2 = config_.beta2;
  beta1_power_ *= b1;
  beta2_power_ *= b2;
  // Bias corrections folded into the step size (Kingma & Ba, section 2).
  const float step = lr * std::sqrt(1.0f - beta2_power_) / (1.0f - beta1_power_);
  const float eps = config_.epsilon;
  for (std::size_t i = 0; i < n; ++i) {
    const float g = grad_scale * grads[i];
    first_[i] = b1 * first_[i] + (1.0f - b1) * g;
    second_[i] = b2 * second_[i] + (1.0f - b2) * g * g;
    params[i] -= step * first_[i] / (std::sqrt(second_[i]) + eps);
  }
}

}  // namespace tinykg::engine
