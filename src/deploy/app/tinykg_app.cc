#include "tinykg_app.h"

#include <new>

#include "tinykg/engine/graph_blob.h"
#include "tinykg/engine/platform.h"

namespace tinykg::app {
namespace {

using engine::Status;

void LogFatal(const char* what, const char* part, std::size_t arena_bytes) {
  char text[160];
  std::size_t n = 0;
  auto put = [&](const char* s) {
    for (; *s != '\0' && n + 1 < sizeof(text); ++s) text[n++] = *s;
  };
  put("FATAL: ");
  put(what);
  put(part);
  text[n] = '\0';
  engine::PlatformLog(text);
  engine::PlatformLogStat("arena_bytes", arena_bytes);
}

}  // namespace

Status App::Setup(const AppConfig& config, std::span<const std::byte> blob, engine::Arena& arena) {
  config_ = config;
  arena_ = &arena;
  failed_part_ = "the graph's tables";
  void* graph_memory = arena.AllocatePersistent(sizeof(engine::Graph), alignof(engine::Graph));
  if (graph_memory == nullptr) return Status::kOutOfMemory;
  graph_ = new (graph_memory) engine::Graph;
  int cut = 0;
  failed_part_ = "the model (not a tinykg graph blob)";
  if (Status s = engine::LoadGraphBlob(blob, *graph_, &cut); s != Status::kOk) return s;
  failed_part_ = "the model's activations";
  if (Status s = graph_->Plan(arena); s != Status::kOk) return s;
  failed_part_ = "the model's frozen part";
  void* backbone_memory = arena.AllocatePersistent(sizeof(engine::GraphBackbone), alignof(engine::GraphBackbone));
  if (backbone_memory == nullptr) return Status::kOutOfMemory;
  backbone_ = new (backbone_memory) engine::GraphBackbone(*graph_, cut);
  failed_part_ = "the sample buffer";
  sample_ = arena.Persistent<float>(backbone_->input_size());
  if (sample_.data() == nullptr) return Status::kOutOfMemory;
  if (!config.learn_online) {
    failed_part_ = "the model's outputs";
    outputs_ = arena.Persistent<float>(backbone_->feature_count());
    if (outputs_.data() == nullptr) return Status::kOutOfMemory;
    failed_part_ = "";
    return Status::kOk;
  }
  failed_part_ = "the trainable head";
  void* learner_memory = arena.AllocatePersistent(sizeof(engine::OnlineLearner), alignof(engine::OnlineLearner));
  if (learner_memory == nullptr) return Status::kOutOfMemory;
  learner_ = new (learner_memory) engine::OnlineLearner;
  engine::OnlineConfig online;
  online.input_size = backbone_->input_size();
  online.max_classes = config.classes;
  online.initial_classes = config.classes;
  online.optimizer = engine::OptimizerConfig{engine::OptimizerKind::kSgd, config.learning_rate, 0.0f};
  online.seed = config.seed;
  if (Status s = learner_->Build(online, arena, backbone_); s != Status::kOk) return s;
  failed_part_ = "";
  return Status::kOk;
}

std::size_t App::input_size() const { return backbone_ == nullptr ? 0 : backbone_->input_size(); }

Status App::Process(std::span<const float> sample, std::int32_t label, Outcome* outcome) {
  *outcome = Outcome{};
  if (learner_ != nullptr) {
    if (label >= 0) {
      outcome->learned = true;
      return learner_->Learn(sample, label, &outcome->loss);
    }
    return learner_->Predict(sample, &outcome->predicted, &outcome->confidence);
  }
  const Status s = backbone_->Extract(sample, outputs_);
  arena_->ResetScratch();
  if (s != Status::kOk) return s;
  std::size_t best = 0;
  for (std::size_t i = 1; i < outputs_.size(); ++i) {
    if (outputs_[i] > outputs_[best]) best = i;
  }
  outcome->predicted = static_cast<std::int32_t>(best);
  outcome->confidence = outputs_[best];
  outcome->outputs = outputs_;
  return Status::kOk;
}

int SetUpApp(App& app, const AppConfig& config, std::span<const std::byte> blob, engine::Arena& arena) {
  const Status s = app.Setup(config, blob, arena);
  if (s == Status::kOutOfMemory) {
    LogFatal("the tensor arena is too small (raise TINYKG_ARENA_BYTES in tinykg_config.h) for ", app.failed_part(),
             arena.capacity());
    return 2;
  }
  if (s != Status::kOk) {
    LogFatal("cannot load ", app.failed_part(), arena.capacity());
    return 1;
  }
  engine::PlatformLogStat("arena_bytes", arena.capacity());
  engine::PlatformLogStat("arena_used", arena.persistent_used());
  return 0;
}

bool StepApp(App& app) {
  std::int32_t label = -1;
  if (engine::PlatformReadSample(app.sample(), &label) != Status::kOk) return false;
  const std::uint64_t start = engine::PlatformCycles();
  Outcome outcome;
  if (app.Process(app.sample(), label, &outcome) != Status::kOk) {
    engine::PlatformLog("error: the sample could not be processed (bad label?)");
    return true;
  }
  if (outcome.learned) {
    engine::PlatformReportResult("loss", outcome.loss);
  } else {
    for (float v : outcome.outputs) engine::PlatformReportResult("output", v);
    engine::PlatformReportResult("predicted", static_cast<float>(outcome.predicted));
    engine::PlatformReportResult("confidence", outcome.confidence);
  }
  const std::uint64_t cycles = engine::PlatformCycles() - start;
  if (cycles > 0) engine::PlatformReportResult("cycles", static_cast<float>(cycles));
  return true;
}

int RunApp(const AppConfig& config, std::span<const std::byte> blob, std::span<std::byte> arena_memory) {
  engine::Arena arena(arena_memory);
  App app;
  if (const int code = SetUpApp(app, config, blob, arena); code != 0) return code;
  while (StepApp(app)) {
  }
  engine::PlatformLogStat("arena_high_water", arena.persistent_used() + arena.scratch_high_water());
  return 0;
}

}  // namespace tinykg::app
