#include "tinykg/train/tabular.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "host_device.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/federated.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/platform_host.h"
#include "tinykg/engine/trainer.h"
#include "tinykg/train/federated_server.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::train {
namespace {

using engine::Arena;
using engine::LayerSpec;
using internal::Accuracy;
using internal::CheckClassLabels;
using internal::EngineError;
using internal::HostDevice;
using internal::Standardize;

// The online learner's configuration for `options`; `hidden` keeps the
// layer specs the configuration points to.
engine::OnlineConfig OnlineConfigFor(const TabularOptions& options, std::size_t inputs, std::int32_t classes,
                                     std::vector<LayerSpec>& hidden) {
  hidden.clear();
  for (int h : options.hidden) hidden.push_back(LayerSpec::Dense(h, engine::Activation::kRelu));
  engine::OnlineConfig config;
  config.input_size = inputs;
  config.max_classes = classes;
  config.initial_classes = classes;
  config.hidden = hidden;
  config.optimizer = {options.optimizer, options.learning_rate, options.momentum};
  config.seed = options.seed;
  return config;
}

Result<ClassificationResult> RunOnline(const Dataset& train, const Dataset& eval,
                                       const TabularOptions& options, std::int32_t classes) {
  ClassificationResult result;
  std::vector<std::byte> memory(1 << 20);
  Arena arena(memory);
  std::vector<LayerSpec> hidden;
  const engine::OnlineConfig config = OnlineConfigFor(options, train.feature_count(), classes, hidden);
  std::unique_ptr<LoadedModel> backbone_model;
  std::unique_ptr<engine::GraphBackbone> backbone;
  if (!options.model.empty()) {
    auto loaded = LoadedModel::Load(options.model);
    if (!loaded.ok()) return loaded.status();
    backbone_model = std::move(loaded).value();
    auto cut = backbone_model->FindCut(options.head);
    if (!cut.ok()) return cut.status();
    backbone = std::make_unique<engine::GraphBackbone>(backbone_model->graph(), *cut);
    if (backbone->input_size() != train.feature_count()) {
      return InvalidArgument("the model takes " + std::to_string(backbone->input_size()) + " inputs but the data has " +
                             std::to_string(train.feature_count()) + " features");
    }
  }
  engine::OnlineLearner learner;
  const engine::Status s = learner.Build(config, arena, backbone.get());
  if (s != engine::Status::kOk) return EngineError(s, "building the online learner");
  // The rows reach the learner through the platform's sample source, as a
  // sensor stream would on a device.
  struct Feed {
    const Dataset* data;
    std::size_t next = 0;
    std::size_t total;
  } feed{&train, 0, train.rows * static_cast<std::size_t>(std::max(0, options.epochs))};
  engine::SetHostSampleSource(
      [](void* context, std::span<float> features, std::int32_t* label) {
        auto* f = static_cast<Feed*>(context);
        if (f->next >= f->total) return engine::Status::kEndOfData;
        const std::size_t r = f->next++ % f->data->rows;
        std::span<const float> row = f->data->Row(r);
        std::copy(row.begin(), row.end(), features.begin());
        *label = static_cast<std::int32_t>(f->data->labels[r]);
        return engine::Status::kOk;
      },
      &feed);
  std::vector<float> sample(train.feature_count());
  engine::StreamStats stats;
  const engine::Status ls = engine::LearnFromPlatform(learner, sample, -1, &stats);
  engine::SetHostSampleSource(nullptr, nullptr);
  if (ls != engine::Status::kOk) return EngineError(ls, "learning from the stream");
  result.steps = stats.samples;
  result.prequential_accuracy = stats.Accuracy();
  std::size_t correct = 0;
  for (std::size_t r = 0; r < eval.rows; ++r) {
    std::int32_t label = -1;
    if (learner.Predict(eval.Row(r), &label) == engine::Status::kOk &&
        label == static_cast<std::int32_t>(eval.labels[r])) {
      ++correct;
    }
  }
  result.accuracy = eval.rows == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(eval.rows);
  result.samples = result.steps;
  result.memory = learner.memory();
  return result;
}

// Rows [begin, end) of `data`.
Dataset Slice(const Dataset& data, std::size_t begin, std::size_t end) {
  Dataset out;
  out.feature_names = data.feature_names;
  out.label_name = data.label_name;
  const std::size_t f = data.feature_count();
  out.features.assign(data.features.begin() + static_cast<std::ptrdiff_t>(begin * f),
                      data.features.begin() + static_cast<std::ptrdiff_t>(end * f));
  out.labels.assign(data.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                    data.labels.begin() + static_cast<std::ptrdiff_t>(end));
  out.rows = end - begin;
  return out;
}

// Window w of n over `rows` rows: [rows w / n, rows (w + 1) / n).
std::pair<std::size_t, std::size_t> Window(std::size_t rows, int w, int n) {
  return {rows * static_cast<std::size_t>(w) / static_cast<std::size_t>(n),
          rows * static_cast<std::size_t>(w + 1) / static_cast<std::size_t>(n)};
}

// Inputs then one-hot targets of row r, appended to `out`.
void AppendRecord(const Dataset& data, std::size_t r, std::int32_t classes, std::vector<float>& out) {
  const auto row = data.Row(r);
  out.insert(out.end(), row.begin(), row.end());
  for (std::int32_t c = 0; c < classes; ++c) out.push_back(static_cast<std::int32_t>(data.labels[r]) == c ? 1.0f : 0.0f);
}

}  // namespace

