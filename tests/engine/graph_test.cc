// The inference Graph: nodes run in order, activations share memory when
// their lifetimes do not overlap, and a GraphBackbone cuts the graph.
#include "tinykg/engine/graph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tinykg::engine {
namespace {

TEST(Graph, RunsAChainAndReusesActivationMemory) {
  // x[1,8] -> FC(8x8, relu) -> FC(8x8) -> FC(8x2) -> softmax
  std::vector<float> w(64, 0.0f), w3(16, 0.0f), b(8, 0.0f);
  for (int i = 0; i < 8; ++i) w[static_cast<std::size_t>(i * 8 + i)] = 1.0f;  // identity
  for (int i = 0; i < 8; ++i) w3[static_cast<std::size_t>(i)] = 1.0f;         // logit 0 = sum(x)
  Graph g;
  int x = -1, h1 = -1, h2 = -1, h3 = -1, y = -1, tw = -1, tw3 = -1, tb = -1;
  ASSERT_EQ(g.AddTensor(FloatTensor({}, Shape{1, 8}), false, &x), Status::kOk);
  ASSERT_EQ(g.AddTensor(FloatTensor(w, Shape{8, 8}), true, &tw), Status::kOk);
  ASSERT_EQ(g.AddTensor(FloatTensor(w3, Shape{2, 8}), true, &tw3), Status::kOk);
  ASSERT_EQ(g.AddTensor(FloatTensor(b, Shape{8}), true, &tb), Status::kOk);
  for (int* t : {&h1, &h2}) ASSERT_EQ(g.AddTensor(FloatTensor({}, Shape{1, 8}), false, t), Status::kOk);
  ASSERT_EQ(g.AddTensor(FloatTensor({}, Shape{1, 2}), false, &h3), Status::kOk);
  ASSERT_EQ(g.AddTensor(FloatTensor({}, Shape{1, 2}), false, &y), Status::kOk);
  Node fc;
  fc.op = OpKind::kFullyConnected;
  fc.inputs = {static_cast<std::int16_t>(x), static_cast<std::int16_t>(tw), static_cast<std::int16_t>(tb)};
  fc.output = static_cast<std::int16_t>(h1);
  fc.activation = Activation::kRelu;
  ASSERT_EQ(g.AddNode(fc), Status::kOk);
  fc.inputs[0] = static_cast<std::int16_t>(h1);
  fc.output = static_cast<std::int16_t>(h2);
  fc.activation = Activation::kNone;
  ASSERT_EQ(g.AddNode(fc), Status::kOk);
  fc.inputs = {static_cast<std::int16_t>(h2), static_cast<std::int16_t>(tw3), -1};
  fc.output = static_cast<std::int16_t>(h3);
  ASSERT_EQ(g.AddNode(fc), Status::kOk);
  Node sm;
  sm.op = OpKind::kSoftmax;
  sm.inputs[0] = static_cast<std::int16_t>(h3);
  sm.output = static_cast<std::int16_t>(y);
  ASSERT_EQ(g.AddNode(sm), Status::kOk);
  g.SetInput(x);
  g.SetOutput(y);
  Node bad = sm;
  bad.output = 99;
  EXPECT_EQ(g.AddNode(bad), Status::kInvalidArgument);

  std::vector<std::byte> memory(4096);
  Arena arena(memory);
  ASSERT_EQ(g.Plan(arena), Status::kOk);
  // x, h1, h2 (32 B each) and h3, y (8 B, padded to 16) would need 128 B without reuse.
  EXPECT_LT(g.activation_bytes(), 128u);
  EXPECT_EQ(g.constant_bytes(), (64u + 16u + 8u) * 4u);
  for (int i = 0; i < 8; ++i) g.input().Data<float>()[i] = i % 2 == 0 ? 1.0f : -1.0f;
  ASSERT_EQ(g.Invoke(), Status::kOk);
  // relu keeps the four +1s: logit 0 = 4, logit 1 = 0.
  EXPECT_NEAR(g.output().Data<float>()[0], 1.0f / (1.0f + std::exp(-4.0f)), 1e-5f);

  GraphBackbone backbone(g, 0);
  EXPECT_EQ(backbone.input_size(), 8u);
  EXPECT_EQ(backbone.feature_count(), 8u);
  std::vector<float> sample(8, -2.0f), features(8);
  sample[3] = 5.0f;
  ASSERT_EQ(backbone.Extract(sample, features), Status::kOk);
  EXPECT_EQ(features[3], 5.0f);
  EXPECT_EQ(features[0], 0.0f);
  EXPECT_EQ(backbone.memory().scratch, g.activation_bytes());
}

}  // namespace
}  // namespace tinykg::engine
