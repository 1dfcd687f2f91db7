// FILTER_BANK_SQUARE_ROOT (Signal library): amplitude from energy, undoing
// the FFT auto-scale shift.
#include "kernels/signal_math.h"
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status FilterBankSquareRoot(const Tensor& input, const Tensor& scale_bits, const Tensor& output) {
  if (input.type != DataType::kUInt64 || scale_bits.type != DataType::kInt32 || output.type != DataType::kUInt32) {
    return Status::kBadType;
  }
  if (input.Elements() != output.Elements() || scale_bits.Elements() != 1) return Status::kBadShape;
  const std::int32_t shift = *scale_bits.Data<const std::int32_t>();
  if (shift < 0 || shift > 31) return Status::kInvalidArgument;
  const std::uint64_t* in = input.Data<const std::uint64_t>();
  std::uint32_t* out = output.Data<std::uint32_t>();
  for (std::int32_t i = 0; i < input.Elements(); ++i) out[i] = internal::Sqrt64(in[i]) >> shift;
  return Status::kOk;
}

}  // namespace tinykg::engine
