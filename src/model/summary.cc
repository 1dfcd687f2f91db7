#include "tinykg/model/summary.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tinykg/base/file.h"
#include "tinykg/base/utf8.h"
#include "tinykg/model/onnx.h"
#include "tinykg/model/tflm_arena.h"

namespace tinykg::model {
namespace {

using tflite::BuiltinOp;
using tflite::Operator;
using tflite::Subgraph;
using tflite::Tensor;

std::vector<std::int64_t> Shape(const Tensor& t) { return {t.shape.begin(), t.shape.end()}; }

// Saturating arithmetic: hostile files may declare absurd shapes.
constexpr std::int64_t kSaturated = std::int64_t{1} << 62;
std::int64_t Mul(std::int64_t a, std::int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  if (a > kSaturated / b) return kSaturated;
  return a * b;
}
template <typename... Rest>
std::int64_t Mul(std::int64_t a, std::int64_t b, Rest... rest) {
  return Mul(Mul(a, b), rest...);
}
// Saturating like Mul: two saturated counts used to overflow the sum
// (signed overflow, found by model_fuzz_tflite under UBSan).
std::int64_t Add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return kSaturated;
  return std::min(sum, kSaturated);
}

std::int64_t Elements(const Tensor* t) {
  if (t == nullptr) return 0;
  return std::max<std::int64_t>(t->ElementCount(), 0);
}

std::int64_t Dim(const Tensor* t, std::size_t axis) {
  if (t == nullptr || axis >= t->shape.size()) return 0;
  return std::max<std::int32_t>(t->shape[axis], 0);
}

const Tensor* Input(const Subgraph& g, const Operator& op, std::size_t i) {
  if (i >= op.inputs.size() || op.inputs[i] < 0) return nullptr;
  return &g.tensors[static_cast<std::size_t>(op.inputs[i])];
}

const Tensor* Output(const Subgraph& g, const Operator& op, std::size_t i) {
  if (i >= op.outputs.size()) return nullptr;
  return &g.tensors[static_cast<std::size_t>(op.outputs[i])];
}

// Inputs that carry indices/shapes/axes rather than data (not parameters).
bool IsIndexOperand(std::int32_t builtin, std::size_t input) {
  switch (builtin) {
    case 22: case 34: case 60: case 40: case 74: case 81: case 82: case 89: case 91: case 140:
    case 23: case 97: case 39: case 69: case 70: case 130: case 56: case 79: case 36:
      return input == 1;  // RESHAPE, PAD(V2), reducers, RESIZE_*, TRANSPOSE, TILE, EXPAND_DIMS, BROADCAST_TO, ARG_*, GATHER
    case 45: return input >= 1;  // STRIDED_SLICE begin/end/strides
    case 65: return input >= 1;  // SLICE begin/size
    case 49: return input == 0;  // SPLIT axis
    case 102: return input >= 1; // SPLIT_V sizes, axis
    case 94: return input == 0;  // FILL dims
    case 67: return input == 0;  // TRANSPOSE_CONV output_shape
    default: return false;
  }
}

// MACs per the published rule (conv, depthwise, fully connected).
std::int64_t CoreMacs(const Subgraph& g, const Operator& op) {
  const Tensor* out = Output(g, op, 0);
  const Tensor* filter = Input(g, op, 1);
  switch (static_cast<BuiltinOp>(op.builtin)) {
    case BuiltinOp::kConv2d:  // filter [out_c, k_h, k_w, in_c]
      return Mul(Elements(out), Dim(filter, 1), Dim(filter, 2), Dim(filter, 3));
    case BuiltinOp::kDepthwiseConv2d:  // filter [1, k_h, k_w, out_c]
      return Mul(Elements(out), Dim(filter, 1), Dim(filter, 2));
    case BuiltinOp::kFullyConnected: {  // filter [units, in]
      const std::int64_t in = filter != nullptr && !filter->shape.empty() ? Dim(filter, filter->shape.size() - 1) : 0;
      return Mul(Elements(out), in);
    }
    default:
      return 0;
  }
}

// Other arithmetic (see the macs_all rule in summary.h).
std::int64_t OtherMacs(const Subgraph& g, const Operator& op) {
  const Tensor* out = Output(g, op, 0);
  const Tensor* in = Input(g, op, 0);
  switch (op.builtin) {
    case 0: case 41: case 18: case 42: case 99: case 55: case 57: case 54:  // elementwise binary
    case 14: case 28: case 19: case 21: case 20: case 98: case 117: case 47: case 111: case 150:
    case 6: case 114: case 75: case 76: case 92: case 73: case 59: case 101:
      return Elements(out);
    case 1: case 17: case 12:  // pooling
      return Mul(Elements(out), std::max(op.options.filter_w, 0), std::max(op.options.filter_h, 0));
    case 25: case 50: case 40: case 74: case 81: case 82: case 89: case 11: case 13:
      return Elements(in);
    case 67: {  // TRANSPOSE_CONV: inputs (output_shape, weights [out_c,kh,kw,in_c], input)
      const Tensor* w = Input(g, op, 1);
      return Mul(Elements(Input(g, op, 2)), Dim(w, 0), Dim(w, 1), Dim(w, 2));
    }
    case 126: {  // BATCH_MATMUL
      const Tensor* lhs = in;
      if (lhs == nullptr || lhs->shape.empty()) return 0;
      const std::size_t k_axis = op.options.adj_x ? lhs->shape.size() - 2 : lhs->shape.size() - 1;
      return Mul(Elements(out), Dim(lhs, k_axis));
    }
    case 27: {  // SVDF: weights_feature [filters, input], weights_time [filters, memory]
      const std::int64_t batch = Dim(in, 0);
      return Mul(batch, Add(Elements(Input(g, op, 1)), Elements(Input(g, op, 2))));
    }
    case 16: case 44: case 52: {  // LSTM: gate weights are inputs 1..8 (+16 projection)
      const Tensor* w = Input(g, op, 2);  // input_to_forget_weights [n_cell, n_input]
      const std::int64_t n_input = w != nullptr && w->shape.size() == 2 ? Dim(w, 1) : 0;
      const std::int64_t steps = n_input > 0 ? Elements(in) / n_input : 0;
      std::int64_t weights = 0;
      for (std::size_t i : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 16u}) weights = Add(weights, Elements(Input(g, op, i)));
      return Mul(steps, weights);
    }
    default:
      return 0;
  }
}

