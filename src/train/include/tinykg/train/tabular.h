// Tabular data (CSV rows with a class label, e.g. UCI occupancy): online
// learning on one device, training from scratch and the federated baselines
// (RunTabular), and the tabular task family for federated meta-learning
// (TabularFamily: the rows split in time windows over the devices).
#ifndef TINYKG_TRAIN_TABULAR_H_
#define TINYKG_TRAIN_TABULAR_H_

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
#include "tinykg/train/federated_server.h"
#include "tinykg/train/method.h"
#include "tinykg/train/task_family.h"

namespace tinykg::train {

// Options shared by the tabular runs.
struct TabularOptions {
  Method method = Method::kOnline;
  int epochs = 1;              // passes over the training rows (online, scratch)
  int steps = 0;               // optimizer steps; 0 = derived from epochs
  int batch = 16;              // mini-batch size (not online)
  int devices = 4;             // federated: training rows split in contiguous windows
  int local_steps = 8;         // federated: steps per device visit
  float learning_rate = 0.05f;
  float meta_learning_rate = 0.5f;  // reptile / tinymetafed epsilon (annealed to 0)
  double top_p = 1.0;          // tinymetafed: fraction sent each way
  bool local_head = true;      // tinymetafed: output layer kept on the device
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
  // On the evaluation rows; fedavg / reptile / tinymetafed: the meta-test of
  // TabularFamily (windows of the evaluation rows, adapted on their first
  // 10 rows for local_steps steps, scored on the rest).
  double accuracy = 0.0;
  double accuracy_before = -1.0;  // federated: the meta-test before adaptation
  int eval_windows = 0;           // federated: evaluation windows
  Traffic traffic;                // federated: bytes between server and devices
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
// file order, with its own running normalisation. Scratch standardises with
// the training set's statistics and trains a Network with mini-batches.
// FedAvg, Reptile and TinyMetaFed run their server (federated_server.h) over
// the TabularFamily of the data (`devices` time windows; the family's tanh
// network of width hidden[0], 16 when empty; MSE on one-hot targets).
Result<ClassificationResult> RunTabular(const Dataset& train, const Dataset& eval,
                                        const TabularOptions& options);

// The drift experiment the online learner exists for: a device learns one
// period (`before`, e.g. datatraining.txt) online, then meets a later period
// (`later`, e.g. datatest.txt, other days). The static device keeps the
// model it had; the online device goes on learning test-then-train (each
// row predicted before its label is learned, i.e. the label arrives after
// the prediction). Both are scored on every later row before any update
// from it (prequential accuracy), per window of the later stream and
// cumulatively. The two devices are the same OnlineLearner built from
// `online` (method online; its lr, optimizer, hidden, seed, epochs over the
// first period), the first period learned identically.
struct DriftOptions {
  TabularOptions online;
  int windows = 10;  // windows of the later stream reported
};

struct DriftWindow {
  std::size_t begin = 0, end = 0;     // rows of the later period
  std::size_t positives = 0;          // rows of class 1
  double static_accuracy = 0.0;       // the static model on the window
  double online_accuracy = 0.0;       // the online-updated model, each row before learning it
  double static_cumulative = 0.0;     // from the start of the later period to the window's end
  double online_cumulative = 0.0;
};

struct DriftResult {
  double first_period_prequential = 0.0;  // test-then-train over the first period
  double static_accuracy = 0.0;           // over the later period
  double online_accuracy = 0.0;           // prequential over the later period
  std::int64_t updates = 0;               // online updates in the later period
  std::vector<DriftWindow> windows;
  engine::MemoryReport memory;            // one device
  double seconds = 0.0;
};

// kInvalidArgument for different feature columns, labels that are not
// class indices, no rows, or windows < 1.
Result<DriftResult> RunDrift(const Dataset& before, const Dataset& later, const DriftOptions& options);

// The tabular task family (tinykg fleet train --data FILE):
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
// RunTabular does).
struct TabularFamilyOptions {
  int devices = 4;
  int local_steps = 8;
  int batch = 10;
  float inner_learning_rate = 0.05f;
  float max_gradient_norm = 10.0f;
  int hidden = 16;
  int shots = 10;
  int eval_tasks = 10;
  std::vector<int> eval_steps{1, 8, 32};
};

class TabularFamily final : public TaskFamily {
 public:
  // Checks the labels (class indices), the feature columns (the same in
  // both), that every device window and every evaluation window has rows
  // left after `shots`; kInvalidArgument otherwise.
  static Result<std::unique_ptr<TabularFamily>> Create(const Dataset& train, const Dataset& eval,
                                                       const TabularFamilyOptions& options);
  ~TabularFamily() override;

  std::int32_t inputs() const;
  std::int32_t classes() const;
  // Rows of device d's window and how many of them are of class 1 (the
  // label balance the device sees).
  std::size_t device_rows(int device) const;
  std::size_t device_positives(int device) const;

  const char* name() const override { return "tabular"; }
  int devices() const override { return options_.devices; }
  std::size_t parameter_count() const override;
  std::size_t head_parameter_count() const override;
  int local_steps() const override { return options_.local_steps; }
  std::vector<float> Initialize(engine::Pcg32& rng) override;
  // local_steps * batch records of inputs() features then classes() one-hot
  // targets, rows drawn from the device's window (kTask and kMixture alike:
  // a window is one task).
  std::vector<float> VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const override;
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses) override;
  MetaTest Evaluate(std::span<const float> init) override;
  engine::MemoryReport Memory() const override;
  Result<FirmwareNetworkTask> FirmwareTask() const override;

 private:
  struct State;
  TabularFamily(const TabularFamilyOptions& options, std::unique_ptr<State> state);
  TabularFamilyOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_TABULAR_H_
