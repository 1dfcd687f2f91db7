// Semihosting (the debug-host calls QEMU answers for the guest): the only
// I/O of the microcontroller platforms. The operations and their argument
// blocks are the same on Arm and RISC-V; only the trap that makes the call
// differs, and it comes from the target's platform folder
// (cortex_m/semihosting_call.h: BKPT 0xAB; riscv/semihosting_call.h: the
// slli/ebreak/srai sequence), found on the include path.
#ifndef TINYKG_ENGINE_PLATFORM_SEMIHOSTING_SEMIHOSTING_H_
#define TINYKG_ENGINE_PLATFORM_SEMIHOSTING_SEMIHOSTING_H_

#include <cstdint>

#include "semihosting_call.h"

namespace tinykg::engine::semihosting {

enum Operation : std::uint32_t {
  kOpen = 0x01,
  kWrite0 = 0x04,
  kRead = 0x06,
  kExitExtended = 0x20,
};

// Operation `operation` with its argument block at `argument`; returns the
// host's answer (the value left in r0 / a0).
inline std::int32_t Call(std::uint32_t operation, const void* argument) {
  return static_cast<std::int32_t>(Trap(operation, argument));
}

// Writes a NUL-terminated string to the host's stdout.
inline void Write0(const char* text) { Call(kWrite0, text); }

// Ends the emulation with `code` as QEMU's exit status.
[[noreturn]] inline void Exit(std::uint32_t code) {
  const std::uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, code};
  Call(kExitExtended, block);
  for (;;) {
  }
}

}  // namespace tinykg::engine::semihosting

#endif  // TINYKG_ENGINE_PLATFORM_SEMIHOSTING_SEMIHOSTING_H_
