#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

PaddedSize ComputePadding(Padding padding, std::int32_t in, std::int32_t filter,
                          std::int32_t stride, std::int32_t dilation) {
  const std::int32_t effective = (filter - 1) * dilation + 1;
  PaddedSize r;
  if (padding == Padding::kSame) {
    r.out = (in + stride - 1) / stride;
    const std::int32_t total = (r.out - 1) * stride + effective - in;
    r.pad_before = total > 0 ? total / 2 : 0;
  } else {
    r.out = (in - effective + stride) / stride;
    r.pad_before = 0;
  }
  return r;
}

}  // namespace tinykg::engine
