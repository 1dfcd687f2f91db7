// Keyword spotting on the host: audio front ends run by the engine, and
// inference of a keyword model on a WAV clip.
//
// The micro front end is micro_speech's: the engine runs the preprocessor
// model itself (audio_preprocessor_int8.tflite, TFLite Micro Signal ops:
// 30 ms windows of 480 samples every 20 ms -> 40 int8 features each), so its
// features equal TFLite Micro's bit for bit. The front end's state (noise
// estimates) starts from zero for each clip, as in TFLite Micro's example.
#ifndef TINYKG_TRAIN_AUDIO_FRONTEND_H_
#define TINYKG_TRAIN_AUDIO_FRONTEND_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::train {

inline constexpr std::uint32_t kKwsSampleRate = 16000;
inline constexpr int kKwsClipSamples = 16000;  // models see 1 s

class MicroFrontend {
 public:
  // Loads a preprocessor model: int16 [1, window] in, int8 [features] out.
  static Result<std::unique_ptr<MicroFrontend>> Load(const std::string& path);

  int window_samples() const { return window_; }
  int stride_samples() const { return window_ * 2 / 3; }  // 20 ms of a 30 ms window
  int feature_size() const { return features_; }

  // Runs one window (window_samples() values) and appends its features.
  // Keeps the state: call Reset() before a new clip.
  Status Frame(std::span<const std::int16_t> window, std::vector<std::int8_t>* out);
  Status Reset();
  // Reset, then up to `max_frames` windows every stride_samples() from the
  // start of `samples` (TFLite Micro's GenerateFeatures).
  Result<std::vector<std::int8_t>> Features(std::span<const std::int16_t> samples, int max_frames);

  LoadedModel& model() { return *model_; }

 private:
  explicit MicroFrontend(std::unique_ptr<LoadedModel> model) : model_(std::move(model)) {}
  std::unique_ptr<LoadedModel> model_;
  int window_ = 0;
  int features_ = 0;
};

enum class FrontendKind { kMicro, kMfcc };

// Labels of the keyword models whose class order is known: micro_speech
// (4 classes) and MLPerf Tiny KWS (12); empty for other models.
std::vector<std::string> BuiltInKeywordLabels(int input_elements, int classes);

// The 1 s a keyword model sees: shorter clips are padded with silence at the
// end; from longer ones the 1 s window with the most energy (10 ms steps).
std::vector<std::int16_t> OneSecond(std::span<const std::int16_t> samples);

// MLPerf Tiny KWS's MFCC (engine/mfcc.h, default config) of a 1 s clip:
// [49 frames x 10 coefficients].
Result<std::vector<float>> MfccFeatures(std::span<const std::int16_t> clip);

struct AudioInference {
  std::vector<float> scores;  // dequantized model outputs
  int top = 0;
  int frames = 0;  // feature rows computed
  std::vector<std::int8_t> features;
};

// Runs `model` on the clip's features. kMicro: `frontend_model` is the
// preprocessor .tflite and the features go into the model's int8 input as
// they are (micro_speech). kMfcc: MfccFeatures, quantized to the model's
// input (MLPerf Tiny KWS); `frontend_model` is unused.
Result<AudioInference> InferClip(LoadedModel& model, std::span<const std::int16_t> samples, FrontendKind kind,
                                 const std::string& frontend_model);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_AUDIO_FRONTEND_H_
