// STRIDED_SLICE with TFLite's begin/end/stride rules: negative indices count
// from the end, masked ends take the full range, indices clamp to the
// dimension, shrink_axis keeps one element. Any element type.
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {
namespace {

std::int32_t ClampIndex(std::int32_t v, std::int32_t lo, std::int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

Status StridedSlice(const StridedSliceParams& params, const Tensor& input, std::span<const std::int32_t> begin,
                    std::span<const std::int32_t> end, std::span<const std::int32_t> strides, const Tensor& output) {
  const int rank = input.shape.rank;
  if (params.ellipsis_mask != 0 || params.new_axis_mask != 0) return Status::kUnsupported;
  if (input.type != output.type || static_cast<int>(begin.size()) > rank || begin.size() != end.size() ||
      begin.size() != strides.size()) {
    return Status::kBadShape;
  }
  std::int32_t start[kMaxRank], stop[kMaxRank], step[kMaxRank];
  std::int32_t count = 1;
  for (int d = 0; d < rank; ++d) {
    const std::int32_t dim = input.shape[d];
    const bool given = d < static_cast<int>(begin.size());
    step[d] = given ? strides[static_cast<std::size_t>(d)] : 1;
    if (step[d] == 0) return Status::kInvalidArgument;
    const bool shrink = given && ((params.shrink_axis_mask >> d) & 1) != 0;
    std::int32_t b = given ? begin[static_cast<std::size_t>(d)] : 0;
    if (given && ((params.begin_mask >> d) & 1) != 0) b = step[d] > 0 ? 0 : dim - 1;
    if (b < 0) b += dim;
    b = step[d] > 0 ? ClampIndex(b, 0, dim) : ClampIndex(b, -1, dim - 1);
    std::int32_t e = given ? end[static_cast<std::size_t>(d)] : dim;
    if (shrink) {
      e = b + 1;
      step[d] = 1;
    } else {
      if (given && ((params.end_mask >> d) & 1) != 0)
        e = step[d] > 0 ? dim : -1;
      else if (e < 0)
        e += dim;
      e = step[d] > 0 ? ClampIndex(e, 0, dim) : ClampIndex(e, -1, dim - 1);
    }
    start[d] = b;
    stop[d] = e;
    const std::int32_t n =
        step[d] > 0 ? (e > b ? (e - b + step[d] - 1) / step[d] : 0) : (b > e ? (b - e - step[d] - 1) / -step[d] : 0);
    count *= n;
  }
  if (output.Elements() != count) return Status::kBadShape;
  if (count == 0) return Status::kOk;
  const std::size_t element = DataTypeSize(input.type);
  const auto* in = static_cast<const unsigned char*>(input.data);
  auto* out = static_cast<unsigned char*>(output.data);
  std::int32_t index[kMaxRank];
  for (int d = 0; d < rank; ++d) index[d] = start[d];
  while (true) {
    std::int32_t offset = 0;
    for (int d = 0; d < rank; ++d) offset = offset * input.shape[d] + index[d];
    for (std::size_t b = 0; b < element; ++b) *out++ = in[static_cast<std::size_t>(offset) * element + b];
    int d = rank - 1;
    for (; d >= 0; --d) {
      index[d] += step[d];
      if (step[d] > 0 ? index[d] < stop[d] : index[d] > stop[d]) break;
      index[d] = start[d];
    }
    if (d < 0) break;
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
