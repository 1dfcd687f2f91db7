// PCAN (Signal library): per-channel energy normalisation. The gain for a
// channel comes from its noise estimate through a piecewise-quadratic lookup
// table (three coefficients per octave); gain times signal is then
// compressed by shrink(x) = x^2/4 below 2, x - 1 above.
#include "kernels/signal_math.h"
#include "tinykg/engine/signal.h"

namespace tinykg::engine {
namespace {

constexpr int kSnrBits = 12;    // fractional bits of the gain-scaled signal
constexpr int kOutputBits = 6;  // fractional bits of the output

std::int16_t Gain(std::uint32_t x, const std::int16_t* lut, std::int32_t lut_size) {
  if (x <= 2) return lut[x];
  const auto octave = static_cast<std::int32_t>(internal::BitLength32(x));
  const std::int32_t at = 4 * octave - 6;
  if (at < 0 || at + 2 >= lut_size) return 0;
  const std::int16_t* c = lut + at;
  const auto frac = static_cast<std::int16_t>(((octave < 11) ? (x << (11 - octave)) : (x >> (octave - 11))) & 0x3FF);
  std::int32_t result = (static_cast<std::int32_t>(c[2]) * frac) >> 5;
  result += static_cast<std::int32_t>(static_cast<std::uint32_t>(c[1]) << 5);
  result *= frac;
  result = (result + (1 << 14)) >> 15;
  result += c[0];
  return static_cast<std::int16_t>(result);
}

std::uint32_t Shrink(std::uint32_t x) {
  if (x < (2u << kSnrBits)) return (x * x) >> (2 + 2 * kSnrBits - kOutputBits);
  return (x >> (kSnrBits - kOutputBits)) - (1u << kOutputBits);
}

}  // namespace

Status Pcan(const SignalParams& params, const Tensor& input, const Tensor& noise_estimate, const Tensor& gain_lut,
            const Tensor& output) {
  if (input.type != DataType::kUInt32 || noise_estimate.type != DataType::kUInt32 ||
      gain_lut.type != DataType::kInt16 || output.type != DataType::kUInt32) {
    return Status::kBadType;
  }
  const std::int32_t channels = input.Elements();
  if (noise_estimate.Elements() != channels || output.Elements() != channels || gain_lut.Elements() < 3) {
    return Status::kBadShape;
  }
  if (params.snr_shift < 0 || params.snr_shift > 63) return Status::kInvalidArgument;
  const std::uint32_t* in = input.Data<const std::uint32_t>();
  const std::uint32_t* noise = noise_estimate.Data<const std::uint32_t>();
  const std::int16_t* lut = gain_lut.Data<const std::int16_t>();
  std::uint32_t* out = output.Data<std::uint32_t>();
  for (std::int32_t i = 0; i < channels; ++i) {
    // The int16 gain widens to uint32 as in the reference.
    const auto gain = static_cast<std::uint32_t>(static_cast<std::int32_t>(Gain(noise[i], lut, gain_lut.Elements())));
    const auto snr = static_cast<std::uint32_t>((static_cast<std::uint64_t>(in[i]) * gain) >> params.snr_shift);
    out[i] = Shrink(snr);
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
