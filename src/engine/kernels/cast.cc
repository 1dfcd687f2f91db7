// CAST: element-wise C++ conversion between the integer and float types
// (integers wrap, floats truncate toward zero), as TFLite's reference.
#include "tinykg/engine/kernels.h"

namespace tinykg::engine {
namespace {

// Reads element i as an exact int64 (all integer types) or a double.
bool ReadInteger(const Tensor& t, std::int32_t i, std::int64_t* v) {
  switch (t.type) {
    case DataType::kInt8: *v = t.Data<const std::int8_t>()[i]; return true;
    case DataType::kUInt8: *v = t.Data<const std::uint8_t>()[i]; return true;
    case DataType::kInt16: *v = t.Data<const std::int16_t>()[i]; return true;
    case DataType::kInt32: *v = t.Data<const std::int32_t>()[i]; return true;
    case DataType::kUInt32: *v = t.Data<const std::uint32_t>()[i]; return true;
    case DataType::kInt64: *v = t.Data<const std::int64_t>()[i]; return true;
    case DataType::kUInt64: *v = static_cast<std::int64_t>(t.Data<const std::uint64_t>()[i]); return true;
    case DataType::kFloat32: return false;
  }
  return false;
}

template <typename T>
void Store(const Tensor& t, std::int32_t i, T v) {
  switch (t.type) {
    case DataType::kInt8: t.Data<std::int8_t>()[i] = static_cast<std::int8_t>(v); break;
    case DataType::kUInt8: t.Data<std::uint8_t>()[i] = static_cast<std::uint8_t>(v); break;
    case DataType::kInt16: t.Data<std::int16_t>()[i] = static_cast<std::int16_t>(v); break;
    case DataType::kInt32: t.Data<std::int32_t>()[i] = static_cast<std::int32_t>(v); break;
    case DataType::kUInt32: t.Data<std::uint32_t>()[i] = static_cast<std::uint32_t>(v); break;
    case DataType::kInt64: t.Data<std::int64_t>()[i] = static_cast<std::int64_t>(v); break;
    case DataType::kUInt64: t.Data<std::uint64_t>()[i] = static_cast<std::uint64_t>(v); break;
    case DataType::kFloat32: t.Data<float>()[i] = static_cast<float>(v); break;
  }
}

}  // namespace

Status Cast(const Tensor& input, const Tensor& output) {
  if (input.Elements() != output.Elements()) return Status::kBadShape;
  if (input.quant.quantized() || output.quant.quantized()) return Status::kBadType;
  for (std::int32_t i = 0; i < input.Elements(); ++i) {
    std::int64_t v = 0;
    if (ReadInteger(input, i, &v)) {
      // Integer to integer wraps; to float rounds to nearest.
      Store(output, i, v);
    } else {
      const float f = input.Data<const float>()[i];
      if (output.type == DataType::kFloat32) {
        output.Data<float>()[i] = f;
      } else {
        Store(output, i, static_cast<std::int64_t>(f));
      }
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
