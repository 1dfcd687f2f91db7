// Federated meta-learning on flat parameter vectors (see Network).
//
// TinyReptile: a server holds the meta-initialisation phi; a device copies
// phi, adapts for k local steps to its own task (TrainSteps) and returns its
// parameters theta; the server moves phi towards theta:
// phi += epsilon * (theta - phi) (one device at a time), or towards the mean
// of a round's thetas. FedAvg replaces phi by the (weighted) mean of the
// devices' parameters. Both run on the device-side budget of the caller.
#ifndef TINYKG_ENGINE_FEDERATED_H_
#define TINYKG_ENGINE_FEDERATED_H_

#include <cstddef>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

// phi += epsilon * (theta - phi). Sizes must match (the shorter wins).
void ReptileUpdate(std::span<float> meta, std::span<const float> adapted, float epsilon);

// Running (weighted) mean of parameter vectors, for a round of devices.
class ParameterAverager {
 public:
  ParameterAverager() = default;
  ParameterAverager(const ParameterAverager&) = delete;
  ParameterAverager& operator=(const ParameterAverager&) = delete;

  // One float per parameter from the arena's persistent end.
  Status Init(std::size_t parameter_count, Arena& arena);
  void Reset();
  void Add(std::span<const float> params, float weight = 1.0f);
  // Writes the mean into `out`; kInvalidArgument when nothing was added.
  Status Mean(std::span<float> out) const;
  std::size_t state_bytes() const { return sum_.size() * sizeof(float); }

 private:
  std::span<float> sum_;
  float weight_ = 0.0f;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_FEDERATED_H_
