// Audio front-end kernels: the operators of TensorFlow Lite Micro's Signal
// library (signal/micro/kernels), with its integer arithmetic, so that a
// preprocessor model such as micro_speech's audio_preprocessor_int8.tflite
// gives the same int8 features in the engine as in TFLite Micro, bit for bit.
//
// One source file each under src/engine/kernels/signal_*.cc. Tensors follow
// the Signal ops' conventions: audio and windows int16, complex spectra int16
// (real, imaginary) pairs, energies and filter-bank channels uint32, raw
// filter-bank sums uint64, scale bits a scalar int32. Kernels never allocate:
// an RFFT keeps its twiddle tables and work area in a caller-provided int16
// `state` tensor (RfftStateElements), initialised once by RfftInit;
// SPECTRAL_SUBTRACTION updates its noise estimate in place, which the caller
// keeps between frames (zero at the start of a clip). Errors: kBadType,
// kBadShape, kInvalidArgument for options out of range, kUnsupported for an
// FFT length that is not a power of two.
#ifndef TINYKG_ENGINE_SIGNAL_H_
#define TINYKG_ENGINE_SIGNAL_H_

#include <cstddef>
#include <cstdint>

#include "tinykg/engine/status.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

// The options of the Signal operators (their custom_options in a .tflite);
// each operator reads only its own fields.
struct SignalParams {
  std::int32_t shift = 0;        // WINDOW: (sample * weight) >> shift
  std::int32_t fft_length = 0;   // RFFT
  std::int32_t start_index = 0;  // ENERGY: bins [start, end)
  std::int32_t end_index = 0;
  std::int32_t snr_shift = 0;              // PCAN
  std::int32_t input_correction_bits = 0;  // FILTER_BANK_LOG
  std::int32_t output_scale = 0;           // FILTER_BANK_LOG
  // FILTER_BANK_SPECTRAL_SUBTRACTION (Q14 smoothing factors; odd channels
  // use the alternate pair).
  std::int32_t smoothing = 0;
  std::int32_t one_minus_smoothing = 0;
  std::int32_t alternate_smoothing = 0;
  std::int32_t alternate_one_minus_smoothing = 0;
  std::int32_t smoothing_bits = 0;
  std::int32_t spectral_subtraction_bits = 0;
  std::int32_t min_signal_remaining = 0;
  bool clamping = false;
};

// output[i] = saturate_int16((input[i] * window[i % n]) >> shift); the
// window (int16 [n]) repeats over the input.
Status SignalWindow(const SignalParams& params, const Tensor& input, const Tensor& window, const Tensor& output);

// Shifts int16 samples left as far as the largest magnitude allows and writes
// that shift to `scale_bits` (int32 scalar).
Status FftAutoScale(const Tensor& input, const Tensor& output, const Tensor& scale_bits);

// int16 elements of the RFFT state for `fft_length` (0 when unsupported).
std::size_t RfftStateElements(std::int32_t fft_length);
// Fills the twiddle tables of `state` (int16, RfftStateElements values).
// Costs fft_length * 3/4 cos/sin evaluations; call once, not per frame.
Status RfftInit(std::int32_t fft_length, const Tensor& state);
// Real FFT of each row of `input` (int16 [..., n], zero-padded to
// fft_length): output int16 [..., fft_length + 2] complex pairs, scaled by
// 1/fft_length (KISS FFT fixed-point arithmetic).
Status Rfft(const SignalParams& params, const Tensor& input, const Tensor& state, const Tensor& output);

// output[i] = re^2 + im^2 (uint32) for i in [start_index, end_index); the
// other bins are set to 0.
Status SignalEnergy(const SignalParams& params, const Tensor& input, const Tensor& output);

// Triangular filter bank on uint32 energies: `weights`/`unweights` int16
// [w], channel frequency starts, weight starts and widths int16
// [channels + 1]; output uint64 [channels].
Status FilterBank(const Tensor& input, const Tensor& weights, const Tensor& unweights,
                  const Tensor& channel_frequency_starts, const Tensor& channel_weight_starts,
                  const Tensor& channel_widths, const Tensor& output);

// output[i] = isqrt(input[i]) >> scale_bits (uint64 -> uint32).
Status FilterBankSquareRoot(const Tensor& input, const Tensor& scale_bits, const Tensor& output);

// Noise reduction: updates `noise_estimate` (uint32 [channels], kept by the
// caller between frames) and writes the signal minus the estimate.
Status SpectralSubtraction(const SignalParams& params, const Tensor& input, const Tensor& output,
                           const Tensor& noise_estimate);

// Per-channel automatic gain control (PCAN) with the gain lookup table
// `gain_lut` (int16).
Status Pcan(const SignalParams& params, const Tensor& input, const Tensor& noise_estimate, const Tensor& gain_lut,
            const Tensor& output);

// Fixed-point natural log: output int16 = min(log(input << correction) *
// output_scale, 32767), 0 for inputs <= 1.
Status FilterBankLog(const SignalParams& params, const Tensor& input, const Tensor& output);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_SIGNAL_H_
