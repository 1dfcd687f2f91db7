// Truncated and bit-flipped copies of real models: the reader must return a
// clean error or a model, never crash or read outside the buffer (run this
// suite under ASan: cmake -DCMAKE_CXX_FLAGS=-fsanitize=address,undefined).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tinykg/base/file.h"
#include "tinykg/model/summary.h"
#include "tinykg/model/tflite.h"
#include "tinykg/model/tflm_arena.h"

namespace tinykg::model {
namespace {

std::vector<std::uint8_t> Bytes(const std::string& path) {
  auto text = ReadFile(path);
  EXPECT_TRUE(text.ok());
  return {text->begin(), text->end()};
}

// Whatever parses must also summarise without crashing.
void Exercise(const std::vector<std::uint8_t>& data) {
  auto model = tflite::ParseTflite(data, "mutant");
  if (!model.ok()) {
    EXPECT_FALSE(model.status().message().empty());
    return;
  }
  (void)SummarizeTflite(*model, data, "mutant");
}

const char* const kFiles[] = {"/seloc-ml/models/Hello_World.tflite", "/seloc-ml/models/Micro_Speech_Yes_No_1.tflite",
                              "/models/tflite/audio_preprocessor_int8.tflite", "/models/tflite/keyword_scrambled.tflite"};

TEST(CorruptModels, TruncatedCopiesFailCleanly) {
  for (const char* file : kFiles) {
    const auto data = Bytes(std::string(TINYKG_SHARED_DATA) + file);
    int failures = 0;
    const std::size_t step = std::max<std::size_t>(1, data.size() / 300);
    for (std::size_t size = 0; size < data.size(); size += step) {
      std::vector<std::uint8_t> cut(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(size));
      auto model = tflite::ParseTflite(cut, "cut");
      failures += !model.ok();
      Exercise(cut);
    }
    // Buffers sit at the end of a file, so almost every cut breaks an offset.
    EXPECT_GT(failures, 0) << file;
  }
}

TEST(CorruptModels, EmptyAndTinyInputsAreParseErrors) {
  for (std::size_t size : {0u, 3u, 7u, 8u}) {
    std::vector<std::uint8_t> tiny(size, 0);
    auto model = tflite::ParseTflite(tiny, "tiny");
    ASSERT_FALSE(model.ok());
    EXPECT_EQ(model.status().code(), StatusCode::kParseError);
  }
}

TEST(CorruptModels, BitFlippedCopiesNeverCrash) {
  std::mt19937 rng(20240521);
  for (const char* file : kFiles) {
    const auto data = Bytes(std::string(TINYKG_SHARED_DATA) + file);
    for (int round = 0; round < 400; ++round) {
      auto copy = data;
      const int flips = 1 + static_cast<int>(rng() % 8);
      // Flip bits in the structural part (offsets, vtables) most of the time.
      const std::size_t window = round % 2 == 0 ? std::min<std::size_t>(copy.size(), 2048) : copy.size();
      for (int f = 0; f < flips; ++f) copy[rng() % window] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      Exercise(copy);
    }
  }
}

TEST(CorruptModels, OutOfRangeOffsetNamesTheProblem) {
  auto data = Bytes(std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/Hello_World.tflite");
  data[0] = 0xff;
  data[1] = 0xff;
  data[2] = 0xff;
  data[3] = 0x7f;
  auto model = tflite::ParseTflite(data, "hello");
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("outside"), std::string::npos) << model.status().ToString();
}

TEST(CorruptModels, CustomOpsAreNamedNotFatal) {
  auto model = tflite::LoadTfliteFile(std::string(TINYKG_SHARED_DATA) + "/models/tflite/audio_preprocessor_int8.tflite");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  bool found = false;
  for (const auto& op : model->main().operators) found |= op.Name() == "CUSTOM:SignalFftAutoScale";
  EXPECT_TRUE(found);
  auto summary = SummarizeFile(std::string(TINYKG_SHARED_DATA) + "/models/tflite/audio_preprocessor_int8.tflite");
  ASSERT_TRUE(summary.ok());
  EXPECT_FALSE(summary->notes.empty());  // custom kernels have no arena model
}

}  // namespace
}  // namespace tinykg::model
