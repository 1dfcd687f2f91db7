// Inner loops of the float kernels for Armv7E-M cores with a single-precision
// FPU (Cortex-M4F, Cortex-M7), in the summation order of
// kernels/float_loops.h.
//
// Why assembly: GCC 12 keeps the generic Dot's eight partial sums in a stack
// array on these cores and emits one VLDR per operand, about 10 instructions
// per MAC. Here a block of eight MACs is two VLDMIA (eight floats each, the
// pointer post-incremented), eight VMLA into s16-s23 and the loop's SUBS/BNE:
// 12 instructions, 1.5 per MAC; Axpy adds one VSTMIA (13 per block of eight).
// VMLA rounds the product before the add, like the host's separate multiply
// and add, so the results equal the host's bit for bit; C code would let GCC
// contract a*b+c into a fused VFMA, which rounds once and does not.
#ifndef TINYKG_ENGINE_KERNELS_ARMV7EM_FLOAT_LOOPS_H_
#define TINYKG_ENGINE_KERNELS_ARMV7EM_FLOAT_LOOPS_H_

#include <cstdint>

namespace tinykg::engine::internal {

// acc + a * b with the product rounded first (VMLA, never fused).
inline float MulAdd(float acc, float a, float b) {
  asm("vmla.f32 %0, %1, %2" : "+t"(acc) : "t"(a), "t"(b));
  return acc;
}

inline float Dot(const float* a, const float* b, std::int32_t n) {
  std::int32_t blocks = n >> 3;
  const std::int32_t zero = 0;
  float acc;
  asm volatile(
      "vmov s16, s17, %[z], %[z]\n\t"
      "vmov s18, s19, %[z], %[z]\n\t"
      "vmov s20, s21, %[z], %[z]\n\t"
      "vmov s22, s23, %[z], %[z]\n\t"
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[a]!, {s0-s7}\n\t"
      "vldmia %[b]!, {s8-s15}\n\t"
      "vmla.f32 s16, s0, s8\n\t"
      "vmla.f32 s17, s1, s9\n\t"
      "vmla.f32 s18, s2, s10\n\t"
      "vmla.f32 s19, s3, s11\n\t"
      "vmla.f32 s20, s4, s12\n\t"
      "vmla.f32 s21, s5, s13\n\t"
      "vmla.f32 s22, s6, s14\n\t"
      "vmla.f32 s23, s7, s15\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "tst %[n], #4\n\t"
      "beq 3f\n\t"
      "vldmia %[a]!, {s0-s3}\n\t"
      "vldmia %[b]!, {s8-s11}\n\t"
      "vmla.f32 s16, s0, s8\n\t"
      "vmla.f32 s17, s1, s9\n\t"
      "vmla.f32 s18, s2, s10\n\t"
      "vmla.f32 s19, s3, s11\n"
      "3:\n\t"
      "vadd.f32 s16, s16, s17\n\t"
      "vadd.f32 s18, s18, s19\n\t"
      "vadd.f32 s20, s20, s21\n\t"
      "vadd.f32 s22, s22, s23\n\t"
      "vadd.f32 s16, s16, s18\n\t"
      "vadd.f32 s20, s20, s22\n\t"
      "vadd.f32 %[acc], s16, s20"
      : [acc] "=t"(acc), [a] "+r"(a), [b] "+r"(b), [k] "+r"(blocks)
      : [n] "r"(n), [z] "r"(zero)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
  for (std::int32_t i = 0; i < (n & 3); ++i) acc = MulAdd(acc, a[i], b[i]);
  return acc;
}

inline void Axpy(float g, const float* x, float* y, std::int32_t n) {
  std::int32_t blocks = n >> 3;
  asm volatile(
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[y], {s0-s7}\n\t"
      "vldmia %[x]!, {s8-s15}\n\t"
      "vmla.f32 s0, s8, %[g]\n\t"
      "vmla.f32 s1, s9, %[g]\n\t"
      "vmla.f32 s2, s10, %[g]\n\t"
      "vmla.f32 s3, s11, %[g]\n\t"
      "vmla.f32 s4, s12, %[g]\n\t"
      "vmla.f32 s5, s13, %[g]\n\t"
      "vmla.f32 s6, s14, %[g]\n\t"
      "vmla.f32 s7, s15, %[g]\n\t"
      "vstmia %[y]!, {s0-s7}\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "tst %[n], #4\n\t"
      "beq 3f\n\t"
      "vldmia %[y], {s0-s3}\n\t"
      "vldmia %[x]!, {s8-s11}\n\t"
      "vmla.f32 s0, s8, %[g]\n\t"
      "vmla.f32 s1, s9, %[g]\n\t"
      "vmla.f32 s2, s10, %[g]\n\t"
      "vmla.f32 s3, s11, %[g]\n\t"
      "vstmia %[y]!, {s0-s3}\n"
      "3:"
      : [x] "+r"(x), [y] "+r"(y), [k] "+r"(blocks)
      : [n] "r"(n), [g] "t"(g)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "cc", "memory");
  for (std::int32_t i = 0; i < (n & 3); ++i) y[i] = MulAdd(y[i], g, x[i]);
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_ARMV7EM_FLOAT_LOOPS_H_
