// RESHAPE: the bytes stay in order, only the shape changes.
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Reshape(const Tensor& input, const Tensor& output) {
  if (input.Bytes() != output.Bytes()) return Status::kBadShape;
  if (input.data == output.data) return Status::kOk;
  const auto* src = static_cast<const unsigned char*>(input.data);
  auto* dst = static_cast<unsigned char*>(output.data);
  const std::size_t n = input.Bytes();
  // Overlap-safe copy (a graph may alias the two).
  if (dst < src) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    for (std::size_t i = n; i > 0; --i) dst[i - 1] = src[i - 1];
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
