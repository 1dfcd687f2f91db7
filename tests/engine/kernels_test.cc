// Inference kernels: float results against hand computations, int8 results
// against a float reference on the dequantized operands (must agree within
// one output quantization step).
#include "tinykg/engine/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_util.h"

namespace tinykg::engine {
namespace {

using testing::QTensor;
using testing::RandomVector;

TEST(Quantization, MultiplierRoundsLikeTflite) {
  std::int32_t m = 0;
  int shift = 0;
  QuantizeMultiplier(0.5, &m, &shift);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(shift, 0);
  QuantizeMultiplier(0.25, &m, &shift);
  EXPECT_EQ(shift, -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, m, shift), 25);
  QuantizeMultiplier(0.1, &m, &shift);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(15, m, shift), 2);    // 1.5 rounds away from zero
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-15, m, shift), -2);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(14, m, shift), 1);
  QuantizeMultiplier(3.0, &m, &shift);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(7, m, shift), 21);
  EXPECT_EQ(RoundingDivideByPot(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPot(-5, 1), -3);
}

TEST(FullyConnected, FloatWithRelu) {
  std::vector<float> x{1, 2, 3}, w{1, 0, -1, 0.5f, 0.5f, 0.5f}, b{0.5f, -10}, y(2);
  const Tensor tx = FloatTensor(x, Shape{1, 3}), tw = FloatTensor(w, Shape{2, 3}),
               tb = FloatTensor(b, Shape{2}), ty = FloatTensor(y, Shape{1, 2});
  ASSERT_EQ(FullyConnected({Activation::kRelu}, tx, tw, &tb, ty), Status::kOk);
  EXPECT_FLOAT_EQ(y[0], 0.0f);  // 1 - 3 + 0.5 < 0
  EXPECT_FLOAT_EQ(y[1], 0.0f);
  ASSERT_EQ(FullyConnected({Activation::kNone}, tx, tw, &tb, ty), Status::kOk);
  EXPECT_FLOAT_EQ(y[0], -1.5f);
  EXPECT_FLOAT_EQ(y[1], -7.0f);
  const Tensor bad = FloatTensor(y, Shape{1, 3});
  EXPECT_EQ(FullyConnected({}, tx, tw, &tb, bad), Status::kBadShape);
}

TEST(FullyConnected, Int8PerChannelMatchesFloatReference) {
  Pcg32 rng(11);
  const int in = 16, out = 5, batch = 3;
  std::vector<float> xr = RandomVector(batch * in, rng, -2, 2), wr = RandomVector(out * in, rng);
  QTensor x(Shape{batch, in}, {4.0f / 255}, {-3});
  x.Set(xr);
  std::vector<float> wscales(out);
  for (int o = 0; o < out; ++o) wscales[o] = 0.004f + 0.001f * static_cast<float>(o);
  QTensor w(Shape{out, in}, wscales, std::vector<std::int32_t>(out, 0), 0);
  w.Set(wr);
  std::vector<std::int32_t> bias(out);
  for (int o = 0; o < out; ++o) bias[o] = static_cast<std::int32_t>(std::lround(0.3 * o / (x.tensor.quant.Scale() * wscales[o])));
  Tensor tb;
  tb.type = DataType::kInt32;
  tb.shape = Shape{out};
  tb.data = bias.data();
  QTensor y(Shape{batch, out}, {0.05f}, {10});
  ASSERT_EQ(FullyConnected({Activation::kNone}, x.tensor, w.tensor, &tb, y.tensor), Status::kOk);
  for (int b = 0; b < batch; ++b) {
    for (int o = 0; o < out; ++o) {
      double ref = bias[o] * x.tensor.quant.Scale() * wscales[o];
      for (int i = 0; i < in; ++i) {
        ref += x.Real(b * in + i) * (w.values[o * in + i] * wscales[o]);
      }
      ref = std::fmax(-128 * 0.05 - 0.5, std::fmin(ref, (127 - 10) * 0.05));
      EXPECT_NEAR(y.Real(b * out + o), ref, 0.05 * 0.6) << b << "," << o;
    }
  }
}

struct ConvCase {
  int in_h, in_w, in_c, out_c, k, stride;
  Padding padding;
  Activation activation;
};

