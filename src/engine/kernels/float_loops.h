// The inner loops of the float dense and convolution kernels (internal):
// a dot product and "y += g * x" (axpy). One implementation per target,
// chosen at compile time: Armv7E-M cores with a single-precision FPU
// (Cortex-M4F, M7) get hand-scheduled VFP loops (kernels/armv7em/), every
// other target the portable C++ loops (kernels/generic/), which the host
// compiler vectorises.
//
// Both compute the same sums in the same order with separately rounded
// multiplies and adds (no fused multiply-add), so the host and the MCUs
// give the same float results for these loops:
//   Dot(a, b, n): four partial sums p[k] += a[4j+k] * b[4j+k] over the
//     whole blocks of four, then (p0+p1) + (p2+p3), then the n % 4
//     remaining products added one by one in order.
//   Axpy(g, x, y, n): y[i] = y[i] + g * x[i] for every i (order-free).
//   Dot2(x, w0, w1, n, out): out[0] = Dot(x, w0, n), out[1] = Dot(x, w1, n)
//     (two filter rows against one input: the input is loaded once).
//   Axpy2(g0, g1, x, y0, y1, n): Axpy(g0, x, y0, n) and Axpy(g1, x, y1, n).
//   Add(x, y, n): y[i] = y[i] + x[i] (bias gradients).
#ifndef TINYKG_ENGINE_KERNELS_FLOAT_LOOPS_H_
#define TINYKG_ENGINE_KERNELS_FLOAT_LOOPS_H_

#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4)
#include "kernels/armv7em/float_loops.h"
#else
#include "kernels/generic/float_loops.h"
#endif

#endif  // TINYKG_ENGINE_KERNELS_FLOAT_LOOPS_H_
