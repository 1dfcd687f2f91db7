#include "tinykg/train/model_loader.h"

#include <cstring>

#include "tinykg/engine/quantization.h"
#include "tinykg/model/flexbuffer.h"

namespace tinykg::train {
namespace {

namespace tfl = model::tflite;
using engine::DataType;
using engine::OpKind;

Result<DataType> MapType(tfl::TensorType type) {
  switch (type) {
    case tfl::TensorType::kFloat32: return DataType::kFloat32;
    case tfl::TensorType::kInt8: return DataType::kInt8;
    case tfl::TensorType::kInt32: return DataType::kInt32;
    case tfl::TensorType::kUint8: return DataType::kUInt8;
    case tfl::TensorType::kInt16: return DataType::kInt16;
    case tfl::TensorType::kInt64: return DataType::kInt64;
    case tfl::TensorType::kUint32: return DataType::kUInt32;
    case tfl::TensorType::kUint64: return DataType::kUInt64;
    default: return Unsupported("tensor type " + tfl::TensorTypeName(type));
  }
}

engine::Activation MapActivation(tfl::Activation a) {
  switch (a) {
    case tfl::Activation::kRelu: return engine::Activation::kRelu;
    case tfl::Activation::kReluN1To1: return engine::Activation::kReluN1To1;
    case tfl::Activation::kRelu6: return engine::Activation::kRelu6;
    case tfl::Activation::kTanh: return engine::Activation::kTanh;
    default: return engine::Activation::kNone;
  }
}

engine::Padding MapPadding(tfl::Padding p) {
  return p == tfl::Padding::kValid ? engine::Padding::kValid : engine::Padding::kSame;
}

Result<OpKind> MapOp(const tfl::Operator& op) {
  using B = tfl::BuiltinOp;
  struct Entry {
    B builtin;
    OpKind kind;
  };
  static constexpr Entry kTable[] = {
      {B::kFullyConnected, OpKind::kFullyConnected}, {B::kConv2d, OpKind::kConv2D},
      {B::kDepthwiseConv2d, OpKind::kDepthwiseConv2D}, {B::kAveragePool2d, OpKind::kAveragePool2D},
      {B::kMaxPool2d, OpKind::kMaxPool2D},   {B::kReshape, OpKind::kReshape},
      {B::kSqueeze, OpKind::kReshape},       {B::kSoftmax, OpKind::kSoftmax},
      {B::kAdd, OpKind::kAdd},               {B::kMean, OpKind::kMean},
      {B::kPad, OpKind::kPad},               {B::kQuantize, OpKind::kQuantize},
      {B::kDequantize, OpKind::kDequantize}, {B::kLogistic, OpKind::kLogistic},
      {B::kRelu, OpKind::kRelu},             {B::kRelu6, OpKind::kRelu6},
      {B::kTranspose, OpKind::kTranspose},   {B::kCast, OpKind::kCast},
      {B::kStridedSlice, OpKind::kStridedSlice}, {B::kConcatenation, OpKind::kConcatenation},
      {B::kMul, OpKind::kMul},               {B::kDiv, OpKind::kDiv},
      {B::kMinimum, OpKind::kMinimum},       {B::kMaximum, OpKind::kMaximum},
  };
  for (const Entry& e : kTable) {
    if (op.is(e.builtin)) return e.kind;
  }
  struct CustomEntry {
    const char* code;
    OpKind kind;
  };
  // TFLite Micro Signal library operators (custom_code as the converter
  // writes it).
  static constexpr CustomEntry kCustom[] = {
      {"SignalWindow", OpKind::kSignalWindow},
      {"SignalFftAutoScale", OpKind::kSignalFftAutoScale},
      {"SignalRfft", OpKind::kSignalRfft},
      {"SignalEnergy", OpKind::kSignalEnergy},
      {"SignalFilterBank", OpKind::kSignalFilterBank},
      {"SignalFilterBankSquareRoot", OpKind::kSignalFilterBankSquareRoot},
      {"SignalFilterBankSpectralSubtraction", OpKind::kSignalSpectralSubtraction},
      {"SignalPCAN", OpKind::kSignalPcan},
      {"SignalFilterBankLog", OpKind::kSignalFilterBankLog},
  };
  if (op.is(B::kCustom)) {
    for (const CustomEntry& e : kCustom) {
      if (op.custom_code == e.code) return e.kind;
    }
  }
  return Unsupported("operator " + op.Name() + " is not supported by the engine");
}

// The custom options of a Signal operator into the engine's SignalParams.
Status ReadSignalParams(const tfl::Operator& op, engine::NodeOptions* options) {
  engine::SignalParams& p = options->signal;
  if (op.custom_options.empty()) return Status();
  auto map = model::FlexbufferMap::Parse(op.custom_options);
  if (!map.ok()) return map.status().WithContext(op.Name());
  struct Field {
    const char* key;
    std::int32_t* value;
  };
  const Field fields[] = {
      {"shift", &p.shift},
      {"fft_length", &p.fft_length},
      {"start_index", &p.start_index},
      {"end_index", &p.end_index},
      {"snr_shift", &p.snr_shift},
      {"input_correction_bits", &p.input_correction_bits},
      {"output_scale", &p.output_scale},
      {"smoothing", &p.smoothing},
      {"one_minus_smoothing", &p.one_minus_smoothing},
      {"alternate_smoothing", &p.alternate_smoothing},
      {"alternate_one_minus_smoothing", &p.alternate_one_minus_smoothing},
      {"smoothing_bits", &p.smoothing_bits},
      {"spectral_subtraction_bits", &p.spectral_subtraction_bits},
      {"min_signal_remaining", &p.min_signal_remaining},
  };
  for (const Field& f : fields) {
    auto v = map->Int(f.key);
    if (v.status().code() == StatusCode::kNotFound) continue;
    if (!v.ok()) return v.status().WithContext(op.Name());
    if (*v < INT32_MIN || *v > INT32_MAX) {
      return InvalidData(op.Name() + ": option '" + f.key + "' is out of range");
    }
    *f.value = static_cast<std::int32_t>(*v);
  }
  auto clamping = map->Int("clamping");
  if (clamping.ok()) p.clamping = *clamping != 0;
  return Status();
}

}  // namespace

LoadedModel::LoadedModel(std::size_t arena_bytes)
    : memory_(arena_bytes), arena_(memory_), graph_(std::make_unique<engine::Graph>()) {}

Result<std::unique_ptr<LoadedModel>> LoadedModel::Load(const std::string& path, std::size_t arena_bytes) {
  auto parsed = tfl::LoadTfliteFile(path);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<LoadedModel> loaded(new LoadedModel(arena_bytes));
  loaded->model_ = std::move(parsed).value();
  if (Status s = loaded->Convert(); !s.ok()) return s.WithContext(path);
  return loaded;
}

Status LoadedModel::Convert() {
  const tfl::Subgraph& sg = model_.main();
  tensor_map_.assign(sg.tensors.size(), -1);
  auto add_tensor = [&](std::size_t index) -> Result<int> {
    if (tensor_map_[index] >= 0) return tensor_map_[index];
    const tfl::Tensor& t = sg.tensors[index];
    auto type = MapType(t.type);
    if (!type.ok()) return type.status().WithContext("tensor '" + t.name + "'");
    engine::Tensor et;
    et.type = *type;
    if (t.shape.size() > static_cast<std::size_t>(engine::kMaxRank)) {
      return Unsupported("tensor '" + t.name + "' has rank " + std::to_string(t.shape.size()));
    }
    for (std::int32_t d : t.shape) et.shape[et.shape.rank++] = d;
    if (t.quantization.quantized()) {
      const std::size_t n = t.quantization.scale.size();
      std::span<float> scales = arena_.Persistent<float>(n);
      std::span<std::int32_t> zps = arena_.Persistent<std::int32_t>(t.quantization.zero_point.size());
      if (scales.data() == nullptr || zps.data() == nullptr) return Internal("engine arena too small");
      for (std::size_t i = 0; i < n; ++i) scales[i] = t.quantization.scale[i];
      for (std::size_t i = 0; i < zps.size(); ++i) zps[i] = static_cast<std::int32_t>(t.quantization.zero_point[i]);
      et.quant.scale = scales;
      et.quant.zero_point = zps;
      et.quant.quantized_dimension = t.quantization.quantized_dimension;
    }
    const bool constant = t.is_constant();
    if (constant) {
      if (t.data.size() != et.Bytes()) return InvalidData("tensor '" + t.name + "' data size does not match its shape");
      const std::size_t align = engine::DataTypeSize(et.type);
      if (reinterpret_cast<std::uintptr_t>(t.data.data()) % align == 0) {
        et.data = const_cast<std::uint8_t*>(t.data.data());  // read only by the kernels
      } else {
        void* copy = arena_.AllocatePersistent(t.data.size());
        if (copy == nullptr) return Internal("engine arena too small");
        std::memcpy(copy, t.data.data(), t.data.size());
        et.data = copy;
      }
    }
    int gi = -1;
    if (graph_->AddTensor(et, constant, &gi) != engine::Status::kOk) return Unsupported("too many tensors");
    tensor_map_[index] = gi;
    return gi;
  };
  auto input_of = [&](const tfl::Operator& op, std::size_t i) -> Result<std::int16_t> {
    if (i >= op.inputs.size() || op.inputs[i] < 0) return static_cast<std::int16_t>(-1);
    auto r = add_tensor(static_cast<std::size_t>(op.inputs[i]));
    if (!r.ok()) return r.status();
    return static_cast<std::int16_t>(*r);
  };
  if (sg.inputs.empty() || sg.outputs.empty()) return InvalidData("the main subgraph has no input or output");
  auto in = add_tensor(static_cast<std::size_t>(sg.inputs[0]));
  if (!in.ok()) return in.status();
  graph_->SetInput(*in);
  for (const tfl::Operator& op : sg.operators) {
    auto kind = MapOp(op);
    if (!kind.ok()) return kind.status();
    engine::Node node;
    node.op = *kind;
    std::size_t inputs = 1;
    switch (node.op) {
      case OpKind::kFullyConnected:
      case OpKind::kConv2D:
      case OpKind::kDepthwiseConv2D: inputs = 3; break;
      case OpKind::kAdd:
      case OpKind::kMean:
      case OpKind::kPad:
      case OpKind::kTranspose:
      case OpKind::kMul:
      case OpKind::kDiv:
      case OpKind::kMinimum:
      case OpKind::kMaximum:
      case OpKind::kSignalWindow:
      case OpKind::kSignalFilterBankSquareRoot: inputs = 2; break;
      case OpKind::kSignalPcan: inputs = 3; break;
      case OpKind::kStridedSlice: inputs = 4; break;
      case OpKind::kSignalFilterBank: inputs = 6; break;
      case OpKind::kConcatenation:
        inputs = op.inputs.size();
        if (inputs > static_cast<std::size_t>(engine::kMaxNodeInputs)) {
          return Unsupported("CONCATENATION of " + std::to_string(inputs) + " tensors (the engine takes " +
                             std::to_string(engine::kMaxNodeInputs) + ")");
        }
        break;
      default: inputs = 1;
    }
    for (std::size_t i = 0; i < inputs; ++i) {
      auto r = input_of(op, i);
      if (!r.ok()) return r.status();
      node.inputs[i] = *r;
    }
    if (op.outputs.empty()) return InvalidData(op.Name() + " has no output");
    auto out = add_tensor(static_cast<std::size_t>(op.outputs[0]));
    if (!out.ok()) return out.status();
    node.output = static_cast<std::int16_t>(*out);
    if (node.op == OpKind::kSignalFftAutoScale || node.op == OpKind::kSignalSpectralSubtraction) {
      if (op.outputs.size() < 2) return InvalidData(op.Name() + " needs two outputs");
      auto second = add_tensor(static_cast<std::size_t>(op.outputs[1]));
      if (!second.ok()) return second.status();
      node.output2 = static_cast<std::int16_t>(*second);
      // The noise estimate is kept from frame to frame.
      if (node.op == OpKind::kSignalSpectralSubtraction) node.state = node.output2;
    }
    engine::NodeOptions options;
    if (Status s = ReadSignalParams(op, &options); !s.ok()) return s;
    if (node.op == OpKind::kSignalRfft) {
      const std::size_t elements = engine::RfftStateElements(options.signal.fft_length);
      if (elements == 0) {
        return Unsupported(op.Name() + ": fft_length " + std::to_string(options.signal.fft_length) +
                           " (the engine's RFFT takes powers of two)");
      }
      engine::Tensor state;
      state.type = DataType::kInt16;
      state.shape = {static_cast<std::int32_t>(elements)};
      int index = -1;
      if (graph_->AddTensor(state, false, &index) != engine::Status::kOk) return Unsupported("too many tensors");
      node.state = static_cast<std::int16_t>(index);
    }
    const tfl::OpOptions& o = op.options;
    node.activation = MapActivation(o.activation);
    node.conv.padding = MapPadding(o.padding);
    node.conv.stride_h = o.stride_h;
    node.conv.stride_w = o.stride_w;
    node.conv.dilation_h = o.dilation_h;
    node.conv.dilation_w = o.dilation_w;
    node.conv.activation = node.activation;
    node.conv.depth_multiplier = o.depth_multiplier;
    if (node.op == OpKind::kDepthwiseConv2D) {
      const engine::Tensor& x = graph_->tensor(node.inputs[0]);
      const engine::Tensor& f = graph_->tensor(node.inputs[1]);
      if (x.shape.rank == 4 && f.shape.rank == 4 && x.shape[3] > 0) {
        node.conv.depth_multiplier = f.shape[3] / x.shape[3];  // the option is unreliable in old files
      }
    }
    node.pool.padding = node.conv.padding;
    node.pool.stride_h = o.stride_h;
    node.pool.stride_w = o.stride_w;
    node.pool.filter_h = o.filter_h;
    node.pool.filter_w = o.filter_w;
    node.pool.activation = node.activation;
    node.beta = o.beta;
    options.axis = o.axis;
    options.slice.begin_mask = o.begin_mask;
    options.slice.end_mask = o.end_mask;
    options.slice.shrink_axis_mask = o.shrink_axis_mask;
    options.slice.ellipsis_mask = o.ellipsis_mask;
    options.slice.new_axis_mask = o.new_axis_mask;
    // Only the audio front end's operators carry options (a small table).
    const bool has_options = node.op == OpKind::kStridedSlice || node.op == OpKind::kConcatenation ||
                             (node.op >= OpKind::kSignalWindow && node.op <= engine::kLastOpKind);
    if (graph_->AddNode(node, has_options ? &options : nullptr) != engine::Status::kOk) {
      return Unsupported("too many operators (or operators with options)");
    }
  }
  // Dynamic-range ("hybrid") models keep float activations and int8 weights
  // (TFLite's Optimize.DEFAULT without calibration data, e.g. MLPerf Tiny's
  // kws_ref_model_float32.tflite). Their weights become float constants once,
  // scale x (q - zero point) per channel, and the float kernels run them.
  // TFLite's hybrid kernels quantize the activations on the fly instead, so
  // results differ from TFLite's by that rounding.
  for (int n = 0; n < graph_->node_count(); ++n) {
    const engine::Node& node = graph_->node(n);
    if (node.op != OpKind::kFullyConnected && node.op != OpKind::kConv2D && node.op != OpKind::kDepthwiseConv2D) {
      continue;
    }
    if (graph_->tensor(node.inputs[0]).type != DataType::kFloat32) continue;
    engine::Tensor& w = graph_->tensor(node.inputs[1]);
    if (w.type != DataType::kInt8 || !graph_->is_constant(node.inputs[1])) continue;
    if (!w.quant.quantized()) return InvalidData("a float operator's int8 weights have no scale");
    const auto count = static_cast<std::size_t>(w.Elements());
    std::span<float> values = arena_.Persistent<float>(count);
    if (values.data() == nullptr) return Internal("engine arena too small");
    const int dim = w.quant.quantized_dimension;
    std::size_t inner = 1;
    for (int d = dim + 1; d < w.shape.rank; ++d) inner *= static_cast<std::size_t>(w.shape[d]);
    const auto channels = static_cast<std::size_t>(w.shape.rank > dim ? w.shape[dim] : 1);
    const auto* q = w.Data<const std::int8_t>();
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t c = (i / inner) % channels;
      values[i] = w.quant.Scale(c) * static_cast<float>(q[i] - w.quant.ZeroPoint(c));
    }
    w.type = DataType::kFloat32;
    w.data = values.data();
    w.quant = {};
  }
  auto out = add_tensor(static_cast<std::size_t>(sg.outputs[0]));
  if (!out.ok()) return out.status();
  graph_->SetOutput(*out);
  const engine::Status planned = graph_->Plan(arena_);
  if (planned != engine::Status::kOk) return Internal(std::string("planning: ") + engine::StatusName(planned));
  return Status();
}

