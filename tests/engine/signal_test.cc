// The audio front-end kernels (signal.h) against independent references
// (double-precision sqrt, log and DFT) and their edge cases, and the plain
// integer kernels the preprocessor graph needs (CAST, STRIDED_SLICE,
// CONCATENATION, int32 DIV/MUL/MIN/MAX). Bit-exactness against TFLite Micro
// itself is checked on the real model in tests/train/audio_frontend_test.cc.
#include "tinykg/engine/signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "tinykg/engine/kernels.h"
#include "tinykg/engine/random.h"

namespace tinykg::engine {
namespace {

template <typename T>
Tensor View(std::vector<T>& v, DataType type) {
  Tensor t;
  t.type = type;
  t.shape = {static_cast<std::int32_t>(v.size())};
  t.data = v.data();
  return t;
}

TEST(SignalKernels, SquareRootRoundsToNearest) {
  Pcg32 rng(3);
  std::vector<std::uint64_t> in;
  for (int i = 0; i < 2000; ++i) in.push_back(rng.NextU32() >> (rng.Below(32)));
  in.push_back(0);
  in.push_back(1);
  in.push_back(2);
  in.push_back(0xFFFF0000ull);  // below the 32-bit path's saturation
  std::vector<std::uint32_t> out(in.size());
  std::vector<std::int32_t> shift{0};
  ASSERT_EQ(
      FilterBankSquareRoot(View(in, DataType::kUInt64), View(shift, DataType::kInt32), View(out, DataType::kUInt32)),
      Status::kOk);
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i], static_cast<std::uint32_t>(std::llround(std::sqrt(static_cast<long double>(in[i]))))) << in[i];
  }
  // 64-bit values take the 64-bit path; the shift divides.
  std::vector<std::uint64_t> big{1ull << 40, (1ull << 62) + 12345};
  std::vector<std::uint32_t> big_out(2);
  shift[0] = 3;
  ASSERT_EQ(FilterBankSquareRoot(View(big, DataType::kUInt64), View(shift, DataType::kInt32),
                                 View(big_out, DataType::kUInt32)),
            Status::kOk);
  EXPECT_EQ(big_out[0], (1u << 20) >> 3);
  EXPECT_EQ(big_out[1], (1u << 31) >> 3);
}

TEST(SignalKernels, LogFollowsNaturalLogTimesScale) {
  std::vector<std::uint32_t> in;
  for (std::uint64_t v = 2; v < 4000000000u; v = v * 3 / 2 + 1) in.push_back(static_cast<std::uint32_t>(v));
  in.push_back(0);
  in.push_back(1);
  std::vector<std::int16_t> out(in.size());
  SignalParams p;
  p.output_scale = 64;
  p.input_correction_bits = 0;
  ASSERT_EQ(FilterBankLog(p, View(in, DataType::kUInt32), View(out, DataType::kInt16)), Status::kOk);
  for (std::size_t i = 0; i + 2 < in.size(); ++i) {
    EXPECT_NEAR(out[i], 64.0 * std::log(static_cast<double>(in[i])), 1.0) << in[i];
  }
  EXPECT_EQ(out[in.size() - 2], 0);  // log of 0 and 1: 0
  EXPECT_EQ(out[in.size() - 1], 0);
  p.input_correction_bits = 40;
  EXPECT_EQ(FilterBankLog(p, View(in, DataType::kUInt32), View(out, DataType::kInt16)), Status::kInvalidArgument);
}

TEST(SignalKernels, RfftIsTheDftScaledByOneOverN) {
  constexpr int kN = 512;
  std::vector<std::int16_t> state(RfftStateElements(kN));
  ASSERT_EQ(state.size(), 1792u);
  Tensor st = View(state, DataType::kInt16);
  ASSERT_EQ(RfftInit(kN, st), Status::kOk);
  std::vector<std::int16_t> x(480);
  Pcg32 rng(5);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<std::int16_t>(12000 * std::sin(0.3 * static_cast<double>(i)) +
                                     4000 * std::cos(1.7 * static_cast<double>(i)) +
                                     static_cast<double>(rng.Below(2000)) - 1000);
  }
  std::vector<std::int16_t> out(kN + 2);
  SignalParams p;
  p.fft_length = kN;
  ASSERT_EQ(Rfft(p, View(x, DataType::kInt16), st, View(out, DataType::kInt16)), Status::kOk);
  double worst = 0;
  for (int k = 0; k <= kN / 2; ++k) {
    std::complex<double> sum = 0;
    for (std::size_t n = 0; n < x.size(); ++n) {
      sum += static_cast<double>(x[n]) * std::polar(1.0, -2.0 * M_PI * k * static_cast<double>(n) / kN);
    }
    sum /= kN;
    worst = std::max(worst, std::abs(std::complex<double>(out[2 * k], out[2 * k + 1]) - sum));
  }
  // Nine rounding stages of about half a unit each.
  EXPECT_LT(worst, 8.0);
  p.fft_length = 480;
  EXPECT_EQ(RfftStateElements(480), 0u);
  EXPECT_EQ(Rfft(p, View(x, DataType::kInt16), st, View(out, DataType::kInt16)), Status::kUnsupported);
}

