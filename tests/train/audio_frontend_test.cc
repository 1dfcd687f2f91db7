// micro_speech's audio front end run by the engine (the preprocessor model's
// TFLite Micro Signal ops as engine kernels) against TFLite Micro's expected
// features, and keyword inference on the real clips.
#include "tinykg/train/audio_frontend.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tinykg/train/wav.h"

namespace tinykg::train {
namespace {

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/models/tflite/";
const std::string kClips = std::string(TINYKG_SHARED_DATA) + "/datasets/keyword_spotting/";
const std::string kPreprocessor = kModels + "audio_preprocessor_int8.tflite";

// Expected features of the first (only) 30 ms window of the clips, from
// tflite-micro tensorflow/lite/micro/examples/micro_speech/micro_speech_test.cc
// (commit 90b983c2b3, tests NoFeatureTest and YesFeatureTest; exact on
// non-Xtensa targets).
constexpr std::int8_t kNo30ms[40] = {126, 103, 124, 102, 124, 102, 123, 100, 118, 97, 118, 100, 118, 98,
                                     121, 100, 121, 98,  117, 91,  96,  74,  54,  87, 100, 87,  109, 92,
                                     91,  80,  64,  55,  83,  74,  74,  78,  114, 95, 101, 81};
constexpr std::int8_t kYes30ms[40] = {124, 105, 126, 103, 125, 101, 123, 100, 116, 98,  115, 97,  113, 90,
                                      91,  82,  104, 96,  117, 97,  121, 103, 126, 101, 125, 104, 126, 104,
                                      125, 101, 116, 90,  81,  74,  80,  71,  83,  76,  82,  71};

void ExpectFeatures(const std::string& clip_file, const std::int8_t (&expected)[40]) {
  auto clip = ReadWav(kClips + clip_file, kKwsSampleRate);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  ASSERT_EQ(clip->samples.size(), 480u);
  auto frontend = MicroFrontend::Load(kPreprocessor);
  ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
  auto features = (*frontend)->Features(clip->samples, 49);
  ASSERT_TRUE(features.ok()) << features.status().ToString();
  ASSERT_EQ(features->size(), 40u);
  int equal = 0;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ((*features)[static_cast<std::size_t>(i)], expected[i]) << "feature " << i;
    equal += (*features)[static_cast<std::size_t>(i)] == expected[i];
  }
  std::printf("%s: %d/40 features equal TFLite Micro's\n", clip_file.c_str(), equal);
}

TEST(MicroFrontend, No30msFeaturesEqualTfliteMicro) { ExpectFeatures("micro_speech_no_30ms.wav", kNo30ms); }
TEST(MicroFrontend, Yes30msFeaturesEqualTfliteMicro) { ExpectFeatures("micro_speech_yes_30ms.wav", kYes30ms); }

TEST(MicroFrontend, StateIsResetBetweenClips) {
  auto clip = ReadWav(kClips + "micro_speech_yes_1000ms.wav", kKwsSampleRate);
  ASSERT_TRUE(clip.ok());
  auto frontend = MicroFrontend::Load(kPreprocessor);
  ASSERT_TRUE(frontend.ok());
  auto first = (*frontend)->Features(clip->samples, 49);
  auto second = (*frontend)->Features(clip->samples, 49);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->size(), 49u * 40u);
  EXPECT_EQ(*first, *second);
  // Without a reset the noise estimate carries over and the features change.
  std::vector<std::int8_t> carried;
  for (int f = 0; f < 49; ++f) {
    ASSERT_TRUE((*frontend)->Frame(std::span<const std::int16_t>(clip->samples).subspan(320u * f, 480), &carried).ok());
  }
  EXPECT_NE(carried, *first);
}

void ExpectKeyword(const std::string& model_file, const std::string& clip_file, const std::string& label) {
  auto model = LoadedModel::Load(kModels + model_file);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto clip = ReadWav(kClips + clip_file, kKwsSampleRate);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  auto r = InferClip(**model, clip->samples, FrontendKind::kMicro, kPreprocessor);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto labels = BuiltInKeywordLabels((*model)->graph().input().Elements(), static_cast<int>(r->scores.size()));
  ASSERT_EQ(labels.size(), r->scores.size());
  std::printf("%s on %s:", model_file.c_str(), clip_file.c_str());
  for (std::size_t i = 0; i < labels.size(); ++i) std::printf(" %s %.4f", labels[i].c_str(), r->scores[i]);
  std::printf("\n");
  EXPECT_EQ(labels[static_cast<std::size_t>(r->top)], label);
  EXPECT_EQ(r->frames, 49);
}

TEST(MicroSpeech, YesClipIsYes) {
  ExpectKeyword("micro_speech_quantized.tflite", "micro_speech_yes_1000ms.wav", "yes");
}
TEST(MicroSpeech, NoClipIsNo) { ExpectKeyword("micro_speech_quantized.tflite", "micro_speech_no_1000ms.wav", "no"); }

}  // namespace
}  // namespace tinykg::train
