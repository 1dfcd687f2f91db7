// RFFT (Signal library): the fixed-point real FFT of KISS FFT 1.3.0 as
// TFLite Micro builds it (int16 samples, Q15 twiddles, every butterfly
// stage divides by its radix so the result is scaled by 1/N). A real
// sequence of N samples is packed as N/2 complex values, transformed by a
// mixed-radix (4, then 2) decimation-in-time FFT, and the two interleaved
// half spectra are separated with the "super twiddles". Every product is
// rounded (+2^14, >> 15) in 32-bit arithmetic and stored in int16 exactly
// where the reference does, which is what makes the features bit-exact.
//
// State layout (int16): twiddles [N/2 complex], super twiddles [N/4
// complex], complex work buffer [N/2 complex], padded input [N].
#include <cmath>

#include "tinykg/engine/signal.h"

namespace tinykg::engine {
namespace {

struct Cpx {
  std::int16_t r, i;
};

constexpr int kMaxStages = 32;

std::int16_t Narrow(std::int32_t v) { return static_cast<std::int16_t>(v); }

// (x + 2^14) >> 15 with the reference's 32-bit wrap-around.
std::int16_t RoundQ15(std::int64_t x) {
  const auto wrapped = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(x) + 16384u));
  return static_cast<std::int16_t>(wrapped >> 15);
}

void DivideBy(Cpx& c, std::int32_t radix) {
  const std::int32_t k = 32767 / radix;
  c.r = RoundQ15(static_cast<std::int32_t>(c.r) * k);
  c.i = RoundQ15(static_cast<std::int32_t>(c.i) * k);
}

Cpx Multiply(const Cpx& a, const Cpx& b) {
  const std::int32_t rr = static_cast<std::int32_t>(a.r) * b.r, ii = static_cast<std::int32_t>(a.i) * b.i;
  const std::int32_t ri = static_cast<std::int32_t>(a.r) * b.i, ir = static_cast<std::int32_t>(a.i) * b.r;
  // The reference sums the two products in int32 (wrapping on overflow).
  const auto re = static_cast<std::int32_t>(static_cast<std::uint32_t>(rr) - static_cast<std::uint32_t>(ii));
  const auto im = static_cast<std::int32_t>(static_cast<std::uint32_t>(ri) + static_cast<std::uint32_t>(ir));
  return {RoundQ15(re), RoundQ15(im)};
}

Cpx AddC(const Cpx& a, const Cpx& b) { return {Narrow(a.r + b.r), Narrow(a.i + b.i)}; }
Cpx SubC(const Cpx& a, const Cpx& b) { return {Narrow(a.r - b.r), Narrow(a.i - b.i)}; }

void Butterfly2(Cpx* out, std::size_t fstride, const Cpx* twiddles, std::int32_t m) {
  const Cpx* tw = twiddles;
  for (std::int32_t k = 0; k < m; ++k) {
    Cpx& a = out[k];
    Cpx& b = out[k + m];
    DivideBy(a, 2);
    DivideBy(b, 2);
    const Cpx t = Multiply(b, *tw);
    tw += fstride;
    b = SubC(a, t);
    a = AddC(a, t);
  }
}

void Butterfly4(Cpx* out, std::size_t fstride, const Cpx* twiddles, std::int32_t m) {
  const Cpx *tw1 = twiddles, *tw2 = twiddles, *tw3 = twiddles;
  for (std::int32_t k = 0; k < m; ++k) {
    Cpx* f = out + k;
    DivideBy(f[0], 4);
    DivideBy(f[m], 4);
    DivideBy(f[2 * m], 4);
    DivideBy(f[3 * m], 4);
    const Cpx s0 = Multiply(f[m], *tw1);
    const Cpx s1 = Multiply(f[2 * m], *tw2);
    const Cpx s2 = Multiply(f[3 * m], *tw3);
    const Cpx s5 = SubC(f[0], s1);
    f[0] = AddC(f[0], s1);
    const Cpx s3 = AddC(s0, s2);
    const Cpx s4 = SubC(s0, s2);
    f[2 * m] = SubC(f[0], s3);
    tw1 += fstride;
    tw2 += 2 * fstride;
    tw3 += 3 * fstride;
    f[0] = AddC(f[0], s3);
    f[m] = {Narrow(s5.r + s4.i), Narrow(s5.i - s4.r)};
    f[3 * m] = {Narrow(s5.r - s4.i), Narrow(s5.i + s4.r)};
  }
}

// Radix 4 while it divides, then 2 (KISS FFT's order); false when another
// prime is left.
bool Factor(std::int32_t n, std::int32_t* factors, int* count) {
  int c = 0;
  std::int32_t p = 4;
  while (n > 1) {
    if (n % p != 0) p = 2;
    if (n % p != 0 || c + 2 > kMaxStages) return false;
    n /= p;
    factors[c++] = p;
    factors[c++] = n;
  }
  *count = c;
  return true;
}