TEST(SignalKernels, FftAutoScaleUsesTheHeadroom) {
  std::vector<std::int16_t> in{1000, -200, 3}, out(3);
  std::vector<std::int32_t> bits{-1};
  ASSERT_EQ(FftAutoScale(View(in, DataType::kInt16), View(out, DataType::kInt16), View(bits, DataType::kInt32)),
            Status::kOk);
  EXPECT_EQ(bits[0], 5);  // 1000 has 10 bits; 15 - 10
  EXPECT_EQ(out[0], 32000);
  EXPECT_EQ(out[1], -6400);
  std::vector<std::int16_t> zeros(4, 0), zeros_out(4);
  ASSERT_EQ(
      FftAutoScale(View(zeros, DataType::kInt16), View(zeros_out, DataType::kInt16), View(bits, DataType::kInt32)),
      Status::kOk);
  EXPECT_EQ(bits[0], 0);
}

TEST(SignalKernels, WindowSaturatesAndEnergyKeepsItsBins) {
  std::vector<std::int16_t> in{32767, -32768, 100, 100}, w{32767, 32767}, out(4);
  SignalParams p;
  p.shift = 14;  // x * 32767 >> 14 doubles x: saturates
  ASSERT_EQ(SignalWindow(p, View(in, DataType::kInt16), View(w, DataType::kInt16), View(out, DataType::kInt16)),
            Status::kOk);
  EXPECT_EQ(out[0], 32767);
  EXPECT_EQ(out[1], -32768);
  EXPECT_EQ(out[2], 199);
  std::vector<std::int16_t> spectrum{3, 4, -32768, -32768, 1, 1};
  std::vector<std::uint32_t> energy(3, 7);
  p.start_index = 1;
  p.end_index = 2;
  ASSERT_EQ(SignalEnergy(p, View(spectrum, DataType::kInt16), View(energy, DataType::kUInt32)), Status::kOk);
  EXPECT_EQ(energy[0], 0u);
  EXPECT_EQ(energy[1], 2147483648u);  // 2 * 2^30: past int32, kept in uint32
  EXPECT_EQ(energy[2], 0u);
  p.end_index = 4;
  EXPECT_EQ(SignalEnergy(p, View(spectrum, DataType::kInt16), View(energy, DataType::kUInt32)),
            Status::kInvalidArgument);
}

TEST(SignalKernels, SpectralSubtractionTracksNoiseAndKeepsAFloor) {
  SignalParams p;
  p.smoothing = 1 << 13;  // 0.5 in Q14
  p.one_minus_smoothing = 1 << 13;
  p.alternate_smoothing = 1 << 13;
  p.alternate_one_minus_smoothing = 1 << 13;
  p.smoothing_bits = 0;
  p.spectral_subtraction_bits = 14;
  p.min_signal_remaining = 1638;  // 0.1
  std::vector<std::uint32_t> in{1000, 1000}, out(2), noise(2, 0);
  ASSERT_EQ(
      SpectralSubtraction(p, View(in, DataType::kUInt32), View(out, DataType::kUInt32), View(noise, DataType::kUInt32)),
      Status::kOk);
  EXPECT_EQ(noise[0], 500u);
  EXPECT_EQ(out[0], 500u);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(SpectralSubtraction(p, View(in, DataType::kUInt32), View(out, DataType::kUInt32),
                                  View(noise, DataType::kUInt32)),
              Status::kOk);
  }
  // A steady signal becomes noise; what is left is the floor (10 %).
  EXPECT_EQ(out[0], 99u);
  EXPECT_GE(noise[0], 990u);
}

TEST(SignalKernels, FilterBankSplitsEachBinBetweenTwoChannels) {
  // Two channels over bins 0..3; band 0 (scratch) covers bin 0, band 1 bins
  // 1-2, band 2 bin 3. Weights in Q12.
  std::vector<std::uint32_t> energy{10, 100, 1000, 10000};
  std::vector<std::int16_t> weights{4096, 1024, 3072, 2048}, unweights{0, 3072, 1024, 2048};
  std::vector<std::int16_t> freq{0, 1, 3}, wstart{0, 1, 3}, width{1, 2, 1};
  std::vector<std::uint64_t> out(2);
  ASSERT_EQ(FilterBank(View(energy, DataType::kUInt32), View(weights, DataType::kInt16),
                       View(unweights, DataType::kInt16), View(freq, DataType::kInt16), View(wstart, DataType::kInt16),
                       View(width, DataType::kInt16), View(out, DataType::kUInt64)),
            Status::kOk);
  EXPECT_EQ(out[0], 1024u * 100 + 3072u * 1000);                  // channel 0: weighted band 1
  EXPECT_EQ(out[1], 3072u * 100 + 1024u * 1000 + 2048u * 10000);  // unweighted band 1 + weighted band 2
  width[2] = 5;                                                   // past the spectrum
  EXPECT_EQ(FilterBank(View(energy, DataType::kUInt32), View(weights, DataType::kInt16),
                       View(unweights, DataType::kInt16), View(freq, DataType::kInt16), View(wstart, DataType::kInt16),
                       View(width, DataType::kInt16), View(out, DataType::kUInt64)),
            Status::kInvalidArgument);
}

