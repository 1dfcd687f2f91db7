// The MFCC front end of MLPerf Tiny's keyword-spotting benchmark (DS-CNN on
// 49 x 10 MFCC), in float, freestanding. Its parameters are those of the
// benchmark's training code (benchmark/training/keyword_spotting,
// get_dataset.py with kws_util.py's defaults):
//   1 s at 16 kHz, divided by the clip's largest sample value;
//   frames of 30 ms (480 samples) every 20 ms (320): 49 frames;
//   periodic Hann window, 512-point FFT (the frame zero-padded), magnitude;
//   40 triangular mel bands (HTK mel, 1127 ln(1 + f/700)) from 20 to 4000 Hz,
//   weights as tf.signal.linear_to_mel_weight_matrix (DC bin excluded);
//   ln(mel + 1e-6); DCT-II scaled by 1 / sqrt(2 * 40) (tf.signal.
//   mfccs_from_log_mel_spectrograms), the first 10 coefficients.
//
// Init() places the tables (window, twiddles, mel weights, DCT: about 7 KB)
// in the arena's persistent end; Frame() needs 4,256 B of arena scratch for
// the FFT and the spectrum, released before it returns. Nothing else.
#ifndef TINYKG_ENGINE_MFCC_H_
#define TINYKG_ENGINE_MFCC_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/status.h"

namespace tinykg::engine {

struct MfccConfig {
  std::int32_t sample_rate = 16000;
  std::int32_t clip_samples = 16000;
  std::int32_t frame_length = 480;
  std::int32_t frame_step = 320;
  std::int32_t fft_length = 512;  // a power of two >= frame_length
  std::int32_t mel_bins = 40;
  float lower_hz = 20.0f;
  float upper_hz = 4000.0f;
  std::int32_t coefficients = 10;
  float log_offset = 1e-6f;
};

class Mfcc {
 public:
  Mfcc() = default;
  Mfcc(const Mfcc&) = delete;
  Mfcc& operator=(const Mfcc&) = delete;

  // Checks the config (kInvalidArgument) and builds the tables
  // (kOutOfMemory when the arena is too small).
  Status Init(const MfccConfig& config, Arena& arena);

  // 1 + (clip_samples - frame_length) / frame_step.
  std::int32_t frames() const;
  std::int32_t coefficients() const { return config_.coefficients; }
  const MfccConfig& config() const { return config_; }
  // Bytes of the tables in the arena.
  std::size_t table_bytes() const { return table_bytes_; }

  // The gain Compute applies: 1 / the clip's largest sample value (as the
  // training code; 1 when no sample is positive).
  static float ClipGain(std::span<const std::int16_t> clip);
  // One frame (frame_length samples) times `gain` -> `out` (coefficients).
  Status Frame(std::span<const std::int16_t> frame, float gain, std::span<float> out, Arena& arena) const;
  // Every frame of a clip (clip_samples samples) -> out [frames, coefficients].
  Status Compute(std::span<const std::int16_t> clip, std::span<float> out, Arena& arena) const;

 private:
  MfccConfig config_;
  std::span<float> window_;
  std::span<float> twiddles_;                        // cos, sin pairs for k < fft_length / 2
  std::span<std::int16_t> band_start_, band_count_;  // FFT bins of each mel band
  std::span<std::int16_t> band_offset_;              // into weights_
  std::span<float> weights_;
  std::span<float> dct_;  // [coefficients, mel_bins]
  std::size_t table_bytes_ = 0;
  bool ready_ = false;
};

// One MFCC frame as a frozen feature extractor: a sample is frame_length
// raw int16 values (as floats; rounded and saturated), the features its
// coefficients at a fixed `gain`. Lets the online learner and the emulator
// firmware run the front end per 30 ms frame. Borrows `mfcc` (initialised)
// and `arena` (4,256 + 2 * frame_length bytes of scratch per Extract).
class MfccBackbone final : public Backbone {
 public:
  MfccBackbone(const Mfcc& mfcc, Arena& arena, std::size_t frame_length, float gain)
      : mfcc_(mfcc), arena_(arena), frame_length_(frame_length), gain_(gain) {}
  std::size_t input_size() const override { return frame_length_; }
  std::size_t feature_count() const override { return static_cast<std::size_t>(mfcc_.coefficients()); }
  Status Extract(std::span<const float> sample, std::span<float> features) override;
  // Tables are in the arena (persistent); scratch as above.
  MemoryReport memory() const override;

 private:
  const Mfcc& mfcc_;
  Arena& arena_;
  std::size_t frame_length_;
  float gain_;
};

// The keyword-spotting pipeline as one frozen feature extractor: a sample
// is a whole clip (clip_samples raw int16 values as floats; rounded and
// saturated), its MFCC is computed as Mfcc::Compute does (gain 1 / the
// clip's largest sample) into frames x coefficients floats of scratch, and
// `next` (e.g. the DS-CNN's GraphBackbone, taking those MFCC) gives the
// features. Borrows `mfcc` (initialised), `next` and `arena`: per Extract
// frames x coefficients x 4 + 2 x frame_length + 4,256 bytes of scratch plus
// next's, all released before it returns.
class MfccClipBackbone final : public Backbone {
 public:
  MfccClipBackbone(const Mfcc& mfcc, Backbone& next, Arena& arena) : mfcc_(mfcc), next_(next), arena_(arena) {}
  std::size_t input_size() const override;
  std::size_t feature_count() const override { return next_.feature_count(); }
  // kBadShape when `next` does not take frames x coefficients values.
  Status Extract(std::span<const float> sample, std::span<float> features) override;
  MemoryReport memory() const override;

 private:
  const Mfcc& mfcc_;
  Backbone& next_;
  Arena& arena_;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_MFCC_H_
