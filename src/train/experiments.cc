#include "tinykg/train/experiments.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <cmath>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/federated.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/platform_host.h"
#include "tinykg/engine/trainer.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::train {
namespace {

using engine::Arena;
using engine::LayerSpec;
using engine::Network;
using engine::Optimizer;

Status EngineError(engine::Status s, const std::string& what) {
  if (s == engine::Status::kOutOfMemory) return Internal(what + ": engine arena too small");
  return Internal(what + ": " + engine::StatusName(s));
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One simulated device: its own arena, network and optimizer.
struct Device {
  std::vector<std::byte> memory;
  Arena arena;
  Network net;
  Optimizer optimizer;

  explicit Device(std::size_t bytes) : memory(bytes), arena(memory) {}
  Status Build(engine::Shape input, std::span<const LayerSpec> layers,
               const engine::OptimizerConfig& config) {
    engine::Status s = net.Build(input, layers, arena);
    if (s == engine::Status::kOk) s = optimizer.Init(config, net.parameters().size(), arena);
    return s == engine::Status::kOk ? Status() : EngineError(s, "building the network");
  }
  void Load(const std::vector<float>& params) {
    std::copy(params.begin(), params.end(), net.parameters().begin());
    optimizer.Reset();
  }
  engine::MemoryReport Memory() const {
    engine::MemoryReport m = net.memory();
    m.optimizer_state = optimizer.state_bytes();
    return m;
  }
};

// Standardises features with the training rows' mean and deviation.
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

double Accuracy(Network& net, const Dataset& eval) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < eval.rows; ++r) {
    if (engine::ArgMax(net.Forward(eval.Row(r))) == static_cast<std::int32_t>(eval.labels[r])) ++correct;
  }
  return eval.rows == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(eval.rows);
}

Result<ClassificationResult> RunOnline(const Dataset& train, const Dataset& eval,
                                       const TabularOptions& options, std::int32_t classes) {
  ClassificationResult result;
  std::vector<std::byte> memory(1 << 20);
  Arena arena(memory);
  std::vector<LayerSpec> hidden;
  for (int h : options.hidden) hidden.push_back(LayerSpec::Dense(h, engine::Activation::kRelu));
  engine::OnlineConfig config;
  config.input_size = train.feature_count();
  config.max_classes = classes;
  config.initial_classes = classes;
  config.hidden = hidden;
  config.optimizer = {options.optimizer, options.learning_rate, options.momentum};
  config.seed = options.seed;
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

// A Reptile visit's local training: `steps` MSE steps of `batch` samples
// from `stream`, each loss appended to `losses` when given; the adapted
// parameters.
Result<std::vector<float>> TrainLocally(Device& device, FixedStream& stream, int steps, int batch,
                                        float max_gradient_norm, std::vector<float>* losses) {
  for (int step = 0; step < steps; ++step) {
    float loss = 0.0f;
    const engine::Status s = engine::TrainSteps(device.net, device.optimizer, stream, engine::LossKind::kMse, 1,
                                                batch, device.arena, &loss, max_gradient_norm);
    if (s != engine::Status::kOk) return EngineError(s, "local training");
    if (losses != nullptr) losses->push_back(loss);
  }
  return std::vector<float>(device.net.parameters().begin(), device.net.parameters().end());
}

}  // namespace

const char* MethodName(Method method) {
  switch (method) {
    case Method::kOnline: return "online";
    case Method::kScratch: return "scratch";
    case Method::kFedAvg: return "fedavg";
    case Method::kReptile: return "reptile";
  }
  return "?";
}

Result<Method> ParseMethod(const std::string& name) {
  for (Method m : {Method::kOnline, Method::kScratch, Method::kFedAvg, Method::kReptile}) {
    if (name == MethodName(m)) return m;
  }
  return InvalidArgument("unknown method '" + name + "' (online, scratch, fedavg, reptile)");
}

