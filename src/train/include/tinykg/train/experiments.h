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

// The server's Reptile step shared by the task families: moves `meta`
// towards the mean of `adapted` (one vector per visit of the round),
// meta += eps * (mean - meta). kInvalidArgument when `adapted` is empty or a
// vector's size differs from meta's.
Status ReptileMeanStep(std::vector<float>& meta, const std::vector<std::vector<float>>& adapted, float eps);

// TinyReptile on a tabular classification dataset (tinykg fleet train
// --data FILE): a real-data task family next to the sine one.
//  - Devices: the training rows, in file order (a time series for UCI
//    occupancy), are split into `devices` contiguous windows; device d sees
//    only window d (its own days, its own label balance). A visit trains on
//    local_steps * batch rows drawn at random from the device's window.
//  - Network: the fleet firmware's (emu firmware/fleet_device.cc):
//    features -> hidden tanh -> hidden tanh -> classes, SGD, MSE on one-hot
//    targets with gradient-norm clipping; the class is the arg-max.
//  - Meta-test: the evaluation rows (held out, other days) split into
//    eval_tasks contiguous windows; per window the first `shots` rows adapt
//    a copy of the initialisation with full-batch SGD, and accuracy is
//    measured on the window's other rows before and after eval_steps steps.
// Features are standardised with the training rows' statistics (as
// RunTabular does). The server is the Reptile server of the sine family:
// meta_learning_rate annealed linearly to 0 over `rounds` visits,
// round_size visits per update (1: sequential TinyReptile).
struct TabularReptileOptions {
  int devices = 4;
  int rounds = 12;     // device visits in all
  int round_size = 1;  // visits per server update
  int local_steps = 8;
  int batch = 10;
  float inner_learning_rate = 0.05f;
  float meta_learning_rate = 1.0f;
  float max_gradient_norm = 10.0f;
  int hidden = 16;
  int shots = 10;
  int eval_tasks = 10;
  std::vector<int> eval_steps{1, 8, 32};
  std::uint64_t seed = 1;
};

struct TabularEvaluation {
  double accuracy_before = 0.0;   // of the initialisation itself, mean over windows
  std::vector<int> steps;         // options.eval_steps
  std::vector<double> accuracy;   // mean accuracy after steps[i] adaptation steps
};

struct TabularVisit {
  int device = 0;
  std::uint64_t stream_seed = 0;
};

// Server, task family and one host device in one object. Not copyable.
class TabularReptile {
 public:
  // Checks the labels (class indices), the feature columns (the same in
  // both), that every device window and every evaluation window has rows
  // left after `shots`; kInvalidArgument otherwise.
  static Result<std::unique_ptr<TabularReptile>> Create(const Dataset& train, const Dataset& eval,
                                                        const TabularReptileOptions& options);
  ~TabularReptile();
  TabularReptile(const TabularReptile&) = delete;
  TabularReptile& operator=(const TabularReptile&) = delete;

  std::int32_t inputs() const;
  std::int32_t classes() const;
  std::size_t parameter_count() const;
  // Rows of device d's window and how many of them are of class 1 (the
  // label balance the device sees).
  std::size_t device_rows(int device) const;
  std::size_t device_positives(int device) const;

  std::span<const float> meta() const { return meta_; }
  bool done() const { return visits_ >= options_.rounds; }
  std::vector<TabularVisit> NextRound();
  // One adapted vector per visit of the last NextRound, in order.
  Status Update(const std::vector<std::vector<float>>& adapted);

  // The records a visit trains on, in the order TrainSteps reads them:
  // local_steps * batch records of inputs() features then classes() one-hot
  // targets.
  std::vector<float> VisitSamples(const TabularVisit& visit) const;
  // Starts from `init`, runs local_steps steps over `samples`, returns the
  // adapted parameters; `losses` (may be null) gets each step's mean loss.
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses = nullptr);
  TabularEvaluation Evaluate(std::span<const float> init);

 private:
  struct State;
  TabularReptile(const TabularReptileOptions& options, std::unique_ptr<State> state);
  TabularReptileOptions options_;
  std::unique_ptr<State> state_;
  std::vector<float> meta_;
  engine::Pcg32 rng_;
  int visits_ = 0;
  std::size_t pending_ = 0;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_EXPERIMENTS_H_