Result<ClassificationResult> RunTabular(const Dataset& train_in, const Dataset& eval_in,
                                        const TabularOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (train_in.rows == 0) return InvalidArgument("no training rows");
  if (train_in.feature_count() != eval_in.feature_count()) {
    return InvalidArgument("training and evaluation data have different feature columns");
  }
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(train_in));
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(eval_in));
  const std::int32_t classes = std::max({train_in.ClassCount(), eval_in.ClassCount(), 2});
  ClassificationResult result;
  if (options.method == Method::kFedAvg || options.method == Method::kReptile ||
      options.method == Method::kTinyMetaFed) {
    // The tabular task family with the federated server of the method.
    TabularFamilyOptions f;
    f.devices = std::max(1, options.devices);
    f.local_steps = std::max(1, options.local_steps);
    f.batch = std::max(1, options.batch);
    f.inner_learning_rate = options.learning_rate;
    f.hidden = options.hidden.empty() ? f.hidden : options.hidden.front();
    f.eval_steps = {f.local_steps};
    TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<TabularFamily> family, TabularFamily::Create(train_in, eval_in, f));
    const std::int64_t total_steps =
        options.steps > 0 ? options.steps
                          : std::max<std::int64_t>(1, static_cast<std::int64_t>(options.epochs) *
                                                          static_cast<std::int64_t>(train_in.rows) / f.batch);
    ServerOptions server;
    server.visits = static_cast<int>(std::max<std::int64_t>(f.devices, total_steps / f.local_steps));
    server.meta_learning_rate = options.meta_learning_rate;
    server.top_p = options.top_p;
    server.local_head = options.local_head;
    server.seed = options.seed;
    TINYKG_ASSIGN_OR_RETURN(FederatedResult r, RunFederated(*family, options.method, server));
    result.accuracy = r.test.Final();
    result.accuracy_before = r.test.before;
    result.steps = r.device_steps;
    result.samples = r.device_steps * f.batch;
    result.memory = r.memory;
    result.server_bytes = r.server_bytes;
    result.traffic = r.traffic;
    result.eval_windows = f.eval_tasks;
  } else if (options.method == Method::kOnline) {
    auto online = RunOnline(train_in, eval_in, options, classes);
    if (!online.ok()) return online.status();
    result = *online;
  } else {
    Dataset train = train_in, eval = eval_in;
    Standardize(train, eval);
    std::vector<LayerSpec> layers;
    for (int h : options.hidden) layers.push_back(LayerSpec::Dense(h, engine::Activation::kRelu));
    layers.push_back(LayerSpec::Dense(classes));
    HostDevice device(1 << 20);
    const engine::OptimizerConfig config{options.optimizer, options.learning_rate, options.momentum};
    const engine::Shape input{static_cast<std::int32_t>(train.feature_count())};
    if (Status s = device.Build(input, layers, config); !s.ok()) return s;
    engine::Pcg32 rng(options.seed);
    device.net.Initialize(rng);
    std::vector<float> meta(device.net.parameters().begin(), device.net.parameters().end());
    const int batch = std::max(1, options.batch);
    const std::int64_t total_steps =
        options.steps > 0 ? options.steps
                          : std::max<std::int64_t>(1, static_cast<std::int64_t>(options.epochs) *
                                                          static_cast<std::int64_t>(train.rows) / batch);
    std::vector<std::size_t> all(train.rows);
    for (std::size_t r = 0; r < train.rows; ++r) all[r] = r;
    if (options.method == Method::kScratch) {
      DatasetStream stream(train, all, options.seed + 1);
      const engine::Status s = engine::TrainSteps(device.net, device.optimizer, stream, engine::LossKind::kCrossEntropy,
                                                  static_cast<int>(total_steps), batch, device.arena);
      if (s != engine::Status::kOk) return EngineError(s, "training");
      result.steps = total_steps;
    }
    result.samples = result.steps * batch;
    result.accuracy = Accuracy(device.net, eval);
    result.memory = device.Memory();
  }
  result.method = options.method;
  result.seed = options.seed;
  result.classes = classes;
  result.eval_rows = eval_in.rows;
  result.seconds = internal::Seconds(start);
  return result;
}