Result<ClassificationResult> RunTabular(const Dataset& train_in, const Dataset& eval_in,
                                        const TabularOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (train_in.rows == 0) return InvalidArgument("no training rows");
  if (train_in.feature_count() != eval_in.feature_count()) {
    return InvalidArgument("training and evaluation data have different feature columns");
  }
  for (const Dataset* d : {&train_in, &eval_in}) {
    for (float l : d->labels) {
      if (l < 0 || l != std::floor(l)) {
        return InvalidArgument("label '" + d->label_name + "' must hold class indices 0, 1, ...");
      }
    }
  }
  const std::int32_t classes = std::max({train_in.ClassCount(), eval_in.ClassCount(), 2});
  ClassificationResult result;
  if (options.method == Method::kOnline) {
    auto online = RunOnline(train_in, eval_in, options, classes);
    if (!online.ok()) return online.status();
    result = *online;
  } else {
    Dataset train = train_in, eval = eval_in;
    Standardize(train, eval);
    std::vector<LayerSpec> layers;
    for (int h : options.hidden) layers.push_back(LayerSpec::Dense(h, engine::Activation::kRelu));
    layers.push_back(LayerSpec::Dense(classes));
    Device device(1 << 20);
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
    } else {
      const int devices = std::max(1, options.devices);
      const int local = std::max(1, options.local_steps);
      std::vector<DatasetStream> shards;
      shards.reserve(static_cast<std::size_t>(devices));
      std::vector<float> weights;
      for (int d = 0; d < devices; ++d) {
        std::vector<std::size_t> rows;
        for (std::size_t r = train.rows * static_cast<std::size_t>(d) / static_cast<std::size_t>(devices);
             r < train.rows * static_cast<std::size_t>(d + 1) / static_cast<std::size_t>(devices); ++r) {
          rows.push_back(r);
        }
        weights.push_back(static_cast<float>(rows.size()));
        shards.emplace_back(train, std::move(rows), options.seed + 10 + static_cast<std::uint64_t>(d));
      }
      engine::ParameterAverager averager;
      std::vector<std::byte> server_memory(meta.size() * sizeof(float) + 64);
      Arena server_arena(server_memory);
      if (options.method == Method::kFedAvg &&
          averager.Init(meta.size(), server_arena) != engine::Status::kOk) {
        return Internal("server arena too small");
      }
      const std::int64_t visits = std::max<std::int64_t>(devices, total_steps / local);
      const std::int64_t rounds = std::max<std::int64_t>(1, visits / devices);
      const std::int64_t done_visits = options.method == Method::kFedAvg ? rounds * devices : visits;
      for (std::int64_t v = 0; v < done_visits; ++v) {
        const auto d = static_cast<std::size_t>(v % devices);
        device.Load(meta);
        const engine::Status s = engine::TrainSteps(device.net, device.optimizer, shards[d],
                                                    engine::LossKind::kCrossEntropy, local, batch, device.arena);
        if (s != engine::Status::kOk) return EngineError(s, "local training");
        if (options.method == Method::kFedAvg) {
          if (d == 0) averager.Reset();
          averager.Add(device.net.parameters(), weights[d]);
          if (d + 1 == static_cast<std::size_t>(devices)) (void)averager.Mean(meta);
        } else {
          const float eps = options.meta_learning_rate *
                            (1.0f - static_cast<float>(v) / static_cast<float>(done_visits));
          engine::ReptileUpdate(meta, device.net.parameters(), eps);
        }
      }
      result.steps = done_visits * local;
      result.server_bytes = meta.size() * sizeof(float) + averager.state_bytes();
      device.Load(meta);
      if (options.method == Method::kReptile) {
        // A new device adapts the meta-initialisation with k local steps.
        DatasetStream stream(train, all, options.seed + 2);
        const engine::Status s = engine::TrainSteps(device.net, device.optimizer, stream,
                                                    engine::LossKind::kCrossEntropy, local, batch, device.arena);
        if (s != engine::Status::kOk) return EngineError(s, "adaptation");
        result.steps += local;
      }
    }
    result.samples = result.steps * batch;
    result.accuracy = Accuracy(device.net, eval);
    result.memory = device.Memory();
  }
  result.method = options.method;
  result.seed = options.seed;
  result.classes = classes;
  result.eval_rows = eval_in.rows;
  result.seconds = Seconds(start);
  return result;
}

std::vector<SineTaskDistribution> SineDeviceDistributions(int devices) {
  std::vector<SineTaskDistribution> distributions(static_cast<std::size_t>(std::max(0, devices)));
  for (int d = 0; d < devices; ++d) {
    SineTaskDistribution& dist = distributions[static_cast<std::size_t>(d)];
    const float width = 3.14159265f / static_cast<float>(devices);
    dist.phase_min = width * static_cast<float>(d);
    dist.phase_max = width * static_cast<float>(d + 1);
  }
  return distributions;
}

