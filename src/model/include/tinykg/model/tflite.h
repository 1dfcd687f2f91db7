// The raw graph of a TensorFlow Lite flatbuffer (.tflite), read by hand and
// bounds-checked. This is tinykg's only TFLite parser: the summary/importer
// (summary.h) and the training engine's model loader both build on it.
//
// Field layout follows the public schema (tensorflow/lite/schema/schema.fbs,
// file identifier "TFL3"): Model, OperatorCode (deprecated_builtin_code and
// the extended builtin_code; the real code is the larger of the two),
// SubGraph, Tensor, Buffer (inline data, or offset/size for data stored after
// the flatbuffer), Operator, QuantizationParameters (per-tensor and
// per-channel) and the options tables of the common operators.
//
// Lifetimes: ParseTflite() returns a TfliteModel whose spans (Tensor::data,
// Operator::custom_options, Buffer::data) point INTO the caller's bytes; the
// caller keeps those bytes alive and unchanged while the model is used.
// LoadTfliteFile() returns a model that owns its bytes (shared, immutable).
//
// Failure: a truncated, corrupt or hostile file yields kParseError (flatbuffer
// structure) or kInvalidData (structurally fine but inconsistent, e.g. a
// tensor index out of range) with a message naming the table and field;
// nothing is read outside the buffer. Custom operators are not errors: they
// carry their custom_code name. Cost: linear in the file size (a work budget
// rejects files that make the reader revisit data excessively).
#ifndef TINYKG_MODEL_TFLITE_H_
#define TINYKG_MODEL_TFLITE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::model::tflite {

// schema.fbs TensorType (values are the file's).
enum class TensorType : std::int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUint8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUint64 = 12,
  kResource = 13,
  kVariant = 14,
  kUint32 = 15,
  kUint16 = 16,
  kInt4 = 17,
  kBfloat16 = 18,
};

// "FLOAT32", "INT8", ...; "UNKNOWN(<n>)" for values past the list.
std::string TensorTypeName(TensorType type);
// Bytes per element (INT4 counts as 1, as TFLite Micro stores it unpacked in
// the arena); 0 for STRING/RESOURCE/VARIANT and unknown types.
std::size_t TensorTypeBytes(TensorType type);

// schema.fbs BuiltinOperator: the codes used by name in tinykg. Any int32 is
// a valid code in a file; BuiltinOpName() names all codes of the schema.
enum class BuiltinOp : std::int32_t {
  kAdd = 0,
  kAveragePool2d = 1,
  kConcatenation = 2,
  kConv2d = 3,
  kDepthwiseConv2d = 4,
  kDequantize = 6,
  kFullyConnected = 9,
  kL2Pool2d = 12,
  kLogistic = 14,
  kLstm = 16,
  kMaxPool2d = 17,
  kMul = 18,
  kRelu = 19,
  kRelu6 = 21,
  kReshape = 22,
  kSoftmax = 25,
  kSvdf = 27,
  kTanh = 28,
  kCustom = 32,
  kPad = 34,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kDiv = 42,
  kSqueeze = 43,
  kUnidirectionalSequenceLstm = 44,
  kStridedSlice = 45,
  kSplit = 49,
  kCast = 53,
  kMaximum = 55,
  kMinimum = 57,
  kPadV2 = 60,
  kTransposeConv = 67,
  kExpandDims = 70,
  kSum = 74,
  kPack = 83,
  kUnpack = 88,
  kLeakyRelu = 98,
  kSplitV = 102,
  kQuantize = 114,
  kHardSwish = 117,
  kBatchMatmul = 126,
  kConv3d = 132,
};

// "CONV_2D", ...; "BUILTIN_<n>" for codes the schema does not name.
std::string BuiltinOpName(std::int32_t code);

enum class Padding : std::int8_t { kSame = 0, kValid = 1 };
enum class Activation : std::int8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};
// "NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT".
std::string ActivationName(Activation activation);

// QuantizationParameters. Per-tensor quantization has one scale/zero point;
// per-channel has one per slice along `quantized_dimension`.
struct Quantization {
  std::vector<float> min;
  std::vector<float> max;
  std::vector<float> scale;
  std::vector<std::int64_t> zero_point;
  std::int32_t quantized_dimension = 0;
  bool has_details = false;  // a custom QuantizationDetails union is present

