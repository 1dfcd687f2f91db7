// Training experiments on the host: online learning on tabular data, and
// federated meta-learning (TinyReptile) against training from scratch and
// FedAvg on the sine-wave family. Each run is deterministic for its seed and
// reports the exact memory of the engine's training state.
#ifndef TINYKG_TRAIN_EXPERIMENTS_H_
#define TINYKG_TRAIN_EXPERIMENTS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/random.h"
#include "tinykg/train/dataset.h"

namespace tinykg::train {

enum class Method { kOnline, kScratch, kFedAvg, kReptile };
// "online", "scratch", "fedavg", "reptile".
const char* MethodName(Method method);
// Parses a MethodName; kInvalidArgument otherwise.
Result<Method> ParseMethod(const std::string& name);

// Options shared by the tabular runs.
struct TabularOptions {
  Method method = Method::kOnline;
  int epochs = 1;              // passes over the training rows (online, scratch)
  int steps = 0;               // optimizer steps; 0 = derived from epochs
  int batch = 16;              // mini-batch size (not online)
  int devices = 4;             // fedavg / reptile: training rows split in contiguous shards
  int local_steps = 8;         // fedavg / reptile: steps per device visit
  float learning_rate = 0.05f;
  float meta_learning_rate = 0.5f;  // reptile epsilon (annealed to 0)
  engine::OptimizerKind optimizer = engine::OptimizerKind::kSgd;
  float momentum = 0.0f;
  std::vector<int> hidden;     // hidden dense layer widths (ReLU); empty = linear head
  std::uint64_t seed = 1;
  // Online only: a frozen .tflite backbone the rows are fed into (its input
  // size must equal the feature count), cut after the operator `head`
  // (LoadedModel::FindCut: index, output tensor name, or "" for the
  // operator before the classifier).
  std::string model;
  std::string head;
};

struct ClassificationResult {
  Method method = Method::kOnline;
  double accuracy = 0.0;         // on the evaluation rows
  double prequential_accuracy = -1.0;  // online: test-then-train on the training stream
  std::int64_t steps = 0;        // optimizer steps taken (summed over devices)
  std::int64_t samples = 0;      // training samples processed
  std::uint64_t seed = 0;
  std::int32_t classes = 0;
  std::size_t eval_rows = 0;
  engine::MemoryReport memory;   // one device's training state
  std::size_t server_bytes = 0;  // fedavg / reptile server state
  double seconds = 0.0;
};

// Trains on `train` by `options.method` and evaluates on `eval` (same
// feature columns). Online: one OnlineLearner updated sample by sample in
// file order, with its own running normalisation. Other methods standardise
// with the training set's statistics and train a Network with mini-batches.
Result<ClassificationResult> RunTabular(const Dataset& train, const Dataset& eval,
                                        const TabularOptions& options);

// The sine-wave few-shot regression benchmark (Nichol et al., 2018):
// meta-train an initialisation over simulated devices, then adapt to new
// tasks from K points and measure MSE on a dense grid.
struct SineOptions {
  Method method = Method::kReptile;  // reptile, fedavg or scratch
  int devices = 5;          // device d draws phases from its own slice of [0, pi]
  int rounds = 3000;        // reptile: device visits; fedavg: rounds * devices visits in total
  int local_steps = 8;      // k: local SGD steps per visit
  int batch = 10;
  float inner_learning_rate = 0.05f;  // 0.08 diverges on amplitude-5 tasks
  float meta_learning_rate = 1.0f;  // reptile epsilon, annealed linearly to 0
  float max_gradient_norm = 10.0f;  // every SGD step (all methods); 0 = off
  int round_size = 1;       // reptile: 1 = one device at a time; n = update from the mean of n visits
  int hidden = 40;          // two tanh layers of this width
  int shots = 10;           // K support points at evaluation
  int eval_tasks = 100;
  std::vector<int> eval_steps{1, 8, 32};
  std::uint64_t seed = 1;
};

struct SineResult {
  Method method = Method::kReptile;
  std::vector<int> steps;       // evaluation adaptation steps
  std::vector<double> mse;      // mean query MSE after steps[i]
  double mse_before = 0.0;      // before any adaptation
  std::int64_t device_steps = 0;  // meta-training budget spent (SGD steps over all devices)
  std::uint64_t seed = 0;
  engine::MemoryReport memory;  // one device's training state
  std::size_t server_bytes = 0;
  double seconds = 0.0;
};

Result<SineResult> RunSine(const SineOptions& options);

// Sine Reptile in pieces, so one server loop runs against in-process
// devices (RunSine) and against emulated microcontrollers (emu/fleet.h).

// One device visit: which device, its task, and the seed of the stream its
// samples are drawn from.
struct SineVisit {
  int device = 0;
  SineTask task;
  std::uint64_t stream_seed = 0;
};

// The x, y pairs a visit trains on, in the order TrainSteps reads them:
// local_steps * batch pairs, x then y.
std::vector<float> SineVisitSamples(const SineOptions& options, const SineVisit& visit);

// The meta-test of an initialisation: `options.eval_tasks` new tasks of the
// whole family (the same tasks for every call with the same seed), each
// adapted from the initialisation with full-batch SGD on `shots` points.
struct SineEvaluation {
  double mse_before = 0.0;   // query MSE of the initialisation itself
  std::vector<int> steps;    // options.eval_steps
  std::vector<double> mse;   // mean query MSE after steps[i] adaptation steps
};

// One simulated device on the host: the sine network (1 -> hidden tanh ->
// hidden tanh -> 1), plain SGD and its own 1 MiB arena. Not copyable.
class SineHostDevice {
 public:
  static Result<std::unique_ptr<SineHostDevice>> Create(const SineOptions& options);
  ~SineHostDevice();
  SineHostDevice(const SineHostDevice&) = delete;
  SineHostDevice& operator=(const SineHostDevice&) = delete;