std::vector<float> SineVisitSamples(const SineOptions& options, const SineVisit& visit) {
  const std::vector<SineTaskDistribution> distributions = SineDeviceDistributions(options.devices);
  const SineTaskDistribution dist =
      visit.device >= 0 && visit.device < options.devices ? distributions[static_cast<std::size_t>(visit.device)]
                                                          : SineTaskDistribution{};
  SineStream stream(dist, visit.task, visit.stream_seed);
  const std::size_t pairs = static_cast<std::size_t>(std::max(0, options.local_steps)) *
                            static_cast<std::size_t>(std::max(0, options.batch));
  std::vector<float> samples(2 * pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    (void)stream.Next(std::span<float>(&samples[2 * i], 1), std::span<float>(&samples[2 * i + 1], 1));
  }
  return samples;
}

struct SineHostDevice::State {
  Device device{1 << 20};
};

SineHostDevice::SineHostDevice(const SineOptions& options, std::unique_ptr<State> state)
    : options_(options), state_(std::move(state)) {}
SineHostDevice::~SineHostDevice() = default;

Result<std::unique_ptr<SineHostDevice>> SineHostDevice::Create(const SineOptions& options) {
  if (options.hidden < 1) return InvalidArgument("the sine network needs a hidden width of at least 1");
  auto state = std::make_unique<State>();
  const std::array layers{LayerSpec::Dense(options.hidden, engine::Activation::kTanh),
                          LayerSpec::Dense(options.hidden, engine::Activation::kTanh), LayerSpec::Dense(1)};
  const engine::OptimizerConfig sgd{engine::OptimizerKind::kSgd, options.inner_learning_rate};
  if (Status s = state->device.Build(engine::Shape{1}, layers, sgd); !s.ok()) return s;
  return std::unique_ptr<SineHostDevice>(new SineHostDevice(options, std::move(state)));
}

std::size_t SineHostDevice::parameter_count() const { return state_->device.net.parameters().size(); }

std::vector<float> SineHostDevice::Initialize(engine::Pcg32& rng) {
  state_->device.net.Initialize(rng);
  return {state_->device.net.parameters().begin(), state_->device.net.parameters().end()};
}

engine::MemoryReport SineHostDevice::Memory() const { return state_->device.Memory(); }

Result<std::vector<float>> SineHostDevice::Adapt(std::span<const float> init, std::span<const float> samples,
                                                 std::vector<float>* losses) {
  Device& device = state_->device;
  if (init.size() != device.net.parameters().size()) return InvalidArgument("initialisation size mismatch");
  std::copy(init.begin(), init.end(), device.net.parameters().begin());
  device.optimizer.Reset();
  std::vector<float> xs(samples.size() / 2), ys(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    xs[i] = samples[2 * i];
    ys[i] = samples[2 * i + 1];
  }
  FixedStream stream(std::move(xs), std::move(ys), 1, 1);
  return TrainLocally(device, stream, options_.local_steps, options_.batch, options_.max_gradient_norm, losses);
}

SineEvaluation SineHostDevice::Evaluate(std::span<const float> init) {
  Device& device = state_->device;
  const SineTaskDistribution family;
  engine::Pcg32 eval_rng(options_.seed ^ 0x5eed5eedULL);
  const int max_steps =
      options_.eval_steps.empty() ? 0 : *std::max_element(options_.eval_steps.begin(), options_.eval_steps.end());
  SineEvaluation result;
  result.steps = options_.eval_steps;
  result.mse.assign(options_.eval_steps.size(), 0.0);
  constexpr int kQueryPoints = 50;
  auto query_mse = [&](const SineTask& task) {
    double sum = 0;
    for (int q = 0; q < kQueryPoints; ++q) {
      const float x = -5.0f + 10.0f * static_cast<float>(q) / static_cast<float>(kQueryPoints - 1);
      const float e = device.net.Forward(std::span<const float>(&x, 1))[0] - task.Value(x);
      sum += static_cast<double>(e) * e;
    }
    return sum / kQueryPoints;
  };
  for (int t = 0; t < options_.eval_tasks; ++t) {
    const SineTask task = family.Sample(eval_rng);
    std::vector<float> xs(static_cast<std::size_t>(options_.shots)), ys(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      xs[i] = eval_rng.Uniform(family.x_min, family.x_max);
      ys[i] = task.Value(xs[i]);
    }
    FixedStream support(xs, ys, 1, 1);
    std::copy(init.begin(), init.end(), device.net.parameters().begin());
    device.optimizer.Reset();
    result.mse_before += query_mse(task);
    for (int s = 1; s <= max_steps; ++s) {
      (void)engine::TrainSteps(device.net, device.optimizer, support, engine::LossKind::kMse, 1, options_.shots,
                               device.arena, nullptr, options_.max_gradient_norm);
      for (std::size_t i = 0; i < options_.eval_steps.size(); ++i) {
        if (options_.eval_steps[i] == s) result.mse[i] += query_mse(task);
      }
    }
  }
  if (options_.eval_tasks > 0) {
    result.mse_before /= options_.eval_tasks;
    for (double& m : result.mse) m /= options_.eval_tasks;
  }
  return result;
}

