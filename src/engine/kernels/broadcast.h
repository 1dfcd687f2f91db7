// NumPy broadcasting of two shapes to an output shape (internal).
#ifndef TINYKG_ENGINE_KERNELS_BROADCAST_H_
#define TINYKG_ENGINE_KERNELS_BROADCAST_H_

#include <array>

#include "tinykg/engine/tensor.h"

namespace tinykg::engine::internal {

// Element strides of `in` aligned to `out`'s rank, 0 on broadcast dims.
// False when `in` does not broadcast to `out`.
inline bool BroadcastStrides(const Shape& in, const Shape& out,
                             std::array<std::int32_t, kMaxRank>* strides) {
  if (in.rank > out.rank) return false;
  std::int32_t stride = 1;
  for (int i = out.rank - 1; i >= 0; --i) {
    const int j = i - (out.rank - in.rank);
    const std::int32_t d = j >= 0 ? in[j] : 1;
    if (d != out[i] && d != 1) return false;
    (*strides)[static_cast<std::size_t>(i)] = d == 1 ? 0 : stride;
    stride *= d;
  }
  return true;
}

// Advances a multi-index over `out`; returns false after the last element.
inline bool NextIndex(const Shape& out, std::array<std::int32_t, kMaxRank>* index) {
  for (int i = out.rank - 1; i >= 0; --i) {
    auto& v = (*index)[static_cast<std::size_t>(i)];
    if (++v < out[i]) return true;
    v = 0;
  }
  return false;
}

inline std::int32_t Offset(const std::array<std::int32_t, kMaxRank>& index,
                           const std::array<std::int32_t, kMaxRank>& strides, int rank) {
  std::int32_t o = 0;
  for (int i = 0; i < rank; ++i) {
    o += index[static_cast<std::size_t>(i)] * strides[static_cast<std::size_t>(i)];
  }
  return o;
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_BROADCAST_H_
