// Keywords learned on the device from synthesized speakers: a small, fast
// configuration of `train --data kws` (8 espeak-ng speakers x 6 takes of
// red/green/blue/seven + an unknown word, made by scripts/kws_voices.sh at
// test time; 2 speakers held out). The full table is in src/engine/README.md.
#include "tinykg/train/keyword_learning.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run.h"

namespace tinykg::train {
namespace {

const std::string kBackbone = std::string(TINYKG_SHARED_DATA) + "/models/tflite/kws_ref_model.tflite";

const std::string& Voices() {
  static const std::string dir = [] {
    const std::string out = std::string(TINYKG_BINARY_DIR) + "/kws_voices_test";
    // flock: ctest may start several of these tests at once.
    const std::string command =
        "flock " + out + ".lock bash " + std::string(TINYKG_SOURCE_DIR) + "/scripts/kws_voices.sh " + out + " 8 6";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return out;
  }();
  return dir;
}

KeywordResult Learn(const std::string& method, int shots, std::uint64_t seed = 1) {
  KeywordOptions o;
  o.data = Voices();
  o.backbone = kBackbone;
  o.method = method;
  o.shots = shots;
  o.test_speakers = 2;
  o.visits = 200;
  o.seed = seed;
  auto r = RunKeywordLearning(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  std::printf("%s, %d shots, seed %llu: accuracy %.3f (before adapting %.3f), %d clips, %d speakers\n", method.c_str(),
              shots, static_cast<unsigned long long>(seed), r->accuracy, r->accuracy_before, r->clips, r->speakers);
  return *r;
}

TEST(KeywordLearning, ReadsTheSynthesizedSpeakersAsDevices) {
  const KeywordResult r = Learn("scratch", 5);
  EXPECT_EQ(r.clips, 8 * 6 * 5);
  EXPECT_EQ(r.speakers, 8);
  EXPECT_EQ(r.train_speakers, 6);
  EXPECT_EQ(r.test_speakers, 2);
  EXPECT_EQ(r.features, 64);
  EXPECT_EQ(r.classes, (std::vector<std::string>{"red", "green", "blue", "seven", "unknown"}));
  // The head: 64 x 5 weights + 5 biases, and as many gradients.
  EXPECT_EQ(r.memory.weights, 325u * 4u);
  EXPECT_EQ(r.memory.gradients, 325u * 4u);
}

TEST(KeywordLearning, EveryMethodLearnsUnseenSpeakersFromFiveShots) {
  // Chance is 0.2 (5 classes).
  for (const char* method : {"scratch", "online", "reptile", "fedavg"}) {
    const KeywordResult r = Learn(method, 5);
    EXPECT_GT(r.accuracy, 0.6) << method;
  }
}

TEST(KeywordLearning, FederatedStartsKnowTheKeywordsBeforeAnyShot) {
  EXPECT_LT(Learn("scratch", 1).accuracy_before, 0.4);
  EXPECT_GT(Learn("reptile", 1).accuracy_before, 0.5);
  EXPECT_GT(Learn("fedavg", 1).accuracy_before, 0.5);
}

TEST(KeywordLearning, SameSeedSameResult) {
  EXPECT_DOUBLE_EQ(Learn("reptile", 5, 2).accuracy, Learn("reptile", 5, 2).accuracy);
}

TEST(KeywordLearning, BadFolderAndMissingKeywordAreErrors) {
  KeywordOptions o;
  o.data = "/nonexistent";
  o.backbone = kBackbone;
  auto r = RunKeywordLearning(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  o.data = Voices();
  o.keywords = {"red", "purple"};
  r = RunKeywordLearning(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no clips of 'purple'"), std::string::npos) << r.status().ToString();
}

TEST(KeywordLearning, ABrokenClipInTheFolderIsAnErrorNamingIt) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/kws_broken_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/red");
  std::filesystem::copy(Voices() + "/red", dir + "/red", std::filesystem::copy_options::recursive);
  {
    std::ofstream broken(dir + "/red/bad_nohash_0.wav", std::ios::binary);
    broken << "RIFF....WAVE";  // no chunks
  }
  KeywordOptions o;
  o.data = dir;
  o.backbone = kBackbone;
  o.keywords = {"red"};
  auto r = RunKeywordLearning(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find(dir + "/red/bad_nohash_0.wav"), std::string::npos) << r.status().ToString();
  std::filesystem::remove_all(dir);
}

TEST(KeywordLearningCli, TrainDataKws_ReadsTheFolderNamedByTheEnvironment_PrintsJson) {
  const auto r = tinykg::testing::Tinykg("memory:", "train --data kws --model " + kBackbone +
                                                        " --method reptile --shots 5 --seed 1 --steps 200 "
                                                        "--test-speakers 2 --format json");
  // TINYKG_KWS_DATA is not set here: the error says how to make the data.
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bash scripts/kws_voices.sh"), std::string::npos) << r.err;
  const auto ok = tinykg::testing::Tinykg(
      "memory:", "train --data " + Voices() + " --model " + kBackbone +
                     " --method reptile --shots 5 --seed 1 --steps 200 --test-speakers 2 --format json");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["method"], "reptile");
  EXPECT_EQ(j["shots"], 5);
  EXPECT_GT(j["accuracy"].get<double>(), 0.6);
  EXPECT_EQ(j["memory_bytes"]["weights"], 1300);
}

}  // namespace
}  // namespace tinykg::train
