#include "tinykg/model/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tinykg/model/tflm_arena.h"

namespace tinykg::model {
namespace {

std::string Seloc(const std::string& file) {
  return std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/" + file;
}
std::string Models(const std::string& file) {
  return std::string(TINYKG_SHARED_DATA) + "/models/tflite/" + file;
}

struct Published {
  const char* path;
  std::int64_t macs;   // -1: not published
  std::int64_t arena;  // TFLite Micro 2.4 arena_used_bytes()
};

// The eight calibration figures of seloc-ml/README.md and the eleven of
// data/README.md ("TFLite Micro 2.4 arena figures").
const Published kPublished[] = {
    {"seloc:Hello_World.tflite", 288, 1936},
    {"seloc:Anomaly_Detection_Autoencoder.tflite", 1008, 2816},
    {"seloc:Move.tflite", 3780, 2848},
    {"seloc:Micro_Speech_Yes_No_1.tflite", 336000, 8080},
    {"seloc:Magic_Wand_1.tflite", 62016, 16784},
    {"seloc:Snoring_Guardian.tflite", 2119808, 25968},
    {"seloc:ARM_DS_CNN_Small_.tflite", 2656768, 32528},
    {"seloc:Person_Detection.tflite", 7158144, 94128},
    {"models:ad01_fp32.tflite", -1, 7872},
    {"models:ad01_int8.tflite", -1, 6560},
    {"models:hello_world_float.tflite", -1, 1712},
    {"models:hello_world_int8.tflite", -1, 1936},
    {"models:kws_ref_model.tflite", -1, 32160},
    {"models:kws_ref_model_float32.tflite", -1, 74624},
    {"models:micro_speech_quantized.tflite", -1, 8080},
    {"models:person_detect.tflite", -1, 116640},
    {"models:pretrainedResnet.tflite", -1, 205712},
    {"models:pretrainedResnet_quant.tflite", -1, 62128},
    {"models:simple_add_model.tflite", -1, 49764},
};

std::string PathOf(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string file = spec.substr(colon + 1);
  return spec.substr(0, colon) == "seloc" ? Seloc(file) : Models(file);
}

TEST(ModelSummary, MatchesPublishedMacsAndArenaWithinFivePercent) {
  for (const Published& p : kPublished) {
    auto s = SummarizeFile(PathOf(p.path));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    if (p.macs >= 0) {
      EXPECT_EQ(s->macs, p.macs) << p.path;
    }
    const double error = std::abs(static_cast<double>(s->arena_bytes - p.arena)) / static_cast<double>(p.arena);
    EXPECT_LE(error, 0.05) << p.path << ": estimate " << s->arena_bytes << " vs measured " << p.arena;
  }
}

// The replay of TFLite Micro's allocations reproduces all 19 figures to the
// byte; this pins that, so a change to the kernel table shows up here.
TEST(ModelSummary, ArenaReproducesMeasurementsExactly) {
  for (const Published& p : kPublished) {
    auto s = SummarizeFile(PathOf(p.path));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->arena_bytes, p.arena) << p.path;
  }
}

// A published figure outside the calibration set: the SeLoC-ML model graph
// (Haoyu-R/SeLoC-ML semantic_description/tflite_models.ttl) states
// ARM_MicroNet_VWW_3's RAM requirement as schema:minValue 206.976 kB, TFLite
// Micro 2.4's arena_used_bytes(). The estimate met it only once equal-sized
// buffers were planned in TFLM's order (memory_plan.h); 512 bytes short before.
TEST(ModelSummary, MicroNetVww3ArenaMatchesThePublishedGraph) {
  auto s = SummarizeFile(Seloc("ARM_MicroNet_VWW_3.tflite"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->arena_bytes, 206976);
}

// The MLPerf Tiny visual wake words reference models (mlcommons/tiny
// benchmark/training/visual_wake_words/trained_models, commit 1afd2c9;
// md5 f0b011416abee0343a5d130cb1f4c18f int8, c777d35ddb2ba1a6b9f2b72d9bc59728
// float). TFLite Micro 2.4's arena for them is 9,216 elements (one 96x96
// plane) above what tinykg planned when equal-sized buffers kept insertion
// order: 125,776 + 9,216 B int8, 294,608 + 36,864 B float (figures of
// issue 16; no measured VWW figure is in ../shared/data). TFLM's greedy
// planner (GreedyMemoryPlanner::CalculateOffsetsIfNeeded) adds online-planned
// buffers to its sort arrays from the tail, so its stable sort places the
// 48x48x8 activations of operators 0 and 1 in reverse order, and the one
// written by operator 0 lands above the 48x48x16 one. The files are not in
// ../shared/data: the test reads them from there or from $TINYKG_MODELS_DIR,
// and is skipped (saying so) when neither has them.
TEST(ModelSummary, MlperfTinyVwwArenaAsTflm) {
  struct Want {
    const char* file;
    std::int64_t arena, activation_plan;
  };
  const Want wants[] = {{"vww_96_int8.tflite", 134992, 73728}, {"vww_96_float.tflite", 331472, 294912}};
  int found = 0;
  for (const Want& w : wants) {
    std::string path = Models(w.file);
    if (const char* dir = std::getenv("TINYKG_MODELS_DIR"); !std::filesystem::exists(path) && dir != nullptr) {
      path = std::string(dir) + "/" + w.file;
    }
    if (!std::filesystem::exists(path)) continue;
    ++found;
    auto s = SummarizeFile(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->arena_bytes, w.arena) << w.file;
    EXPECT_EQ(s->activation_peak_bytes, w.activation_plan) << w.file;
    ASSERT_EQ(s->inputs.size(), 1u);
    EXPECT_EQ(s->inputs[0].ShapeString(), "1x96x96x3");
  }
  if (found == 0) {
    GTEST_SKIP() << "vww_96_int8.tflite / vww_96_float.tflite not in " << Models("")
                 << " or $TINYKG_MODELS_DIR (mlcommons/tiny benchmark/training/visual_wake_words/trained_models)";
  }
}

TEST(ModelSummary, PersonDetectionGolden) {
  auto s = SummarizeFile(Models("person_detect.tflite"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->layers.size(), 31u);
  ASSERT_EQ(s->inputs.size(), 1u);
  EXPECT_EQ(s->inputs[0].ShapeString(), "1x96x96x1");
  EXPECT_EQ(s->inputs[0].dtype, "INT8");
  ASSERT_TRUE(s->inputs[0].zero_point.has_value());
  EXPECT_EQ(*s->inputs[0].zero_point, -1);
  EXPECT_EQ(s->outputs[0].ShapeString(), "1x2");
  EXPECT_EQ(s->activation_peak_bytes, 55296);
  EXPECT_EQ(s->layers[0].op, "DEPTHWISE_CONV_2D");  // 1 -> 8 channels, stride 2
  EXPECT_EQ(s->layers[0].activation, "RELU6");
  EXPECT_EQ(s->layers[0].output_shapes[0], (std::vector<std::int64_t>{1, 48, 48, 8}));
  EXPECT_EQ(s->layers[2].op, "CONV_2D");
  EXPECT_EQ(s->ops.size(), 5u);
  EXPECT_EQ(s->file_bytes, 300568);
  EXPECT_EQ(s->flash_bytes, s->model_flash_bytes + s->runtime_code_bytes);
  EXPECT_EQ(s->ram_need_bytes, s->arena_bytes + kRuntimeRamBytes);
}

TEST(ModelSummary, MicroSpeechLayersAndMacs) {
  auto s = SummarizeFile(Seloc("Micro_Speech_Yes_No_1.tflite"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->layers.size(), 4u);
  EXPECT_EQ(s->layers[1].op, "DEPTHWISE_CONV_2D");
  EXPECT_EQ(s->layers[1].macs, 320000);
  EXPECT_EQ(s->layers[2].op, "FULLY_CONNECTED");
  EXPECT_EQ(s->layers[2].macs, 16000);
  EXPECT_EQ(s->layers[1].output_shapes[0], (std::vector<std::int64_t>{1, 25, 20, 8}));
  EXPECT_GE(s->macs_all, s->macs);
}

// Per-layer memory: the fully connected layer reads 4 x 4000 int8 weights and
// 4 int32 biases from flash and holds its 4,000-byte input and 4-byte output
// in RAM; every layer's weights together fit in the file.
TEST(ModelSummary, MicroSpeechLayerWeightAndActivationBytes) {
  auto s = SummarizeFile(Seloc("Micro_Speech_Yes_No_1.tflite"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->layers.size(), 4u);
  EXPECT_EQ(s->layers[2].weight_bytes, 4 * 4000 + 4 * 4);
  EXPECT_EQ(s->layers[2].activation_bytes, 4000 + 4);
  EXPECT_EQ(s->layers[1].activation_bytes, 49 * 40 + 25 * 20 * 8);
  std::int64_t weights = 0;
  for (const auto& layer : s->layers) weights += layer.weight_bytes;
  EXPECT_GT(weights, 16000);
  EXPECT_LT(weights, s->file_bytes);
}

TEST(ModelSummary, Sha256KnownVectors) {
  const std::string abc = "abc";
  EXPECT_EQ(Sha256Hex({reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(Sha256Hex({reinterpret_cast<const std::uint8_t*>(two_blocks.data()), two_blocks.size()}),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(ModelSummary, JsonHasTheKeysScriptsUse) {
  auto s = SummarizeFile(Seloc("Hello_World.tflite"));
  ASSERT_TRUE(s.ok());
  const std::string json = SummaryToJson(*s);
  for (const char* key : {"\"name\"", "\"file_bytes\"", "\"params\"", "\"macs\"", "\"macs_all\"",
                          "\"arena_bytes\"", "\"activation_peak_bytes\"", "\"flash_bytes\"", "\"ops\"",
                          "\"inputs\"", "\"outputs\"", "\"layers\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace tinykg::model