Result<DriftResult> RunDrift(const Dataset& before, const Dataset& later, const DriftOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (before.rows == 0 || later.rows == 0) return InvalidArgument("the drift experiment needs rows in both periods");
  if (before.feature_count() != later.feature_count()) {
    return InvalidArgument("the two periods have different feature columns");
  }
  if (options.windows < 1) return InvalidArgument("the drift experiment needs at least one window");
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(before));
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(later));
  const std::int32_t classes = std::max({before.ClassCount(), later.ClassCount(), 2});
  // Two devices with the same learner; both learn the first period, only
  // one keeps learning in the later one.
  std::vector<std::byte> static_memory(1 << 20), online_memory(1 << 20);
  Arena static_arena(static_memory), online_arena(online_memory);
  std::vector<LayerSpec> hidden;
  const engine::OnlineConfig config = OnlineConfigFor(options.online, before.feature_count(), classes, hidden);
  engine::OnlineLearner fixed, online;
  for (auto [learner, arena] : {std::pair{&fixed, &static_arena}, std::pair{&online, &online_arena}}) {
    const engine::Status s = learner->Build(config, *arena);
    if (s != engine::Status::kOk) return EngineError(s, "building the online learner");
  }
  DriftResult result;
  std::int64_t correct = 0;
  const int epochs = std::max(1, options.online.epochs);
  for (int e = 0; e < epochs; ++e) {
    for (std::size_t r = 0; r < before.rows; ++r) {
      const auto label = static_cast<std::int32_t>(before.labels[r]);
      std::int32_t predicted = -1;
      if (online.Predict(before.Row(r), &predicted) == engine::Status::kOk && predicted == label) ++correct;
      for (engine::OnlineLearner* learner : {&fixed, &online}) {
        const engine::Status s = learner->Learn(before.Row(r), label);
        if (s != engine::Status::kOk) return EngineError(s, "learning the first period");
      }
    }
  }
  result.first_period_prequential = static_cast<double>(correct) / static_cast<double>(before.rows * epochs);
  // The later period: each row predicted by both, then learned by one.
  std::int64_t static_correct = 0, online_correct = 0;
  for (int w = 0; w < options.windows; ++w) {
    DriftWindow window;
    window.begin = later.rows * static_cast<std::size_t>(w) / static_cast<std::size_t>(options.windows);
    window.end = later.rows * static_cast<std::size_t>(w + 1) / static_cast<std::size_t>(options.windows);
    std::int64_t s_ok = 0, o_ok = 0;
    for (std::size_t r = window.begin; r < window.end; ++r) {
      const auto label = static_cast<std::int32_t>(later.labels[r]);
      std::int32_t predicted = -1;
      if (fixed.Predict(later.Row(r), &predicted) == engine::Status::kOk && predicted == label) ++s_ok;
      if (online.Predict(later.Row(r), &predicted) == engine::Status::kOk && predicted == label) ++o_ok;
      const engine::Status s = online.Learn(later.Row(r), label);
      if (s != engine::Status::kOk) return EngineError(s, "learning the later period");
      ++result.updates;
    }
    static_correct += s_ok;
    online_correct += o_ok;
    const auto rows = static_cast<double>(window.end - window.begin);
    window.positives = static_cast<std::size_t>(
        std::count(later.labels.begin() + static_cast<std::ptrdiff_t>(window.begin),
                   later.labels.begin() + static_cast<std::ptrdiff_t>(window.end), 1.0f));
    window.static_accuracy = rows == 0 ? 0.0 : static_cast<double>(s_ok) / rows;
    window.online_accuracy = rows == 0 ? 0.0 : static_cast<double>(o_ok) / rows;
    window.static_cumulative = static_cast<double>(static_correct) / static_cast<double>(window.end);
    window.online_cumulative = static_cast<double>(online_correct) / static_cast<double>(window.end);
    result.windows.push_back(window);
  }
  result.static_accuracy = static_cast<double>(static_correct) / static_cast<double>(later.rows);
  result.online_accuracy = static_cast<double>(online_correct) / static_cast<double>(later.rows);
  result.memory = online.memory();
  result.seconds = internal::Seconds(start);
  return result;
}

