#include "tinykg/engine/quantization.h"

#include <cmath>
#include <limits>

namespace tinykg::engine {

void QuantizeMultiplier(double real_multiplier, std::int32_t* quantized, int* shift) {
  if (real_multiplier == 0.0) {
    *quantized = 0;
    *shift = 0;
    return;
  }
  int exponent = 0;
  const double fraction = std::frexp(real_multiplier, &exponent);
  auto q = static_cast<std::int64_t>(std::round(fraction * static_cast<double>(1LL << 31)));
  if (q == (1LL << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    q = 0;
  }
  if (exponent > 30) {
    exponent = 30;
    q = (1LL << 31) - 1;
  }
  *quantized = static_cast<std::int32_t>(q);
  *shift = exponent;
}

namespace {

std::int32_t SaturatingRoundingDoublingHighMul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) {
    return std::numeric_limits<std::int32_t>::max();
  }
  const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  const std::int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<std::int32_t>((ab + nudge) / (1LL << 31));
}

}  // namespace

std::int32_t RoundingDivideByPot(std::int32_t x, int exponent) {
  const std::int32_t mask = static_cast<std::int32_t>((1LL << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int32_t MultiplyByQuantizedMultiplier(std::int32_t x, std::int32_t quantized, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const auto shifted = static_cast<std::int32_t>(static_cast<std::int64_t>(x) * (1LL << left));
  return RoundingDivideByPot(SaturatingRoundingDoublingHighMul(shifted, quantized), right);
}

void QuantizedActivationRange(Activation activation, float scale, std::int32_t zero_point,
                              std::int32_t* min, std::int32_t* max) {
  constexpr std::int32_t kQMin = -128;
  constexpr std::int32_t kQMax = 127;
  auto quantize = [&](float v) {
    return zero_point + static_cast<std::int32_t>(std::round(v / scale));
  };
  std::int32_t lo = kQMin;
  std::int32_t hi = kQMax;
  if (activation == Activation::kRelu) {
    lo = quantize(0.0f);
  } else if (activation == Activation::kRelu6) {
    lo = quantize(0.0f);
    hi = quantize(6.0f);
  } else if (activation == Activation::kReluN1To1) {
    lo = quantize(-1.0f);
    hi = quantize(1.0f);
  }
  *min = lo < kQMin ? kQMin : lo;
  *max = hi > kQMax ? kQMax : hi;
}

float ApplyActivation(Activation activation, float x) {
  switch (activation) {
    case Activation::kNone: return x;
    case Activation::kRelu: return x > 0.0f ? x : 0.0f;
    case Activation::kRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case Activation::kReluN1To1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case Activation::kTanh: return std::tanh(x);
    case Activation::kSigmoid: return 1.0f / (1.0f + std::exp(-x));
  }
  return x;
}

std::int8_t QuantizeInt8(float real, float scale, std::int32_t zero_point) {
  const std::int32_t q = zero_point + static_cast<std::int32_t>(std::round(real / scale));
  return static_cast<std::int8_t>(q < -128 ? -128 : (q > 127 ? 127 : q));
}

}  // namespace tinykg::engine
