// Host-side data for the training engine: tabular CSV files, the sine-wave
// task family of the Reptile paper, and samples as engine SampleStreams.
#ifndef TINYKG_TRAIN_DATASET_H_
#define TINYKG_TRAIN_DATASET_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/random.h"
#include "tinykg/engine/trainer.h"

namespace tinykg::train {

// Rows of numeric features with one label each (a class index for
// classification; the value itself for regression).
struct Dataset {
  std::vector<std::string> feature_names;
  std::string label_name;
  std::vector<float> features;  // rows * feature_count(), row-major
  std::vector<float> labels;    // one per row
  std::size_t rows = 0;

  std::size_t feature_count() const { return feature_names.size(); }
  std::span<const float> Row(std::size_t r) const {
    return {features.data() + r * feature_count(), feature_count()};
  }
  // 1 + the largest label (labels are class indices 0..n-1).
  std::int32_t ClassCount() const;
};

// Labels are class indices 0 .. kMaxClasses - 1 (an output layer of a
// thousand classes is already far past a microcontroller's RAM).
inline constexpr std::int32_t kMaxClasses = 1024;
inline bool IsClassIndex(float label) {
  return label >= 0 && label < static_cast<float>(kMaxClasses) && label == static_cast<float>(static_cast<int>(label));
}

struct CsvOptions {
  std::string label;                  // label column name (required)
  std::vector<std::string> features;  // empty: every numeric column but the label
};

// Reads a CSV file with a header row (names may be quoted). A leading index
// column without a header name (rows one field longer than the header) is
// skipped. Columns that are not numeric in the first row are ignored unless
// named in `features` (then they are an error). Fails with kInvalidArgument
// naming an unknown column, kParseError naming file:line for a bad row or a
// label that is not a class index (IsClassIndex); kIoError for a path that
// is not a regular file (ReadFile: a device would be read for ever).
Result<Dataset> ReadCsv(const std::string& path, const CsvOptions& options);

// A sine task y = amplitude * sin(x - phase), x uniform in [x_min, x_max].
struct SineTask {
  float amplitude = 1.0f;
  float phase = 0.0f;
  float Value(float x) const;
};

// Where a device draws its tasks from (the Reptile paper's family is
// amplitude 0.1..5, phase 0..pi, x in -5..5).
struct SineTaskDistribution {
  float amplitude_min = 0.1f, amplitude_max = 5.0f;
  float phase_min = 0.0f, phase_max = 3.14159265f;
  float x_min = -5.0f, x_max = 5.0f;
  SineTask Sample(engine::Pcg32& rng) const;
};

// Endless (x, y) samples of one task, or of a fresh task per sample when
// `mixed` (the joint-training view of a task distribution used by FedAvg).
class SineStream final : public engine::SampleStream {
 public:
  SineStream(SineTaskDistribution distribution, SineTask task, std::uint64_t seed, bool mixed = false)
      : distribution_(distribution), task_(task), rng_(seed), mixed_(mixed) {}
  engine::Status Next(std::span<float> input, std::span<float> target) override;

 private:
  SineTaskDistribution distribution_;
  SineTask task_;
  engine::Pcg32 rng_;
  bool mixed_;
};

// A fixed set of K points of one task, cycled in order (few-shot support set).
class FixedStream final : public engine::SampleStream {
 public:
  FixedStream(std::vector<float> inputs, std::vector<float> targets, std::size_t input_size,
              std::size_t target_size)
      : inputs_(std::move(inputs)), targets_(std::move(targets)), input_size_(input_size),
        target_size_(target_size) {}
  engine::Status Next(std::span<float> input, std::span<float> target) override;
  std::size_t size() const { return inputs_.size() / input_size_; }

 private:
  std::vector<float> inputs_, targets_;
  std::size_t input_size_, target_size_;
  std::size_t next_ = 0;
};

// Rows of a Dataset in random order (reshuffled per pass), label as target.
class DatasetStream final : public engine::SampleStream {
 public:
  DatasetStream(const Dataset& data, std::vector<std::size_t> rows, std::uint64_t seed);
  engine::Status Next(std::span<float> input, std::span<float> target) override;

 private:
  const Dataset& data_;
  std::vector<std::size_t> rows_;
  engine::Pcg32 rng_;
  std::size_t next_ = 0;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_DATASET_H_
