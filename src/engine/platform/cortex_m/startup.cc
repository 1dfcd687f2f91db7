// Cortex-M reset, vector table and fault handling. The linker script
// (src/emu/firmware/cortex_m.ld.in) provides the section symbols; the
// firmware provides FirmwareMain. Before main the stack below the reset
// stack pointer is painted with a pattern so the firmware can measure the
// stack's high-water mark.
#include <cstdint>

#include "semihosting.h"

extern "C" {
extern std::uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
extern std::uint32_t __stack_limit, __stack_top;
int FirmwareMain();
void ResetHandler();
void FaultHandler();
}

namespace {
constexpr std::uint32_t kStackPaint = 0x5a5aa5a5u;
using Handler = void (*)();
}  // namespace

// Initial stack pointer, reset, NMI, hard fault, then the rest faulting.
__attribute__((section(".isr_vector"), used)) const Handler kVectors[16] = {
    reinterpret_cast<Handler>(&__stack_top), ResetHandler, FaultHandler, FaultHandler,
    FaultHandler, FaultHandler, FaultHandler, nullptr, nullptr, nullptr, nullptr,
    FaultHandler, FaultHandler, nullptr, FaultHandler, FaultHandler};

extern "C" void FaultHandler() {
  tinykg::engine::semihosting::Write0("fault\n");
  tinykg::engine::semihosting::Exit(3);
}

extern "C" __attribute__((weak)) void EnableFpu() {}

extern "C" void ResetHandler() {
  for (std::uint32_t *src = &__data_load, *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (std::uint32_t* p = &__bss_start; p < &__bss_end; ++p) *p = 0;
  // Paint up to 64 bytes below the current frame (still in use by us).
  std::uint32_t* sp;
  asm volatile("mov %0, sp" : "=r"(sp));
  for (std::uint32_t* p = &__stack_limit; p < sp - 16; ++p) *p = kStackPaint;
  EnableFpu();
  tinykg::engine::semihosting::Exit(static_cast<std::uint32_t>(FirmwareMain()));
}

// Bytes of stack ever used: from the top down to the lowest overwritten paint.
extern "C" std::uint32_t StackHighWater() {
  const std::uint32_t* p = &__stack_limit;
  while (p < &__stack_top && *p == kStackPaint) ++p;
  return static_cast<std::uint32_t>(reinterpret_cast<const char*>(&__stack_top) -
                                    reinterpret_cast<const char*>(p));
}
