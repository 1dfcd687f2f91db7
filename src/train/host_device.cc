#include "host_device.h"

#include <algorithm>
#include <cmath>

#include "tinykg/engine/loss.h"

namespace tinykg::train::internal {

Status EngineError(engine::Status s, const std::string& what) {
  if (s == engine::Status::kOutOfMemory) return Internal(what + ": engine arena too small");
  return Internal(what + ": " + engine::StatusName(s));
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Status HostDevice::Build(engine::Shape input, std::span<const engine::LayerSpec> layers,
                         const engine::OptimizerConfig& config) {
  engine::Status s = net.Build(input, layers, arena);
  if (s == engine::Status::kOk) s = optimizer.Init(config, net.parameters().size(), arena);
  return s == engine::Status::kOk ? Status() : EngineError(s, "building the network");
}

void HostDevice::Load(std::span<const float> params) {
  std::copy(params.begin(), params.end(), net.parameters().begin());
  optimizer.Reset();
}

std::vector<float> HostDevice::Parameters() const { return {net.parameters().begin(), net.parameters().end()}; }

engine::MemoryReport HostDevice::Memory() const {
  engine::MemoryReport m = net.memory();
  m.optimizer_state = optimizer.state_bytes();
  return m;
}

Result<std::vector<float>> TrainLocally(HostDevice& device, engine::SampleStream& stream, int steps, int batch,
                                        engine::LossKind loss_kind, float max_gradient_norm,
                                        std::vector<float>* losses) {
  for (int step = 0; step < steps; ++step) {
    float loss = 0.0f;
    const engine::Status s = engine::TrainSteps(device.net, device.optimizer, stream, loss_kind, 1, batch,
                                                device.arena, &loss, max_gradient_norm);
    if (s != engine::Status::kOk) return EngineError(s, "local training");
    if (losses != nullptr) losses->push_back(loss);
  }
  return device.Parameters();
}

void Standardize(Dataset& train, Dataset& eval) {
  const std::size_t f = train.feature_count();
  for (std::size_t c = 0; c < f; ++c) {
    double sum = 0, sq = 0;
    for (std::size_t r = 0; r < train.rows; ++r) sum += train.features[r * f + c];
    const double mean = sum / static_cast<double>(train.rows);
    for (std::size_t r = 0; r < train.rows; ++r) {
      const double d = train.features[r * f + c] - mean;
      sq += d * d;
    }
    double sd = std::sqrt(sq / static_cast<double>(train.rows));
    if (sd < 1e-12) sd = 1.0;
    for (Dataset* d : {&train, &eval}) {
      for (std::size_t r = 0; r < d->rows; ++r) {
        float& v = d->features[r * f + c];
        v = static_cast<float>((v - mean) / sd);
      }
    }
  }
}

double Accuracy(engine::Network& net, const Dataset& eval) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < eval.rows; ++r) {
    if (engine::ArgMax(net.Forward(eval.Row(r))) == static_cast<std::int32_t>(eval.labels[r])) ++correct;
  }
  return eval.rows == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(eval.rows);
}

Status CheckClassLabels(const Dataset& data) {
  for (float l : data.labels) {
    if (!IsClassIndex(l)) {
      return InvalidArgument("label '" + data.label_name + "' must hold class indices 0, 1, ... up to " +
                             std::to_string(kMaxClasses - 1));
    }
  }
  return Status::Ok();
}

}  // namespace tinykg::train::internal
