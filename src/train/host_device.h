// Internal to tinykg_train: one simulated device on the host (its own
// arena, network and optimizer) and the helpers the task families share.
#ifndef TINYKG_TRAIN_HOST_DEVICE_H_
#define TINYKG_TRAIN_HOST_DEVICE_H_

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/trainer.h"
#include "tinykg/train/dataset.h"

namespace tinykg::train::internal {

// kOutOfMemory says the arena is too small; others name the engine status.
Status EngineError(engine::Status s, const std::string& what);

double Seconds(std::chrono::steady_clock::time_point start);

struct HostDevice {
  std::vector<std::byte> memory;
  engine::Arena arena;
  engine::Network net;
  engine::Optimizer optimizer;

  explicit HostDevice(std::size_t bytes) : memory(bytes), arena(memory) {}
  HostDevice(const HostDevice&) = delete;
  HostDevice& operator=(const HostDevice&) = delete;
  Status Build(engine::Shape input, std::span<const engine::LayerSpec> layers,
               const engine::OptimizerConfig& config);
  // Copies `params` into the network and resets the optimizer's state.
  void Load(std::span<const float> params);
  std::vector<float> Parameters() const;
  engine::MemoryReport Memory() const;
};

// `steps` steps of `batch` samples from `stream` with `loss`, each step's
// mean loss appended to `losses` when given; the adapted parameters.
Result<std::vector<float>> TrainLocally(HostDevice& device, engine::SampleStream& stream, int steps, int batch,
                                        engine::LossKind loss, float max_gradient_norm, std::vector<float>* losses);

// Standardises both with the training rows' mean and deviation.
void Standardize(Dataset& train, Dataset& eval);
// Fraction of `eval`'s rows whose arg-max output is the label.
double Accuracy(engine::Network& net, const Dataset& eval);
// kInvalidArgument unless every label is a class index 0, 1, ...
Status CheckClassLabels(const Dataset& data);

}  // namespace tinykg::train::internal

#endif  // TINYKG_TRAIN_HOST_DEVICE_H_
