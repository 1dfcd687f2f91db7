// RISC-V (RV32, machine mode) reset and trap handling for QEMU's sifive_e.
// The machine's mask ROM jumps to the start of the image (the linker script
// src/emu/firmware/riscv.ld.in puts .text.reset first); ResetHandler sets
// the global and stack pointers and the trap vector, copies .data, clears
// .bss, paints the stack below the current frame (for StackHighWater) and
// runs FirmwareMain, whose return value becomes QEMU's exit status through
// semihosting. Any trap (illegal instruction, misaligned or faulting access)
// prints "fault" and exits with 3, as on Cortex-M.
#include <cstdint>

#include "semihosting.h"

extern "C" {
extern std::uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
extern std::uint32_t __stack_limit, __stack_top;
int FirmwareMain();
void ResetHandler();
void StartC();
void FaultHandler();
}

namespace {
constexpr std::uint32_t kStackPaint = 0x5a5aa5a5u;
}  // namespace

// gp must be set without linker relaxation (which would compute it from gp);
// CSR instructions are the Zicsr extension, which binutils 2.40 wants named.
extern "C" __attribute__((naked, section(".text.reset"))) void ResetHandler() {
  asm volatile(
      ".option push\n\t"
      ".option norelax\n\t"
      "la gp, __global_pointer$\n\t"
      ".option pop\n\t"
      "la sp, __stack_top\n\t"
      "la t0, FaultHandler\n\t"
      ".option push\n\t"
      ".option arch, +zicsr\n\t"
      "csrw mtvec, t0\n\t"
      ".option pop\n\t"
      "j StartC");
}

// mtvec in direct mode needs a 4-byte aligned handler.
extern "C" __attribute__((aligned(4))) void FaultHandler() {
  tinykg::engine::semihosting::Write0("fault\n");
  tinykg::engine::semihosting::Exit(3);
}

extern "C" void StartC() {
  for (std::uint32_t *src = &__data_load, *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (std::uint32_t* p = &__bss_start; p < &__bss_end; ++p) *p = 0;
  // Paint up to 64 bytes below the current frame (still in use by us).
  std::uint32_t* sp;
  asm volatile("mv %0, sp" : "=r"(sp));
  for (std::uint32_t* p = &__stack_limit; p < sp - 16; ++p) *p = kStackPaint;
  tinykg::engine::semihosting::Exit(static_cast<std::uint32_t>(FirmwareMain()));
}

// Bytes of stack ever used: from the top down to the lowest overwritten paint.
extern "C" std::uint32_t StackHighWater() {
  const std::uint32_t* p = &__stack_limit;
  while (p < &__stack_top && *p == kStackPaint) ++p;
  return static_cast<std::uint32_t>(reinterpret_cast<const char*>(&__stack_top) -
                                    reinterpret_cast<const char*>(p));
}
