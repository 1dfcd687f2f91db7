// TinyOL-style online learning: a frozen backbone (or none) feeding a small
// trainable head that is updated one sample at a time from a stream, with
// classes added on the fly.
//
// Everything is allocated once by Build from the caller's Arena; Learn and
// Predict never allocate. memory() reports the exact bytes of the training
// state by part.
#ifndef TINYKG_ENGINE_ONLINE_H_
#define TINYKG_ENGINE_ONLINE_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

// A frozen feature extractor (an imported model cut at a layer). Not owned
// by the learner; must outlive it. Destructor protected: never deleted here.
class Backbone {
 public:
  virtual std::size_t input_size() const = 0;
  virtual std::size_t feature_count() const = 0;
  // Runs the frozen layers on one raw sample.
  virtual Status Extract(std::span<const float> sample, std::span<float> features) = 0;
  // Frozen weights in RAM (0 when they stay in flash) and activation scratch.
  virtual MemoryReport memory() const = 0;

 protected:
  ~Backbone() = default;
};

struct OnlineConfig {
  std::size_t input_size = 0;        // raw sample size (ignored with a backbone)
  std::int32_t max_classes = 2;      // capacity of the output layer
  std::int32_t initial_classes = 2;  // active at start; AddClass adds more
  std::span<const LayerSpec> hidden;  // dense layers before the output layer (may be empty)
  OptimizerConfig optimizer{OptimizerKind::kSgd, 0.05f, 0.0f};
  bool normalize = true;  // running per-feature standardisation (Welford)
  std::uint64_t seed = 1;
};

class OnlineLearner {
 public:
  OnlineLearner() = default;
  OnlineLearner(const OnlineLearner&) = delete;
  OnlineLearner& operator=(const OnlineLearner&) = delete;

  // `backbone` may be null (the head sees the raw sample). Fails with
  // kInvalidArgument for inconsistent class counts, kOutOfMemory.
  Status Build(const OnlineConfig& config, Arena& arena, Backbone* backbone = nullptr);

  // One update on one labelled sample; `*loss` (may be null) gets its loss.
  // kInvalidArgument when label is not an active class.
  Status Learn(std::span<const float> sample, std::int32_t label, float* loss = nullptr);

  // The most likely active class and its softmax probability (may be null).
  Status Predict(std::span<const float> sample, std::int32_t* label, float* confidence = nullptr);

  // Activates one more class (its output row starts at zero) and returns its
  // index; kOutOfMemory when max_classes are already active.
  Status AddClass(std::int32_t* label);

  std::int32_t classes() const { return classes_; }
  std::int64_t samples_seen() const { return seen_; }
  Network& head() { return head_; }
  MemoryReport memory() const;

  // The trained state, for saving a head and evaluating it later: the
  // samples seen, the running standardisation statistics (mean and M2 per
  // feature; empty spans without `normalize`) and head().parameters(). The
  // spans are the learner's own storage (valid after Build): writing them
  // restores a saved state without another buffer.
  std::span<float> feature_mean() { return mean_; }
  std::span<float> feature_m2() { return m2_; }
  void set_samples_seen(std::int64_t seen) { seen_ = seen; }

 private:
  Status Features(std::span<const float> sample, bool update_statistics);

  Network head_;
  Optimizer optimizer_;
  Backbone* backbone_ = nullptr;
  std::span<float> features_;
  std::span<float> mean_, m2_;  // Welford statistics
  std::span<float> d_logits_;
  std::int64_t seen_ = 0;
  std::int32_t classes_ = 0;
  bool normalize_ = true;
};

// Test-then-train counts of a stream (prequential evaluation).
struct StreamStats {
  std::int64_t samples = 0;
  std::int64_t correct = 0;  // predicted right BEFORE learning the sample
  float Accuracy() const {
    return samples == 0 ? 0.0f : static_cast<float>(correct) / static_cast<float>(samples);
  }
};

// The device loop: reads labelled samples with PlatformReadSample into
// `sample` (size = the learner's input) until kEndOfData or `max_samples`
// (< 0: no limit), predicts each, then learns it; unlabelled samples (label
// -1) are only predicted. Reports "prequential_accuracy" and "samples" with
// PlatformReportResult at the end. kEndOfData is not an error here.
Status LearnFromPlatform(OnlineLearner& learner, std::span<float> sample, std::int64_t max_samples,
                         StreamStats* stats);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_ONLINE_H_
