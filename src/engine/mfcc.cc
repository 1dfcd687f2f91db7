#include "tinykg/engine/mfcc.h"

// g++ contracts a * b + c into one fused multiply-add where the target has
// one (Cortex-M4F/M7: VFMA) even in ISO mode, and x86-64 without -mfma does
// not: the features would differ in the last bits between host and device.
// Every product is rounded on its own here, on every target.
#pragma GCC optimize("fp-contract=off")

#include <cmath>

namespace tinykg::engine {
namespace {

// The front end must give the same floats on the host and on a device, so it
// uses no libm function whose last bit depends on the C library (cosf, logf
// differ between glibc and newlib): only +, -, *, / and sqrt, which IEEE 754
// rounds the same everywhere (C++20 ISO mode: no FMA contraction).

constexpr double kPi = 3.14159265358979323846;

// cos(x) for the tables: reduce to [-pi/4, pi/4] by quarter turns, then
// Taylor series in double (error below 1e-16 there).
double Cos(double x);
double Sin(double x) {
  if (x < 0) return -Sin(-x);
  const double quarter = kPi / 2;
  const auto k = static_cast<long long>(x / quarter + 0.5);
  const double r = x - static_cast<double>(k) * quarter;
  const double r2 = r * r;
  double sin_r = r, term = r, cos_r = 1, cterm = 1;
  for (int n = 1; n <= 10; ++n) {
    term *= -r2 / static_cast<double>((2 * n) * (2 * n + 1));
    cterm *= -r2 / static_cast<double>((2 * n - 1) * (2 * n));
    sin_r += term;
    cos_r += cterm;
  }
  switch (k & 3) {
    case 0:
      return sin_r;
    case 1:
      return cos_r;
    case 2:
      return -sin_r;
    default:
      return -cos_r;
  }
}
double Cos(double x) { return Sin(x + kPi / 2); }

// ln(x) for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s)
// with s = (m - 1) / (m + 1), |s| < 0.172. Double for the tables.
double Log(double x) {
  int e = 0;
  while (x >= 1.4142135623730951) {
    x *= 0.5;
    ++e;
  }
  while (x < 0.7071067811865476) {
    x *= 2;
    --e;
  }
  const double s = (x - 1) / (x + 1), s2 = s * s;
  double sum = 0, power = s;
  for (int n = 1; n <= 25; n += 2) {
    sum += power / static_cast<double>(n);
    power *= s2;
  }
  return 2 * sum + static_cast<double>(e) * 0.6931471805599453;
}

// The same in float for the per-frame log (x > 0, normal): the exponent from
// the bits, the series to s^9 (relative error about 1e-7).
float LogF(float x) {
  std::uint32_t bits = 0;
  __builtin_memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 23) & 0xFF) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u;  // mantissa in [1, 2)
  float m = 0;
  __builtin_memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356f) {
    m *= 0.5f;
    ++e;
  }
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  const float series = s * (2.0f + s2 * (2.0f / 3.0f + s2 * (2.0f / 5.0f + s2 * (2.0f / 7.0f + s2 * (2.0f / 9.0f)))));
  return series + static_cast<float>(e) * 0.693147181f;
}

float HzToMel(float hz) { return static_cast<float>(1127.0 * Log(1.0 + static_cast<double>(hz) / 700.0)); }

bool PowerOfTwo(std::int32_t n) { return n >= 2 && (n & (n - 1)) == 0; }

}  // namespace

std::int32_t Mfcc::frames() const {
  if (config_.clip_samples < config_.frame_length || config_.frame_step <= 0) return 0;
  return 1 + (config_.clip_samples - config_.frame_length) / config_.frame_step;
}

