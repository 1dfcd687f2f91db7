// ENERGY (Signal library): squared magnitude of complex int16 bins.
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status SignalEnergy(const SignalParams& params, const Tensor& input, const Tensor& output) {
  if (input.type != DataType::kInt16 || output.type != DataType::kUInt32) return Status::kBadType;
  const std::int32_t bins = output.Elements();
  if (input.Elements() != 2 * bins) return Status::kBadShape;
  if (params.start_index < 0 || params.end_index > bins || params.start_index > params.end_index) {
    return Status::kInvalidArgument;
  }
  const std::int16_t* in = input.Data<const std::int16_t>();
  std::uint32_t* out = output.Data<std::uint32_t>();
  for (std::int32_t i = 0; i < bins; ++i) {
    if (i < params.start_index || i >= params.end_index) {
      out[i] = 0;
      continue;
    }
    const std::int32_t re = in[2 * i], im = in[2 * i + 1];
    out[i] = static_cast<std::uint32_t>(re * re) + static_cast<std::uint32_t>(im * im);
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