// Decimation in time, depth first, as KISS FFT's kf_work.
void Work(Cpx* out, const Cpx* in, std::size_t fstride, const std::int32_t* factors, const Cpx* twiddles) {
  const std::int32_t p = factors[0], m = factors[1];
  Cpx* const end = out + p * m;
  if (m == 1) {
    for (Cpx* o = out; o != end; ++o, in += fstride) *o = *in;
  } else {
    for (Cpx* o = out; o != end; o += m, in += fstride)
      Work(o, in, fstride * static_cast<std::size_t>(p), factors + 2, twiddles);
  }
  if (p == 4) {
    Butterfly4(out, fstride, twiddles, m);
  } else {
    Butterfly2(out, fstride, twiddles, m);
  }
}

bool PowerOfTwo(std::int32_t n) { return n >= 4 && (n & (n - 1)) == 0; }

Cpx Twiddle(double phase) {
  return {static_cast<std::int16_t>(std::floor(0.5 + 32767 * std::cos(phase))),
          static_cast<std::int16_t>(std::floor(0.5 + 32767 * std::sin(phase)))};
}

}  // namespace

std::size_t RfftStateElements(std::int32_t fft_length) {
  if (!PowerOfTwo(fft_length) || fft_length > 32768) return 0;
  return static_cast<std::size_t>(fft_length) * 7 / 2;
}

Status RfftInit(std::int32_t fft_length, const Tensor& state) {
  const std::size_t need = RfftStateElements(fft_length);
  if (need == 0) return Status::kUnsupported;
  if (state.type != DataType::kInt16) return Status::kBadType;
  if (static_cast<std::size_t>(state.Elements()) != need) return Status::kBadShape;
  const std::int32_t half = fft_length / 2;
  auto* twiddles = static_cast<Cpx*>(state.data);
  Cpx* super = twiddles + half;
  const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
  for (std::int32_t i = 0; i < half; ++i) twiddles[i] = Twiddle(-2 * pi * i / half);
  for (std::int32_t i = 0; i < half / 2; ++i) {
    super[i] = Twiddle(-3.14159265358979323846264338327 * (static_cast<double>(i + 1) / half + .5));
  }
  return Status::kOk;
}

Status Rfft(const SignalParams& params, const Tensor& input, const Tensor& state, const Tensor& output) {
  const std::int32_t n = params.fft_length;
  const std::size_t need = RfftStateElements(n);
  if (need == 0) return Status::kUnsupported;
  if (input.type != DataType::kInt16 || output.type != DataType::kInt16 || state.type != DataType::kInt16) {
    return Status::kBadType;
  }
  if (static_cast<std::size_t>(state.Elements()) != need || input.shape.rank < 1) return Status::kBadShape;
  const std::int32_t row = input.shape.Dim(-1);
  if (row <= 0 || row > n) return Status::kBadShape;
  const std::int32_t rows = input.Elements() / row;
  if (output.Elements() != rows * (n + 2)) return Status::kBadShape;
  const std::int32_t half = n / 2;
  std::int32_t factors[kMaxStages];
  int stages = 0;
  if (!Factor(half, factors, &stages)) return Status::kUnsupported;
  const auto* twiddles = static_cast<const Cpx*>(state.data);
  const Cpx* super = twiddles + half;
  Cpx* spectrum = const_cast<Cpx*>(super + half / 2);
  auto* padded = reinterpret_cast<std::int16_t*>(spectrum + half);
  for (std::int32_t r = 0; r < rows; ++r) {
    const std::int16_t* x = input.Data<const std::int16_t>() + r * row;
    for (std::int32_t i = 0; i < n; ++i) padded[i] = i < row ? x[i] : std::int16_t{0};
    Work(spectrum, reinterpret_cast<const Cpx*>(padded), 1, factors, twiddles);
    auto* out = reinterpret_cast<Cpx*>(output.Data<std::int16_t>() + r * (n + 2));
    Cpx dc = spectrum[0];
    DivideBy(dc, 2);
    out[0] = {Narrow(dc.r + dc.i), 0};
    out[half] = {Narrow(dc.r - dc.i), 0};
    for (std::int32_t k = 1; k <= half / 2; ++k) {
      Cpx a = spectrum[k];
      Cpx b = {spectrum[half - k].r, Narrow(-spectrum[half - k].i)};
      DivideBy(a, 2);
      DivideBy(b, 2);
      const Cpx sum = AddC(a, b);
      const Cpx tw = Multiply(SubC(a, b), super[k - 1]);
      out[k] = {Narrow((sum.r + tw.r) >> 1), Narrow((sum.i + tw.i) >> 1)};
      out[half - k] = {Narrow((sum.r - tw.r) >> 1), Narrow((tw.i - sum.i) >> 1)};
    }
  }
  return Status::kOk;
}

}  // namespace tinykg::engine
