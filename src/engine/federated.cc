#include "tinykg/engine/federated.h"

namespace tinykg::engine {

void ReptileUpdate(std::span<float> meta, std::span<const float> adapted, float epsilon) {
  const std::size_t n = meta.size() < adapted.size() ? meta.size() : adapted.size();
  for (std::size_t i = 0; i < n; ++i) meta[i] += epsilon * (adapted[i] - meta[i]);
}

Status ParameterAverager::Init(std::size_t parameter_count, Arena& arena) {
  sum_ = arena.Persistent<float>(parameter_count);
  if (parameter_count > 0 && sum_.data() == nullptr) return Status::kOutOfMemory;
  Reset();
  return Status::kOk;
}

void ParameterAverager::Reset() {
  for (float& v : sum_) v = 0.0f;
  weight_ = 0.0f;
}

void ParameterAverager::Add(std::span<const float> params, float weight) {
  const std::size_t n = sum_.size() < params.size() ? sum_.size() : params.size();
  for (std::size_t i = 0; i < n; ++i) sum_[i] += weight * params[i];
  weight_ += weight;
}

Status ParameterAverager::Mean(std::span<float> out) const {
  if (weight_ <= 0.0f) return Status::kInvalidArgument;
  const std::size_t n = sum_.size() < out.size() ? sum_.size() : out.size();
  for (std::size_t i = 0; i < n; ++i) out[i] = sum_[i] / weight_;
  return Status::kOk;
}

}  // namespace tinykg::engine
