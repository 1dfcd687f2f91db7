// Helpers shared by the engine tests.
#ifndef TINYKG_TESTS_ENGINE_TEST_UTIL_H_
#define TINYKG_TESTS_ENGINE_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "tinykg/engine/quantization.h"
#include "tinykg/engine/random.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine::testing {

inline std::vector<float> RandomVector(std::size_t n, Pcg32& rng, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> v(n);
  for (float& x : v) x = rng.Uniform(lo, hi);
  return v;
}

// An int8 tensor that owns its storage and quantization parameters.
struct QTensor {
  std::vector<std::int8_t> values;
  std::vector<float> scales;
  std::vector<std::int32_t> zero_points;
  Tensor tensor;

  QTensor(Shape shape, std::vector<float> s, std::vector<std::int32_t> zp, int dim = 0)
      : values(static_cast<std::size_t>(shape.Elements())), scales(std::move(s)), zero_points(std::move(zp)) {
    tensor.type = DataType::kInt8;
    tensor.shape = shape;
    tensor.data = values.data();
    tensor.quant.scale = scales;
    tensor.quant.zero_point = zero_points;
    tensor.quant.quantized_dimension = dim;
  }
  // Quantizes `real` (per tensor, or per channel along the quantized dim,
  // which must be the first (dim 0) or last dim).
  void Set(const std::vector<float>& real) {
    const auto channels = static_cast<std::size_t>(tensor.shape[tensor.quant.quantized_dimension]);
    const std::size_t inner = tensor.quant.quantized_dimension == 0 ? values.size() / channels : 1;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::size_t c = tensor.quant.per_channel()
                                ? (tensor.quant.quantized_dimension == 0 ? i / inner : i % channels)
                                : 0;
      values[i] = QuantizeInt8(real[i], tensor.quant.Scale(c), tensor.quant.ZeroPoint(c));
    }
  }
  float Real(std::size_t i) const {
    return DequantizeInt8(values[i], tensor.quant.Scale(), tensor.quant.ZeroPoint());
  }
};

}  // namespace tinykg::engine::testing

#endif  // TINYKG_TESTS_ENGINE_TEST_UTIL_H_
