// The RISC-V semihosting trap: EBREAK between "slli x0, x0, 0x1f" and
// "srai x0, x0, 7" (the marker a debugger or QEMU recognises), operation in
// a0, argument block pointer in a1, answer in a0. The three instructions
// must be uncompressed and in one page, hence norvc and the alignment.
#ifndef TINYKG_ENGINE_PLATFORM_RISCV_SEMIHOSTING_CALL_H_
#define TINYKG_ENGINE_PLATFORM_RISCV_SEMIHOSTING_CALL_H_

#include <cstdint>

namespace tinykg::engine::semihosting {

inline std::uint32_t Trap(std::uint32_t operation, const void* argument) {
  register std::uint32_t a0 asm("a0") = operation;
  register const void* a1 asm("a1") = argument;
  asm volatile(
      ".option push\n\t"
      ".option norvc\n\t"
      ".balign 16\n\t"
      "slli x0, x0, 0x1f\n\t"
      "ebreak\n\t"
      "srai x0, x0, 7\n\t"
      ".option pop"
      : "+r"(a0)
      : "r"(a1)
      : "memory");
  return a0;
}

}  // namespace tinykg::engine::semihosting

#endif  // TINYKG_ENGINE_PLATFORM_RISCV_SEMIHOSTING_CALL_H_
