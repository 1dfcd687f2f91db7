// Supervised training steps over a sample stream: the loop a device runs.
#ifndef TINYKG_ENGINE_TRAINER_H_
#define TINYKG_ENGINE_TRAINER_H_

#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

// A source of labelled samples. Implementations live with the data (a host
// dataset, a sensor driver reading PlatformReadSample). The destructor is
// protected: the engine never owns or deletes a stream.
class SampleStream {
 public:
  // Fills `input` and `target` (regression values, or target[0] = class
  // index for classification). kEndOfData when exhausted.
  virtual Status Next(std::span<float> input, std::span<float> target) = 0;

 protected:
  ~SampleStream() = default;
};

enum class LossKind : std::uint8_t { kMse, kCrossEntropy };

// Runs `steps` optimizer steps, each on a mini-batch of `batch` samples from
// `stream` (gradients averaged over the batch). Buffers come from the
// arena's scratch end and are released before returning. `*mean_loss` (may
// be null) receives the mean loss of the last step. Stops early, returning
// kEndOfData, when the stream runs out. With `max_gradient_norm` > 0 the
// batch-mean gradient is rescaled to at most that L2 norm before each step.
Status TrainSteps(Network& net, Optimizer& optimizer, SampleStream& stream, LossKind loss,
                  int steps, int batch, Arena& arena, float* mean_loss = nullptr,
                  float max_gradient_norm = 0.0f);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_TRAINER_H_
