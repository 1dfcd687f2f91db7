// TRANSPOSE: output dim i is input dim perm[i]; any element type (a copy,
// so int8 stays bit-exact).
#include "kernels/broadcast.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Transpose(std::span<const std::int32_t> perm, const Tensor& input, const Tensor& output) {
  const Shape& in = input.shape;
  const Shape& out = output.shape;
  if (in.rank != out.rank || perm.size() != static_cast<std::size_t>(in.rank)) return Status::kBadShape;
  std::array<std::int32_t, kMaxRank> in_strides{};
  std::int32_t stride = 1;
  for (int i = in.rank - 1; i >= 0; --i) {
    in_strides[static_cast<std::size_t>(i)] = stride;
    stride *= in[i];
  }
  // The input stride walked by each output dim.
  std::array<std::int32_t, kMaxRank> strides{};
  for (int i = 0; i < out.rank; ++i) {
    const std::int32_t p = perm[static_cast<std::size_t>(i)];
    if (p < 0 || p >= in.rank || in[p] != out[i]) return Status::kBadShape;
    strides[static_cast<std::size_t>(i)] = in_strides[static_cast<std::size_t>(p)];
  }
  if (input.type != output.type) return Status::kBadType;
  if (out.Elements() == 0) return Status::kOk;
  const std::size_t size = DataTypeSize(input.type);
  const auto* src = static_cast<const unsigned char*>(input.data);
  auto* dst = static_cast<unsigned char*>(output.data);
  std::array<std::int32_t, kMaxRank> index{};
  std::size_t o = 0;
  do {
    const auto from = static_cast<std::size_t>(internal::Offset(index, strides, out.rank)) * size;
    for (std::size_t b = 0; b < size; ++b) dst[o * size + b] = src[from + b];
    ++o;
  } while (internal::NextIndex(out, &index));
  return Status::kOk;
}

}  // namespace tinykg::engine
