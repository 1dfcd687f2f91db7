// The Arm semihosting trap for Cortex-M: BKPT 0xAB with the operation in r0
// and a pointer to its argument block in r1; the answer comes back in r0.
#ifndef TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_CALL_H_
#define TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_CALL_H_

#include <cstdint>

namespace tinykg::engine::semihosting {

inline std::uint32_t Trap(std::uint32_t operation, const void* argument) {
  register std::uint32_t r0 asm("r0") = operation;
  register const void* r1 asm("r1") = argument;
  asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

}  // namespace tinykg::engine::semihosting

#endif  // TINYKG_ENGINE_PLATFORM_CORTEX_M_SEMIHOSTING_CALL_H_
