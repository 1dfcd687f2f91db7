#include "tinykg/emu/target.h"

#include <array>

namespace tinykg::emu {
namespace {

// Memory maps from QEMU's board models: the MPS2 FPGA images put 4 MiB of
// SSRAM at 0 (code) and at 0x20000000 (data); the micro:bit's nRF51822 has
// 256 KiB flash and 16 KiB RAM.
constexpr std::array<Target, 4> kTargets = {{
    {"mps2-an386", "mps2-an386", "qemu-system-arm", "cortex-m4f",
     "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16", 0x0, 4u << 20, 0x20000000, 4u << 20},
    {"mps2-an385", "mps2-an385", "qemu-system-arm", "cortex-m3",
     "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft", 0x0, 4u << 20, 0x20000000, 4u << 20},
    {"mps2-an500", "mps2-an500", "qemu-system-arm", "cortex-m7",
     "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16", 0x0, 4u << 20, 0x20000000, 4u << 20},
    {"microbit", "microbit", "qemu-system-arm", "cortex-m0",
     "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft", 0x0, 256u << 10, 0x20000000, 16u << 10},
}};

}  // namespace

std::span<const Target> Targets() { return kTargets; }

const Target* FindTarget(std::string_view name) {
  if (name == "cortex-m4") name = "cortex-m4f";
  if (name == "cortex-m7f") name = "cortex-m7";
  if (name == "cortex-m0+" || name == "cortex-m0plus") name = "cortex-m0";
  for (const Target& t : kTargets) {
    if (t.name == name || t.core == name) return &t;
  }
  return nullptr;
}

}  // namespace tinykg::emu