struct TabularFamily::State {
  HostDevice device{1 << 20};
  std::int32_t classes = 2;
  std::vector<Dataset> device_windows;
  std::vector<Dataset> support, query;  // per evaluation window
};

TabularFamily::TabularFamily(const TabularFamilyOptions& options, std::unique_ptr<State> state)
    : options_(options), state_(std::move(state)) {}
TabularFamily::~TabularFamily() = default;

Result<std::unique_ptr<TabularFamily>> TabularFamily::Create(const Dataset& train_in, const Dataset& eval_in,
                                                             const TabularFamilyOptions& options) {
  if (options.devices < 1 || options.local_steps < 0 || options.batch < 1 || options.hidden < 1 ||
      options.shots < 1 || options.eval_tasks < 1) {
    return InvalidArgument("devices, batch, hidden width, shots and evaluation tasks must be positive");
  }
  if (train_in.feature_count() == 0 || train_in.feature_count() != eval_in.feature_count()) {
    return InvalidArgument("training and evaluation data need the same, non-empty feature columns");
  }
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(train_in));
  TINYKG_RETURN_IF_ERROR(CheckClassLabels(eval_in));
  auto state = std::make_unique<State>();
  state->classes = std::max({train_in.ClassCount(), eval_in.ClassCount(), 2});
  Dataset train = train_in, eval = eval_in;
  Standardize(train, eval);
  for (int d = 0; d < options.devices; ++d) {
    const auto [begin, end] = Window(train.rows, d, options.devices);
    if (end <= begin) return InvalidArgument("fewer training rows than devices");
    state->device_windows.push_back(Slice(train, begin, end));
  }
  for (int t = 0; t < options.eval_tasks; ++t) {
    const auto [begin, end] = Window(eval.rows, t, options.eval_tasks);
    if (end <= begin + static_cast<std::size_t>(options.shots)) {
      return InvalidArgument("an evaluation window has no rows left after the " + std::to_string(options.shots) +
                             " adaptation rows: fewer --eval-tasks");
    }
    state->support.push_back(Slice(eval, begin, begin + static_cast<std::size_t>(options.shots)));
    state->query.push_back(Slice(eval, begin + static_cast<std::size_t>(options.shots), end));
  }
  const std::array layers{LayerSpec::Dense(options.hidden, engine::Activation::kTanh),
                          LayerSpec::Dense(options.hidden, engine::Activation::kTanh),
                          LayerSpec::Dense(state->classes)};
  const engine::OptimizerConfig sgd{engine::OptimizerKind::kSgd, options.inner_learning_rate};
  TINYKG_RETURN_IF_ERROR(
      state->device.Build(engine::Shape{static_cast<std::int32_t>(train.feature_count())}, layers, sgd));
  return std::unique_ptr<TabularFamily>(new TabularFamily(options, std::move(state)));
}

std::int32_t TabularFamily::inputs() const {
  return static_cast<std::int32_t>(state_->device_windows.front().feature_count());
}
std::int32_t TabularFamily::classes() const { return state_->classes; }
std::size_t TabularFamily::parameter_count() const { return state_->device.net.parameters().size(); }
std::size_t TabularFamily::head_parameter_count() const {
  return static_cast<std::size_t>(options_.hidden + 1) * static_cast<std::size_t>(state_->classes);
}
std::size_t TabularFamily::device_rows(int device) const {
  return state_->device_windows.at(static_cast<std::size_t>(device)).rows;
}
std::size_t TabularFamily::device_positives(int device) const {
  const Dataset& w = state_->device_windows.at(static_cast<std::size_t>(device));
  return static_cast<std::size_t>(std::count(w.labels.begin(), w.labels.end(), 1.0f));
}

