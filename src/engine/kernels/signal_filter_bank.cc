// FILTER_BANK (Signal library): overlapping triangular (mel) filters. Each
// FFT bin's energy goes to two neighbouring channels, weighted by w and by
// 1 - w ("unweight"); channel c's sum is finished when channel c + 1 starts,
// so the loop runs over channels + 1 bands and drops the first.
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status FilterBank(const Tensor& input, const Tensor& weights, const Tensor& unweights,
                  const Tensor& channel_frequency_starts, const Tensor& channel_weight_starts,
                  const Tensor& channel_widths, const Tensor& output) {
  if (input.type != DataType::kUInt32 || output.type != DataType::kUInt64 || weights.type != DataType::kInt16 ||
      unweights.type != DataType::kInt16 || channel_frequency_starts.type != DataType::kInt16 ||
      channel_weight_starts.type != DataType::kInt16 || channel_widths.type != DataType::kInt16) {
    return Status::kBadType;
  }
  const std::int32_t channels = output.Elements();
  if (channel_frequency_starts.Elements() != channels + 1 || channel_weight_starts.Elements() != channels + 1 ||
      channel_widths.Elements() != channels + 1 || weights.Elements() != unweights.Elements()) {
    return Status::kBadShape;
  }
  const std::uint32_t* in = input.Data<const std::uint32_t>();
  const std::int16_t* w = weights.Data<const std::int16_t>();
  const std::int16_t* uw = unweights.Data<const std::int16_t>();
  const std::int16_t* freq_start = channel_frequency_starts.Data<const std::int16_t>();
  const std::int16_t* weight_start = channel_weight_starts.Data<const std::int16_t>();
  const std::int16_t* width = channel_widths.Data<const std::int16_t>();
  std::uint64_t* out = output.Data<std::uint64_t>();
  std::uint64_t weighted = 0;
  for (std::int32_t c = 0; c <= channels; ++c) {
    const std::int32_t f0 = freq_start[c], w0 = weight_start[c], n = width[c];
    if (f0 < 0 || w0 < 0 || n < 0 || f0 + n > input.Elements() || w0 + n > weights.Elements()) {
      return Status::kInvalidArgument;
    }
    std::uint64_t unweighted = 0;
    for (std::int32_t j = 0; j < n; ++j) {
      // int16 weights widen to uint64 as in the reference (two's complement).
      weighted += static_cast<std::uint64_t>(static_cast<std::int64_t>(w[w0 + j])) * in[f0 + j];
      unweighted += static_cast<std::uint64_t>(static_cast<std::int64_t>(uw[w0 + j])) * in[f0 + j];
    }
    if (c > 0) out[c - 1] = weighted;
    weighted = unweighted;
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
