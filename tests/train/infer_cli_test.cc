// `tinykg infer` end to end on the real keyword-spotting clips, and the
// errors a bad clip or option gives (file, place, reason; non-zero exit).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run.h"

namespace {

using tinykg::testing::Tinykg;

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/models/tflite/";
const std::string kClips = std::string(TINYKG_SHARED_DATA) + "/datasets/keyword_spotting/";
const std::string kMicroSpeech = kModels + "micro_speech_quantized.tflite";

nlohmann::json Infer(const std::string& model, const std::string& clip, const std::string& extra = "") {
  const auto r = Tinykg("memory:", "infer --model " + model + " --input " + clip + " --format json " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
}

TEST(InferCli, MicroSpeech_YesClipIsYes_WithTfliteMicroScores) {
  const auto j = Infer(kMicroSpeech, kClips + "micro_speech_yes_1000ms.wav");
  EXPECT_EQ(j["label"], "yes");
  EXPECT_EQ(j["top"], 2);
  EXPECT_EQ(j["frontend"], "micro");
  EXPECT_EQ(j["frames"], 49);
  EXPECT_EQ(j["labels"], nlohmann::json({"silence", "unknown", "yes", "no"}));
  // int8 scores (1/256 steps): yes 255 of 256.
  EXPECT_DOUBLE_EQ(j["scores"][2].get<double>(), 255.0 / 256.0);
}

TEST(InferCli, MicroSpeech_NoClipIsNo) {
  const auto j = Infer(kMicroSpeech, kClips + "micro_speech_no_1000ms.wav");
  EXPECT_EQ(j["label"], "no");
  EXPECT_EQ(j["top"], 3);
  EXPECT_GT(j["scores"][3].get<double>(), 0.9);
}

TEST(InferCli, KwsRefModel_PicksMfccFromTheInputShape_YesIsYes_MarvinIsUnknown) {
  const auto yes = Infer(kModels + "kws_ref_model.tflite", kClips + "micro_speech_yes_1000ms.wav");
  EXPECT_EQ(yes["frontend"], "mfcc");
  EXPECT_EQ(yes["label"], "yes");
  EXPECT_EQ(yes["labels"].size(), 12u);
  const auto marvin = Infer(kModels + "kws_ref_model.tflite", kClips + "mlperf_marvin_617de221_0.wav");
  EXPECT_EQ(marvin["label"], "unknown");
}

// MLPerf Tiny's kws_ref_model_float32.tflite keeps int8 weights with float
// activations (dynamic-range quantization); the loader dequantizes the
// weights and the float kernels run it. Float and int8 models name the same
// class on the three clips, the "no" clip included: both say "go" there,
// with "no" second (src/engine/README.md: the model's answer, not the
// features').
TEST(InferCli, KwsRefModelFloat32_HybridWeightsDequantized_AgreesWithInt8) {
  for (const char* clip :
       {"micro_speech_yes_1000ms.wav", "mlperf_marvin_617de221_0.wav", "micro_speech_no_1000ms.wav"}) {
    const auto q = Infer(kModels + "kws_ref_model.tflite", kClips + clip);
    const auto f = Infer(kModels + "kws_ref_model_float32.tflite", kClips + clip);
    ASSERT_TRUE(f.is_object()) << clip;
    EXPECT_EQ(f["label"], q["label"]) << clip;
    std::vector<double> scores = f["scores"].get<std::vector<double>>();
    const auto top = std::max_element(scores.begin(), scores.end()) - scores.begin();
    EXPECT_EQ(top, f["top"].get<long>()) << clip;
    std::printf("%s: int8 %s %.3f, float %s %.3f\n", clip, q["label"].get<std::string>().c_str(),
                q["scores"][q["top"].get<int>()].get<double>(), f["label"].get<std::string>().c_str(), scores[top]);
    if (std::string(clip) == "micro_speech_no_1000ms.wav") {
      scores[top] = -1;
      EXPECT_EQ(std::max_element(scores.begin(), scores.end()) - scores.begin(), 3) << "no is second";
    } else {
      EXPECT_GT(scores[top], 0.99) << clip;
    }
  }
}

TEST(InferCli, LabelsOptionRenamesClasses_AndMustMatchTheClassCount) {
  const auto j = Infer(kMicroSpeech, kClips + "micro_speech_yes_1000ms.wav", "--labels quiet,other,si,non");
  EXPECT_EQ(j["label"], "si");
  const auto r = Tinykg(
      "memory:", "infer --model " + kMicroSpeech + " --input " + kClips + "micro_speech_yes_1000ms.wav --labels a,b");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--labels names 2 classes, the model has 4"), std::string::npos) << r.err;
}

TEST(InferCli, MalformedClip_FailsNamingFilePlaceAndReason) {
  const std::string dir = ::testing::TempDir() + "/tinykg_infer_cli";
  std::filesystem::create_directories(dir);
  std::ifstream in(kClips + "micro_speech_yes_1000ms.wav", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  struct Case {
    std::string name, bytes, expect;
  };
  std::string rate = bytes;
  rate[24] = static_cast<char>(0x40);  // 16000 -> 8000 Hz (0x1F40)
  rate[25] = static_cast<char>(0x1F);
  const Case cases[] = {
      {"truncated.wav", bytes.substr(0, 1000), "byte 36: the 'data' chunk claims 32000 bytes but only 956 follow"},
      {"header.wav", "JUNK" + bytes.substr(4), "byte 0: not a WAV file: no RIFF/WAVE header"},
      {"rate.wav", rate, "byte 24: sample rate 8000 Hz; the front end needs 16000 Hz"},
      {"empty.wav", "", "byte 0: not a WAV file: 0 bytes"},
  };
  for (const Case& c : cases) {
    const std::string path = dir + "/" + c.name;
    std::ofstream(path, std::ios::binary) << c.bytes;
    const auto r = Tinykg("memory:", "infer --model " + kMicroSpeech + " --input " + path);
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find("tinykg: error: " + path + ": " + c.expect), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(InferCli, UnknownFrontendIsAUsageError) {
  const auto r = Tinykg("memory:", "infer --model " + kMicroSpeech + " --input " + kClips +
                                       "micro_speech_yes_1000ms.wav --frontend fbank");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown --frontend 'fbank'"), std::string::npos) << r.err;
}

}  // namespace
