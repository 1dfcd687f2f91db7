// PAD with zeros (the output zero point for int8); any element type.
#include "kernels/broadcast.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {

Status Pad(std::span<const std::int32_t> paddings, const Tensor& input, const Tensor& output) {
  const Shape& in = input.shape;
  const Shape& out = output.shape;
  if (in.rank != out.rank || paddings.size() != static_cast<std::size_t>(2 * in.rank)) {
    return Status::kBadShape;
  }
  for (int i = 0; i < in.rank; ++i) {
    const auto k = static_cast<std::size_t>(2 * i);
    if (in[i] + paddings[k] + paddings[k + 1] != out[i]) return Status::kBadShape;
  }
  if (input.type != output.type) return Status::kBadType;
  const std::size_t size = DataTypeSize(input.type);
  std::array<std::int32_t, kMaxRank> in_strides{};
  std::int32_t stride = 1;
  for (int i = in.rank - 1; i >= 0; --i) {
    in_strides[static_cast<std::size_t>(i)] = stride;
    stride *= in[i];
  }
  const auto* src = static_cast<const unsigned char*>(input.data);
  auto* dst = static_cast<unsigned char*>(output.data);
  std::int8_t pad_int8 = 0;
  if (input.type == DataType::kInt8) pad_int8 = static_cast<std::int8_t>(output.quant.ZeroPoint());
  if (out.Elements() == 0) return Status::kOk;
  std::array<std::int32_t, kMaxRank> index{};
  std::size_t o = 0;
  do {
    bool inside = true;
    std::int32_t offset = 0;
    for (int i = 0; i < in.rank; ++i) {
      const std::int32_t v = index[static_cast<std::size_t>(i)] - paddings[static_cast<std::size_t>(2 * i)];
      if (v < 0 || v >= in[i]) {
        inside = false;
        break;
      }
      offset += v * in_strides[static_cast<std::size_t>(i)];
    }
    for (std::size_t b = 0; b < size; ++b) {
      dst[o * size + b] = inside ? src[static_cast<std::size_t>(offset) * size + b]
                                 : (input.type == DataType::kInt8 ? static_cast<unsigned char>(pad_int8) : 0);
    }
    ++o;
  } while (internal::NextIndex(out, &index));
  return Status::kOk;
}

}  // namespace tinykg::engine
