// A fixed int8 FULLY_CONNECTED problem (per-channel filter scales, non-zero
// zero points, ReLU) that the firmware (mode 2) and the host test both run
// through the engine's kernel; the outputs must be bit-identical.
#ifndef TINYKG_EMU_FIRMWARE_INT8_CHECK_H_
#define TINYKG_EMU_FIRMWARE_INT8_CHECK_H_

#include <array>
#include <cstdint>

#include "tinykg/engine/kernels.h"
#include "tinykg/engine/random.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::emu_firmware {

inline constexpr std::int32_t kInt8In = 64;
inline constexpr std::int32_t kInt8Out = 16;

// Fills `out` with the kernel's int8 outputs for inputs drawn from `seed`.
inline engine::Status RunInt8Check(std::uint64_t seed, std::array<std::int8_t, kInt8Out>& out) {
  using namespace tinykg::engine;
  std::array<std::int8_t, kInt8In> x{};
  std::array<std::int8_t, kInt8In * kInt8Out> w{};
  std::array<std::int32_t, kInt8Out> bias{};
  std::array<float, kInt8Out> w_scale{};
  std::array<std::int32_t, kInt8Out> w_zp{};
  Pcg32 rng(seed);
  for (auto& v : x) v = static_cast<std::int8_t>(static_cast<std::int32_t>(rng.Below(256)) - 128);
  for (auto& v : w) v = static_cast<std::int8_t>(static_cast<std::int32_t>(rng.Below(255)) - 127);
  for (auto& v : bias) v = static_cast<std::int32_t>(rng.Below(2001)) - 1000;
  for (auto& s : w_scale) s = rng.Uniform(0.001f, 0.02f);
  const float in_scale[1] = {0.05f};
  const std::int32_t in_zp[1] = {-3};
  const float out_scale[1] = {0.4f};
  const std::int32_t out_zp[1] = {-128};
  Tensor input{DataType::kInt8, Shape{1, kInt8In}, x.data(), {in_scale, in_zp, 0}};
  Tensor filter{DataType::kInt8, Shape{kInt8Out, kInt8In}, w.data(), {w_scale, w_zp, 0}};
  Tensor bias_t{DataType::kInt32, Shape{kInt8Out}, bias.data(), {}};
  Tensor output{DataType::kInt8, Shape{1, kInt8Out}, out.data(), {out_scale, out_zp, 0}};
  FullyConnectedParams params;
  params.activation = Activation::kRelu;
  return FullyConnected(params, input, filter, &bias_t, output);
}

}  // namespace tinykg::emu_firmware

#endif  // TINYKG_EMU_FIRMWARE_INT8_CHECK_H_
