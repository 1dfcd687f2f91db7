// CONCATENATION along one axis, any element type (bytes are copied; all
// inputs must share the output's type and, for int8, its quantization).
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Concatenation(std::int32_t axis, std::span<const Tensor* const> inputs, const Tensor& output) {
  const int rank = output.shape.rank;
  if (axis < 0) axis += rank;
  if (inputs.empty() || axis < 0 || axis >= rank) return Status::kInvalidArgument;
  std::int32_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= output.shape[d];
  for (int d = axis + 1; d < rank; ++d) inner *= output.shape[d];
  std::int32_t total = 0;
  for (const Tensor* t : inputs) {
    if (t == nullptr || t->type != output.type || t->shape.rank != rank) return Status::kBadShape;
    if (t->quant.quantized() != output.quant.quantized() ||
        (t->quant.quantized() &&
         (t->quant.Scale() != output.quant.Scale() || t->quant.ZeroPoint() != output.quant.ZeroPoint()))) {
      return Status::kUnsupported;
    }
    for (int d = 0; d < rank; ++d) {
      if (d != axis && t->shape[d] != output.shape[d]) return Status::kBadShape;
    }
    total += t->shape[axis];
  }
  if (total != output.shape[axis]) return Status::kBadShape;
  const std::size_t element = DataTypeSize(output.type);
  auto* out = static_cast<unsigned char*>(output.data);
  for (std::int32_t o = 0; o < outer; ++o) {
    for (const Tensor* t : inputs) {
      const std::size_t bytes = static_cast<std::size_t>(t->shape[axis]) * static_cast<std::size_t>(inner) * element;
      const auto* src = static_cast<const unsigned char*>(t->data) + static_cast<std::size_t>(o) * bytes;
      for (std::size_t b = 0; b < bytes; ++b) *out++ = src[b];
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
