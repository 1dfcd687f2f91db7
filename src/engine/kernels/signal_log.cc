// FILTER_BANK_LOG (Signal library): fixed-point natural log of each channel.
#include "kernels/signal_math.h"
#include "tinykg/engine/signal.h"

namespace tinykg::engine {
namespace internal {
namespace {

// Correction of log2(1 + f) - f at 129 points of f in [0, 1], in 1/65536
// (data from TFLite Micro signal/src/log.cc, kLogLut; the last entry pads).
constexpr std::uint16_t kLog2Correction[] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087, 3224,
    3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063,
    5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640,
    5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203,
    5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935,
    3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971,
    1851, 1729, 1605, 1480, 1353, 1224, 1094, 963,  830,  695,  559,  421,  282,  142,  0,    0};
constexpr int kFracBits = 16;    // log2 values carry 16 fractional bits
constexpr int kSegmentBits = 7;  // 128 segments
constexpr std::uint32_t kLn2Q16 = 45426;

}  // namespace

std::uint32_t Log32(std::uint32_t x, std::uint32_t out_scale) {
  const std::uint32_t exponent = BitLength32(x) - 1;
  // Mantissa bits below the leading one, aligned to 16 fractional bits.
  std::int32_t frac = static_cast<std::int32_t>(static_cast<std::int64_t>(x) - (std::int64_t{1} << exponent));
  if (exponent < static_cast<std::uint32_t>(kFracBits)) {
    frac = static_cast<std::int32_t>(static_cast<std::uint32_t>(frac) << (kFracBits - exponent));
  } else {
    frac >>= exponent - kFracBits;
  }
  const std::uint32_t segment = static_cast<std::uint32_t>(frac) >> (kFracBits - kSegmentBits);
  const std::int32_t c0 = kLog2Correction[segment];
  const std::int32_t c1 = kLog2Correction[segment + 1];
  const std::int32_t segment_start = static_cast<std::int32_t>(segment << (kFracBits - kSegmentBits));
  const std::int32_t interpolated = ((c1 - c0) * (frac - segment_start)) >> kFracBits;
  const std::uint32_t fraction = static_cast<std::uint32_t>(frac + c0 + interpolated);
  const std::uint32_t log2 = (exponent << kFracBits) + fraction;
  constexpr std::uint32_t kHalf = 1u << (kFracBits - 1);
  const auto ln = static_cast<std::uint32_t>((std::uint64_t{kLn2Q16} * log2 + kHalf) >> kFracBits);
  return (out_scale * ln + kHalf) >> kFracBits;
}

}  // namespace internal

Status FilterBankLog(const SignalParams& params, const Tensor& input, const Tensor& output) {
  if (input.type != DataType::kUInt32 || output.type != DataType::kInt16) return Status::kBadType;
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  if (params.input_correction_bits < 0 || params.input_correction_bits > 31 || params.output_scale < 0) {
    return Status::kInvalidArgument;
  }
  const std::uint32_t* in = input.Data<const std::uint32_t>();
  std::int16_t* out = output.Data<std::int16_t>();
  for (std::int32_t i = 0; i < input.Elements(); ++i) {
    const std::uint32_t scaled = in[i] << params.input_correction_bits;
    if (scaled <= 1) {
      out[i] = 0;
      continue;
    }
    const std::uint32_t v = internal::Log32(scaled, static_cast<std::uint32_t>(params.output_scale));
    out[i] = static_cast<std::int16_t>(v < 32767u ? v : 32767u);
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
