// A task family for federated meta-learning: what a simulated device learns
// (sine regression, a tabular dataset split over devices, Omniglot
// characters), behind one small interface, so that one Reptile server, one
// FedAvg server and one TinyMetaFed server (federated_server.h) serve every
// family, on the host (RunFederated) and on emulated microcontrollers
// (emu/fleet.h).
//
// A family owns its data and one host device (the network, its optimizer
// and arena). Its methods are deterministic for the same inputs; none is
// thread-safe (the fleet calls them from its server thread only).
#ifndef TINYKG_TRAIN_TASK_FAMILY_H_
#define TINYKG_TRAIN_TASK_FAMILY_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/random.h"

namespace tinykg::train {

// The meta-test of one initialisation: new tasks of the family, each
// adapted from the initialisation on a few examples (the support set), the
// metric measured on the task's other examples (the queries).
struct MetaTest {
  std::string metric = "mse";     // "mse" (lower is better) or "accuracy"
  double before = 0.0;            // of the initialisation itself
  std::vector<int> steps;         // adaptation steps reported
  std::vector<double> after;      // the metric after steps[i] steps (mean over tasks)
  // The value after the most adaptation steps (before when none).
  double Final() const { return after.empty() ? before : after.back(); }
};

// What a visit trains on.
enum class VisitKind {
  kTask,     // one task of the device's own distribution (Reptile, TinyMetaFed)
  kMixture,  // the device's data as a whole (FedAvg's joint training)
};

// The network the fleet firmware trains (emu firmware mode 3). Dense:
// inputs -> `hidden_layers` (2 or 0) tanh layers of `hidden` units ->
// outputs. Convolutional (image_size > 0, hidden_layers 0): the inputs are
// an image_size x image_size x 1 image read by `conv_layers` x (conv 3x3
// stride 2 of `channels`, same padding -> layer normalisation with a
// learned scale and shift per channel -> ReLU; without `normalize`: conv ->
// ReLU) -> outputs. SGD with gradient norm clipping (0: none). With MSE a
// record is `inputs` then `outputs` target floats; with softmax
// cross-entropy (`cross_entropy`, outputs = classes) it is `inputs` then the
// class index.
struct FirmwareNetworkTask {
  int inputs = 1, outputs = 1, hidden = 40;
  int local_steps = 8, batch = 10;
  float learning_rate = 0.05f, max_gradient_norm = 10.0f;
  int hidden_layers = 2;
  bool cross_entropy = false;
  int image_size = 0, conv_layers = 0, channels = 0;
  bool normalize = true;
  // The output layer is zeroed after the initialisation is loaded, at every
  // visit (a task's labels are permuted, so a meta-learned head is noise).
  bool zero_head = false;
  // Floats per sample record.
  int record_floats() const { return inputs + (cross_entropy ? 1 : outputs); }
};

class TaskFamily {
 public:
  virtual ~TaskFamily() = default;

  virtual const char* name() const = 0;  // "sine", "tabular", "omniglot"
  // Simulated devices; device d's data differs from the others' (non-IID).
  virtual int devices() const = 0;
  virtual std::size_t parameter_count() const = 0;
  // Trailing parameters that TinyMetaFed keeps on the device (the output
  // layer: partial local reconstruction); 0 keeps none local.
  virtual std::size_t head_parameter_count() const = 0;
  // Optimizer steps one visit takes (for the budget and per-step counts).
  virtual int local_steps() const = 0;

  // The network's random initialisation, drawn from `rng`.
  virtual std::vector<float> Initialize(engine::Pcg32& rng) = 0;
  // The records device `device` trains on in one visit, drawn from `rng`
  // (the server's): local_steps() batches in the order Adapt reads them.
  virtual std::vector<float> VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const = 0;
  // Starts from `init`, trains on `samples` (VisitSamples), returns the
  // adapted parameters; `losses` (may be null) receives each step's mean
  // loss. kInvalidArgument when init has the wrong size or no samples.
  virtual Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                           std::vector<float>* losses) = 0;
  // The meta-test (the same tasks on every call).
  virtual MetaTest Evaluate(std::span<const float> init) = 0;
  // The training state of one device.
  virtual engine::MemoryReport Memory() const = 0;
  // The fleet firmware's network for this family; Unsupported when the
  // family's network is not the firmware's (then it runs on the host only).
  virtual Result<FirmwareNetworkTask> FirmwareTask() const = 0;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_TASK_FAMILY_H_
