// FILTER_BANK_SPECTRAL_SUBTRACTION (Signal library): a per-channel running
// noise estimate (first-order low-pass in fixed point) subtracted from the
// signal, never below a floor of min_signal_remaining of the signal.
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status SpectralSubtraction(const SignalParams& params, const Tensor& input, const Tensor& output,
                           const Tensor& noise_estimate) {
  if (input.type != DataType::kUInt32 || output.type != DataType::kUInt32 || noise_estimate.type != DataType::kUInt32) {
    return Status::kBadType;
  }
  const std::int32_t channels = input.Elements();
  if (output.Elements() != channels || noise_estimate.Elements() != channels) return Status::kBadShape;
  if (params.smoothing_bits < 0 || params.smoothing_bits > 31 || params.spectral_subtraction_bits < 0 ||
      params.spectral_subtraction_bits > 63) {
    return Status::kInvalidArgument;
  }
  const std::uint32_t* in = input.Data<const std::uint32_t>();
  std::uint32_t* out = output.Data<std::uint32_t>();
  std::uint32_t* noise = noise_estimate.Data<std::uint32_t>();
  const int bits = params.spectral_subtraction_bits;
  for (std::int32_t i = 0; i < channels; ++i) {
    const bool odd = (i & 1) != 0;
    const auto smoothing = static_cast<std::uint32_t>(odd ? params.alternate_smoothing : params.smoothing);
    const auto keep =
        static_cast<std::uint32_t>(odd ? params.alternate_one_minus_smoothing : params.one_minus_smoothing);
    const std::uint32_t signal = in[i] << params.smoothing_bits;
    noise[i] = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(signal) * smoothing + static_cast<std::uint64_t>(noise[i]) * keep) >> bits);
    std::uint32_t estimate = noise[i];
    if (estimate > signal) {
      estimate = signal;
      if (params.clamping) noise[i] = estimate;
    }
    const auto floor = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(in[i]) * static_cast<std::uint32_t>(params.min_signal_remaining)) >> bits);
    const std::uint32_t remaining = (signal - estimate) >> params.smoothing_bits;
    out[i] = remaining > floor ? remaining : floor;
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
