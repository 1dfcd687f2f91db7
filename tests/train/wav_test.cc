// WAV reading: the real clips, and malformed files that must give a clear
// error (file, byte offset, reason) instead of a crash.
#include "tinykg/train/wav.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace tinykg::train {
namespace {

const std::string kClips = std::string(TINYKG_SHARED_DATA) + "/datasets/keyword_spotting/";

std::vector<std::uint8_t> Wav(std::uint16_t format, std::uint16_t channels, std::uint32_t rate, std::uint16_t bits,
                              std::uint32_t data_bytes, std::size_t actual_data) {
  std::vector<std::uint8_t> b;
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto put16 = [&](std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
  };
  auto put = [&](const char* s) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(s[i]));
  };
  put("RIFF");
  put32(36 + data_bytes);
  put("WAVE");
  put("fmt ");
  put32(16);
  put16(format);
  put16(channels);
  put32(rate);
  put32(rate * channels * bits / 8);
  put16(static_cast<std::uint16_t>(channels * bits / 8));
  put16(bits);
  put("data");
  put32(data_bytes);
  for (std::size_t i = 0; i < actual_data; ++i) b.push_back(static_cast<std::uint8_t>(i));
  return b;
}

std::string Error(const std::vector<std::uint8_t>& bytes, std::uint32_t rate = 16000) {
  auto r = ParseWav(bytes, "clip.wav", rate);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.status().ToString();
}

TEST(Wav, ReadsTheRealClips) {
  auto yes = ReadWav(kClips + "micro_speech_yes_1000ms.wav", 16000);
  ASSERT_TRUE(yes.ok()) << yes.status().ToString();
  EXPECT_EQ(yes->samples.size(), 16000u);
  auto marvin = ReadWav(kClips + "mlperf_marvin_617de221_0.wav", 16000);
  ASSERT_TRUE(marvin.ok()) << marvin.status().ToString();
  EXPECT_EQ(marvin->samples.size(), 16000u);  // 1 s of stereo, mixed down
}

TEST(Wav, GoodSyntheticFileParses) {
  auto r = ParseWav(Wav(1, 1, 16000, 16, 8, 8), "clip.wav", 16000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->samples.size(), 4u);
  EXPECT_EQ(r->samples[0], 0x0100);
}

TEST(Wav, StereoIsMixedDownToTheMean) {
  auto r = ParseWav(Wav(1, 2, 16000, 16, 8, 8), "clip.wav", 16000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->samples.size(), 2u);
  EXPECT_EQ(r->samples[0], (0x0100 + 0x0302) / 2);
}

TEST(Wav, WrongHeaderIsRefusedNamingFileAndPlace) {
  auto b = Wav(1, 1, 16000, 16, 8, 8);
  b[0] = 'X';
  const std::string e = Error(b);
  EXPECT_NE(e.find("clip.wav"), std::string::npos) << e;
  EXPECT_NE(e.find("byte 0"), std::string::npos) << e;
  EXPECT_NE(e.find("RIFF/WAVE"), std::string::npos) << e;
  std::vector<std::uint8_t> short_file(3, 'R');
  EXPECT_NE(Error(short_file).find("shorter than a RIFF header"), std::string::npos);
}

TEST(Wav, WrongRateChannelsBitsOrFormatAreRefused) {
  EXPECT_NE(Error(Wav(1, 1, 8000, 16, 8, 8)).find("sample rate 8000 Hz"), std::string::npos);
  EXPECT_NE(Error(Wav(1, 0, 16000, 16, 8, 8)).find("0 channels"), std::string::npos);
  EXPECT_NE(Error(Wav(1, 2, 16000, 16, 6, 6)).find("not a whole number of 4-byte sample frames"), std::string::npos);
  EXPECT_NE(Error(Wav(1, 1, 16000, 8, 8, 8)).find("8 bits per sample"), std::string::npos);
  EXPECT_NE(Error(Wav(3, 1, 16000, 16, 8, 8)).find("audio format 3 is not PCM"), std::string::npos);
}

TEST(Wav, TruncatedAndHugeSizesAreRefused) {
  const std::string truncated = Error(Wav(1, 1, 16000, 16, 32000, 100));
  EXPECT_NE(truncated.find("byte 36"), std::string::npos) << truncated;
  EXPECT_NE(truncated.find("'data' chunk claims 32000 bytes but only 100 follow"), std::string::npos) << truncated;
  const std::string huge = Error(Wav(1, 1, 16000, 16, 0xFFFFFFFFu, 10));
  EXPECT_NE(huge.find("claims 4294967295 bytes"), std::string::npos) << huge;
  auto no_data = Wav(1, 1, 16000, 16, 0, 0);
  no_data.resize(36);
  EXPECT_NE(Error(no_data).find("no 'data' chunk"), std::string::npos);
}

TEST(Wav, FileLargerThanTheLimitIsRefusedBeforeReading) {
  const std::string path = ::testing::TempDir() + "/tinykg_wav_huge.wav";
  {
    std::ofstream f(path, std::ios::binary);
    f << "RIFF";
  }
  std::filesystem::resize_file(path, kMaxWavBytes + 1);  // sparse: no 64 MiB written
  auto r = ReadWav(path, 16000);
  std::filesystem::remove(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(r.status().ToString().find(path), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("WAV clips are read up to 67108864"), std::string::npos);
}

TEST(Wav, MissingFileIsAnIoError) {
  auto r = ReadWav("/nonexistent/clip.wav");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
}

TEST(Wav, WriteThenReadGivesTheSamples) {
  WavClip clip;
  clip.sample_rate = 16000;
  clip.samples = {0, 1, -1, 32767, -32768};
  const std::string path = ::testing::TempDir() + "/tinykg_wav_test.wav";
  ASSERT_TRUE(WriteWav(path, clip).ok());
  auto back = ReadWav(path, 16000);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->samples, clip.samples);
}

}  // namespace
}  // namespace tinykg::train
