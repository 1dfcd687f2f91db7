// Real .tflite models through the reader, the loader and the engine kernels:
// hello_world predicts sine values; person_detect tells the person image from
// the no-person image (the examples' own test expectations).
#include "tinykg/train/model_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tinykg/train/image.h"

namespace tinykg::train {
namespace {

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/models/tflite/";
const std::string kImages = std::string(TINYKG_SHARED_DATA) + "/datasets/person_detection/";

void ExpectSine(const std::string& file, double max_mean_error) {
  auto loaded = LoadedModel::Load(kModels + file);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  LoadedModel& m = **loaded;
  double total = 0;
  int n = 0;
  for (float x = 0.0f; x <= 6.28f; x += 0.1f) {
    ASSERT_TRUE(m.SetInput(std::span<const float>(&x, 1)).ok());
    ASSERT_TRUE(m.Invoke().ok());
    const float y = m.Output()[0];
    total += std::fabs(y - std::sin(x));
    ++n;
  }
  std::printf("%s: mean |y - sin x| = %.4f over %d points\n", file.c_str(), total / n, n);
  EXPECT_LT(total / n, max_mean_error);
}

TEST(ModelLoader, HelloWorldFloatPredictsSine) { ExpectSine("hello_world_float.tflite", 0.1); }
TEST(ModelLoader, HelloWorldInt8PredictsSine) { ExpectSine("hello_world_int8.tflite", 0.1); }

TEST(ModelLoader, PersonDetectTellsPersonFromNoPerson) {
  auto loaded = LoadedModel::Load(kModels + "person_detect.tflite");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  LoadedModel& m = **loaded;
  engine::Tensor& in = m.graph().input();
  ASSERT_EQ(in.type, engine::DataType::kInt8);
  ASSERT_EQ(in.Elements(), 96 * 96);
  auto score = [&](const std::string& bmp) {
    auto img = ReadBmpGray(kImages + bmp);
    EXPECT_TRUE(img.ok()) << img.status().ToString();
    if (!img.ok()) return std::vector<float>{0, 0};
    EXPECT_EQ(img->width, 96);
    // As TFLite Micro's person_detection_test: the BMP's 8-bit pixel bytes
    // (identity palette, top row first) are copied into the int8 input as is.
    for (std::size_t i = 0; i < img->pixels.size(); ++i) {
      in.Data<std::int8_t>()[i] = static_cast<std::int8_t>(img->pixels[i]);
    }
    EXPECT_TRUE(m.Invoke().ok());
    return m.Output();
  };
  const std::vector<float> person = score("person.bmp");
  const std::vector<float> no_person = score("no_person.bmp");
  std::printf("person.bmp: person %.3f no-person %.3f; no_person.bmp: person %.3f no-person %.3f; arena %zu B\n",
              person[1], person[0], no_person[1], no_person[0], m.graph().activation_bytes());
  EXPECT_GT(person[1], person[0]);        // index 1 = person, 0 = no person
  EXPECT_GT(no_person[0], no_person[1]);
  // The int8 scores TFLite Micro reports for these images: 113/-113 and -57/57
  // (output scale 1/256, zero point -128).
  EXPECT_NEAR(person[1] * 256 - 128, 113, 2);
  EXPECT_NEAR(no_person[1] * 256 - 128, -57, 2);
}

TEST(ModelLoader, ReportsUnsupportedOperators) {
  auto loaded = LoadedModel::Load(kModels + "trained_lstm.tflite");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace tinykg::train

namespace tinykg::train {
namespace {

// Frozen int8 person_detect backbone (cut before its classifier) + a float
// head learned online from augmented copies of the two test images.
TEST(MixedSetup, FrozenInt8BackboneWithFloatHeadLearnsOnline) {
  auto loaded = LoadedModel::Load(kModels + "person_detect.tflite");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  LoadedModel& m = **loaded;
  auto cut = m.FindCut("");
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_EQ(m.graph().node(*cut).op, engine::OpKind::kAveragePool2D);
  engine::GraphBackbone backbone(m.graph(), *cut);
  ASSERT_EQ(backbone.feature_count(), 256u);

  std::vector<GrayImage> images;
  for (const char* f : {"no_person.bmp", "person.bmp"}) {
    auto img = ReadBmpGray(kImages + f);
    ASSERT_TRUE(img.ok());
    images.push_back(*img);
  }
  const engine::Tensor& in = m.graph().input();
  engine::Pcg32 rng(5);
  // A shifted, maybe mirrored, noisy copy as real input values.
  auto augmented = [&](int label) {
    const GrayImage& img = images[static_cast<std::size_t>(label)];
    const int dx = static_cast<int>(rng.Below(13)) - 6, dy = static_cast<int>(rng.Below(13)) - 6;
    const bool flip = rng.Below(2) == 1;
    std::vector<float> x(96 * 96);
    for (int y = 0; y < 96; ++y) {
      for (int xx = 0; xx < 96; ++xx) {
        int sx = std::clamp(xx + dx, 0, 95), sy = std::clamp(y + dy, 0, 95);
        if (flip) sx = 95 - sx;
        const int p = std::clamp(static_cast<int>(img.pixels[static_cast<std::size_t>(sy * 96 + sx)]) +
                                     static_cast<int>(rng.Below(17)) - 8, 0, 255);
        const auto q = static_cast<std::int8_t>(static_cast<std::uint8_t>(p));
        x[static_cast<std::size_t>(y * 96 + xx)] = in.quant.Scale() * static_cast<float>(q - in.quant.ZeroPoint());
      }
    }
    return x;
  };
  std::vector<std::byte> memory(1 << 16);
  engine::Arena arena(memory);
  engine::OnlineConfig config;
  config.max_classes = 2;
  config.initial_classes = 2;
  config.optimizer = {engine::OptimizerKind::kSgd, 0.05f};
  engine::OnlineLearner learner;
  ASSERT_EQ(learner.Build(config, arena, &backbone), engine::Status::kOk);
  for (int i = 0; i < 30; ++i) {
    const int label = i % 2;
    ASSERT_EQ(learner.Learn(augmented(label), label), engine::Status::kOk);
  }
  int correct = 0;
  for (int i = 0; i < 20; ++i) {
    const int label = i % 2;
    std::int32_t predicted = -1;
    ASSERT_EQ(learner.Predict(augmented(label), &predicted), engine::Status::kOk);
    correct += predicted == label;
  }
  const engine::MemoryReport mem = learner.memory();
  std::printf("mixed setup: accuracy %d/20; head weights %zu B, gradients %zu B, activations %zu B, "
              "scratch %zu B (backbone activations %zu B), total %zu B\n",
              correct, mem.weights, mem.gradients, mem.activations, mem.scratch, m.graph().activation_bytes(),
              mem.Total());
  EXPECT_GE(correct, 18);
  EXPECT_EQ(mem.weights, (256u * 2 + 2) * 4);
  EXPECT_GE(mem.scratch, m.graph().activation_bytes());
}

}  // namespace
}  // namespace tinykg::train