  // TFLite Micro treats a tensor as quantized when both scale and zero_point
  // are non-empty.
  bool quantized() const { return !scale.empty() && !zero_point.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  std::string name;
  TensorType type = TensorType::kFloat32;
  std::vector<std::int32_t> shape;            // empty for a scalar
  std::vector<std::int32_t> shape_signature;  // -1 marks dynamic dims; may be empty
  std::uint32_t buffer = 0;                   // index into TfliteModel::buffers
  bool is_variable = false;
  bool has_sparsity = false;
  Quantization quantization;
  // Constant contents (weights, biases) as a view into the file bytes; empty
  // for activations (buffer 0 or an empty buffer).
  std::span<const std::uint8_t> data;

  bool is_constant() const { return !data.empty(); }
  // Product of the shape (1 for a scalar); -1 when a dimension is negative or
  // the product overflows int64.
  std::int64_t ElementCount() const;
  // ElementCount() * TensorTypeBytes(type); -1 when unknown.
  std::int64_t Bytes() const;
};

// Parsed options of the operators we know. Only the fields the operator's
// options table carries are set; the rest keep these defaults (which are the
// schema defaults).
struct OpOptions {
  bool present = false;  // the file carried an options table for this op
  Padding padding = Padding::kSame;
  std::int32_t stride_w = 1;
  std::int32_t stride_h = 1;
  std::int32_t dilation_w = 1;
  std::int32_t dilation_h = 1;
  std::int32_t filter_w = 0;          // pooling
  std::int32_t filter_h = 0;          // pooling
  std::int32_t depth_multiplier = 0;  // depthwise conv
  Activation activation = Activation::kNone;
  float beta = 1.0f;             // softmax
  std::int32_t axis = 0;         // concatenation, pack, unpack, split... (see parser)
  std::int32_t num = 0;          // pack/unpack values_count or num; split num_splits
  bool keep_dims = false;        // reducers (MEAN, SUM, ...)
  bool keep_num_dims = false;    // fully connected
  std::int8_t weights_format = 0;  // fully connected: 0 DEFAULT, 1 SHUFFLED4x16INT8
  bool asymmetric_quantize_inputs = false;
  std::vector<std::int32_t> new_shape;  // reshape
  std::int32_t rank = 0;                // svdf
  float cell_clip = 0.0f;               // lstm
  float proj_clip = 0.0f;               // lstm
  bool time_major = false;              // sequence lstm
  bool adj_x = false;                   // batch matmul
  bool adj_y = false;                   // batch matmul
  std::int32_t begin_mask = 0;          // strided slice
  std::int32_t end_mask = 0;
  std::int32_t ellipsis_mask = 0;
  std::int32_t new_axis_mask = 0;
  std::int32_t shrink_axis_mask = 0;
  float alpha = 0.0f;                   // leaky relu
};

struct OperatorCode {
  std::int32_t builtin = 0;  // max(deprecated_builtin_code, builtin_code)
  std::string custom_code;   // set for CUSTOM
  std::int32_t version = 1;
  // BuiltinOpName(builtin), or "CUSTOM:<custom_code>" for custom operators.
  std::string Name() const;
};

struct Operator {
  std::uint32_t opcode_index = 0;
  std::int32_t builtin = 0;  // copied from the operator code
  std::string custom_code;   // copied from the operator code
  std::vector<std::int32_t> inputs;   // tensor indices; -1 = optional input absent
  std::vector<std::int32_t> outputs;  // tensor indices
  std::vector<std::int32_t> intermediates;
  std::uint8_t options_type = 0;  // BuiltinOptions union tag as stored
  OpOptions options;
  std::span<const std::uint8_t> custom_options;  // view into the file bytes

  bool is(BuiltinOp op) const { return builtin == static_cast<std::int32_t>(op); }
  // Same as OperatorCode::Name().
  std::string Name() const;
};

// A subgraph. `operators` is in execution order (TFLite stores operators in
// the order the interpreter runs them).
struct Subgraph {
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<std::int32_t> inputs;
  std::vector<std::int32_t> outputs;
  std::vector<Operator> operators;
};

struct Buffer {
  std::span<const std::uint8_t> data;  // inline or offset/size, view into the file
};

struct Metadata {
  std::string name;
  std::uint32_t buffer = 0;
};

struct TfliteModel {
  std::uint32_t version = 0;  // schema version (3 for current files)
  std::string description;
  std::vector<OperatorCode> operator_codes;
  std::vector<Subgraph> subgraphs;  // [0] is the main graph
  std::vector<Buffer> buffers;
  std::vector<Metadata> metadata;
  // The file's bytes when the model owns them (LoadTfliteFile), else null.
  std::shared_ptr<const std::vector<std::uint8_t>> bytes;

  const Subgraph& main() const { return subgraphs.front(); }
};

// True when `data` looks like a TFLite flatbuffer (identifier "TFL3" at
// offset 4, or a plausible root offset when the identifier is missing).
bool LooksLikeTflite(std::span<const std::uint8_t> data);

// Parses a TFLite flatbuffer held by the caller (see lifetimes above).
// Checks: every offset/length inside `data`; opcode, tensor and buffer indices
// in range; at least one subgraph. `source` names the file in errors.
Result<TfliteModel> ParseTflite(std::span<const std::uint8_t> data, const std::string& source = {});

// Reads and parses a file; the returned model owns its bytes.
Result<TfliteModel> LoadTfliteFile(const std::string& path);

}  // namespace tinykg::model::tflite

#endif  // TINYKG_MODEL_TFLITE_H_
