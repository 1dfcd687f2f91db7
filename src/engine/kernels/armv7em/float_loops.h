// Inner loops of the float kernels for Armv7E-M cores with a single-precision
// FPU (Cortex-M4F, Cortex-M7), in the summation order of
// kernels/float_loops.h.
//
// Why assembly: GCC 12 kept the generic Dot's partial sums in a stack array
// on these cores and emitted one VLDR per operand, about 10 instructions per
// MAC. Here a block of eight MACs is two VLDMIA (eight floats each, the
// pointer post-incremented), eight VMLA into s16-s19 and the loop's SUBS/BNE:
// 12 instructions, 1.5 per MAC; Axpy adds one VSTMIA (13 per block of eight).
// The two-row forms load the shared input block once: Dot2 is 3 VLDMIA + 16
// VMLA + 2 per 16 MACs (1.31 per MAC), Axpy2 5 loads/stores + 16 VMLA + 2
// (1.44 per MAC), and halve the per-row set-up.
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
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[a]!, {s0-s7}\n\t"
      "vldmia %[b]!, {s8-s15}\n\t"
      "vmla.f32 s16, s0, s8\n\t"
      "vmla.f32 s17, s1, s9\n\t"
      "vmla.f32 s18, s2, s10\n\t"
      "vmla.f32 s19, s3, s11\n\t"
      "vmla.f32 s16, s4, s12\n\t"
      "vmla.f32 s17, s5, s13\n\t"
      "vmla.f32 s18, s6, s14\n\t"
      "vmla.f32 s19, s7, s15\n\t"
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
      "vadd.f32 %[acc], s16, s18"
      : [acc] "=t"(acc), [a] "+r"(a), [b] "+r"(b), [k] "+r"(blocks)
      : [n] "r"(n), [z] "r"(zero)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "cc", "memory");
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