SineReptileServer::SineReptileServer(const SineOptions& options, SineHostDevice& device)
    : options_(options), distributions_(SineDeviceDistributions(options.devices)), rng_(options.seed) {
  meta_ = device.Initialize(rng_);
}

std::vector<SineVisit> SineReptileServer::NextRound() {
  std::vector<SineVisit> visits;
  const int size = std::max(1, options_.round_size);
  while (static_cast<int>(visits.size()) < size && visits_ < options_.rounds && options_.devices > 0) {
    SineVisit v;
    v.device = visits_ % options_.devices;
    // The seed before the task: the order RunSine has drawn them in since
    // its first published figures.
    v.stream_seed = rng_.NextU32();
    v.task = distributions_[static_cast<std::size_t>(v.device)].Sample(rng_);
    visits.push_back(v);
    ++visits_;
  }
  pending_ = visits.size();
  return visits;
}

Status SineReptileServer::Update(const std::vector<std::vector<float>>& adapted) {
  if (adapted.size() != pending_) return InvalidArgument("one adapted vector per visit expected");
  pending_ = 0;
  const float eps = options_.meta_learning_rate *
                    (1.0f - static_cast<float>(visits_ - 1) / static_cast<float>(options_.rounds));
  return ReptileMeanStep(meta_, adapted, eps);
}

Status ReptileMeanStep(std::vector<float>& meta, const std::vector<std::vector<float>>& adapted, float eps) {
  if (adapted.empty()) return InvalidArgument("one adapted vector per visit expected");
  for (const std::vector<float>& a : adapted) {
    if (a.size() != meta.size()) return InvalidArgument("adapted parameters have the wrong size");
  }
  if (adapted.size() == 1) {
    engine::ReptileUpdate(meta, adapted[0], eps);
    return Status::Ok();
  }
  engine::ParameterAverager averager;
  std::vector<std::byte> memory(meta.size() * sizeof(float) + 64);
  Arena arena(memory);
  if (averager.Init(meta.size(), arena) != engine::Status::kOk) return Internal("server arena too small");
  for (const std::vector<float>& a : adapted) averager.Add(a);
  std::vector<float> mean(meta.size());
  (void)averager.Mean(mean);
  engine::ReptileUpdate(meta, mean, eps);
  return Status::Ok();
}

