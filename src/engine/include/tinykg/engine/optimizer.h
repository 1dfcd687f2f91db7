// First-order optimizers over a flat parameter vector.
//
// State (momentum, Adam moments) is allocated once from the caller's Arena by
// Init and lives as long as that arena's persistent region.
#ifndef TINYKG_ENGINE_OPTIMIZER_H_
#define TINYKG_ENGINE_OPTIMIZER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

enum class OptimizerKind : std::uint8_t { kSgd, kAdam };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kSgd;
  float learning_rate = 0.01f;
  float momentum = 0.0f;  // SGD only; 0 keeps no state
  float beta1 = 0.9f;     // Adam
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
};

class Optimizer {
 public:
  Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Allocates the state for `parameter_count` parameters (SGD with momentum:
  // one float each; Adam: two). kOutOfMemory leaves the arena unchanged.
  Status Init(const OptimizerConfig& config, std::size_t parameter_count, Arena& arena);

  // params -= update(grads * grad_scale). Sizes must equal parameter_count.
  void Step(std::span<float> params, std::span<const float> grads, float grad_scale = 1.0f);

  // Clears the state (a fresh start on the same parameters).
  void Reset();

  void set_learning_rate(float lr) { config_.learning_rate = lr; }
  const OptimizerConfig& config() const { return config_; }
  std::size_t state_bytes() const { return (first_.size() + second_.size()) * sizeof(float); }
  std::int64_t steps() const { return steps_; }

 private:
  OptimizerConfig config_;
  std::span<float> first_;   // momentum / Adam m
  std::span<float> second_;  // Adam v
  std::int64_t steps_ = 0;
  float beta1_power_ = 1.0f;
  float beta2_power_ = 1.0f;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_OPTIMIZER_H_