TEST(PlainKernels, CastWrapsIntegersAndTruncatesFloats) {
  std::vector<std::uint32_t> u{4294967295u, 5};
  std::vector<std::int32_t> i32(2);
  ASSERT_EQ(Cast(View(u, DataType::kUInt32), View(i32, DataType::kInt32)), Status::kOk);
  EXPECT_EQ(i32[0], -1);
  std::vector<std::int32_t> wide{300, -129};
  std::vector<std::int8_t> narrow(2);
  ASSERT_EQ(Cast(View(wide, DataType::kInt32), View(narrow, DataType::kInt8)), Status::kOk);
  EXPECT_EQ(narrow[0], 44);
  EXPECT_EQ(narrow[1], 127);
  std::vector<float> f{-2.7f, 2.7f};
  ASSERT_EQ(Cast(View(f, DataType::kFloat32), View(i32, DataType::kInt32)), Status::kOk);
  EXPECT_EQ(i32[0], -2);
  EXPECT_EQ(i32[1], 2);
}

TEST(PlainKernels, StridedSliceAndConcatenation) {
  std::vector<std::int32_t> x(10);
  for (int i = 0; i < 10; ++i) x[static_cast<std::size_t>(i)] = i;
  std::vector<std::int32_t> out(3);
  const std::int32_t begin[] = {-8}, end[] = {8}, strides[] = {2};
  ASSERT_EQ(StridedSlice({}, View(x, DataType::kInt32), begin, end, strides, View(out, DataType::kInt32)), Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int32_t>{2, 4, 6}));
  StridedSliceParams masks;
  masks.end_mask = 1;
  std::vector<std::int32_t> tail(4);
  ASSERT_EQ(StridedSlice(masks, View(x, DataType::kInt32), begin, end, strides, View(tail, DataType::kInt32)),
            Status::kOk);
  EXPECT_EQ(tail, (std::vector<std::int32_t>{2, 4, 6, 8}));
  std::vector<std::int32_t> wrong(2);
  EXPECT_EQ(StridedSlice({}, View(x, DataType::kInt32), begin, end, strides, View(wrong, DataType::kInt32)),
            Status::kBadShape);
  std::vector<std::int32_t> a{1, 2}, b{3}, joined(3);
  const Tensor ta = View(a, DataType::kInt32), tb = View(b, DataType::kInt32);
  const Tensor* parts[] = {&ta, &tb};
  ASSERT_EQ(Concatenation(0, parts, View(joined, DataType::kInt32)), Status::kOk);
  EXPECT_EQ(joined, (std::vector<std::int32_t>{1, 2, 3}));
}

TEST(PlainKernels, Int32DivTruncatesAndRefusesZero) {
  std::vector<std::int32_t> a{-7, 7, 100}, b{2}, out(3);
  ASSERT_EQ(Binary(BinaryOp::kDiv, Activation::kNone, View(a, DataType::kInt32), View(b, DataType::kInt32),
                   View(out, DataType::kInt32)),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int32_t>{-3, 3, 50}));
  ASSERT_EQ(Binary(BinaryOp::kMinimum, Activation::kNone, View(a, DataType::kInt32), View(b, DataType::kInt32),
                   View(out, DataType::kInt32)),
            Status::kOk);
  EXPECT_EQ(out, (std::vector<std::int32_t>{-7, 2, 2}));
  b[0] = 0;
  EXPECT_EQ(Binary(BinaryOp::kDiv, Activation::kNone, View(a, DataType::kInt32), View(b, DataType::kInt32),
                   View(out, DataType::kInt32)),
            Status::kInvalidArgument);
  std::vector<std::int32_t> big{INT32_MAX}, two{2};
  std::vector<std::int32_t> one(1);
  ASSERT_EQ(
      Add(Activation::kNone, View(big, DataType::kInt32), View(two, DataType::kInt32), View(one, DataType::kInt32)),
      Status::kOk);
  EXPECT_EQ(one[0], INT32_MIN + 1);  // wraps, as the reference's two's complement
}

}  // namespace
}  // namespace tinykg::engine
