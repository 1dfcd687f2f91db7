#include "tinykg/emu/target.h"

#include <array>
#include <cctype>
#include <string>

namespace tinykg::emu {
namespace {

// Memory maps from QEMU's board models: the MPS2 FPGA images put 4 MiB of
// SSRAM at 0 (code) and at 0x20000000 (data); the micro:bit's nRF51822 has
// 256 KiB flash and 16 KiB RAM. sifive_e (the FE310 of the HiFive1) maps its
// SPI flash at 0x20000000 and its mask ROM jumps to 0x20400000, where the
// HiFive1's 16 MiB flash leaves 12 MiB for the program; its data RAM (DTIM)
// is 16 KiB at 0x80000000. The Arm targets link newlib-nano, sifive_e
// picolibc, linked by the C driver: Debian has no libstdc++ for
// riscv64-unknown-elf and the engine needs none (g++ would ask for it).
// RV32IMAC has no FPU: floats are libgcc soft-float calls.
constexpr std::string_view kArmTools = "arm-none-eabi";
constexpr std::string_view kArmLinker = "arm-none-eabi-g++";
constexpr std::string_view kArmLinkFlags = "-specs=nano.specs";
constexpr std::string_view kArmLibs = "-lm -lc -lnosys";
constexpr std::string_view kArmScript = "cortex_m.ld.in";
constexpr std::array<Target, 5> kTargets = {{
    {"mps2-an386", "mps2-an386", "qemu-system-arm", "cortex-m4f",
     "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16", 0x0, 4u << 20, 0x20000000, 4u << 20,
     kArmTools, kArmLinker, kArmLinkFlags, kArmLibs, kArmScript, "cortex_m", true},
    {"mps2-an385", "mps2-an385", "qemu-system-arm", "cortex-m3",
     "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft", 0x0, 4u << 20, 0x20000000, 4u << 20,
     kArmTools, kArmLinker, kArmLinkFlags, kArmLibs, kArmScript, "cortex_m", false},
    {"mps2-an500", "mps2-an500", "qemu-system-arm", "cortex-m7",
     "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16", 0x0, 4u << 20, 0x20000000, 4u << 20,
     kArmTools, kArmLinker, kArmLinkFlags, kArmLibs, kArmScript, "cortex_m", true},
    {"microbit", "microbit", "qemu-system-arm", "cortex-m0",
     "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft", 0x0, 256u << 10, 0x20000000, 16u << 10,
     kArmTools, kArmLinker, kArmLinkFlags, kArmLibs, kArmScript, "cortex_m", false},
    {"sifive_e", "sifive_e", "qemu-system-riscv32", "rv32imac", "-march=rv32imac -mabi=ilp32",
     0x20400000, 12u << 20, 0x80000000, 16u << 10,
     "riscv64-unknown-elf", "riscv64-unknown-elf-gcc", "--specs=picolibc.specs", "-lm -lc", "riscv.ld.in", "riscv", false},
}};

}  // namespace

std::span<const Target> Targets() { return kTargets; }

const Target* FindTarget(std::string_view name) {
  if (name == "cortex-m4") name = "cortex-m4f";
  if (name == "cortex-m7f") name = "cortex-m7";
  if (name == "cortex-m0+" || name == "cortex-m0plus") name = "cortex-m0";
  // The firmware uses no atomics, so an RV32IMC core runs the RV32IMAC build.
  if (name == "rv32imc") name = "rv32imac";
  for (const Target& t : kTargets) {
    if (t.name == name || t.core == name) return &t;
  }
  return nullptr;
}

const Target* TargetForCoreType(std::string_view core_type) {
  std::string name;
  for (char c : core_type) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.rfind("cortexm", 0) == 0) name = "cortex-m" + name.substr(7);
  return FindTarget(name);
}

}  // namespace tinykg::emu
