// FlexBuffers maps of custom operator options: the bytes of
// audio_preprocessor_int8.tflite's SignalWindow, SignalRfft and
// SignalFilterBankSpectralSubtraction operators (copied from the file), and
// malformed buffers that must fail cleanly.
#include "tinykg/model/flexbuffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace tinykg::model {
namespace {

std::vector<std::uint8_t> Hex(const char* hex) {
  std::vector<std::uint8_t> out;
  for (const char* p = hex; p[0] != '\0' && p[1] != '\0'; p += 2) {
    auto nibble = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
    out.push_back(static_cast<std::uint8_t>(nibble(p[0]) << 4 | nibble(p[1])));
  }
  return out;
}

TEST(Flexbuffer, ReadsTheSignalOpsOptions) {
  const auto window = Hex("73686966740001070101010c04022401");
  auto m = FlexbufferMap::Parse(window);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->size(), 1u);
  EXPECT_EQ(*m->Int("shift"), 12);
  EXPECT_EQ(m->Int("missing").status().code(), StatusCode::kNotFound);

  const auto rfft = Hex("54006666745f6c656e67746800020e0d020001000200070000020505062501");
  m = FlexbufferMap::Parse(rfft);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m->Int("T"), 7);  // INT16
  EXPECT_EQ(*m->Int("fft_length"), 512);

  const auto subtraction = Hex(
      "616c7465726e6174655f6f6e655f6d696e75735f736d6f6f7468696e6700616c7465726e6174655f736d6f6f7468696e6700636c616d7069"
      "6e67006d696e5f7369676e616c5f72656d61696e696e67006e756d5f6368616e6e656c73006f6e655f6d696e75735f736d6f6f7468696e67"
      "00736d6f6f7468696e6700736d6f6f7468696e675f6269747300737065637472616c5f7375627472616374696f6e5f626974730009a58875"
      "6d594d3a3123090001000900293cd703000033032800673e99010a000e000505690505050505051b2501");
  m = FlexbufferMap::Parse(subtraction);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(*m->Int("alternate_one_minus_smoothing"), 15401);
  EXPECT_EQ(*m->Int("alternate_smoothing"), 983);
  EXPECT_EQ(*m->Int("clamping"), 0);
  EXPECT_EQ(*m->Int("min_signal_remaining"), 819);
  EXPECT_EQ(*m->Int("num_channels"), 40);
  EXPECT_EQ(*m->Int("one_minus_smoothing"), 15975);
  EXPECT_EQ(*m->Int("smoothing"), 409);
  EXPECT_EQ(*m->Int("smoothing_bits"), 10);
  EXPECT_EQ(*m->Int("spectral_subtraction_bits"), 14);
}

TEST(Flexbuffer, MalformedBuffersFailWithoutReadingOutside) {
  const auto window = Hex("73686966740001070101010c04022401");
  // Every truncation from the front (the root is read from the end).
  for (std::size_t cut = 1; cut < window.size(); ++cut) {
    std::vector<std::uint8_t> tail(window.begin() + static_cast<std::ptrdiff_t>(cut), window.end());
    auto m = FlexbufferMap::Parse(tail);
    if (m.ok()) (void)m->Int("shift");  // may parse garbage, must not crash
  }
  EXPECT_FALSE(FlexbufferMap::Parse(Hex("0102")).ok());
  auto not_map = FlexbufferMap::Parse(Hex("050401"));  // root INT 5
  ASSERT_FALSE(not_map.ok());
  EXPECT_NE(not_map.status().message().find("not a map"), std::string::npos);
  auto huge = Hex("73686966740001070101ff0c04022401");  // element count 255
  EXPECT_FALSE(FlexbufferMap::Parse(huge).ok());
}

}  // namespace
}  // namespace tinykg::model
