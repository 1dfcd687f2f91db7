#include "tinykg/train/wav.h"

#include <filesystem>
#include <fstream>

#include "tinykg/base/file.h"

namespace tinykg::train {
namespace {

std::uint32_t U32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16) | (static_cast<std::uint32_t>(b[at + 3]) << 24);
}
std::uint16_t U16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

}  // namespace

Result<WavClip> ParseWav(std::span<const std::uint8_t> bytes, const std::string& name, std::uint32_t expected_rate) {
  auto bad = [&](std::size_t at, const std::string& why) {
    return InvalidData("byte " + std::to_string(at) + ": " + why, SourceLocation(name));
  };
  if (bytes.size() < 12)
    return bad(0, "not a WAV file: " + std::to_string(bytes.size()) + " bytes, shorter than a RIFF header");
  if (U32(bytes, 0) != 0x46464952u || U32(bytes, 8) != 0x45564157u) {  // "RIFF", "WAVE"
    return bad(0, "not a WAV file: no RIFF/WAVE header");
  }
  bool have_format = false;
  std::uint16_t clip_channels = 1;
  WavClip clip;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::uint32_t id = U32(bytes, at);
    const std::uint64_t size = U32(bytes, at + 4);
    const std::string chunk(reinterpret_cast<const char*>(bytes.data() + at), 4);
    const std::size_t body = at + 8;
    if (size > bytes.size() - body) {
      return bad(at, "the '" + chunk + "' chunk claims " + std::to_string(size) + " bytes but only " +
                         std::to_string(bytes.size() - body) + " follow (truncated file or bad size)");
    }
    if (id == 0x20746d66u) {  // "fmt "
      if (size < 16) return bad(at, "the 'fmt ' chunk has " + std::to_string(size) + " bytes, fewer than 16");
      std::uint16_t format = U16(bytes, body);
      if (format == kFormatExtensible && size >= 26) format = U16(bytes, body + 24);  // sub-format GUID's first bytes
      const std::uint16_t channels = U16(bytes, body + 2);
      clip.sample_rate = U32(bytes, body + 4);
      const std::uint16_t bits = U16(bytes, body + 14);
      if (format != kFormatPcm) return bad(body, "audio format " + std::to_string(format) + " is not PCM (1)");
      if (channels == 0 || channels > 8) return bad(body + 2, std::to_string(channels) + " channels (1 to 8 are read)");
      clip_channels = channels;
      if (bits != 16) return bad(body + 14, std::to_string(bits) + " bits per sample; only 16-bit PCM is read");
      if (clip.sample_rate == 0) return bad(body + 4, "sample rate 0");
      if (expected_rate != 0 && clip.sample_rate != expected_rate) {
        return bad(body + 4, "sample rate " + std::to_string(clip.sample_rate) + " Hz; the front end needs " +
                                 std::to_string(expected_rate) + " Hz");
      }
      have_format = true;
    } else if (id == 0x61746164u) {  // "data"
      if (!have_format) return bad(at, "the 'data' chunk comes before any 'fmt ' chunk");
      const std::uint64_t frame = 2u * clip_channels;
      if (size % frame != 0) {
        return bad(at, "the 'data' chunk's size " + std::to_string(size) + " is not a whole number of " +
                           std::to_string(frame) + "-byte sample frames");
      }
      // Several channels are mixed down to their mean (truncated toward 0).
      clip.samples.resize(static_cast<std::size_t>(size / frame));
      for (std::size_t i = 0; i < clip.samples.size(); ++i) {
        std::int32_t sum = 0;
        for (std::size_t c = 0; c < clip_channels; ++c) {
          sum += static_cast<std::int16_t>(U16(bytes, body + static_cast<std::size_t>(frame) * i + 2 * c));
        }
        clip.samples[i] = static_cast<std::int16_t>(sum / clip_channels);
      }
      return clip;
    }
    at = body + static_cast<std::size_t>(size) + (size & 1);  // chunks are padded to even sizes
  }
  return bad(at, have_format ? "no 'data' chunk" : "no 'fmt ' chunk");
}

Result<WavClip> ReadWav(const std::string& path, std::uint32_t expected_rate) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxWavBytes) {
    return InvalidData(
        "the file has " + std::to_string(size) + " bytes; WAV clips are read up to " + std::to_string(kMaxWavBytes),
        SourceLocation(path));
  }
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  const auto* data = reinterpret_cast<const std::uint8_t*>(text->data());
  return ParseWav(std::span<const std::uint8_t>(data, text->size()), path, expected_rate);
}

Status WriteWav(const std::string& path, const WavClip& clip) {
  std::string out;
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto put16 = [&](std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
  };
  const auto data_bytes = static_cast<std::uint32_t>(clip.samples.size() * 2);
  out += "RIFF";
  put32(36 + data_bytes);
  out += "WAVEfmt ";
  put32(16);
  put16(kFormatPcm);
  put16(1);
  put32(clip.sample_rate);
  put32(clip.sample_rate * 2);
  put16(2);
  put16(16);
  out += "data";
  put32(data_bytes);
  for (std::int16_t s : clip.samples) put16(static_cast<std::uint16_t>(s));
  return WriteFileAtomic(path, out);
}

}  // namespace tinykg::train