std::string ActivationOf(const Operator& op) {
  if (!op.options.present) return "NONE";
  return tflite::ActivationName(op.options.activation);
}

TensorSummary Describe(const Tensor& t) {
  TensorSummary s;
  s.name = t.name;
  s.shape = Shape(t);
  s.dtype = tflite::TensorTypeName(t.type);
  if (t.quantization.quantized()) {
    s.scale = t.quantization.scale.front();
    s.zero_point = t.quantization.zero_point.front();
  }
  return s;
}

}  // namespace

std::string TensorSummary::ShapeString() const {
  std::string out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += "x";
    out += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return out;
}

std::int64_t KernelCodeBytes(const std::string& op) {
  // tinykg's estimates of reference-kernel .text on Cortex-M (-Os), scaled
  // from each kernel's complexity (float + int8 paths, helpers it pulls in);
  // TFLite Micro documents only the framework figure (kTflmFrameworkCodeBytes,
  // examples/memory_footprint/README.md: 9732 bytes on a bluepill Cortex-M3).
  static const std::map<std::string, std::int64_t> kTable = {
      {"CONV_2D", 4600},          {"DEPTHWISE_CONV_2D", 5000}, {"FULLY_CONNECTED", 2600},
      {"TRANSPOSE_CONV", 3400},   {"AVERAGE_POOL_2D", 1900},   {"MAX_POOL_2D", 1700},
      {"SOFTMAX", 2400},          {"LOGISTIC", 2000},          {"TANH", 2000},
      {"RELU", 900},              {"RELU6", 900},              {"LEAKY_RELU", 1100},
      {"HARD_SWISH", 1500},       {"ADD", 3000},               {"SUB", 2800},
      {"MUL", 2200},              {"DIV", 1200},               {"RESHAPE", 600},
      {"SQUEEZE", 500},           {"EXPAND_DIMS", 600},        {"QUANTIZE", 1600},
      {"DEQUANTIZE", 1200},       {"PAD", 1700},               {"PADV2", 1700},
      {"MEAN", 2800},             {"SUM", 2000},               {"CONCATENATION", 1600},
      {"STRIDED_SLICE", 1400},    {"SPLIT", 900},              {"SPLIT_V", 1000},
      {"PACK", 800},              {"UNPACK", 800},             {"TRANSPOSE", 1300},
      {"RESIZE_NEAREST_NEIGHBOR", 1000}, {"RESIZE_BILINEAR", 1600}, {"SVDF", 3800},
      {"UNIDIRECTIONAL_SEQUENCE_LSTM", 9500}, {"BATCH_MATMUL", 3000}, {"CAST", 700},
      {"MAXIMUM", 1100},          {"MINIMUM", 1100},           {"GATHER", 1000},
  };
  auto it = kTable.find(op);
  if (it != kTable.end()) return it->second;
  return 2000;  // unknown or custom kernel: a mid-sized kernel
}

