#include "tinykg/engine/online.h"

#include <array>
#include <cmath>

#include "tinykg/engine/loss.h"
#include "tinykg/engine/platform.h"
#include "tinykg/engine/random.h"

namespace tinykg::engine {

Status OnlineLearner::Build(const OnlineConfig& config, Arena& arena, Backbone* backbone) {
  if (config.max_classes < 1 || config.initial_classes < 1 ||
      config.initial_classes > config.max_classes ||
      config.hidden.size() + 1 > static_cast<std::size_t>(kMaxLayers)) {
    return Status::kInvalidArgument;
  }
  const std::size_t features = backbone != nullptr ? backbone->feature_count() : config.input_size;
  if (features == 0) return Status::kInvalidArgument;
  const std::size_t mark = arena.persistent_used();
  std::array<LayerSpec, kMaxLayers> layers{};
  std::size_t n = 0;
  for (const LayerSpec& spec : config.hidden) {
    if (spec.kind != LayerKind::kDense) return Status::kUnsupported;
    layers[n++] = spec;
  }
  layers[n++] = LayerSpec::Dense(config.max_classes);
  Status status = head_.Build(Shape{static_cast<std::int32_t>(features)},
                              std::span<const LayerSpec>(layers.data(), n), arena);
  if (status == Status::kOk) {
    status = optimizer_.Init(config.optimizer, head_.parameters().size(), arena);
  }
  if (status == Status::kOk) {
    features_ = arena.Persistent<float>(features);
    d_logits_ = arena.Persistent<float>(static_cast<std::size_t>(config.max_classes));
    if (config.normalize) {
      mean_ = arena.Persistent<float>(features);
      m2_ = arena.Persistent<float>(features);
    }
    if (features_.data() == nullptr || d_logits_.data() == nullptr ||
        (config.normalize && (mean_.data() == nullptr || m2_.data() == nullptr))) {
      status = Status::kOutOfMemory;
    }
  }
  if (status != Status::kOk) {
    arena.RewindPersistent(mark);
    return status;
  }
  Pcg32 rng(config.seed);
  head_.Initialize(rng);
  backbone_ = backbone;
  normalize_ = config.normalize;
  classes_ = config.initial_classes;
  seen_ = 0;
  return Status::kOk;
}

Status OnlineLearner::Features(std::span<const float> sample, bool update_statistics) {
  if (backbone_ != nullptr) {
    TINYKG_ENGINE_TRY(backbone_->Extract(sample, features_));
  } else {
    if (sample.size() != features_.size()) return Status::kBadShape;
    for (std::size_t i = 0; i < features_.size(); ++i) features_[i] = sample[i];
  }
  if (!normalize_) return Status::kOk;
  if (update_statistics) {
    ++seen_;
    const float inv = 1.0f / static_cast<float>(seen_);
    for (std::size_t i = 0; i < features_.size(); ++i) {
      const float delta = features_[i] - mean_[i];
      mean_[i] += delta * inv;
      m2_[i] += delta * (features_[i] - mean_[i]);
    }
  }
  const float count = seen_ > 1 ? static_cast<float>(seen_ - 1) : 1.0f;
  for (std::size_t i = 0; i < features_.size(); ++i) {
    const float sd = std::sqrt(m2_[i] / count);
    features_[i] = (features_[i] - mean_[i]) / (sd > 1e-6f ? sd : 1.0f);
  }
  return Status::kOk;
}

Status OnlineLearner::Learn(std::span<const float> sample, std::int32_t label, float* loss) {
  if (label < 0 || label >= classes_) return Status::kInvalidArgument;
  TINYKG_ENGINE_TRY(Features(sample, true));
  if (!normalize_) ++seen_;
  std::span<const float> logits = head_.Forward(features_);
  const auto active = static_cast<std::size_t>(classes_);
  for (float& d : d_logits_) d = 0.0f;
  const float l = SoftmaxCrossEntropy(logits.first(active), label, d_logits_.first(active));
  if (loss != nullptr) *loss = l;
  head_.ZeroGradients();
  head_.Backward(d_logits_);
  optimizer_.Step(head_.parameters(), head_.gradients());
  return Status::kOk;
}

Status OnlineLearner::Predict(std::span<const float> sample, std::int32_t* label, float* confidence) {
  TINYKG_ENGINE_TRY(Features(sample, false));
  std::span<const float> logits = head_.Forward(features_).first(static_cast<std::size_t>(classes_));
  const std::int32_t best = ArgMax(logits);
  if (label != nullptr) *label = best;
  if (confidence != nullptr) {
    float sum = 0.0f;
    for (float v : logits) sum += std::exp(v - logits[static_cast<std::size_t>(best)]);
    *confidence = 1.0f / sum;
  }
  return Status::kOk;
}

Status OnlineLearner::AddClass(std::int32_t* label) {
  const int last = head_.layer_count() - 1;
  const auto max_classes = static_cast<std::int32_t>(head_.layer_bias(last).size());
  if (classes_ >= max_classes) return Status::kOutOfMemory;
  // The new output row starts at zero: its logit is 0 until it learns.
  const std::size_t in = head_.layer_weights(last).size() / static_cast<std::size_t>(max_classes);
  std::span<float> row = head_.layer_weights(last).subspan(static_cast<std::size_t>(classes_) * in, in);
  for (float& w : row) w = 0.0f;
  head_.layer_bias(last)[static_cast<std::size_t>(classes_)] = 0.0f;
  if (label != nullptr) *label = classes_;
  ++classes_;
  return Status::kOk;
}

MemoryReport OnlineLearner::memory() const {
  MemoryReport m = head_.memory();
  m.optimizer_state = optimizer_.state_bytes();
  // The feature buffer is the head's input copy's source; the logits
  // gradient is backward scratch.
  m.scratch += (features_.size() + d_logits_.size()) * sizeof(float);
  m.other = (mean_.size() + m2_.size()) * sizeof(float);
  if (backbone_ != nullptr) {
    const MemoryReport b = backbone_->memory();
    m.frozen_weights += b.frozen_weights + b.weights;
    m.scratch += b.scratch + b.activations;
  }
  return m;
}

Status LearnFromPlatform(OnlineLearner& learner, std::span<float> sample, std::int64_t max_samples,
                         StreamStats* stats) {
  StreamStats local;
  StreamStats& st = stats != nullptr ? *stats : local;
  while (max_samples < 0 || st.samples < max_samples) {
    std::int32_t label = -1;
    const Status read = PlatformReadSample(sample, &label);
    if (read == Status::kEndOfData) break;
    TINYKG_ENGINE_TRY(read);
    std::int32_t predicted = -1;
    TINYKG_ENGINE_TRY(learner.Predict(sample, &predicted));
    if (label < 0) continue;
    ++st.samples;
    if (predicted == label) ++st.correct;
    TINYKG_ENGINE_TRY(learner.Learn(sample, label));
  }
  PlatformReportResult("prequential_accuracy", st.Accuracy());
  PlatformReportResult("samples", static_cast<float>(st.samples));
  return Status::kOk;
}

}  // namespace tinykg::engine
