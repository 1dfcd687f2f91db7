#include "tinykg/train/audio_frontend.h"

#include <algorithm>
#include <cstring>

#include "tinykg/engine/mfcc.h"

namespace tinykg::train {

Result<std::unique_ptr<MicroFrontend>> MicroFrontend::Load(const std::string& path) {
  auto model = LoadedModel::Load(path, 1u << 20);
  if (!model.ok()) return model.status();
  std::unique_ptr<MicroFrontend> f(new MicroFrontend(std::move(*model)));
  engine::Graph& g = f->model_->graph();
  if (g.input().type != engine::DataType::kInt16 || g.output().type != engine::DataType::kInt8) {
    return InvalidData(path + ": a micro front end takes int16 audio and gives int8 features");
  }
  f->window_ = g.input().Elements();
  f->features_ = g.output().Elements();
  if (f->window_ < 3 || f->features_ < 1) return InvalidData(path + ": empty front-end input or output");
  return f;
}

Status MicroFrontend::Reset() {
  const engine::Status s = model_->graph().ResetState();
  if (s != engine::Status::kOk) return Internal(std::string("front-end reset: ") + engine::StatusName(s));
  return Status();
}

Status MicroFrontend::Frame(std::span<const std::int16_t> window, std::vector<std::int8_t>* out) {
  engine::Graph& g = model_->graph();
  if (window.size() != static_cast<std::size_t>(window_)) {
    return InvalidArgument("a front-end window has " + std::to_string(window_) + " samples, got " +
                           std::to_string(window.size()));
  }
  std::memcpy(g.input().data, window.data(), window.size_bytes());
  const engine::Status s = g.Invoke();
  if (s != engine::Status::kOk) return Internal(std::string("front end: ") + engine::StatusName(s));
  const auto* f = g.output().Data<const std::int8_t>();
  out->insert(out->end(), f, f + features_);
  return Status();
}

Result<std::vector<std::int8_t>> MicroFrontend::Features(std::span<const std::int16_t> samples, int max_frames) {
  if (Status s = Reset(); !s.ok()) return s;
  std::vector<std::int8_t> out;
  const auto window = static_cast<std::size_t>(window_), stride = static_cast<std::size_t>(stride_samples());
  for (std::size_t at = 0; at + window <= samples.size() && static_cast<int>(out.size()) < max_frames * features_;
       at += stride) {
    if (Status s = Frame(samples.subspan(at, window), &out); !s.ok()) return s;
  }
  return out;
}

std::vector<std::string> BuiltInKeywordLabels(int input_elements, int classes) {
  if (input_elements == 49 * 40 && classes == 4) return {"silence", "unknown", "yes", "no"};
  if (input_elements == 49 * 10 && classes == 12) {
    return {"down", "go", "left", "no", "off", "on", "right", "stop", "up", "yes", "silence", "unknown"};
  }
  return {};
}

std::vector<std::int16_t> OneSecond(std::span<const std::int16_t> samples) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(kKwsClipSamples), 0);
  const auto n = static_cast<std::size_t>(kKwsClipSamples);
  std::size_t best = 0;
  if (samples.size() > n) {
    constexpr std::size_t kStep = 160;  // 10 ms
    std::vector<double> prefix(samples.size() + 1, 0.0);
    for (std::size_t i = 0; i < samples.size(); ++i) prefix[i + 1] = prefix[i] + double(samples[i]) * samples[i];
    double best_energy = -1;
    for (std::size_t at = 0; at + n <= samples.size(); at += kStep) {
      const double e = prefix[at + n] - prefix[at];
      if (e > best_energy) best_energy = e, best = at;
    }
  }
  const std::size_t count = std::min(n, samples.size() - std::min(best, samples.size()));
  std::copy_n(samples.begin() + static_cast<std::ptrdiff_t>(best), count, out.begin());
  return out;
}

Result<std::vector<float>> MfccFeatures(std::span<const std::int16_t> clip) {
  engine::Mfcc mfcc;
  std::vector<std::byte> memory(64u << 10);
  engine::Arena arena(memory);
  if (engine::Status s = mfcc.Init(engine::MfccConfig{}, arena); s != engine::Status::kOk) {
    return Internal(std::string("MFCC tables: ") + engine::StatusName(s));
  }
  std::vector<float> out(static_cast<std::size_t>(mfcc.frames() * mfcc.coefficients()));
  if (clip.size() != static_cast<std::size_t>(kKwsClipSamples)) {
    return InvalidArgument("the MFCC front end takes " + std::to_string(kKwsClipSamples) + " samples, got " +
                           std::to_string(clip.size()));
  }
  if (engine::Status s = mfcc.Compute(clip, out, arena); s != engine::Status::kOk) {
    return Internal(std::string("MFCC: ") + engine::StatusName(s));
  }
  return out;
}

Result<AudioInference> InferClip(LoadedModel& model, std::span<const std::int16_t> samples, FrontendKind kind,
                                 const std::string& frontend_model) {
  engine::Graph& g = model.graph();
  engine::Tensor& in = g.input();
  AudioInference r;
  if (kind == FrontendKind::kMfcc) {
    auto features = MfccFeatures(OneSecond(samples));
    if (!features.ok()) return features.status();
    if (features->size() != static_cast<std::size_t>(in.Elements())) {
      return InvalidArgument("the model's input has " + std::to_string(in.Elements()) +
                             " values, the MFCC front end gives " + std::to_string(features->size()) + " (49 x 10)");
    }
    r.frames = static_cast<int>(features->size() / 10);
    if (Status s = model.SetInput(*features); !s.ok()) return s;
    if (Status s = model.Invoke(); !s.ok()) return s;
    r.scores = model.Output();
    r.top = static_cast<int>(std::max_element(r.scores.begin(), r.scores.end()) - r.scores.begin());
    return r;
  }
  auto frontend = MicroFrontend::Load(frontend_model);
  if (!frontend.ok()) return frontend.status();
  const int per_frame = (*frontend)->feature_size();
  if (in.type != engine::DataType::kInt8 || in.Elements() % per_frame != 0) {
    return InvalidArgument("the model's input (" + std::to_string(in.Elements()) +
                           " values) is not int8 rows of the front end's " + std::to_string(per_frame) + " features");
  }
  const int frames = in.Elements() / per_frame;
  const std::vector<std::int16_t> clip = OneSecond(samples);
  auto features = (*frontend)->Features(clip, frames);
  if (!features.ok()) return features.status();
  r.frames = static_cast<int>(features->size()) / per_frame;
  r.features = std::move(*features);
  // Rows the clip did not reach hold the input's zero point.
  std::memset(in.data, static_cast<std::int8_t>(in.quant.ZeroPoint()), in.Bytes());
  std::memcpy(in.data, r.features.data(), std::min(r.features.size(), static_cast<std::size_t>(in.Bytes())));
  if (Status s = model.Invoke(); !s.ok()) return s;
  r.scores = model.Output();
  r.top = static_cast<int>(std::max_element(r.scores.begin(), r.scores.end()) - r.scores.begin());
  return r;
}

}  // namespace tinykg::train
