#include "tinykg/model/tflite.h"

#include <array>
#include <cstring>
#include <limits>

#include "flatbuffer.h"
#include "tinykg/base/file.h"

namespace tinykg::model::tflite {
namespace {

// Field ids from schema.fbs (position in the table declaration; a union takes
// two ids: its type tag, then its value).
namespace model_field {
constexpr int kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4,
              kMetadata = 6;
}
namespace opcode_field {
constexpr int kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3;
}
namespace subgraph_field {
constexpr int kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3, kName = 4;
}
namespace tensor_field {
constexpr int kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kIsVariable = 5,
              kSparsity = 6, kShapeSignature = 7;
}
namespace quant_field {
constexpr int kMin = 0, kMax = 1, kScale = 2, kZeroPoint = 3, kDetailsType = 4,
              kQuantizedDimension = 6;
}
namespace buffer_field {
constexpr int kData = 0, kOffset = 1, kSize = 2;
}
namespace operator_field {
constexpr int kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kOptionsType = 3, kOptions = 4,
              kCustomOptions = 5, kIntermediates = 8;
}
namespace metadata_field {
constexpr int kName = 0, kBuffer = 1;
}

constexpr std::array<const char*, 210> kBuiltinNames = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
    "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
    "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC",
    "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
    "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS",
    "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
    "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX",
    "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM",
    "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN",
    "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG",
    "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD",
    "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK",
    "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD",
    "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS",
    "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK",
    "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND",
    "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5",
    "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
    "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO", "RFFT2D",
    "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
    "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE",
    "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE",
    "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1",
    "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM", "ATAN2",
    "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
    "STABLEHLO_LOGISTIC", "STABLEHLO_ADD", "STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY",
    "STABLEHLO_MAXIMUM", "STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE",
    "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE",
    "STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND",
    "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", "STABLEHLO_LOG",
    "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER",
    "STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT",
    "STABLEHLO_TANH", "STABLEHLO_SCATTER", "STABLEHLO_COMPARE", "STABLEHLO_CONVERT",
    "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD",
    "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT",
    "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE",
    "STABLEHLO_RNG_BIT_GENERATOR", "REDUCE_WINDOW", "STABLEHLO_COMPOSITE",
    "STABLEHLO_SHIFT_LEFT", "STABLEHLO_CBRT", "STABLEHLO_CASE"};

constexpr std::array<const char*, 19> kTypeNames = {
    "FLOAT32", "FLOAT16", "INT32",     "UINT8",   "INT64",    "STRING", "BOOL",
    "INT16",   "COMPLEX64", "INT8",    "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE",
    "VARIANT", "UINT32",  "UINT16",    "INT4",    "BFLOAT16"};

constexpr std::array<std::uint8_t, 19> kTypeBytes = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1,
                                                     8, 16, 8, 0, 0, 4, 2, 1, 2};

