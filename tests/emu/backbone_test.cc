// Real models on the emulated Cortex-M4F: the frozen part of a .tflite model
// serialised into a graph blob, linked into flash and run in place there,
// with a float head learning online in RAM; the MCU computes what the host
// engine computes on the same blob. Without the cross tools these tests FAIL
// and say what to install.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "model_data.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/graph.h"
#include "tinykg/engine/graph_blob.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/random.h"
#include "tinykg/train/image.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::emu {
namespace {

const std::string kData = TINYKG_SHARED_DATA;
const std::string kModels = kData + "/models/tflite/";

std::string WorkDir(const std::string& name) { return std::string(TINYKG_BINARY_DIR) + "/emu-test/" + name; }
const Target& M4f() { return *FindTarget("cortex-m4f"); }

// The Arduino Nano 33 BLE's free RAM and flash in the shipped graph.
constexpr DeviceLimits kNano{172000, 628000, 4096};

std::vector<std::byte> Blob(const std::string& model, int* inputs) {
  auto loaded = train::LoadedModel::Load(kModels + model);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  if (!loaded.ok()) return {};
  auto cut = (*loaded)->FindCut("");
  EXPECT_TRUE(cut.ok());
  std::size_t size = 0;
  EXPECT_EQ(engine::SerializeGraph((*loaded)->graph(), *cut, {}, &size), engine::Status::kOk);
  std::vector<std::byte> blob(size);
  EXPECT_EQ(engine::SerializeGraph((*loaded)->graph(), *cut, blob, &size), engine::Status::kOk);
  *inputs = (*loaded)->graph().input().Elements();
  return blob;
}

// person_detection: shifted, mirrored, noisy copies of the two images.
void PersonImages(Workload& w, int train, int eval) {
  std::vector<train::GrayImage> images;
  for (const char* f : {"no_person.bmp", "person.bmp"}) {
    auto img = train::ReadBmpGray(kData + "/datasets/person_detection/" + f);
    ASSERT_TRUE(img.ok());
    images.push_back(*img);
  }
  engine::Pcg32 rng(5);
  auto add = [&](std::vector<float>& x, std::vector<std::int32_t>& y, int label) {
    const train::GrayImage& img = images[static_cast<std::size_t>(label)];
    const int dx = static_cast<int>(rng.Below(13)) - 6, dy = static_cast<int>(rng.Below(13)) - 6;
    const bool flip = rng.Below(2) == 1;
    for (int r = 0; r < 96; ++r) {
      for (int c = 0; c < 96; ++c) {
        int sx = std::clamp(c + dx, 0, 95);
        const int sy = std::clamp(r + dy, 0, 95);
        if (flip) sx = 95 - sx;
        const int p = std::clamp(static_cast<int>(img.pixels[static_cast<std::size_t>(sy * 96 + sx)]) +
                                     static_cast<int>(rng.Below(17)) - 8, 0, 255);
        const auto q = static_cast<std::int8_t>(static_cast<std::uint8_t>(p));
        x.push_back(0.007843137718737125f * static_cast<float>(q + 1));  // input scale, zero point -1
      }
    }
    y.push_back(label);
  };
  w.classes = 2;
  for (int i = 0; i < train; ++i) add(w.train_x, w.train_y, i % 2);
  for (int i = 0; i < eval; ++i) add(w.eval_x, w.eval_y, i % 2);
}

struct HostRun {
  std::vector<float> losses, features;
  float accuracy = 0;
};

// The same run on the host engine, with the graph loaded from the same blob.
HostRun RunOnHost(const Workload& w) {
  HostRun out;
  std::vector<std::byte> memory(4u << 20);
  engine::Arena arena(memory);
  // The blob must be 16-byte aligned, as it is in flash.
  std::span<std::byte> blob = arena.Persistent<std::byte>(w.model_blob.size());
  std::copy(w.model_blob.begin(), w.model_blob.end(), blob.begin());
  auto graph = std::make_unique<engine::Graph>();
  int cut = 0;
  EXPECT_EQ(engine::LoadGraphBlob(blob, *graph, &cut), engine::Status::kOk);
  EXPECT_EQ(graph->Plan(arena), engine::Status::kOk);
  engine::GraphBackbone backbone(*graph, cut);
  engine::OnlineConfig config;
  config.max_classes = w.classes;
  config.initial_classes = w.classes;
  config.optimizer = engine::OptimizerConfig{engine::OptimizerKind::kSgd, w.learning_rate, 0.0f};
  config.seed = w.seed;
  engine::OnlineLearner learner;
  EXPECT_EQ(learner.Build(config, arena, &backbone), engine::Status::kOk);
  const auto n = static_cast<std::size_t>(w.features);
  for (std::size_t i = 0; i < w.train_y.size(); ++i) {
    float loss = 0;
    EXPECT_EQ(learner.Learn(std::span<const float>(w.train_x.data() + i * n, n), w.train_y[i], &loss),
              engine::Status::kOk);
    out.losses.push_back(loss);
  }
  std::vector<float> features(backbone.feature_count());
  int correct = 0;
  for (std::size_t i = 0; i < w.eval_y.size(); ++i) {
    const std::span<const float> x(w.eval_x.data() + i * n, n);
    std::int32_t predicted = -1;
    EXPECT_EQ(learner.Predict(x, &predicted), engine::Status::kOk);
    correct += predicted == w.eval_y[i];
    EXPECT_EQ(backbone.Extract(x, features), engine::Status::kOk);
    out.features.insert(out.features.end(), features.begin(), features.end());
  }
  out.accuracy = w.eval_y.empty() ? 0.0f : static_cast<float>(correct) / static_cast<float>(w.eval_y.size());
  return out;
}

void ExpectClose(const std::vector<float>& mcu, const std::vector<float>& host, const char* what) {
  ASSERT_EQ(mcu.size(), host.size()) << what;
  double worst = 0;
  std::size_t identical = 0;
  for (std::size_t i = 0; i < host.size(); ++i) {
    identical += mcu[i] == host[i];
    worst = std::max(worst, std::fabs(static_cast<double>(mcu[i]) - host[i]) / std::max(std::fabs(host[i]), 1e-30f));
  }
  std::printf("%s: %zu of %zu bit-identical, worst relative difference %.3g\n", what, identical, host.size(), worst);
  for (std::size_t i = 0; i < host.size(); ++i) {
    EXPECT_LE(std::fabs(mcu[i] - host[i]), 1e-5f * std::fmax(std::fabs(host[i]), 1e-3f)) << what << " " << i;
  }
}

// The head's losses. newlib's and glibc's expf/logf may differ in the last
// bit, which the SGD steps carry on; a confident step's loss -log p is
// ill-conditioned (relative error of p / loss), so the comparison is on p,
// the probability given to the true class, within 1e-5 relative.
void ExpectSameLosses(const std::vector<float>& mcu, const std::vector<float>& host) {
  std::vector<float> p_mcu, p_host;
  for (float l : mcu) p_mcu.push_back(std::exp(-l));
  for (float l : host) p_host.push_back(std::exp(-l));
  ExpectClose(p_mcu, p_host, "p(true class)");
}

// magic_wand_model.tflite (float32, 119x6 IMU window -> 3 conv + pool,
// cut before its classifier) learns the five imu_gestures online on the
// M4F with its backbone in flash; host and MCU agree to 1e-5.
TEST(EmulatorBackbone, MagicWandLearnsGesturesOnCortexM4f) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  Workload w;
  w.model_blob = Blob("magic_wand_model.tflite", &w.features);
  ASSERT_FALSE(w.model_blob.empty());
  w.learning_rate = 0.05f;
  emu_test::Rows train, test;
  w.classes = emu_test::ImuGestures(kData, 78, &train, &test);
  w.train_x = train.x;
  w.train_y = train.y;
  w.eval_x = test.x;
  w.eval_y = test.y;
  RunOptions options;
  options.report_features = true;
  Result<Measurement> m = RunOnEmulator(M4f(), kNano, w, WorkDir("backbone-wand"), options);
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::printf("magic_wand on M4F: accuracy %.3f, %.0f instructions/step, %.0f /inference (with feature report), "
              "peak RAM %llu B (static %llu + arena %llu + stack %llu; graph tables %llu, activations %llu), "
              "flash %llu B (blob %llu B)\n",
              m->accuracy, m->instructions_per_step, m->instructions_per_inference,
              static_cast<unsigned long long>(m->peak_ram_bytes), static_cast<unsigned long long>(m->static_ram_bytes),
              static_cast<unsigned long long>(m->arena_high_water_bytes),
              static_cast<unsigned long long>(m->stack_high_water_bytes),
              static_cast<unsigned long long>(m->graph_bytes),
              static_cast<unsigned long long>(m->backbone_activation_bytes),
              static_cast<unsigned long long>(m->flash_bytes), static_cast<unsigned long long>(w.model_blob.size()));
  EXPECT_GT(m->flash_bytes, w.model_blob.size()) << "the backbone is in flash";
  EXPECT_LT(m->arena_high_water_bytes, 96u << 10);
  EXPECT_GT(m->accuracy, 0.5f);  // chance is 0.2
  const HostRun host = RunOnHost(w);
  ExpectSameLosses(m->losses, host.losses);
  ExpectClose(m->eval_features, host.features, "feature");
  EXPECT_EQ(m->accuracy, host.accuracy);
}