// TabularReptile: windows of rows as Datasets, so Standardize and Accuracy
// of RunTabular serve it unchanged.
namespace {

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

struct TabularReptile::State {
  Device device{1 << 20};
  std::int32_t classes = 2;
  std::vector<Dataset> device_windows;
  std::vector<Dataset> support, query;  // per evaluation window
};

TabularReptile::TabularReptile(const TabularReptileOptions& options, std::unique_ptr<State> state)
    : options_(options), state_(std::move(state)), rng_(options.seed) {}
TabularReptile::~TabularReptile() = default;

Result<std::unique_ptr<TabularReptile>> TabularReptile::Create(const Dataset& train_in, const Dataset& eval_in,
                                                               const TabularReptileOptions& options) {
  if (options.devices < 1 || options.rounds < 1 || options.round_size < 1 || options.local_steps < 0 ||
      options.batch < 1 || options.hidden < 1 || options.shots < 1 || options.eval_tasks < 1) {
    return InvalidArgument("devices, rounds, batch, hidden width, shots and evaluation tasks must be positive");
  }
  if (train_in.feature_count() == 0 || train_in.feature_count() != eval_in.feature_count()) {
    return InvalidArgument("training and evaluation data need the same, non-empty feature columns");
  }
  for (const Dataset* d : {&train_in, &eval_in}) {
    for (float l : d->labels) {
      if (l < 0 || l != std::floor(l)) {
        return InvalidArgument("label '" + d->label_name + "' must hold class indices 0, 1, ...");
      }
    }
  }
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
  if (Status s = state->device.Build(engine::Shape{static_cast<std::int32_t>(train.feature_count())}, layers, sgd);
      !s.ok()) {
    return s;
  }
  std::unique_ptr<TabularReptile> out(new TabularReptile(options, std::move(state)));
  out->state_->device.net.Initialize(out->rng_);
  out->meta_.assign(out->state_->device.net.parameters().begin(), out->state_->device.net.parameters().end());
  return out;
}

std::int32_t TabularReptile::inputs() const {
  return static_cast<std::int32_t>(state_->device_windows.front().feature_count());
}
std::int32_t TabularReptile::classes() const { return state_->classes; }
std::size_t TabularReptile::parameter_count() const { return meta_.size(); }
std::size_t TabularReptile::device_rows(int device) const {
  return state_->device_windows.at(static_cast<std::size_t>(device)).rows;
}
std::size_t TabularReptile::device_positives(int device) const {
  const Dataset& w = state_->device_windows.at(static_cast<std::size_t>(device));
  return static_cast<std::size_t>(std::count(w.labels.begin(), w.labels.end(), 1.0f));
}

std::vector<TabularVisit> TabularReptile::NextRound() {
  std::vector<TabularVisit> visits;
  while (static_cast<int>(visits.size()) < options_.round_size && visits_ < options_.rounds) {
    visits.push_back({visits_ % options_.devices, rng_.NextU32()});
    ++visits_;
  }
  pending_ = visits.size();
  return visits;
}

Status TabularReptile::Update(const std::vector<std::vector<float>>& adapted) {
  if (adapted.size() != pending_) return InvalidArgument("one adapted vector per visit expected");
  pending_ = 0;
  const float eps = options_.meta_learning_rate *
                    (1.0f - static_cast<float>(visits_ - 1) / static_cast<float>(options_.rounds));
  return ReptileMeanStep(meta_, adapted, eps);
}

std::vector<float> TabularReptile::VisitSamples(const TabularVisit& visit) const {
  const Dataset& window = state_->device_windows.at(static_cast<std::size_t>(visit.device));
  engine::Pcg32 rng(visit.stream_seed);
  std::vector<float> out;
  const std::size_t count = static_cast<std::size_t>(options_.local_steps) * static_cast<std::size_t>(options_.batch);
  out.reserve(count * (window.feature_count() + static_cast<std::size_t>(state_->classes)));
  for (std::size_t i = 0; i < count; ++i) {
    AppendRecord(window, rng.Below(static_cast<std::uint32_t>(window.rows)), state_->classes, out);
  }
  return out;
}

Result<std::vector<float>> TabularReptile::Adapt(std::span<const float> init, std::span<const float> samples,
                                                 std::vector<float>* losses) {
  Device& device = state_->device;
  if (init.size() != meta_.size()) return InvalidArgument("initialisation size mismatch");
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
  std::copy(init.begin(), init.end(), device.net.parameters().begin());
  device.optimizer.Reset();
  FixedStream stream(std::move(xs), std::move(ys), f, c);
  return TrainLocally(device, stream, options_.local_steps, options_.batch, options_.max_gradient_norm, losses);
}

TabularEvaluation TabularReptile::Evaluate(std::span<const float> init) {
  Device& device = state_->device;
  const int max_steps =
      options_.eval_steps.empty() ? 0 : *std::max_element(options_.eval_steps.begin(), options_.eval_steps.end());
  TabularEvaluation result;
  result.steps = options_.eval_steps;
  result.accuracy.assign(options_.eval_steps.size(), 0.0);
  const auto f = static_cast<std::size_t>(inputs());
  const auto c = static_cast<std::size_t>(classes());
  for (std::size_t t = 0; t < state_->support.size(); ++t) {
    const Dataset& support = state_->support[t];
    std::vector<float> ys(support.rows * c, 0.0f);
    for (std::size_t r = 0; r < support.rows; ++r) ys[r * c + static_cast<std::size_t>(support.labels[r])] = 1.0f;
    FixedStream stream(support.features, std::move(ys), f, c);
    std::copy(init.begin(), init.end(), device.net.parameters().begin());
    device.optimizer.Reset();
    result.accuracy_before += Accuracy(device.net, state_->query[t]);
    for (int s = 1; s <= max_steps; ++s) {
      (void)engine::TrainSteps(device.net, device.optimizer, stream, engine::LossKind::kMse, 1,
                               static_cast<int>(support.rows), device.arena, nullptr, options_.max_gradient_norm);
      for (std::size_t i = 0; i < options_.eval_steps.size(); ++i) {
        if (options_.eval_steps[i] == s) result.accuracy[i] += Accuracy(device.net, state_->query[t]);
      }
    }
  }
  const auto tasks = static_cast<double>(state_->support.size());
  result.accuracy_before /= tasks;
  for (double& a : result.accuracy) a /= tasks;
  return result;
}

namespace {

// FedAvg on the sine family: the same number of device visits as Reptile,
// grouped in rounds; each device trains on its own task mixture and the
// server replaces meta by the round's mean.
Status RunSineFedAvg(const SineOptions& options, SineHostDevice& device, engine::Pcg32& rng, std::vector<float>& meta,
                     SineResult& result) {
  const std::vector<SineTaskDistribution> distributions = SineDeviceDistributions(options.devices);
  engine::ParameterAverager averager;
  std::vector<std::byte> memory(meta.size() * sizeof(float) + 64);
  Arena arena(memory);
  if (averager.Init(meta.size(), arena) != engine::Status::kOk) return Internal("server arena too small");
  std::vector<float> samples(2 * static_cast<std::size_t>(options.local_steps) * static_cast<std::size_t>(options.batch));
  const int rounds = std::max(1, options.rounds / options.devices);
  for (int r = 0; r < rounds; ++r) {
    averager.Reset();
    for (const SineTaskDistribution& dist : distributions) {
      SineStream stream(dist, dist.Sample(rng), rng.NextU32(), /*mixed=*/true);
      for (std::size_t i = 0; i < samples.size() / 2; ++i) {
        (void)stream.Next(std::span<float>(&samples[2 * i], 1), std::span<float>(&samples[2 * i + 1], 1));
      }
      TINYKG_ASSIGN_OR_RETURN(std::vector<float> adapted, device.Adapt(meta, samples));
      averager.Add(adapted);
      result.device_steps += options.local_steps;
    }
    (void)averager.Mean(meta);
  }
  result.server_bytes = meta.size() * sizeof(float) + averager.state_bytes();
  return Status::Ok();
}

}  // namespace

Result<SineResult> RunSine(const SineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.method == Method::kOnline) return InvalidArgument("the sine benchmark runs reptile, fedavg or scratch");
  if (options.devices < 1 || options.local_steps < 1 || options.batch < 1 || options.shots < 1) {
    return InvalidArgument("devices, steps, batch and shots must be positive");
  }
  TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<SineHostDevice> device, SineHostDevice::Create(options));
  SineResult result;
  std::vector<float> meta;
  if (options.method == Method::kReptile) {
    SineReptileServer server(options, *device);
    while (!server.done()) {
      const std::vector<SineVisit> visits = server.NextRound();
      std::vector<std::vector<float>> adapted;
      for (const SineVisit& v : visits) {
        TINYKG_ASSIGN_OR_RETURN(std::vector<float> a, device->Adapt(server.meta(), SineVisitSamples(options, v)));
        adapted.push_back(std::move(a));
        result.device_steps += options.local_steps;
      }
      TINYKG_RETURN_IF_ERROR(server.Update(adapted));
    }
    meta.assign(server.meta().begin(), server.meta().end());
    result.server_bytes = server.state_bytes();
  } else {
    engine::Pcg32 rng(options.seed);
    meta = device->Initialize(rng);
    result.server_bytes = meta.size() * sizeof(float);
    if (options.method == Method::kFedAvg) {
      TINYKG_RETURN_IF_ERROR(RunSineFedAvg(options, *device, rng, meta, result));
    }
  }

  // Evaluation on fresh tasks of the whole family, identical for every method.
  const SineEvaluation eval = device->Evaluate(meta);
  result.steps = eval.steps;
  result.mse = eval.mse;
  result.mse_before = eval.mse_before;
  result.method = options.method;
  result.seed = options.seed;
  result.memory = device->Memory();
  result.seconds = Seconds(start);
  return result;
}

}  // namespace tinykg::train