// Reads the options table of `op` by the fields of its builtin's options table.
void ParseOptions(fb::Reader& r, const fb::Table& t, std::int32_t builtin, OpOptions& o) {
  using B = BuiltinOp;
  auto act = [&](int id) { o.activation = static_cast<Activation>(r.Scalar<std::int8_t>(t, id, 0)); };
  auto pad = [&](int id) { o.padding = static_cast<Padding>(r.Scalar<std::int8_t>(t, id, 0)); };
  auto i32 = [&](int id, std::int32_t fallback) { return r.Scalar<std::int32_t>(t, id, fallback); };
  auto flag = [&](int id) { return r.Scalar<std::uint8_t>(t, id, 0) != 0; };
  switch (static_cast<B>(builtin)) {
    case B::kConv2d:
      pad(0), o.stride_w = i32(1, 1), o.stride_h = i32(2, 1), act(3);
      o.dilation_w = i32(4, 1), o.dilation_h = i32(5, 1);
      break;
    case B::kDepthwiseConv2d:
      pad(0), o.stride_w = i32(1, 1), o.stride_h = i32(2, 1), o.depth_multiplier = i32(3, 0);
      act(4), o.dilation_w = i32(5, 1), o.dilation_h = i32(6, 1);
      break;
    case B::kTransposeConv:
      pad(0), o.stride_w = i32(1, 1), o.stride_h = i32(2, 1), act(3);
      break;
    case B::kAveragePool2d:
    case B::kMaxPool2d:
    case B::kL2Pool2d:
      pad(0), o.stride_w = i32(1, 1), o.stride_h = i32(2, 1);
      o.filter_w = i32(3, 0), o.filter_h = i32(4, 0), act(5);
      break;
    case B::kFullyConnected:
      act(0), o.weights_format = r.Scalar<std::int8_t>(t, 1, 0), o.keep_num_dims = flag(2);
      o.asymmetric_quantize_inputs = flag(3);
      break;
    case B::kSoftmax:
      o.beta = r.Scalar<float>(t, 0, 0.0f);
      break;
    case B::kConcatenation:
      o.axis = i32(0, 0), act(1);
      break;
    case B::kAdd:
    case B::kSub:
    case B::kMul:
    case B::kDiv:
      act(0);
      break;
    case B::kReshape:
      o.new_shape = r.Scalars<std::int32_t>(r.VectorField(t, 0, 4));
      break;
    case B::kSvdf:
      o.rank = i32(0, 0), act(1), o.asymmetric_quantize_inputs = flag(2);
      break;
    case B::kLstm:
      act(0), o.cell_clip = r.Scalar<float>(t, 1, 0.0f), o.proj_clip = r.Scalar<float>(t, 2, 0.0f);
      o.asymmetric_quantize_inputs = flag(4);
      break;
    case B::kUnidirectionalSequenceLstm:
      act(0), o.cell_clip = r.Scalar<float>(t, 1, 0.0f), o.proj_clip = r.Scalar<float>(t, 2, 0.0f);
      o.time_major = flag(3), o.asymmetric_quantize_inputs = flag(4);
      break;
    case B::kMean:
    case B::kSum:
      o.keep_dims = flag(0);
      break;
    case B::kStridedSlice:
      o.begin_mask = i32(0, 0), o.end_mask = i32(1, 0), o.ellipsis_mask = i32(2, 0);
      o.new_axis_mask = i32(3, 0), o.shrink_axis_mask = i32(4, 0);
      break;
    case B::kPack:
    case B::kUnpack:
      o.num = i32(0, 0), o.axis = i32(1, 0);
      break;
    case B::kSplit:
    case B::kSplitV:
      o.num = i32(0, 0);
      break;
    case B::kLeakyRelu:
      o.alpha = r.Scalar<float>(t, 0, 0.0f);
      break;
    case B::kBatchMatmul:
      o.adj_x = flag(0), o.adj_y = flag(1), o.asymmetric_quantize_inputs = flag(2);
      break;
    default:
      // REDUCE_MAX/MIN/PROD/ANY share ReducerOptions.
      if (builtin == 81 || builtin == 82 || builtin == 89 || builtin == 91) o.keep_dims = flag(0);
      break;
  }
}

std::string Where(const std::string& source) { return source.empty() ? "tflite" : source; }

}  // namespace

std::string TensorTypeName(TensorType type) {
  const auto index = static_cast<std::size_t>(static_cast<std::uint8_t>(type));
  if (index < kTypeNames.size()) return kTypeNames[index];
  return "UNKNOWN(" + std::to_string(static_cast<int>(type)) + ")";
}

std::size_t TensorTypeBytes(TensorType type) {
  const auto index = static_cast<std::size_t>(static_cast<std::uint8_t>(type));
  return index < kTypeBytes.size() ? kTypeBytes[index] : 0;
}

std::string BuiltinOpName(std::int32_t code) {
  if (code >= 0 && static_cast<std::size_t>(code) < kBuiltinNames.size()) {
    return kBuiltinNames[static_cast<std::size_t>(code)];
  }
  return "BUILTIN_" + std::to_string(code);
}

