// RIFF/WAVE audio files for the keyword-spotting front ends: 16-bit PCM
// (Speech Commands, the TFLite Micro and MLPerf Tiny test clips). Files with
// several channels (MLPerf Tiny's runner clips are stereo) are mixed down to
// mono, the mean of the channels.
//
// ReadWav reads a whole file into memory (at most kMaxWavBytes), walks its
// chunks and returns the samples of the "data" chunk. A malformed file never
// crashes: a missing RIFF/WAVE header, a chunk that runs past the end of the
// file, a format that is not 16-bit PCM with 1 to 8 channels, a wrong sample rate or a size
// field larger than the file is kInvalidData whose location is the file and
// whose message names the byte offset and the chunk; a file that cannot be
// read is kIoError.
#ifndef TINYKG_TRAIN_WAV_H_
#define TINYKG_TRAIN_WAV_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::train {

inline constexpr std::uint64_t kMaxWavBytes = 64u << 20;  // 64 MiB, about 35 min at 16 kHz

struct WavClip {
  std::uint32_t sample_rate = 0;
  std::vector<std::int16_t> samples;
};

// Parses WAV bytes; `name` is used in errors. `expected_rate` 0 accepts any
// rate, otherwise another rate is an error.
Result<WavClip> ParseWav(std::span<const std::uint8_t> bytes, const std::string& name, std::uint32_t expected_rate = 0);
// Reads and parses a file.
Result<WavClip> ReadWav(const std::string& path, std::uint32_t expected_rate = 0);
// Writes 16-bit PCM mono (for generated test data).
Status WriteWav(const std::string& path, const WavClip& clip);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_WAV_H_
