#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

std::size_t DataTypeSize(DataType type) {
  switch (type) {
    case DataType::kFloat32: return 4;
    case DataType::kInt8: return 1;
    case DataType::kUInt8: return 1;
    case DataType::kInt16: return 2;
    case DataType::kInt32: return 4;
    case DataType::kInt64: return 8;
    case DataType::kUInt32: return 4;
    case DataType::kUInt64: return 8;
  }
  return 0;
}

}  // namespace tinykg::engine
