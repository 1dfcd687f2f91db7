// Inference kernels (TFLite builtin semantics), one source file each under
// src/engine/kernels/.
//
// Every kernel reads its input tensors and writes `output`, whose shape and
// type the caller sets (Graph does that from the model). Supported types:
// float32 everywhere, int8 with TFLite quantization everywhere (per-channel
// filters for CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED; int32 biases).
// Kernels never allocate: they return kBadShape/kBadType/kUnsupported
// instead. Costs are the obvious MAC counts; no kernel keeps state.
#ifndef TINYKG_ENGINE_KERNELS_H_
#define TINYKG_ENGINE_KERNELS_H_

#include <cstdint>
#include <span>

#include "tinykg/engine/quantization.h"
#include "tinykg/engine/status.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

enum class Padding : std::uint8_t { kSame, kValid };

// Output size and leading padding of one spatial dimension (TFLite rules).
struct PaddedSize {
  std::int32_t out = 0;
  std::int32_t pad_before = 0;
};
PaddedSize ComputePadding(Padding padding, std::int32_t in, std::int32_t filter,
                          std::int32_t stride, std::int32_t dilation);

struct FullyConnectedParams {
  Activation activation = Activation::kNone;
};
// input [..., in] (flattened to [batch, in]), filter [out, in], bias [out]
// (float or int32) or null, output [batch, out].
Status FullyConnected(const FullyConnectedParams& params, const Tensor& input, const Tensor& filter,
                      const Tensor* bias, const Tensor& output);
// The float path of FULLY_CONNECTED on borrowed arrays, for callers whose
// shapes are already checked (Network): output[b*out + o] =
// activation(bias[o] + sum_i input[b*in + i] * filter[o*in + i]) for
// `batch` rows; `bias` may be null. No checks, cannot fail; the same
// arithmetic as FullyConnected.
// Layer normalisation of one sample: xhat = (x - mean) / sqrt(var + eps)
// over all of `input` (mean and variance of every element), then
// output[i] = act(scale[c] xhat[i] + shift[c]) with c = i % channels (the
// channel of an [h, w, c] or [c] tensor). `normalized` receives xhat (for the
// backward pass); returns 1 / sqrt(var + eps). Sizes: normalized and output
// as input, scale and shift `channels`.
inline constexpr float kLayerNormEpsilon = 1e-5f;
float LayerNormFloat(Activation activation, std::span<const float> input, std::size_t channels,
                     std::span<const float> scale, std::span<const float> shift, std::span<float> normalized,
                     std::span<float> output);

void FullyConnectedFloat(Activation activation, const float* input, const float* filter, const float* bias,
                         float* output, std::int32_t batch, std::int32_t in, std::int32_t out);

struct ConvParams {
  Padding padding = Padding::kSame;
  std::int32_t stride_h = 1, stride_w = 1;
  std::int32_t dilation_h = 1, dilation_w = 1;
  std::int32_t depth_multiplier = 1;  // DEPTHWISE_CONV_2D only
  Activation activation = Activation::kNone;
};
// input [n, h, w, c_in], filter [c_out, kh, kw, c_in], bias [c_out] or null,
// output [n, oh, ow, c_out].
Status Conv2D(const ConvParams& params, const Tensor& input, const Tensor& filter,
              const Tensor* bias, const Tensor& output);
// filter [1, kh, kw, c_in * depth_multiplier].
Status DepthwiseConv2D(const ConvParams& params, const Tensor& input, const Tensor& filter,
                       const Tensor* bias, const Tensor& output);

struct PoolParams {
  Padding padding = Padding::kValid;
  std::int32_t stride_h = 1, stride_w = 1;
  std::int32_t filter_h = 1, filter_w = 1;
  Activation activation = Activation::kNone;
};
Status AveragePool2D(const PoolParams& params, const Tensor& input, const Tensor& output);
Status MaxPool2D(const PoolParams& params, const Tensor& input, const Tensor& output);

// Copies the bytes (no-op when input and output share memory).
Status Reshape(const Tensor& input, const Tensor& output);

// Softmax over the last dimension. int8 output uses TFLite's fixed output
// quantization (scale 1/256, zero point -128); computed in float per row.
Status Softmax(float beta, const Tensor& input, const Tensor& output);

// Element-wise a + b with NumPy broadcasting (float32, int8, int32).
Status Add(Activation activation, const Tensor& a, const Tensor& b, const Tensor& output);

enum class BinaryOp : std::uint8_t { kAdd, kMul, kDiv, kMinimum, kMaximum };
// Element-wise op(a, b) with NumPy broadcasting on float32 or int32 (not
// quantized) tensors of the output's type. int32 ADD/MUL wrap, DIV truncates
// toward zero; a zero divisor (or INT32_MIN / -1) is kInvalidArgument.
Status Binary(BinaryOp op, Activation activation, const Tensor& a, const Tensor& b, const Tensor& output);

// Converts each element to the output's type as C++ does (integers wrap,
// floats truncate toward zero). Not for quantized tensors (kBadType).
Status Cast(const Tensor& input, const Tensor& output);

// Joins `inputs` (same type, rank and other dims) along `axis` (negative
// counts from the end). Quantized inputs must share the output's scale.
Status Concatenation(std::int32_t axis, std::span<const Tensor* const> inputs, const Tensor& output);

struct StridedSliceParams {
  std::int32_t begin_mask = 0, end_mask = 0, shrink_axis_mask = 0;
  std::int32_t ellipsis_mask = 0, new_axis_mask = 0;  // kUnsupported when set
};
// output = input[begin:end:strides] per dimension (TFLite semantics; missing
// trailing dimensions are taken whole). Any element type.
Status StridedSlice(const StridedSliceParams& params, const Tensor& input, std::span<const std::int32_t> begin,
                    std::span<const std::int32_t> end, std::span<const std::int32_t> strides, const Tensor& output);

// Mean over `axes` (negative counts from the end); output holds the reduced
// shape (with or without kept dims: only the element order matters).
Status Mean(std::span<const std::int32_t> axes, const Tensor& input, const Tensor& output);

// Pads with `paddings` = rank pairs (before, after); the pad value is 0 in
// real terms (the output zero point for int8).
Status Pad(std::span<const std::int32_t> paddings, const Tensor& input, const Tensor& output);
// Permutes the dims: output dim i is input dim perm[i] (rank entries); any
// element type.
Status Transpose(std::span<const std::int32_t> perm, const Tensor& input, const Tensor& output);

// float -> int8, or int8 -> int8 with a new scale/zero point.
Status Quantize(const Tensor& input, const Tensor& output);
// int8/uint8/int16 -> float.
Status Dequantize(const Tensor& input, const Tensor& output);

Status Logistic(const Tensor& input, const Tensor& output);
Status Relu(const Tensor& input, const Tensor& output);
Status Relu6(const Tensor& input, const Tensor& output);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_KERNELS_H_