std::string ActivationName(Activation activation) {
  switch (activation) {
    case Activation::kNone: return "NONE";
    case Activation::kRelu: return "RELU";
    case Activation::kReluN1To1: return "RELU_N1_TO_1";
    case Activation::kRelu6: return "RELU6";
    case Activation::kTanh: return "TANH";
    case Activation::kSignBit: return "SIGN_BIT";
  }
  return "UNKNOWN(" + std::to_string(static_cast<int>(activation)) + ")";
}

std::int64_t Tensor::ElementCount() const {
  std::int64_t count = 1;
  for (std::int32_t dim : shape) {
    if (dim < 0) return -1;
    if (dim != 0 && count > std::numeric_limits<std::int64_t>::max() / dim) return -1;
    count *= dim;
  }
  return count;
}

std::int64_t Tensor::Bytes() const {
  const std::int64_t count = ElementCount();
  const auto size = static_cast<std::int64_t>(TensorTypeBytes(type));
  if (count < 0 || size == 0) return -1;
  if (count > std::numeric_limits<std::int64_t>::max() / size) return -1;
  return count * size;
}

std::string OperatorCode::Name() const {
  if (builtin == static_cast<std::int32_t>(BuiltinOp::kCustom)) {
    return "CUSTOM:" + (custom_code.empty() ? std::string("?") : custom_code);
  }
  return BuiltinOpName(builtin);
}

std::string Operator::Name() const {
  return OperatorCode{builtin, custom_code, 1}.Name();
}

bool LooksLikeTflite(std::span<const std::uint8_t> data) {
  if (data.size() < 8) return false;
  if (std::memcmp(data.data() + 4, "TFL3", 4) == 0) return true;
  std::uint32_t root = 0;
  std::memcpy(&root, data.data(), 4);
  return root >= 8 && root < data.size() && root % 4 == 0;
}

