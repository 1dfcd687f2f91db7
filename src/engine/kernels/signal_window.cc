// WINDOW (Signal library): int16 samples times an int16 window, shifted and
// saturated.
#include "tinykg/engine/signal.h"

namespace tinykg::engine {

Status SignalWindow(const SignalParams& params, const Tensor& input, const Tensor& window, const Tensor& output) {
  if (input.type != DataType::kInt16 || window.type != DataType::kInt16 || output.type != DataType::kInt16) {
    return Status::kBadType;
  }
  const std::int32_t n = window.Elements();
  if (n <= 0 || input.Elements() != output.Elements() || input.Elements() % n != 0) return Status::kBadShape;
  if (params.shift < 0 || params.shift > 31) return Status::kInvalidArgument;
  const std::int16_t* in = input.Data<const std::int16_t>();
  const std::int16_t* w = window.Data<const std::int16_t>();
  std::int16_t* out = output.Data<std::int16_t>();
  for (std::int32_t i = 0; i < input.Elements(); ++i) {
    std::int32_t v = (static_cast<std::int32_t>(in[i]) * w[i % n]) >> params.shift;
    if (v < -32768) v = -32768;
    if (v > 32767) v = 32767;
    out[i] = static_cast<std::int16_t>(v);
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