ModelSummary SummarizeTflite(const tflite::TfliteModel& model, std::span<const std::uint8_t> bytes,
                             const std::string& name) {
  ModelSummary s;
  s.name = name;
  s.format = "tflite";
  s.sha256 = Sha256Hex(bytes);
  s.file_bytes = static_cast<std::int64_t>(bytes.size());
  s.subgraphs = static_cast<int>(model.subgraphs.size());
  const Subgraph& g = model.main();

  std::set<int> counted_params;
  for (std::size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    LayerSummary layer;
    layer.index = static_cast<int>(i);
    layer.op = op.Name();
    layer.activation = ActivationOf(op);
    for (std::size_t k = 0; k < op.inputs.size(); ++k) {
      const Tensor* t = Input(g, op, k);
      if (t == nullptr) continue;
      if (!t->is_constant()) {
        layer.input_shapes.push_back(Shape(*t));
        layer.activation_bytes = Add(layer.activation_bytes, std::clamp<std::int64_t>(t->Bytes(), 0, kSaturated));
      } else if (!IsIndexOperand(op.builtin, k)) {
        layer.params = Add(layer.params, Elements(t));
        layer.weight_bytes = Add(layer.weight_bytes, static_cast<std::int64_t>(t->data.size()));
        if (counted_params.insert(op.inputs[k]).second) s.params = Add(s.params, Elements(t));
      }
    }
    for (int t : op.outputs) {
      const Tensor& out = g.tensors[static_cast<std::size_t>(t)];
      layer.output_shapes.push_back(Shape(out));
      layer.activation_bytes = Add(layer.activation_bytes, std::clamp<std::int64_t>(out.Bytes(), 0, kSaturated));
    }
    layer.macs = CoreMacs(g, op);
    layer.macs_all = Add(layer.macs, OtherMacs(g, op));
    s.macs = Add(s.macs, layer.macs);
    s.macs_all = Add(s.macs_all, layer.macs_all);
    if (std::find(s.ops.begin(), s.ops.end(), layer.op) == s.ops.end()) s.ops.push_back(layer.op);
    if (s.quantization.empty() && layer.macs > 0) {
      const Tensor* w = Input(g, op, 1);
      if (w != nullptr) s.quantization = tflite::TensorTypeName(w->type);
    }
    s.layers.push_back(std::move(layer));
  }
  for (int t : g.inputs) s.inputs.push_back(Describe(g.tensors[static_cast<std::size_t>(t)]));
  for (int t : g.outputs) s.outputs.push_back(Describe(g.tensors[static_cast<std::size_t>(t)]));
  if (s.quantization.empty() && !s.inputs.empty()) s.quantization = s.inputs.front().dtype;

  const ArenaEstimate arena = EstimateTflmArena(model);
  s.arena_bytes = arena.arena_bytes;
  s.activation_peak_bytes = arena.activation_peak;
  s.notes = arena.notes;
  if (model.subgraphs.size() > 1) {
    s.notes.push_back("model has " + std::to_string(model.subgraphs.size()) +
                      " subgraphs; layers and arena describe subgraph 0 (TFLite Micro 2.4 runs one)");
  }
  s.model_flash_bytes = s.file_bytes;
  s.runtime_code_bytes = kTflmFrameworkCodeBytes;
  for (const std::string& op : s.ops) s.runtime_code_bytes = Add(s.runtime_code_bytes, KernelCodeBytes(op));
  s.flash_bytes = s.model_flash_bytes + s.runtime_code_bytes;
  s.ram_need_bytes = s.arena_bytes + kRuntimeRamBytes;
  return s;
}

