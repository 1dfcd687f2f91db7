// FFT_AUTO_SCALE (Signal library): uses the int16 headroom before the
// fixed-point FFT and reports the shift so later stages can undo it.
#include "kernels/signal_math.h"
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status FftAutoScale(const Tensor& input, const Tensor& output, const Tensor& scale_bits) {
  if (input.type != DataType::kInt16 || output.type != DataType::kInt16 || scale_bits.type != DataType::kInt32) {
    return Status::kBadType;
  }
  if (input.Elements() != output.Elements() || scale_bits.Elements() != 1) return Status::kBadShape;
  const std::int16_t* in = input.Data<const std::int16_t>();
  const std::int32_t n = input.Elements();
  // Largest magnitude, kept in int16 like the reference: a -32768 sample
  // stores 32768 as -32768, after which any later sample counts as larger.
  // Such (negative) maxima and an all-zero frame give no shift, since the
  // reference's bit length of both is 32.
  std::int16_t max = 0;
  for (std::int32_t i = 0; i < n; ++i) {
    const std::int32_t v = in[i];
    if (v > max) {
      max = static_cast<std::int16_t>(v);
    } else if (-v > max) {
      max = static_cast<std::int16_t>(-v);
    }
  }
  const int bits = max <= 0 ? 32 : static_cast<int>(internal::BitLength32(static_cast<std::uint32_t>(max)));
  int shift = 15 - bits;
  if (shift < 0) shift = 0;
  std::int16_t* out = output.Data<std::int16_t>();
  for (std::int32_t i = 0; i < n; ++i) out[i] = static_cast<std::int16_t>(in[i] * (1 << shift));
  *scale_bits.Data<std::int32_t>() = shift;
  return Status::kOk;
}

}  // namespace tinykg::engine