Result<TfliteModel> ParseTflite(std::span<const std::uint8_t> data, const std::string& source) {
  fb::Reader r(data);
  TfliteModel model;
  auto fail = [&](const std::string& context) -> Status {
    return ParseError("corrupt TFLite flatbuffer (" + context + "): " + r.error(),
                      SourceLocation(Where(source)));
  };
  auto invalid = [&](const std::string& message) -> Status {
    return InvalidData(message, SourceLocation(Where(source)));
  };

  if (data.size() >= 8 && std::memcmp(data.data() + 4, "TFL3", 4) != 0) {
    return ParseError("not a TFLite flatbuffer (file identifier is not \"TFL3\")",
                      SourceLocation(Where(source)));
  }
  const fb::Table root = r.Root();
  if (!r.ok()) return fail("root");
  model.version = r.Scalar<std::uint32_t>(root, model_field::kVersion, 0);
  model.description = r.String(root, model_field::kDescription);
  if (!r.ok()) return fail("Model");

  // Buffers.
  const fb::Vector buffers = r.VectorField(root, model_field::kBuffers, 4);
  model.buffers.resize(buffers.size);
  for (std::uint32_t i = 0; i < buffers.size && r.ok(); ++i) {
    const fb::Table b = r.TableAt(buffers, i);
    if (!b.present()) continue;
    const fb::Vector bytes = r.VectorField(b, buffer_field::kData, 1);
    if (bytes.present && bytes.size > 0) {
      model.buffers[i].data = r.Bytes(bytes);
      continue;
    }
    const auto offset = r.Scalar<std::uint64_t>(b, buffer_field::kOffset, 0);
    const auto size = r.Scalar<std::uint64_t>(b, buffer_field::kSize, 0);
    if (offset > 1 && size > 0) {
      if (offset > data.size() || size > data.size() - offset) {
        return invalid("buffer " + std::to_string(i) + " points outside the file (offset " +
                       std::to_string(offset) + ", size " + std::to_string(size) + ")");
      }
      model.buffers[i].data = data.subspan(offset, size);
    }
  }
  if (!r.ok()) return fail("buffers");

  // Operator codes.
  const fb::Vector codes = r.VectorField(root, model_field::kOperatorCodes, 4);
  for (std::uint32_t i = 0; i < codes.size && r.ok(); ++i) {
    const fb::Table c = r.TableAt(codes, i);
    OperatorCode code;
    const std::int32_t deprecated = r.Scalar<std::int8_t>(c, opcode_field::kDeprecatedBuiltinCode, 0);
    const std::int32_t extended = r.Scalar<std::int32_t>(c, opcode_field::kBuiltinCode, 0);
    code.builtin = std::max(deprecated, extended);
    code.custom_code = r.String(c, opcode_field::kCustomCode);
    code.version = r.Scalar<std::int32_t>(c, opcode_field::kVersion, 1);
    model.operator_codes.push_back(std::move(code));
  }
  if (!r.ok()) return fail("operator_codes");

  // Subgraphs.
  const fb::Vector subgraphs = r.VectorField(root, model_field::kSubgraphs, 4);
  if (!r.ok()) return fail("subgraphs");
  if (subgraphs.size == 0) return invalid("model has no subgraph");
  for (std::uint32_t s = 0; s < subgraphs.size; ++s) {
    const std::string where = "subgraph " + std::to_string(s);
    const fb::Table g = r.TableAt(subgraphs, s);
    if (!r.ok()) return fail(where);
    Subgraph sub;
    sub.name = r.String(g, subgraph_field::kName);
    sub.inputs = r.Scalars<std::int32_t>(r.VectorField(g, subgraph_field::kInputs, 4));
    sub.outputs = r.Scalars<std::int32_t>(r.VectorField(g, subgraph_field::kOutputs, 4));
    const fb::Vector tensors = r.VectorField(g, subgraph_field::kTensors, 4);
    if (!r.ok()) return fail(where);
    sub.tensors.reserve(tensors.size);
    for (std::uint32_t t = 0; t < tensors.size; ++t) {
      const fb::Table tt = r.TableAt(tensors, t);
      Tensor tensor;
      tensor.shape = r.Scalars<std::int32_t>(r.VectorField(tt, tensor_field::kShape, 4));
      tensor.type = static_cast<TensorType>(r.Scalar<std::int8_t>(tt, tensor_field::kType, 0));
      tensor.buffer = r.Scalar<std::uint32_t>(tt, tensor_field::kBuffer, 0);
      tensor.name = r.String(tt, tensor_field::kName);
      tensor.is_variable = r.Scalar<std::uint8_t>(tt, tensor_field::kIsVariable, 0) != 0;
      tensor.has_sparsity = r.HasField(tt, tensor_field::kSparsity);
      tensor.shape_signature =
          r.Scalars<std::int32_t>(r.VectorField(tt, tensor_field::kShapeSignature, 4));
      const fb::Table q = r.SubTable(tt, tensor_field::kQuantization);
      if (q.present()) {
        Quantization& qp = tensor.quantization;
        qp.min = r.Scalars<float>(r.VectorField(q, quant_field::kMin, 4));
        qp.max = r.Scalars<float>(r.VectorField(q, quant_field::kMax, 4));
        qp.scale = r.Scalars<float>(r.VectorField(q, quant_field::kScale, 4));
        qp.zero_point = r.Scalars<std::int64_t>(r.VectorField(q, quant_field::kZeroPoint, 8));
        qp.quantized_dimension = r.Scalar<std::int32_t>(q, quant_field::kQuantizedDimension, 0);
        qp.has_details = r.Scalar<std::uint8_t>(q, quant_field::kDetailsType, 0) != 0;
      }
      if (!r.ok()) return fail(where + " tensor " + std::to_string(t));
      if (tensor.buffer >= model.buffers.size()) {
        if (tensor.buffer != 0 || !model.buffers.empty()) {
          return invalid(where + " tensor " + std::to_string(t) + " (" + tensor.name +
                         ") names buffer " + std::to_string(tensor.buffer) + " but the model has " +
                         std::to_string(model.buffers.size()));
        }
      } else {
        tensor.data = model.buffers[tensor.buffer].data;
      }
      sub.tensors.push_back(std::move(tensor));
    }
    const auto tensor_count = static_cast<std::int32_t>(sub.tensors.size());
    auto check_index = [&](std::int32_t index, bool optional, const std::string& what) -> Status {
      if ((optional && index == -1) || (index >= 0 && index < tensor_count)) return Status::Ok();
      return invalid(where + " " + what + " names tensor " + std::to_string(index) +
                     " but the subgraph has " + std::to_string(tensor_count));
    };
    for (std::int32_t index : sub.inputs) TINYKG_RETURN_IF_ERROR(check_index(index, false, "input"));
    for (std::int32_t index : sub.outputs) TINYKG_RETURN_IF_ERROR(check_index(index, false, "output"));

    const fb::Vector ops = r.VectorField(g, subgraph_field::kOperators, 4);
    if (!r.ok()) return fail(where);
    sub.operators.reserve(ops.size);
    for (std::uint32_t o = 0; o < ops.size; ++o) {
      const std::string op_where = where + " operator " + std::to_string(o);
      const fb::Table ot = r.TableAt(ops, o);
      Operator op;
      op.opcode_index = r.Scalar<std::uint32_t>(ot, operator_field::kOpcodeIndex, 0);
      op.inputs = r.Scalars<std::int32_t>(r.VectorField(ot, operator_field::kInputs, 4));
      op.outputs = r.Scalars<std::int32_t>(r.VectorField(ot, operator_field::kOutputs, 4));
      op.intermediates = r.Scalars<std::int32_t>(r.VectorField(ot, operator_field::kIntermediates, 4));
      op.options_type = r.Scalar<std::uint8_t>(ot, operator_field::kOptionsType, 0);
      op.custom_options = r.Bytes(r.VectorField(ot, operator_field::kCustomOptions, 1));
      if (!r.ok()) return fail(op_where);
      if (op.opcode_index >= model.operator_codes.size()) {
        return invalid(op_where + " uses operator code " + std::to_string(op.opcode_index) +
                       " but the model has " + std::to_string(model.operator_codes.size()));
      }
      const OperatorCode& code = model.operator_codes[op.opcode_index];
      op.builtin = code.builtin;
      op.custom_code = code.custom_code;
      const fb::Table options = r.SubTable(ot, operator_field::kOptions);
      if (options.present()) {
        op.options.present = true;
        ParseOptions(r, options, op.builtin, op.options);
      }
      if (!r.ok()) return fail(op_where + " options");
      for (std::int32_t index : op.inputs) TINYKG_RETURN_IF_ERROR(check_index(index, true, op.Name() + " (" + op_where + ") input"));
      for (std::int32_t index : op.outputs) TINYKG_RETURN_IF_ERROR(check_index(index, false, op.Name() + " (" + op_where + ") output"));
      for (std::int32_t index : op.intermediates) TINYKG_RETURN_IF_ERROR(check_index(index, false, op.Name() + " (" + op_where + ") intermediate"));
      sub.operators.push_back(std::move(op));
    }
    model.subgraphs.push_back(std::move(sub));
  }

  // Metadata (names only; e.g. "min_runtime_version", "TFLITE_METADATA").
  const fb::Vector metadata = r.VectorField(root, model_field::kMetadata, 4);
  for (std::uint32_t i = 0; i < metadata.size && r.ok(); ++i) {
    const fb::Table m = r.TableAt(metadata, i);
    model.metadata.push_back({r.String(m, metadata_field::kName),
                              r.Scalar<std::uint32_t>(m, metadata_field::kBuffer, 0)});
  }
  if (!r.ok()) return fail("metadata");
  return model;
}

Result<TfliteModel> LoadTfliteFile(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(text.begin(), text.end());
  TINYKG_ASSIGN_OR_RETURN(TfliteModel model, ParseTflite(*bytes, path));
  model.bytes = std::move(bytes);
  return model;
}

}  // namespace tinykg::model::tflite
