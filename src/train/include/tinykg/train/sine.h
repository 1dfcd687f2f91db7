// The sine-wave few-shot regression family of the Reptile paper (Nichol et
// al., 2018): tasks y = A sin(x - phase); device d of N draws its phases
// from its own slice [d pi/N, (d+1) pi/N] (non-IID); the meta-test adapts
// to new tasks of the whole family from K points and measures MSE on a
// dense grid. RunSine compares Reptile, FedAvg, TinyMetaFed and scratch.
#ifndef TINYKG_TRAIN_SINE_H_
#define TINYKG_TRAIN_SINE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "tinykg/train/dataset.h"
#include "tinykg/train/federated_server.h"
#include "tinykg/train/method.h"
#include "tinykg/train/task_family.h"

namespace tinykg::train {

struct SineOptions {
  Method method = Method::kReptile;  // reptile, fedavg, tinymetafed or scratch
  // Device visits (3000; fedavg: whole rounds of every device), meta step,
  // round size, TinyMetaFed's top-P and head; server.seed also draws the
  // meta-test's tasks.
  ServerOptions server;
  int devices = 5;          // device d draws phases from its own slice of [0, pi]
  int local_steps = 8;      // k: local SGD steps per visit
  int batch = 10;
  float inner_learning_rate = 0.05f;  // 0.08 diverges on amplitude-5 tasks
  float max_gradient_norm = 10.0f;  // every SGD step (all methods); 0 = off
  int hidden = 40;          // two tanh layers of this width
  int shots = 10;           // K support points at evaluation
  int eval_tasks = 100;
  std::vector<int> eval_steps{1, 8, 32};
};

// Device d of `devices` draws phases from [d pi/devices, (d+1) pi/devices].
std::vector<SineTaskDistribution> SineDeviceDistributions(int devices);

// The family: network 1 -> hidden tanh -> hidden tanh -> 1, plain SGD with
// gradient-norm clipping, MSE; a record is (x, y). A kTask visit is one
// task of the device's slice; a kMixture visit draws a new task per point.
class SineFamily final : public TaskFamily {
 public:
  static Result<std::unique_ptr<SineFamily>> Create(const SineOptions& options);
  ~SineFamily() override;

  const char* name() const override { return "sine"; }
  int devices() const override { return options_.devices; }
  std::size_t parameter_count() const override;
  std::size_t head_parameter_count() const override;
  int local_steps() const override { return options_.local_steps; }
  std::vector<float> Initialize(engine::Pcg32& rng) override;
  std::vector<float> VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const override;
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses) override;
  // options.eval_tasks tasks of the whole family (the same for one seed).
  MetaTest Evaluate(std::span<const float> init) override;
  engine::MemoryReport Memory() const override;
  Result<FirmwareNetworkTask> FirmwareTask() const override;

 private:
  struct State;
  SineFamily(const SineOptions& options, std::unique_ptr<State> state);
  SineOptions options_;
  std::unique_ptr<State> state_;
};

// RunFederated over the SineFamily of `options` (test.metric "mse").
Result<FederatedResult> RunSine(const SineOptions& options);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_SINE_H_