[[gnu::always_inline]] inline void Dot2(const float* x, const float* w0, const float* w1, std::int32_t n,
                                        float* out) {
  std::int32_t blocks = n >> 3;
  const std::int32_t zero = 0;
  float acc0, acc1;
  const float* xa = x;
  const float* a = w0;
  const float* b = w1;
  asm volatile(
      "vmov s16, s17, %[z], %[z]\n\t"
      "vmov s18, s19, %[z], %[z]\n\t"
      "vmov s20, s21, %[z], %[z]\n\t"
      "vmov s22, s23, %[z], %[z]\n\t"
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[a]!, {s8-s15}\n\t"
      "vmla.f32 s16, s0, s8\n\t"
      "vmla.f32 s17, s1, s9\n\t"
      "vmla.f32 s18, s2, s10\n\t"
      "vmla.f32 s19, s3, s11\n\t"
      "vmla.f32 s16, s4, s12\n\t"
      "vmla.f32 s17, s5, s13\n\t"
      "vmla.f32 s18, s6, s14\n\t"
      "vmla.f32 s19, s7, s15\n\t"
      "vldmia %[b]!, {s8-s15}\n\t"
      "vmla.f32 s20, s0, s8\n\t"
      "vmla.f32 s21, s1, s9\n\t"
      "vmla.f32 s22, s2, s10\n\t"
      "vmla.f32 s23, s3, s11\n\t"
      "vmla.f32 s20, s4, s12\n\t"
      "vmla.f32 s21, s5, s13\n\t"
      "vmla.f32 s22, s6, s14\n\t"
      "vmla.f32 s23, s7, s15\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "tst %[n], #4\n\t"
      "beq 3f\n\t"
      "vldmia %[x]!, {s0-s3}\n\t"
      "vldmia %[a]!, {s8-s11}\n\t"
      "vmla.f32 s16, s0, s8\n\t"
      "vmla.f32 s17, s1, s9\n\t"
      "vmla.f32 s18, s2, s10\n\t"
      "vmla.f32 s19, s3, s11\n\t"
      "vldmia %[b]!, {s8-s11}\n\t"
      "vmla.f32 s20, s0, s8\n\t"
      "vmla.f32 s21, s1, s9\n\t"
      "vmla.f32 s22, s2, s10\n\t"
      "vmla.f32 s23, s3, s11\n"
      "3:\n\t"
      "vadd.f32 s16, s16, s17\n\t"
      "vadd.f32 s18, s18, s19\n\t"
      "vadd.f32 %[acc0], s16, s18\n\t"
      "vadd.f32 s20, s20, s21\n\t"
      "vadd.f32 s22, s22, s23\n\t"
      "vadd.f32 %[acc1], s20, s22"
      : [acc0] "=&t"(acc0), [acc1] "=&t"(acc1), [x] "+r"(xa), [a] "+r"(a), [b] "+r"(b), [k] "+r"(blocks)
      : [n] "r"(n), [z] "r"(zero)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
  for (std::int32_t i = 0; i < (n & 3); ++i) {
    acc0 = MulAdd(acc0, xa[i], a[i]);
    acc1 = MulAdd(acc1, xa[i], b[i]);
  }
  out[0] = acc0;
  out[1] = acc1;
}

[[gnu::always_inline]] inline void Axpy2(float g0, float g1, const float* x, float* y0, float* y1, std::int32_t n) {
  std::int32_t blocks = n >> 3;
  asm volatile(
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[y0], {s8-s15}\n\t"
      "vmla.f32 s8, s0, %[g0]\n\t"
      "vmla.f32 s9, s1, %[g0]\n\t"
      "vmla.f32 s10, s2, %[g0]\n\t"
      "vmla.f32 s11, s3, %[g0]\n\t"
      "vmla.f32 s12, s4, %[g0]\n\t"
      "vmla.f32 s13, s5, %[g0]\n\t"
      "vmla.f32 s14, s6, %[g0]\n\t"
      "vmla.f32 s15, s7, %[g0]\n\t"
      "vstmia %[y0]!, {s8-s15}\n\t"
      "vldmia %[y1], {s16-s23}\n\t"
      "vmla.f32 s16, s0, %[g1]\n\t"
      "vmla.f32 s17, s1, %[g1]\n\t"
      "vmla.f32 s18, s2, %[g1]\n\t"
      "vmla.f32 s19, s3, %[g1]\n\t"
      "vmla.f32 s20, s4, %[g1]\n\t"
      "vmla.f32 s21, s5, %[g1]\n\t"
      "vmla.f32 s22, s6, %[g1]\n\t"
      "vmla.f32 s23, s7, %[g1]\n\t"
      "vstmia %[y1]!, {s16-s23}\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 1b\n"
      "2:\n\t"
      "tst %[n], #4\n\t"
      "beq 3f\n\t"
      "vldmia %[x]!, {s0-s3}\n\t"
      "vldmia %[y0], {s8-s11}\n\t"
      "vmla.f32 s8, s0, %[g0]\n\t"
      "vmla.f32 s9, s1, %[g0]\n\t"
      "vmla.f32 s10, s2, %[g0]\n\t"
      "vmla.f32 s11, s3, %[g0]\n\t"
      "vstmia %[y0]!, {s8-s11}\n\t"
      "vldmia %[y1], {s16-s19}\n\t"
      "vmla.f32 s16, s0, %[g1]\n\t"
      "vmla.f32 s17, s1, %[g1]\n\t"
      "vmla.f32 s18, s2, %[g1]\n\t"
      "vmla.f32 s19, s3, %[g1]\n\t"
      "vstmia %[y1]!, {s16-s19}\n"
      "3:"
      : [x] "+r"(x), [y0] "+r"(y0), [y1] "+r"(y1), [k] "+r"(blocks)
      : [n] "r"(n), [g0] "t"(g0), [g1] "t"(g1)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
  for (std::int32_t i = 0; i < (n & 3); ++i) {
    y0[i] = MulAdd(y0[i], g0, x[i]);
    y1[i] = MulAdd(y1[i], g1, x[i]);
  }
}

inline void Add(const float* x, float* y, std::int32_t n) {
  std::int32_t blocks = n >> 3;
  asm volatile(
      "cmp %[k], #0\n\t"
      "beq 2f\n"
      "1:\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[y], {s8-s15}\n\t"
      "vadd.f32 s8, s8, s0\n\t"
      "vadd.f32 s9, s9, s1\n\t"
      "vadd.f32 s10, s10, s2\n\t"
      "vadd.f32 s11, s11, s3\n\t"
      "vadd.f32 s12, s12, s4\n\t"
      "vadd.f32 s13, s13, s5\n\t"
      "vadd.f32 s14, s14, s6\n\t"
      "vadd.f32 s15, s15, s7\n\t"
      "vstmia %[y]!, {s8-s15}\n\t"
      "subs %[k], %[k], #1\n\t"
      "bne 1b\n"
      "2:"
      : [x] "+r"(x), [y] "+r"(y), [k] "+r"(blocks)
      :
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
        "s15", "cc", "memory");
  for (std::int32_t i = 0; i < (n & 7); ++i) y[i] += x[i];
}

}  // namespace tinykg::engine::internal

#endif  // TINYKG_ENGINE_KERNELS_ARMV7EM_FLOAT_LOOPS_H_