Status Mfcc::Init(const MfccConfig& c, Arena& arena) {
  ready_ = false;
  if (c.frame_length <= 0 || c.frame_step <= 0 || !PowerOfTwo(c.fft_length) || c.fft_length < c.frame_length ||
      c.fft_length > 8192 || c.mel_bins <= 0 || c.coefficients <= 0 || c.coefficients > c.mel_bins ||
      c.sample_rate <= 0 || !(c.lower_hz >= 0.0f) || !(c.upper_hz > c.lower_hz) ||
      c.upper_hz > 0.5f * static_cast<float>(c.sample_rate) || c.clip_samples < c.frame_length) {
    return Status::kInvalidArgument;
  }
  config_ = c;
  const std::size_t mark = arena.persistent_used();
  const auto half = static_cast<std::size_t>(c.fft_length / 2);
  const std::size_t bins = half + 1;
  window_ = arena.Persistent<float>(static_cast<std::size_t>(c.frame_length));
  twiddles_ = arena.Persistent<float>(2 * half);
  band_start_ = arena.Persistent<std::int16_t>(static_cast<std::size_t>(c.mel_bins));
  band_count_ = arena.Persistent<std::int16_t>(static_cast<std::size_t>(c.mel_bins));
  band_offset_ = arena.Persistent<std::int16_t>(static_cast<std::size_t>(c.mel_bins));
  dct_ = arena.Persistent<float>(static_cast<std::size_t>(c.coefficients * c.mel_bins));
  if (window_.data() == nullptr || twiddles_.data() == nullptr || band_start_.data() == nullptr ||
      band_count_.data() == nullptr || band_offset_.data() == nullptr || dct_.data() == nullptr) {
    arena.RewindPersistent(mark);
    return Status::kOutOfMemory;
  }
  // Periodic Hann window.
  for (std::int32_t n = 0; n < c.frame_length; ++n) {
    window_[static_cast<std::size_t>(n)] =
        static_cast<float>(0.5 - 0.5 * Cos(2.0 * kPi * static_cast<double>(n) / static_cast<double>(c.frame_length)));
  }
  for (std::size_t k = 0; k < half; ++k) {
    const double a = -2.0 * kPi * static_cast<double>(k) / static_cast<double>(c.fft_length);
    twiddles_[2 * k] = static_cast<float>(Cos(a));
    twiddles_[2 * k + 1] = static_cast<float>(Sin(a));
  }
  // Mel bands: edges evenly spaced in mel; bin k (k >= 1) at k * nyquist /
  // (bins - 1) Hz weighs min(rising, falling) slope, floored at 0.
  const float nyquist = 0.5f * static_cast<float>(c.sample_rate);
  const float mel_lo = HzToMel(c.lower_hz), mel_hi = HzToMel(c.upper_hz);
  const float mel_step = (mel_hi - mel_lo) / static_cast<float>(c.mel_bins + 1);
  auto weight = [&](std::int32_t band, std::size_t bin) {
    const float lower = mel_lo + mel_step * static_cast<float>(band);
    const float center = lower + mel_step, upper = center + mel_step;
    const float mel = HzToMel(static_cast<float>(bin) * nyquist / static_cast<float>(bins - 1));
    const float rising = (mel - lower) / (center - lower), falling = (upper - mel) / (upper - center);
    const float w = rising < falling ? rising : falling;
    return w > 0.0f ? w : 0.0f;
  };
  std::size_t total = 0;
  for (std::int32_t b = 0; b < c.mel_bins; ++b) {
    std::size_t first = 0, count = 0;
    for (std::size_t k = 1; k < bins; ++k) {
      if (weight(b, k) > 0.0f) {
        if (count == 0) first = k;
        count = k - first + 1;
      }
    }
    band_start_[static_cast<std::size_t>(b)] = static_cast<std::int16_t>(first);
    band_count_[static_cast<std::size_t>(b)] = static_cast<std::int16_t>(count);
    band_offset_[static_cast<std::size_t>(b)] = static_cast<std::int16_t>(total);
    total += count;
  }
  weights_ = arena.Persistent<float>(total == 0 ? 1 : total);
  if (weights_.data() == nullptr) {
    arena.RewindPersistent(mark);
    return Status::kOutOfMemory;
  }
  for (std::int32_t b = 0; b < c.mel_bins; ++b) {
    const auto ub = static_cast<std::size_t>(b);
    for (std::int16_t j = 0; j < band_count_[ub]; ++j) {
      weights_[static_cast<std::size_t>(band_offset_[ub] + j)] =
          weight(b, static_cast<std::size_t>(band_start_[ub] + j));
    }
  }
  // DCT-II, 2 cos(pi k (2n + 1) / 2N), times 1 / sqrt(2N).
  const double scale = 1.0 / std::sqrt(2.0 * static_cast<double>(c.mel_bins));
  for (std::int32_t k = 0; k < c.coefficients; ++k) {
    for (std::int32_t n = 0; n < c.mel_bins; ++n) {
      dct_[static_cast<std::size_t>(k * c.mel_bins + n)] = static_cast<float>(
          2.0 * scale *
          Cos(kPi * static_cast<double>(k) * static_cast<double>(2 * n + 1) / static_cast<double>(2 * c.mel_bins)));
    }
  }
  table_bytes_ = arena.persistent_used() - mark;
  ready_ = true;
  return Status::kOk;
}

