// Graph blobs: a model's frozen part serialised flat and loaded in place
// computes exactly what the loaded model's graph computes.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/graph.h"
#include "tinykg/engine/graph_blob.h"
#include "tinykg/engine/random.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::train {
namespace {

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/models/tflite/";

void ExpectSameFeatures(const std::string& model) {
  auto loaded = LoadedModel::Load(kModels + model);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  LoadedModel& m = **loaded;
  auto cut = m.FindCut("");
  ASSERT_TRUE(cut.ok());
  std::size_t size = 0;
  ASSERT_EQ(engine::SerializeGraph(m.graph(), *cut, {}, &size), engine::Status::kOk);
  std::vector<std::byte> memory(4u << 20);
  engine::Arena arena(memory);
  std::span<std::byte> blob = arena.Persistent<std::byte>(size);
  std::size_t written = 0;
  ASSERT_EQ(engine::SerializeGraph(m.graph(), *cut, blob.first(size - 16), &written), engine::Status::kOutOfMemory);
  ASSERT_EQ(engine::SerializeGraph(m.graph(), *cut, blob, &written), engine::Status::kOk);
  EXPECT_EQ(written, size);
  EXPECT_GE(size, m.graph().constant_bytes() / 2) << "the weights travel in the blob";

  auto graph = std::make_unique<engine::Graph>();
  int blob_cut = -1;
  ASSERT_EQ(engine::LoadGraphBlob(blob, *graph, &blob_cut), engine::Status::kOk);
  EXPECT_EQ(blob_cut, *cut);
  ASSERT_EQ(graph->Plan(arena), engine::Status::kOk);
  EXPECT_LE(graph->activation_bytes(), m.graph().activation_bytes());
  engine::GraphBackbone original(m.graph(), *cut), from_blob(*graph, blob_cut);
  ASSERT_EQ(original.input_size(), from_blob.input_size());
  ASSERT_EQ(original.feature_count(), from_blob.feature_count());
  engine::Pcg32 rng(3);
  std::vector<float> x(original.input_size()), a(original.feature_count()), b(original.feature_count());
  for (int trial = 0; trial < 3; ++trial) {
    for (float& v : x) v = rng.Uniform(0.0f, 1.0f);
    ASSERT_EQ(original.Extract(x, a), engine::Status::kOk);
    ASSERT_EQ(from_blob.Extract(x, b), engine::Status::kOk);
    EXPECT_EQ(a, b) << model;
  }
  // Not a blob: wrong magic, or cut short.
  std::span<std::byte> bad_span = arena.Persistent<std::byte>(size);
  std::copy(blob.begin(), blob.end(), bad_span.begin());
  bad_span[0] = std::byte{0};
  auto scratch = std::make_unique<engine::Graph>();
  EXPECT_EQ(engine::LoadGraphBlob(bad_span, *scratch, &blob_cut), engine::Status::kInvalidArgument);
  EXPECT_EQ(engine::LoadGraphBlob(blob.first(size / 2), *scratch, &blob_cut), engine::Status::kInvalidArgument);
}

TEST(GraphBlob, PersonDetectInt8RoundTripsExactly) { ExpectSameFeatures("person_detect.tflite"); }
TEST(GraphBlob, MagicWandFloatRoundTripsExactly) { ExpectSameFeatures("magic_wand_model.tflite"); }

// TRANSPOSE (magic_wand's (1, 13, 16) -> (1, 16, 13)) loads and runs.
TEST(GraphBlob, MagicWandLoadsWithTranspose) {
  auto loaded = LoadedModel::Load(kModels + "magic_wand_model.tflite");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  bool has_transpose = false;
  for (int n = 0; n < (*loaded)->graph().node_count(); ++n) {
    has_transpose |= (*loaded)->graph().node(n).op == engine::OpKind::kTranspose;
  }
  EXPECT_TRUE(has_transpose);
  std::vector<float> x(119 * 6, 0.5f);
  ASSERT_TRUE((*loaded)->SetInput(x).ok());
  ASSERT_TRUE((*loaded)->Invoke().ok());
  const std::vector<float> out = (*loaded)->Output();
  ASSERT_EQ(out.size(), 5u);
  float sum = 0;
  for (float v : out) sum += v;
  EXPECT_NEAR(sum, 1.0f, 1e-4f);
}

}  // namespace
}  // namespace tinykg::train
