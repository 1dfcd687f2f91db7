// Element-wise MUL, DIV, MINIMUM, MAXIMUM (and ADD's int32 path) with NumPy
// broadcasting on int32 or float32 tensors, as TFLite's reference kernels;
// int32 DIV truncates toward zero and refuses a zero divisor.
#include "kernels/broadcast.h"
#include "kernels/kernel_util.h"
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {
namespace {

bool Apply(BinaryOp op, float a, float b, float* out) {
  switch (op) {
    case BinaryOp::kAdd: *out = a + b; return true;
    case BinaryOp::kMul: *out = a * b; return true;
    case BinaryOp::kDiv: *out = a / b; return true;
    case BinaryOp::kMinimum: *out = a < b ? a : b; return true;
    case BinaryOp::kMaximum: *out = a > b ? a : b; return true;
  }
  return false;
}

// int32 sums and products wrap (two's complement) instead of being undefined.
bool Apply(BinaryOp op, std::int32_t a, std::int32_t b, std::int32_t* out) {
  switch (op) {
    case BinaryOp::kAdd: *out = static_cast<std::int32_t>(static_cast<std::int64_t>(a) + b); return true;
    case BinaryOp::kMul: *out = static_cast<std::int32_t>(static_cast<std::int64_t>(a) * b); return true;
    case BinaryOp::kDiv:
      if (b == 0 || (a == INT32_MIN && b == -1)) return false;
      *out = a / b;
      return true;
    case BinaryOp::kMinimum: *out = a < b ? a : b; return true;
    case BinaryOp::kMaximum: *out = a > b ? a : b; return true;
  }
  return false;
}

}  // namespace

Status Binary(BinaryOp op, Activation activation, const Tensor& a, const Tensor& b, const Tensor& output) {
  std::array<std::int32_t, kMaxRank> sa{}, sb{};
  const Shape& out = output.shape;
  if (!internal::BroadcastStrides(a.shape, out, &sa) || !internal::BroadcastStrides(b.shape, out, &sb)) {
    return Status::kBadShape;
  }
  if (a.type != output.type || b.type != output.type || output.quant.quantized() ||
      (output.type != DataType::kInt32 && output.type != DataType::kFloat32)) {
    return Status::kBadType;
  }
  std::array<std::int32_t, kMaxRank> index{};
  std::int32_t o = 0;
  if (out.Elements() == 0) return Status::kOk;
  do {
    const std::int32_t ia = internal::Offset(index, sa, out.rank);
    const std::int32_t ib = internal::Offset(index, sb, out.rank);
    if (output.type == DataType::kFloat32) {
      float v = 0;
      Apply(op, a.Data<const float>()[ia], b.Data<const float>()[ib], &v);
      output.Data<float>()[o] = ApplyActivation(activation, v);
    } else {
      std::int32_t v = 0;
      if (!Apply(op, a.Data<const std::int32_t>()[ia], b.Data<const std::int32_t>()[ib], &v)) {
        return Status::kInvalidArgument;
      }
      std::int32_t lo = INT32_MIN, hi = INT32_MAX;
      if (activation == Activation::kRelu) lo = 0;
      if (activation == Activation::kRelu6) lo = 0, hi = 6;
      if (activation == Activation::kReluN1To1) lo = -1, hi = 1;
      output.Data<std::int32_t>()[o] = internal::Clamp(v, lo, hi);
    }
    ++o;
  } while (internal::NextIndex(out, &index));
  return Status::kOk;
}

}  // namespace tinykg::engine