float Mfcc::ClipGain(std::span<const std::int16_t> clip) {
  std::int16_t max = 0;
  for (std::int16_t v : clip) max = v > max ? v : max;
  return max > 0 ? 1.0f / static_cast<float>(max) : 1.0f;
}

Status Mfcc::Frame(std::span<const std::int16_t> frame, float gain, std::span<float> out, Arena& arena) const {
  if (!ready_) return Status::kInvalidArgument;
  const auto n = static_cast<std::size_t>(config_.fft_length);
  if (frame.size() != static_cast<std::size_t>(config_.frame_length) ||
      out.size() != static_cast<std::size_t>(config_.coefficients)) {
    return Status::kBadShape;
  }
  const std::size_t mark = arena.scratch_used();
  std::span<float> re = arena.Scratch<float>(n), im = arena.Scratch<float>(n);
  std::span<float> mel = arena.Scratch<float>(static_cast<std::size_t>(config_.mel_bins));
  if (re.data() == nullptr || im.data() == nullptr || mel.data() == nullptr) {
    arena.RewindScratch(mark);
    return Status::kOutOfMemory;
  }
  // Windowed frame in bit-reversed order (the rest stays zero: padding).
  std::size_t bits = 0;
  while ((std::size_t{1} << bits) < n) ++bits;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    std::size_t r = 0;
    for (std::size_t b = 0; b < bits; ++b) r |= ((i >> b) & 1u) << (bits - 1 - b);
    re[r] = gain * static_cast<float>(frame[i]) * window_[i];
  }
  // Iterative radix-2 decimation in time.
  for (std::size_t size = 2; size <= n; size *= 2) {
    const std::size_t step = n / size, halfsize = size / 2;
    for (std::size_t start = 0; start < n; start += size) {
      for (std::size_t k = 0; k < halfsize; ++k) {
        const float wr = twiddles_[2 * k * step], wi = twiddles_[2 * k * step + 1];
        const std::size_t a = start + k, b = a + halfsize;
        const float tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
  // Magnitudes of bins 0..n/2 (in place in re), then mel bands and log.
  for (std::size_t k = 0; k <= n / 2; ++k) re[k] = sqrtf(re[k] * re[k] + im[k] * im[k]);
  for (std::int32_t b = 0; b < config_.mel_bins; ++b) {
    const auto ub = static_cast<std::size_t>(b);
    float sum = 0.0f;
    for (std::int16_t j = 0; j < band_count_[ub]; ++j) {
      sum +=
          re[static_cast<std::size_t>(band_start_[ub] + j)] * weights_[static_cast<std::size_t>(band_offset_[ub] + j)];
    }
    mel[ub] = LogF(sum + config_.log_offset);
  }
  for (std::int32_t k = 0; k < config_.coefficients; ++k) {
    float sum = 0.0f;
    for (std::int32_t b = 0; b < config_.mel_bins; ++b) {
      sum += dct_[static_cast<std::size_t>(k * config_.mel_bins + b)] * mel[static_cast<std::size_t>(b)];
    }
    out[static_cast<std::size_t>(k)] = sum;
  }
  arena.RewindScratch(mark);
  return Status::kOk;
}

Status Mfcc::Compute(std::span<const std::int16_t> clip, std::span<float> out, Arena& arena) const {
  if (!ready_) return Status::kInvalidArgument;
  const auto per = static_cast<std::size_t>(config_.coefficients);
  if (clip.size() != static_cast<std::size_t>(config_.clip_samples) ||
      out.size() != static_cast<std::size_t>(frames()) * per) {
    return Status::kBadShape;
  }
  const float gain = ClipGain(clip);
  for (std::int32_t f = 0; f < frames(); ++f) {
    TINYKG_ENGINE_TRY(Frame(
        clip.subspan(static_cast<std::size_t>(f * config_.frame_step), static_cast<std::size_t>(config_.frame_length)),
        gain, out.subspan(static_cast<std::size_t>(f) * per, per), arena));
  }
  return Status::kOk;
}

Status MfccBackbone::Extract(std::span<const float> sample, std::span<float> features) {
  if (sample.size() != frame_length_ || features.size() != feature_count()) return Status::kBadShape;
  const std::size_t mark = arena_.scratch_used();
  std::span<std::int16_t> frame = arena_.Scratch<std::int16_t>(frame_length_);
  if (frame.data() == nullptr) return Status::kOutOfMemory;
  for (std::size_t i = 0; i < frame_length_; ++i) {
    const float v = sample[i] < -32768.0f ? -32768.0f : (sample[i] > 32767.0f ? 32767.0f : sample[i]);
    frame[i] = static_cast<std::int16_t>(v < 0 ? v - 0.5f : v + 0.5f);
  }
  const Status s = mfcc_.Frame(frame, gain_, features, arena_);
  arena_.RewindScratch(mark);
  return s;
}

MemoryReport MfccBackbone::memory() const {
  MemoryReport m;
  m.other = mfcc_.table_bytes();
  m.scratch = frame_length_ * sizeof(std::int16_t) + 4256;
  return m;
}

namespace {

std::int16_t RoundToInt16(float v) {
  v = v < -32768.0f ? -32768.0f : (v > 32767.0f ? 32767.0f : v);
  return static_cast<std::int16_t>(v < 0 ? v - 0.5f : v + 0.5f);
}

}  // namespace

std::size_t MfccClipBackbone::input_size() const { return static_cast<std::size_t>(mfcc_.config().clip_samples); }

Status MfccClipBackbone::Extract(std::span<const float> sample, std::span<float> features) {
  const MfccConfig& c = mfcc_.config();
  const auto per = static_cast<std::size_t>(c.coefficients);
  const std::size_t count = static_cast<std::size_t>(mfcc_.frames()) * per;
  if (sample.size() != input_size() || features.size() != feature_count() || next_.input_size() != count) {
    return Status::kBadShape;
  }
  std::int16_t max = 0;
  for (float v : sample) {
    const std::int16_t s = RoundToInt16(v);
    max = s > max ? s : max;
  }
  const float gain = max > 0 ? 1.0f / static_cast<float>(max) : 1.0f;  // Mfcc::ClipGain
  const std::size_t mark = arena_.scratch_used();
  std::span<float> mfcc = arena_.Scratch<float>(count);
  std::span<std::int16_t> frame = arena_.Scratch<std::int16_t>(static_cast<std::size_t>(c.frame_length));
  if (mfcc.data() == nullptr || frame.data() == nullptr) {
    arena_.RewindScratch(mark);
    return Status::kOutOfMemory;
  }
  Status s = Status::kOk;
  for (std::int32_t f = 0; f < mfcc_.frames() && s == Status::kOk; ++f) {
    const std::size_t at = static_cast<std::size_t>(f) * static_cast<std::size_t>(c.frame_step);
    for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = RoundToInt16(sample[at + i]);
    s = mfcc_.Frame(frame, gain, mfcc.subspan(static_cast<std::size_t>(f) * per, per), arena_);
  }
  if (s == Status::kOk) s = next_.Extract(mfcc, features);
  arena_.RewindScratch(mark);
  return s;
}

MemoryReport MfccClipBackbone::memory() const {
  MemoryReport m = next_.memory();
  const MfccConfig& c = mfcc_.config();
  m.other += mfcc_.table_bytes();
  m.scratch += static_cast<std::size_t>(mfcc_.frames()) * static_cast<std::size_t>(c.coefficients) * sizeof(float) +
               static_cast<std::size_t>(c.frame_length) * sizeof(std::int16_t) + 4256;
  return m;
}

}  // namespace tinykg::engine
