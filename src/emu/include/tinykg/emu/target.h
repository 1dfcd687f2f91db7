// The emulated microcontrollers tinykg runs the engine on: one QEMU machine
// per core family, with the toolchain, compiler flags and memory map of its
// firmware.
#ifndef TINYKG_EMU_TARGET_H_
#define TINYKG_EMU_TARGET_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace tinykg::emu {

struct Target {
  std::string_view name;       // tinykg's name, also the firmware folder: "mps2-an386"
  std::string_view machine;    // QEMU -M value
  std::string_view qemu;       // QEMU binary
  std::string_view core;       // the core it stands for: "cortex-m4f"
  std::string_view cpu_flags;  // cross compiler flags (also used at link)
  std::uint64_t flash_origin;  // where the image is loaded
  std::uint64_t flash_max;     // the board's flash (a device may have less)
  std::uint64_t ram_origin;
  std::uint64_t ram_max;
  std::string_view tools;            // cross tool prefix: "arm-none-eabi" -> arm-none-eabi-gcc, -size
  std::string_view linker;           // the driver that links: "arm-none-eabi-g++"
  std::string_view link_flags;       // before the objects: C library specs
  std::string_view link_libs;        // after the firmware library
  std::string_view linker_template;  // file in src/emu/firmware: "cortex_m.ld.in"
  std::string_view platform;         // folder in src/engine/platform: "cortex_m", "riscv"
  bool hard_float = false;           // an FPU to switch on at reset (platform's fpu.cc)
};

// Every target this build knows, M4F first. Static storage; never null.
std::span<const Target> Targets();

// The target called `name` or the one standing for core `name`
// ("cortex-m4f", "cortex-m4", "cortex-m3", "cortex-m0", "cortex-m7",
// "rv32imac", "rv32imc"); null when none does. The pointer is to static
// storage.
const Target* FindTarget(std::string_view name);

// The target standing for a core type of the knowledge graph, given as the
// local name of its tkg: IRI ("CortexM4F", "CortexM0Plus", "RV32IMAC");
// null when no emulated target stands for it (Xtensa, AVR, Cortex-M33, ...).
const Target* TargetForCoreType(std::string_view core_type);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_TARGET_H_