Status LoadedModel::SetInput(std::span<const float> values) {
  engine::Tensor& in = graph_->input();
  if (values.size() != static_cast<std::size_t>(in.Elements())) {
    return InvalidArgument("input needs " + std::to_string(in.Elements()) + " values, got " +
                           std::to_string(values.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (in.type == DataType::kFloat32) {
      in.Data<float>()[i] = values[i];
    } else if (in.type == DataType::kInt8) {
      in.Data<std::int8_t>()[i] = engine::QuantizeInt8(values[i], in.quant.Scale(), in.quant.ZeroPoint());
    } else {
      return Unsupported("input type");
    }
  }
  return Status();
}

Status LoadedModel::Invoke() {
  const engine::Status s = graph_->Invoke();
  if (s != engine::Status::kOk) return Internal(std::string("inference failed: ") + engine::StatusName(s));
  return Status();
}

std::vector<float> LoadedModel::Output() {
  engine::Tensor& out = graph_->output();
  std::vector<float> values(static_cast<std::size_t>(out.Elements()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = out.type == DataType::kFloat32
                    ? out.Data<float>()[i]
                    : engine::DequantizeInt8(out.Data<std::int8_t>()[i], out.quant.Scale(), out.quant.ZeroPoint());
  }
  return values;
}

Result<int> LoadedModel::FindCut(const std::string& layer) {
  const int nodes = graph_->node_count();
  if (layer.empty()) {
    // The producer of the last FULLY_CONNECTED / CONV_2D input: the features
    // the classifier sees.
    for (int i = nodes - 1; i >= 0; --i) {
      const engine::Node& node = graph_->node(i);
      if (node.op != OpKind::kFullyConnected && node.op != OpKind::kConv2D) continue;
      for (int j = i - 1; j >= 0; --j) {
        if (graph_->node(j).output == node.inputs[0]) return j;
      }
      break;
    }
    return NotFound("no operator feeds a final FULLY_CONNECTED or CONV_2D; name the cut layer");
  }
  char* end = nullptr;
  const long index = std::strtol(layer.c_str(), &end, 10);
  if (end != layer.c_str() && *end == '\0') {
    if (index < 0 || index >= nodes) return NotFound("no operator " + layer);
    return static_cast<int>(index);
  }
  const tfl::Subgraph& sg = model_.main();
  for (std::size_t i = 0; i < sg.operators.size(); ++i) {
    const auto& outs = sg.operators[i].outputs;
    if (!outs.empty() && outs[0] >= 0 && sg.tensors[static_cast<std::size_t>(outs[0])].name == layer) {
      return static_cast<int>(i);
    }
  }
  return NotFound("no operator output named '" + layer + "'");
}

}  // namespace tinykg::train