void RepairText(ModelSummary& s) {
  auto fix = [](std::string& text) {
    if (!IsValidUtf8(text)) text = ToValidUtf8(text);
  };
  for (std::string* text : {&s.name, &s.format, &s.sha256, &s.quantization}) fix(*text);
  for (std::string& text : s.ops) fix(text);
  for (std::string& text : s.notes) fix(text);
  for (auto* list : {&s.inputs, &s.outputs}) {
    for (TensorSummary& t : *list) {
      fix(t.name);
      fix(t.dtype);
    }
  }
  for (LayerSummary& l : s.layers) {
    fix(l.op);
    fix(l.activation);
  }
}

namespace {

Result<ModelSummary> SummarizeFileAsIs(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  std::string stem = path.substr(path.find_last_of('/') + 1);
  if (const auto dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem.resize(dot);
  if (Extension(path) == "onnx") return SummarizeOnnx(bytes, stem, path);
  if (!tflite::LooksLikeTflite(bytes)) {
    return Unsupported("not a TFLite flatbuffer or an .onnx file", SourceLocation(path));
  }
  TINYKG_ASSIGN_OR_RETURN(tflite::TfliteModel model, tflite::ParseTflite(bytes, path));
  return SummarizeTflite(model, bytes, stem);
}

}  // namespace

Result<ModelSummary> SummarizeFile(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(ModelSummary summary, SummarizeFileAsIs(path));
  RepairText(summary);
  return summary;
}

std::string SummaryToJson(const ModelSummary& s, int indent) {
  using nlohmann::ordered_json;
  auto tensors = [](const std::vector<TensorSummary>& list) {
    ordered_json out = ordered_json::array();
    for (const TensorSummary& t : list) {
      ordered_json j;
      j["name"] = t.name;
      j["shape"] = t.shape;
      j["dtype"] = t.dtype;
      if (t.scale) j["scale"] = *t.scale;
      if (t.zero_point) j["zero_point"] = *t.zero_point;
      out.push_back(std::move(j));
    }
    return out;
  };
  ordered_json j;
  j["name"] = s.name;
  j["format"] = s.format;
  j["sha256"] = s.sha256;
  j["file_bytes"] = s.file_bytes;
  j["params"] = s.params;
  j["macs"] = s.macs;
  j["macs_all"] = s.macs_all;
  j["arena_bytes"] = s.arena_bytes;
  j["activation_peak_bytes"] = s.activation_peak_bytes;
  j["flash_bytes"] = s.flash_bytes;
  j["model_flash_bytes"] = s.model_flash_bytes;
  j["runtime_code_bytes"] = s.runtime_code_bytes;
  j["ram_need_bytes"] = s.ram_need_bytes;
  j["quantization"] = s.quantization;
  j["subgraphs"] = s.subgraphs;
  j["ops"] = s.ops;
  j["inputs"] = tensors(s.inputs);
  j["outputs"] = tensors(s.outputs);
  ordered_json layers = ordered_json::array();
  for (const LayerSummary& l : s.layers) {
    ordered_json lj;
    lj["index"] = l.index;
    lj["op"] = l.op;
    lj["activation"] = l.activation;
    lj["input_shapes"] = l.input_shapes;
    lj["output_shapes"] = l.output_shapes;
    lj["macs"] = l.macs;
    lj["macs_all"] = l.macs_all;
    lj["params"] = l.params;
    lj["weight_bytes"] = l.weight_bytes;
    lj["activation_bytes"] = l.activation_bytes;
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  j["notes"] = s.notes;
  // Replace rather than throw on ill-formed UTF-8: a summary built by hand
  // (not through SummarizeFile) may still carry raw bytes.
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace tinykg::model