std::vector<float> TabularFamily::Initialize(engine::Pcg32& rng) {
  state_->device.net.Initialize(rng);
  return state_->device.Parameters();
}

std::vector<float> TabularFamily::VisitSamples(int device, VisitKind, engine::Pcg32& server_rng) const {
  const Dataset& window = state_->device_windows.at(static_cast<std::size_t>(device));
  engine::Pcg32 rng(server_rng.NextU32());
  std::vector<float> out;
  const std::size_t count = static_cast<std::size_t>(options_.local_steps) * static_cast<std::size_t>(options_.batch);
  out.reserve(count * (window.feature_count() + static_cast<std::size_t>(state_->classes)));
  for (std::size_t i = 0; i < count; ++i) {
    AppendRecord(window, rng.Below(static_cast<std::uint32_t>(window.rows)), state_->classes, out);
  }
  return out;
}

Result<std::vector<float>> TabularFamily::Adapt(std::span<const float> init, std::span<const float> samples,
                                                std::vector<float>* losses) {
  HostDevice& device = state_->device;
  if (init.size() != parameter_count()) return InvalidArgument("initialisation size mismatch");
  const auto f = static_cast<std::size_t>(inputs());
  const auto c = static_cast<std::size_t>(classes());
  std::vector<float> xs, ys;
  for (std::size_t i = 0; i + f + c <= samples.size(); i += f + c) {
    xs.insert(xs.end(), samples.begin() + static_cast<std::ptrdiff_t>(i),
              samples.begin() + static_cast<std::ptrdiff_t>(i + f));
    ys.insert(ys.end(), samples.begin() + static_cast<std::ptrdiff_t>(i + f),
              samples.begin() + static_cast<std::ptrdiff_t>(i + f + c));
  }
  if (xs.empty()) return InvalidArgument("a visit needs samples");
  device.Load(init);
  FixedStream stream(std::move(xs), std::move(ys), f, c);
  return internal::TrainLocally(device, stream, options_.local_steps, options_.batch, engine::LossKind::kMse,
                                options_.max_gradient_norm, losses);
}

MetaTest TabularFamily::Evaluate(std::span<const float> init) {
  HostDevice& device = state_->device;
  const int max_steps =
      options_.eval_steps.empty() ? 0 : *std::max_element(options_.eval_steps.begin(), options_.eval_steps.end());
  MetaTest result;
  result.metric = "accuracy";
  result.steps = options_.eval_steps;
  result.after.assign(options_.eval_steps.size(), 0.0);
  const auto f = static_cast<std::size_t>(inputs());
  const auto c = static_cast<std::size_t>(classes());
  for (std::size_t t = 0; t < state_->support.size(); ++t) {
    const Dataset& support = state_->support[t];
    std::vector<float> ys(support.rows * c, 0.0f);
    for (std::size_t r = 0; r < support.rows; ++r) ys[r * c + static_cast<std::size_t>(support.labels[r])] = 1.0f;
    FixedStream stream(support.features, std::move(ys), f, c);
    device.Load(init);
    result.before += Accuracy(device.net, state_->query[t]);
    for (int s = 1; s <= max_steps; ++s) {
      (void)engine::TrainSteps(device.net, device.optimizer, stream, engine::LossKind::kMse, 1,
                               static_cast<int>(support.rows), device.arena, nullptr, options_.max_gradient_norm);
      for (std::size_t i = 0; i < options_.eval_steps.size(); ++i) {
        if (options_.eval_steps[i] == s) result.after[i] += Accuracy(device.net, state_->query[t]);
      }
    }
  }
  const auto tasks = static_cast<double>(state_->support.size());
  result.before /= tasks;
  for (double& a : result.after) a /= tasks;
  return result;
}

engine::MemoryReport TabularFamily::Memory() const { return state_->device.Memory(); }

Result<FirmwareNetworkTask> TabularFamily::FirmwareTask() const {
  return FirmwareNetworkTask{inputs(), classes(), options_.hidden, options_.local_steps, options_.batch,
                           options_.inner_learning_rate, options_.max_gradient_norm};
}

}  // namespace tinykg::train
