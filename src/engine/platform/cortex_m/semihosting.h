// ARM semihosting (the debug-host calls QEMU answers for a Cortex-M guest):
// the only I/O of the Cortex-M platform. Each call is one BKPT 0xAB with the
// operation in r0 and a pointer to its argument block in r1.
#ifndef TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_H_
#define TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_H_

#include <cstdint>

namespace tinykg::engine::semihosting {

enum Operation : std::uint32_t {
  kOpen = 0x01,
  kWrite0 = 0x04,
  kRead = 0x06,
  kExitExtended = 0x20,
};

inline std::int32_t Call(std::uint32_t operation, const void* argument) {
  register std::uint32_t r0 asm("r0") = operation;
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return static_cast<std::int32_t>(r0);
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

#endif  // TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_H_
