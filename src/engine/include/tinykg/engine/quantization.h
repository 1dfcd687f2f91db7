// Fixed-point helpers with TFLite's integer semantics.
//
// A real multiplier M (0 < M < 2^31) is represented as a Q31 value and a
// power-of-two shift; MultiplyByQuantizedMultiplier rounds exactly as the
// TFLite reference kernels do (rounding doubling high multiply, then a
// rounding right shift), so int8 results match TFLite bit for bit.
#ifndef TINYKG_ENGINE_QUANTIZATION_H_
#define TINYKG_ENGINE_QUANTIZATION_H_

#include <cstdint>

#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

// Fused activations, as in TFLite's ActivationFunctionType.
enum class Activation : std::uint8_t { kNone, kRelu, kReluN1To1, kRelu6, kTanh, kSigmoid };

// Splits `real_multiplier` into a Q31 `*quantized` and `*shift` (positive =
// left). Zero gives (0, 0).
void QuantizeMultiplier(double real_multiplier, std::int32_t* quantized, int* shift);

// round(x * M) for M given by QuantizeMultiplier.
std::int32_t MultiplyByQuantizedMultiplier(std::int32_t x, std::int32_t quantized, int shift);

// Rounding arithmetic right shift by `exponent` (0..31), ties away from zero.
std::int32_t RoundingDivideByPot(std::int32_t x, int exponent);

// The int8 output range [*min, *max] that `activation` leaves for a tensor
// with `scale` and `zero_point` (kTanh/kSigmoid are not fusable: full range).
void QuantizedActivationRange(Activation activation, float scale, std::int32_t zero_point,
                              std::int32_t* min, std::int32_t* max);

// Applies a fused float activation to one value.
float ApplyActivation(Activation activation, float x);

// Quantizes one value to int8 with TFLite rounding (round half away from
// zero) and saturation.
std::int8_t QuantizeInt8(float real, float scale, std::int32_t zero_point);
inline float DequantizeInt8(std::int8_t q, float scale, std::int32_t zero_point) {
  return scale * static_cast<float>(static_cast<std::int32_t>(q) - zero_point);
}

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_QUANTIZATION_H_