// person_detect.tflite (int8 MobileNet, 300 KB of weights) on the M4F with
// its backbone in flash: the int8 features are bit-identical to the host's.
TEST(EmulatorBackbone, PersonDetectInt8BackboneBitIdenticalOnCortexM4f) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  Workload w;
  w.model_blob = Blob("person_detect.tflite", &w.features);
  ASSERT_FALSE(w.model_blob.empty());
  PersonImages(w, 6, 2);
  RunOptions options;
  options.report_features = true;
  Result<Measurement> m = RunOnEmulator(M4f(), kNano, w, WorkDir("backbone-person"), options);
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::printf("person_detect on M4F: %.0f instructions/step, peak RAM %llu B (arena %llu, activations %llu), "
              "flash %llu B (blob %llu B)\n",
              m->instructions_per_step, static_cast<unsigned long long>(m->peak_ram_bytes),
              static_cast<unsigned long long>(m->arena_high_water_bytes),
              static_cast<unsigned long long>(m->backbone_activation_bytes),
              static_cast<unsigned long long>(m->flash_bytes), static_cast<unsigned long long>(w.model_blob.size()));
  EXPECT_GT(m->flash_bytes, 300000u);
  const HostRun host = RunOnHost(w);
  ASSERT_EQ(m->eval_features.size(), host.features.size());
  for (std::size_t i = 0; i < host.features.size(); ++i) {
    EXPECT_EQ(m->eval_features[i], host.features[i]) << "feature " << i << " (dequantized int8)";
  }
  ExpectSameLosses(m->losses, host.losses);
}

// A backbone larger than the device's flash fails at link, naming it.
TEST(EmulatorBackbone, BackboneLargerThanFlashFailsAtLink) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  Workload w;
  w.model_blob = Blob("person_detect.tflite", &w.features);
  PersonImages(w, 2, 0);
  const DeviceLimits small_flash{96000, 245000, 4096};  // adafruit_tflite_micro_kit_1's free figures
  Result<Measurement> m = RunOnEmulator(M4f(), small_flash, w, WorkDir("backbone-no-flash"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("does not fit"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("frozen part"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("link failed"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace tinykg::emu
