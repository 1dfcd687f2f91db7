// Tensors: a typed view of memory the engine does not own.
//
// Layout is row-major; images are NHWC as in TFLite. A Tensor never owns its
// data: weights usually point into a model buffer, activations into an Arena.
// Quantized tensors follow TFLite semantics: real = scale * (q - zero_point),
// per tensor (one scale) or per channel along `quantized_dimension`.
#ifndef TINYKG_ENGINE_TENSOR_H_
#define TINYKG_ENGINE_TENSOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tinykg::engine {

inline constexpr int kMaxRank = 5;

// kUInt32/kUInt64 carry the audio front end's energies and filter-bank sums.
enum class DataType : std::uint8_t { kFloat32, kInt8, kInt32, kUInt8, kInt16, kInt64, kUInt32, kUInt64 };

// Bytes of one element.
std::size_t DataTypeSize(DataType type);

struct Shape {
  int rank = 0;
  std::array<std::int32_t, kMaxRank> dims{};

  constexpr Shape() = default;
  constexpr Shape(std::initializer_list<std::int32_t> d) {
    for (std::int32_t v : d) {
      if (rank < kMaxRank) dims[static_cast<std::size_t>(rank++)] = v;
    }
  }
  constexpr std::int32_t operator[](int i) const { return dims[static_cast<std::size_t>(i)]; }
  constexpr std::int32_t& operator[](int i) { return dims[static_cast<std::size_t>(i)]; }
  // Product of all dims (1 for rank 0).
  constexpr std::int32_t Elements() const {
    std::int32_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[static_cast<std::size_t>(i)];
    return n;
  }
  // dims[i] counted from the end when i < 0 (-1 is the last dim).
  constexpr std::int32_t Dim(int i) const { return (*this)[i < 0 ? rank + i : i]; }
  constexpr bool operator==(const Shape& o) const {
    if (rank != o.rank) return false;
    for (int i = 0; i < rank; ++i) {
      if ((*this)[i] != o[i]) return false;
    }
    return true;
  }
};

// TFLite quantization parameters; empty `scale` means not quantized. The
// spans are borrowed (model buffer or arena).
struct Quantization {
  std::span<const float> scale;
  std::span<const std::int32_t> zero_point;
  int quantized_dimension = 0;

  bool quantized() const { return !scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
  float Scale(std::size_t channel = 0) const { return scale[per_channel() ? channel : 0]; }
  std::int32_t ZeroPoint(std::size_t channel = 0) const {
    if (zero_point.empty()) return 0;
    return zero_point[zero_point.size() > 1 ? channel : 0];
  }
};

struct Tensor {
  DataType type = DataType::kFloat32;
  Shape shape;
  void* data = nullptr;  // borrowed
  Quantization quant;

  std::int32_t Elements() const { return shape.Elements(); }
  std::size_t Bytes() const { return static_cast<std::size_t>(Elements()) * DataTypeSize(type); }

  template <typename T>
  T* Data() const {
    return static_cast<T*>(data);
  }
  template <typename T>
  std::span<T> Span() const {
    return {static_cast<T*>(data), static_cast<std::size_t>(Elements())};
  }
};

// A float tensor view over `values` with `shape`.
inline Tensor FloatTensor(std::span<float> values, Shape shape) {
  Tensor t;
  t.type = DataType::kFloat32;
  t.shape = shape;
  t.data = values.data();
  return t;
}

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_TENSOR_H_
