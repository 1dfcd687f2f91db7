// MLPerf Tiny KWS's MFCC front end (engine/mfcc.h) against a NumPy reference
// written from the same formulas (tests/train/mfcc_reference.py, float64,
// Debian's python3-numpy from scripts/packages/test-engine.txt), and the
// DS-CNN reference model on the real clips.
#include "tinykg/engine/mfcc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "tinykg/train/audio_frontend.h"
#include "tinykg/train/wav.h"

namespace tinykg::train {
namespace {

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/models/tflite/";
const std::string kClips = std::string(TINYKG_SHARED_DATA) + "/datasets/keyword_spotting/";

// Tolerance of the engine's float32 features against the float64 reference,
// in MFCC units (coefficient 0 is about -25, the others within +-10). The
// measured gap on the three clips is 9e-6 to 3.1e-5; float32 FFT and mel sums
// stay far below this bound.
constexpr double kTolerance = 1e-3;

std::vector<double> Reference(const std::string& clip) {
  const std::string command =
      "/usr/bin/python3 " + std::string(TINYKG_SOURCE_DIR) + "/tests/train/mfcc_reference.py " + clip;
  FILE* pipe = popen(command.c_str(), "r");
  std::vector<double> values;
  if (pipe == nullptr) return values;
  double v = 0;
  while (std::fscanf(pipe, "%lf", &v) == 1) values.push_back(v);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return values;
}

void ExpectMatchesReference(const std::string& file) {
  auto clip = ReadWav(kClips + file, kKwsSampleRate);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  ASSERT_EQ(clip->samples.size(), 16000u);
  auto features = MfccFeatures(clip->samples);
  ASSERT_TRUE(features.ok()) << features.status().ToString();
  const std::vector<double> expected = Reference(kClips + file);
  ASSERT_EQ(expected.size(), 490u) << "the NumPy reference did not run";
  ASSERT_EQ(features->size(), 490u);
  double worst = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst, std::fabs((*features)[i] - expected[i]));
  }
  std::printf("%s: max |engine - NumPy| = %.3g over 49 x 10 MFCC\n", file.c_str(), worst);
  EXPECT_LT(worst, kTolerance);
}

TEST(Mfcc, YesClipMatchesNumpyReference) { ExpectMatchesReference("micro_speech_yes_1000ms.wav"); }
TEST(Mfcc, NoClipMatchesNumpyReference) { ExpectMatchesReference("micro_speech_no_1000ms.wav"); }
TEST(Mfcc, MarvinClipMatchesNumpyReference) { ExpectMatchesReference("mlperf_marvin_617de221_0.wav"); }

TEST(Mfcc, RefusesBadConfigAndSmallArena) {
  engine::Mfcc mfcc;
  std::vector<std::byte> memory(64u << 10);
  engine::Arena arena(memory);
  engine::MfccConfig bad;
  bad.fft_length = 500;
  EXPECT_EQ(mfcc.Init(bad, arena), engine::Status::kInvalidArgument);
  bad = {};
  bad.upper_hz = 9000.0f;
  EXPECT_EQ(mfcc.Init(bad, arena), engine::Status::kInvalidArgument);
  std::vector<std::byte> tiny(1024);
  engine::Arena small(tiny);
  EXPECT_EQ(mfcc.Init({}, small), engine::Status::kOutOfMemory);
  EXPECT_EQ(small.persistent_used(), 0u);
  ASSERT_EQ(mfcc.Init({}, arena), engine::Status::kOk);
  EXPECT_EQ(mfcc.frames(), 49);
  std::vector<std::int16_t> short_clip(100);
  std::vector<float> out(490);
  EXPECT_EQ(mfcc.Compute(short_clip, out, arena), engine::Status::kBadShape);
  std::printf("MFCC tables: %zu bytes\n", mfcc.table_bytes());
}

// Hands the MFCC it is given on as its features: what MfccClipBackbone
// feeds the model.
class PassThrough final : public engine::Backbone {
 public:
  std::size_t input_size() const override { return 490; }
  std::size_t feature_count() const override { return 490; }
  engine::Status Extract(std::span<const float> sample, std::span<float> features) override {
    std::copy(sample.begin(), sample.end(), features.begin());
    return engine::Status::kOk;
  }
  engine::MemoryReport memory() const override { return {}; }
};

// The whole clip as one frozen extractor (the emulated board's keyword
// pipeline): the same floats as Compute on the clip, from samples given as
// floats; its scratch is released; a model of another input size is refused.
TEST(MfccClipBackbone, EqualsComputeOnTheRealClips_ReleasesScratch) {
  engine::Mfcc mfcc;
  std::vector<std::byte> memory(64u << 10);
  engine::Arena arena(memory);
  ASSERT_EQ(mfcc.Init({}, arena), engine::Status::kOk);
  PassThrough next;
  engine::MfccClipBackbone clip_backbone(mfcc, next, arena);
  EXPECT_EQ(clip_backbone.input_size(), 16000u);
  for (const char* file :
       {"micro_speech_yes_1000ms.wav", "micro_speech_no_1000ms.wav", "mlperf_marvin_617de221_0.wav"}) {
    auto wav = ReadWav(kClips + file, kKwsSampleRate);
    ASSERT_TRUE(wav.ok());
    const std::vector<std::int16_t> clip = OneSecond(wav->samples);
    std::vector<float> expected(490), got(490);
    ASSERT_EQ(mfcc.Compute(clip, expected, arena), engine::Status::kOk);
    const std::vector<float> samples(clip.begin(), clip.end());
    ASSERT_EQ(clip_backbone.Extract(samples, got), engine::Status::kOk);
    EXPECT_EQ(got, expected) << file;
    EXPECT_EQ(arena.scratch_used(), 0u);
  }
  struct Wrong final : engine::Backbone {
    std::size_t input_size() const override { return 480; }
    std::size_t feature_count() const override { return 2; }
    engine::Status Extract(std::span<const float>, std::span<float>) override { return engine::Status::kOk; }
    engine::MemoryReport memory() const override { return {}; }
  } wrong;
  engine::MfccClipBackbone bad(mfcc, wrong, arena);
  std::vector<float> samples(16000), out(2);
  EXPECT_EQ(bad.Extract(samples, out), engine::Status::kBadShape);
}

void ExpectKeyword(const std::string& file, const std::string& label) {
  auto model = LoadedModel::Load(kModels + "kws_ref_model.tflite");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto clip = ReadWav(kClips + file, kKwsSampleRate);
  ASSERT_TRUE(clip.ok());
  auto r = InferClip(**model, clip->samples, FrontendKind::kMfcc, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto labels = BuiltInKeywordLabels(490, 12);
  std::printf("kws_ref_model on %s:", file.c_str());
  for (std::size_t i = 0; i < labels.size(); ++i) std::printf(" %s %.3f", labels[i].c_str(), r->scores[i]);
  std::printf("\n");
  EXPECT_EQ(labels[static_cast<std::size_t>(r->top)], label);
}

TEST(KwsRefModel, YesClipIsYes) { ExpectKeyword("micro_speech_yes_1000ms.wav", "yes"); }
TEST(KwsRefModel, MarvinClipIsUnknown) { ExpectKeyword("mlperf_marvin_617de221_0.wav", "unknown"); }

}  // namespace
}  // namespace tinykg::train
