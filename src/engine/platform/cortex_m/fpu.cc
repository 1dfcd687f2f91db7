// Cortex-M4F/M7: grants full access to the FPU (CP10/CP11) before any float
// instruction runs. Linked only into hard-float targets.
#include <cstdint>

extern "C" void EnableFpu() {
  volatile std::uint32_t* cpacr = reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u);
  *cpacr = *cpacr | (0xFu << 20);
  asm volatile("dsb\n isb" ::: "memory");
}
