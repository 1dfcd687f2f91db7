// Training experiments on the host: online learning on tabular data, and
// federated meta-learning (TinyReptile) against training from scratch and
// FedAvg on the sine-wave family. Each run is deterministic for its seed and
// reports the exact memory of the engine's training state.
#ifndef TINYKG_TRAIN_EXPERIMENTS_H_
#define TINYKG_TRAIN_EXPERIMENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/optimizer.h"
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

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_EXPERIMENTS_H_