  std::size_t parameter_count() const;
  // The network's random initialisation drawn from `rng`.
  std::vector<float> Initialize(engine::Pcg32& rng);
  // Starts from `init`, runs local_steps SGD steps of `batch` pairs from
  // `samples` (SineVisitSamples), returns the adapted parameters. `losses`
  // (may be null) receives the mean loss of each step.
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses = nullptr);
  SineEvaluation Evaluate(std::span<const float> init);
  engine::MemoryReport Memory() const;

 private:
  struct State;
  SineHostDevice(const SineOptions& options, std::unique_ptr<State> state);
  SineOptions options_;
  std::unique_ptr<State> state_;
};

// Device d of `devices` draws phases from [d pi/devices, (d+1) pi/devices].
std::vector<SineTaskDistribution> SineDeviceDistributions(int devices);

// The TinyReptile server: the meta-initialisation (`device`'s random
// initialisation from Pcg32(options.seed)), the devices' task distributions
// (SineDeviceDistributions) and the update
// phi += eps * (mean of the round's adapted parameters - phi), eps =
// meta_learning_rate annealed linearly to 0 over options.rounds visits.
// Visits go round-robin over the devices, options.round_size per round.
class SineReptileServer {
 public:
  SineReptileServer(const SineOptions& options, SineHostDevice& device);
  std::span<const float> meta() const { return meta_; }
  bool done() const { return visits_ >= options_.rounds; }
  int visits() const { return visits_; }
  // The next round's visits (round_size, fewer at the end; empty when done).
  std::vector<SineVisit> NextRound();
  // Applies the round's adapted parameters (one vector per visit of the
  // last NextRound, in order). kInvalidArgument on a count or size mismatch.
  Status Update(const std::vector<std::vector<float>>& adapted);
  std::size_t state_bytes() const { return meta_.size() * sizeof(float) * (options_.round_size > 1 ? 2 : 1); }

 private:
  SineOptions options_;
  std::vector<float> meta_;
  std::vector<SineTaskDistribution> distributions_;
  engine::Pcg32 rng_;
  int visits_ = 0;
  std::size_t pending_ = 0;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_EXPERIMENTS_H_