class Conv2DInt8 : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2DInt8, MatchesFloatKernelOnDequantizedOperands) {
  const ConvCase c = GetParam();
  Pcg32 rng(static_cast<std::uint64_t>(c.in_h * 100 + c.out_c));
  const PaddedSize ph = ComputePadding(c.padding, c.in_h, c.k, c.stride, 1);
  const PaddedSize pw = ComputePadding(c.padding, c.in_w, c.k, c.stride, 1);
  QTensor x(Shape{1, c.in_h, c.in_w, c.in_c}, {0.02f}, {5});
  x.Set(RandomVector(static_cast<std::size_t>(x.tensor.Elements()), rng));
  std::vector<float> ws(c.out_c);
  for (int o = 0; o < c.out_c; ++o) ws[o] = 0.003f * static_cast<float>(o + 1);
  QTensor w(Shape{c.out_c, c.k, c.k, c.in_c}, ws, std::vector<std::int32_t>(c.out_c, 0), 0);
  w.Set(RandomVector(static_cast<std::size_t>(w.tensor.Elements()), rng, -0.3f, 0.3f));
  QTensor y(Shape{1, ph.out, pw.out, c.out_c}, {0.01f}, {-20});
  ConvParams p;
  p.padding = c.padding;
  p.stride_h = p.stride_w = c.stride;
  p.activation = c.activation;
  ASSERT_EQ(Conv2D(p, x.tensor, w.tensor, nullptr, y.tensor), Status::kOk);
  // Float reference with the same kernel code path on dequantized values.
  std::vector<float> xf(x.values.size()), wf(w.values.size()), yf(y.values.size());
  for (std::size_t i = 0; i < xf.size(); ++i) xf[i] = x.Real(i);
  const std::size_t per = wf.size() / static_cast<std::size_t>(c.out_c);
  for (std::size_t i = 0; i < wf.size(); ++i) wf[i] = w.values[i] * ws[i / per];
  ASSERT_EQ(Conv2D(p, FloatTensor(xf, x.tensor.shape), FloatTensor(wf, w.tensor.shape), nullptr,
                   FloatTensor(yf, y.tensor.shape)),
            Status::kOk);
  for (std::size_t i = 0; i < yf.size(); ++i) {
    const float clamped = std::fmax(-108 * 0.01f, std::fmin(yf[i], 147 * 0.01f));
    ASSERT_NEAR(y.Real(i), clamped, 0.01f * 0.6f) << i;  // TFLite double rounding can exceed half a step
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, Conv2DInt8,
                         ::testing::Values(ConvCase{5, 5, 3, 4, 3, 1, Padding::kSame, Activation::kNone},
                                           ConvCase{8, 7, 2, 3, 3, 2, Padding::kSame, Activation::kRelu},
                                           ConvCase{9, 9, 4, 2, 3, 2, Padding::kValid, Activation::kRelu6},
                                           ConvCase{4, 4, 1, 8, 1, 1, Padding::kValid, Activation::kNone}));

TEST(DepthwiseConv2D, Int8MatchesFloatReference) {
  Pcg32 rng(21);
  const int h = 6, w = 5, c = 3, m = 2, k = 3;
  QTensor x(Shape{1, h, w, c}, {0.03f}, {-7});
  x.Set(RandomVector(static_cast<std::size_t>(h * w * c), rng));
  std::vector<float> ws(c * m);
  for (int o = 0; o < c * m; ++o) ws[o] = 0.004f * static_cast<float>(o + 1);
  QTensor f(Shape{1, k, k, c * m}, ws, std::vector<std::int32_t>(c * m, 0), 3);
  f.Set(RandomVector(static_cast<std::size_t>(k * k * c * m), rng, -0.5f, 0.5f));
  const PaddedSize ph = ComputePadding(Padding::kSame, h, k, 2, 1);
  const PaddedSize pw = ComputePadding(Padding::kSame, w, k, 2, 1);
  QTensor y(Shape{1, ph.out, pw.out, c * m}, {0.01f}, {3});
  ConvParams p;
  p.stride_h = p.stride_w = 2;
  p.depth_multiplier = m;
  ASSERT_EQ(DepthwiseConv2D(p, x.tensor, f.tensor, nullptr, y.tensor), Status::kOk);
  std::vector<float> xf(x.values.size()), ff(f.values.size()), yf(y.values.size());
  for (std::size_t i = 0; i < xf.size(); ++i) xf[i] = x.Real(i);
  for (std::size_t i = 0; i < ff.size(); ++i) ff[i] = f.values[i] * ws[i % static_cast<std::size_t>(c * m)];
  ASSERT_EQ(DepthwiseConv2D(p, FloatTensor(xf, x.tensor.shape), FloatTensor(ff, f.tensor.shape), nullptr,
                            FloatTensor(yf, y.tensor.shape)),
            Status::kOk);
  for (std::size_t i = 0; i < yf.size(); ++i) {
    ASSERT_NEAR(y.Real(i), std::fmax(-1.31f, std::fmin(yf[i], 1.24f)), 0.006f) << i;
  }
}

TEST(Pooling, FloatAndInt8) {
  std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  std::vector<float> avg(4), max(4);
  PoolParams p;
  p.filter_h = p.filter_w = 2;
  p.stride_h = p.stride_w = 2;
  const Tensor tx = FloatTensor(x, Shape{1, 4, 4, 1});
  ASSERT_EQ(AveragePool2D(p, tx, FloatTensor(avg, Shape{1, 2, 2, 1})), Status::kOk);
  ASSERT_EQ(MaxPool2D(p, tx, FloatTensor(max, Shape{1, 2, 2, 1})), Status::kOk);
  EXPECT_FLOAT_EQ(avg[0], 3.5f);
  EXPECT_FLOAT_EQ(avg[3], 13.5f);
  EXPECT_FLOAT_EQ(max[0], 6.0f);
  EXPECT_FLOAT_EQ(max[3], 16.0f);
  QTensor qx(Shape{1, 2, 2, 1}, {1.0f}, {0});
  qx.values = {1, 2, 2, 2};  // mean 1.75 -> 2
  qx.tensor.data = qx.values.data();
  QTensor qy(Shape{1, 1, 1, 1}, {1.0f}, {0});
  ASSERT_EQ(AveragePool2D(p, qx.tensor, qy.tensor), Status::kOk);
  EXPECT_EQ(qy.values[0], 2);
  qx.values = {-1, -2, -2, -2};
  ASSERT_EQ(AveragePool2D(p, qx.tensor, qy.tensor), Status::kOk);
  EXPECT_EQ(qy.values[0], -2);
}

TEST(Add, BroadcastsFloatAndInt8) {
  std::vector<float> a{1, 2, 3, 4, 5, 6}, b{10, 20, 30}, y(6);
  ASSERT_EQ(Add(Activation::kNone, FloatTensor(a, Shape{2, 3}), FloatTensor(b, Shape{3}),
                FloatTensor(y, Shape{2, 3})),
            Status::kOk);
  EXPECT_FLOAT_EQ(y[4], 25.0f);
  QTensor qa(Shape{2, 3}, {0.1f}, {-5}), qb(Shape{1, 3}, {0.25f}, {4}), qy(Shape{2, 3}, {0.2f}, {1});
  qa.Set({1, 2, 3, -4, 5, -6});
  qb.Set({10, -20, 3});
  ASSERT_EQ(Add(Activation::kNone, qa.tensor, qb.tensor, qy.tensor), Status::kOk);
  for (int i = 0; i < 6; ++i) {
    const float ref = qa.Real(i) + qb.Real(i % 3);
    EXPECT_NEAR(qy.Real(i), std::fmax(-25.8f, std::fmin(ref, 25.2f)), 0.101f) << i;
  }
  EXPECT_EQ(Add(Activation::kNone, FloatTensor(a, Shape{2, 3}), FloatTensor(b, Shape{2}),
                FloatTensor(y, Shape{2, 3})),
            Status::kBadShape);
}

TEST(Mean, ReducesSpatialAxes) {
  std::vector<float> x(2 * 2 * 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  std::vector<float> y(3);
  const std::array<std::int32_t, 2> axes{1, 2};
  ASSERT_EQ(Mean(axes, FloatTensor(x, Shape{1, 2, 2, 3}), FloatTensor(y, Shape{1, 3})), Status::kOk);
  EXPECT_FLOAT_EQ(y[0], 4.5f);
  EXPECT_FLOAT_EQ(y[2], 6.5f);
  QTensor qx(Shape{1, 2, 2, 3}, {0.5f}, {2}), qy(Shape{1, 3}, {0.25f}, {-1});
  qx.Set(x);
  ASSERT_EQ(Mean(axes, qx.tensor, qy.tensor), Status::kOk);
  EXPECT_NEAR(qy.Real(0), 4.5f, 0.126f);
  EXPECT_NEAR(qy.Real(2), 6.5f, 0.126f);
}

TEST(Pad, FloatAndInt8ZeroPoint) {
  std::vector<float> x{1, 2, 3, 4}, y(12, -1);
  const std::array<std::int32_t, 4> pads{1, 0, 0, 1};
  ASSERT_EQ(Pad(pads, FloatTensor(x, Shape{2, 2}), FloatTensor(y, Shape{3, 3})), Status::kOk);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[3], 1.0f);
  EXPECT_EQ(y[5], 0.0f);
  EXPECT_EQ(y[7], 4.0f);
  QTensor qx(Shape{2, 2}, {1.0f}, {-9}), qy(Shape{3, 3}, {1.0f}, {-9});
  ASSERT_EQ(Pad(pads, qx.tensor, qy.tensor), Status::kOk);
  EXPECT_EQ(qy.values[0], -9);
}

TEST(Softmax, FloatAndInt8) {
  std::vector<float> x{1, 2, 3, 1, 1, 1}, y(6);
  ASSERT_EQ(Softmax(1.0f, FloatTensor(x, Shape{2, 3}), FloatTensor(y, Shape{2, 3})), Status::kOk);
  EXPECT_NEAR(y[2], 0.66524f, 1e-4f);
  EXPECT_NEAR(y[4], 1.0f / 3, 1e-5f);
  QTensor qx(Shape{1, 3}, {0.1f}, {0}), qy(Shape{1, 3}, {1.0f / 256}, {-128});
  qx.Set({1, 2, 3});
  ASSERT_EQ(Softmax(1.0f, qx.tensor, qy.tensor), Status::kOk);
  EXPECT_NEAR(qy.Real(2), 0.66524f, 1.0f / 256);
}

TEST(QuantizeDequantize, RoundTripAndRequantize) {
  std::vector<float> x{-1.0f, 0.0f, 0.26f, 3.0f}, back(4);
  QTensor q(Shape{4}, {0.02f}, {-10});
  ASSERT_EQ(Quantize(FloatTensor(x, Shape{4}), q.tensor), Status::kOk);
  EXPECT_EQ(q.values[1], -10);
  EXPECT_EQ(q.values[3], 127);  // saturates
  ASSERT_EQ(Dequantize(q.tensor, FloatTensor(back, Shape{4})), Status::kOk);
  EXPECT_NEAR(back[0], -1.0f, 0.011f);
  EXPECT_NEAR(back[2], 0.26f, 0.011f);
  QTensor r(Shape{4}, {0.04f}, {0});
  ASSERT_EQ(Quantize(q.tensor, r.tensor), Status::kOk);
  EXPECT_NEAR(r.Real(0), -1.0f, 0.021f);
}

TEST(Activations, LogisticReluRelu6) {
  std::vector<float> x{-7, -0.5f, 0.5f, 7}, y(4);
  ASSERT_EQ(Logistic(FloatTensor(x, Shape{4}), FloatTensor(y, Shape{4})), Status::kOk);
  EXPECT_NEAR(y[2], 0.622459f, 1e-5f);
  ASSERT_EQ(Relu(FloatTensor(x, Shape{4}), FloatTensor(y, Shape{4})), Status::kOk);
  EXPECT_EQ(y[1], 0.0f);
  ASSERT_EQ(Relu6(FloatTensor(x, Shape{4}), FloatTensor(y, Shape{4})), Status::kOk);
  EXPECT_EQ(y[3], 6.0f);
  QTensor qx(Shape{4}, {0.1f}, {0}), qy(Shape{4}, {0.05f}, {-128});
  qx.Set(x);
  ASSERT_EQ(Relu6(qx.tensor, qy.tensor), Status::kOk);
  EXPECT_NEAR(qy.Real(0), 0.0f, 1e-6f);
  EXPECT_NEAR(qy.Real(2), 0.5f, 0.026f);
  EXPECT_NEAR(qy.Real(3), 6.0f, 0.026f);
  QTensor ql(Shape{4}, {1.0f / 256}, {-128});
  ASSERT_EQ(Logistic(qx.tensor, ql.tensor), Status::kOk);
  EXPECT_NEAR(ql.Real(2), 0.622459f, 1.0f / 256);
  std::vector<std::int8_t> wrong(4);
  Tensor t;
  t.type = DataType::kInt8;
  t.shape = Shape{4};
  t.data = wrong.data();
  EXPECT_EQ(Logistic(t, ql.tensor), Status::kBadType);  // int8 without quantization
}

TEST(Reshape, CopiesBytes) {
  std::vector<float> x{1, 2, 3, 4}, y(4);
  ASSERT_EQ(Reshape(FloatTensor(x, Shape{2, 2}), FloatTensor(y, Shape{4})), Status::kOk);
  EXPECT_EQ(y[3], 4.0f);
  EXPECT_EQ(Reshape(FloatTensor(x, Shape{2, 2}), FloatTensor(y, Shape{3})), Status::kBadShape);
}

}  // namespace
}  // namespace tinykg::engine
