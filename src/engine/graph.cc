#include "tinykg/engine/graph.h"

#include "tinykg/engine/quantization.h"

namespace tinykg::engine {

const char* OpKindName(OpKind op) {
  switch (op) {
    case OpKind::kFullyConnected: return "FULLY_CONNECTED";
    case OpKind::kConv2D: return "CONV_2D";
    case OpKind::kDepthwiseConv2D: return "DEPTHWISE_CONV_2D";
    case OpKind::kAveragePool2D: return "AVERAGE_POOL_2D";
    case OpKind::kMaxPool2D: return "MAX_POOL_2D";
    case OpKind::kReshape: return "RESHAPE";
    case OpKind::kSoftmax: return "SOFTMAX";
    case OpKind::kAdd: return "ADD";
    case OpKind::kMean: return "MEAN";
    case OpKind::kPad: return "PAD";
    case OpKind::kQuantize: return "QUANTIZE";
    case OpKind::kDequantize: return "DEQUANTIZE";
    case OpKind::kLogistic: return "LOGISTIC";
    case OpKind::kRelu: return "RELU";
    case OpKind::kRelu6: return "RELU6";
    case OpKind::kTranspose: return "TRANSPOSE";
    case OpKind::kCast: return "CAST";
    case OpKind::kStridedSlice: return "STRIDED_SLICE";
    case OpKind::kConcatenation: return "CONCATENATION";
    case OpKind::kMul: return "MUL";
    case OpKind::kDiv: return "DIV";
    case OpKind::kMinimum: return "MINIMUM";
    case OpKind::kMaximum: return "MAXIMUM";
    case OpKind::kSignalWindow: return "SignalWindow";
    case OpKind::kSignalFftAutoScale: return "SignalFftAutoScale";
    case OpKind::kSignalRfft: return "SignalRfft";
    case OpKind::kSignalEnergy: return "SignalEnergy";
    case OpKind::kSignalFilterBank: return "SignalFilterBank";
    case OpKind::kSignalFilterBankSquareRoot: return "SignalFilterBankSquareRoot";
    case OpKind::kSignalSpectralSubtraction: return "SignalFilterBankSpectralSubtraction";
    case OpKind::kSignalPcan: return "SignalPCAN";
    case OpKind::kSignalFilterBankLog: return "SignalFilterBankLog";
  }
  return "?";
}

Status Graph::AddTensor(const Tensor& tensor, bool constant, int* index) {
  if (tensor_count_ >= kMaxGraphTensors) return Status::kOutOfMemory;
  const auto k = static_cast<std::size_t>(tensor_count_);
  tensors_[k] = tensor;
  constant_[k] = constant;
  if (!constant) tensors_[k].data = nullptr;
  *index = tensor_count_++;
  return Status::kOk;
}

Status Graph::AddNode(const Node& node, const NodeOptions* options) {
  if (node_count_ >= kMaxGraphNodes) return Status::kOutOfMemory;
  if (options != nullptr && options_count_ >= kMaxNodeOptions) return Status::kOutOfMemory;
  if (node.output < 0 || node.output >= tensor_count_ || node.inputs[0] < 0) return Status::kInvalidArgument;
  for (std::int16_t i : node.inputs) {
    if (i >= tensor_count_) return Status::kInvalidArgument;
  }
  if (node.output2 >= tensor_count_ || node.state >= tensor_count_) return Status::kInvalidArgument;
  if (node.op > kLastOpKind) return Status::kInvalidArgument;
  Node& added = nodes_[static_cast<std::size_t>(node_count_++)];
  added = node;
  added.options = -1;
  if (options != nullptr) {
    options_[static_cast<std::size_t>(options_count_)] = *options;
    added.options = static_cast<std::int8_t>(options_count_++);
  }
  return Status::kOk;
}

const NodeOptions& Graph::options(const Node& node) const {
  return node.options < 0 ? no_options_ : options_[static_cast<std::size_t>(node.options)];
}

Status Graph::Plan(Arena& arena) {
  constexpr std::size_t kAlign = 16;
  const int n = tensor_count_;
  const auto un = static_cast<std::size_t>(n);
  // The planner's tables are arena scratch, released at the end: on a device
  // the stack is a few KiB and kMaxGraphTensors-sized arrays would overflow it.
  const std::size_t scratch_mark = arena.scratch_used();
  std::span<int> first = arena.Scratch<int>(un), last = arena.Scratch<int>(un), order = arena.Scratch<int>(un);
  std::span<std::size_t> offset = arena.Scratch<std::size_t>(un);
  std::span<std::uint8_t> placed = arena.Scratch<std::uint8_t>(un);
  if (n > 0 && (first.data() == nullptr || last.data() == nullptr || order.data() == nullptr ||
                offset.data() == nullptr || placed.data() == nullptr)) {
    arena.RewindScratch(scratch_mark);
    return Status::kOutOfMemory;
  }
  for (int t = 0; t < n; ++t) {
    first[static_cast<std::size_t>(t)] = node_count_;
    last[static_cast<std::size_t>(t)] = -1;
  }
  auto use = [&](int t, int at) {
    if (t < 0) return;
    const auto k = static_cast<std::size_t>(t);
    if (at < first[k]) first[k] = at;
    if (at > last[k]) last[k] = at;
  };
  if (input_ >= 0) use(input_, 0);
  for (int i = 0; i < node_count_; ++i) {
    const Node& node = nodes_[static_cast<std::size_t>(i)];
    for (std::int16_t t : node.inputs) use(t, i);
    use(node.output, i);
    use(node.output2, i);
    // State outlives every node, so nothing else is ever placed on it.
    use(node.state, 0);
    use(node.state, node_count_);
  }
  if (output_ >= 0) use(output_, node_count_);
  int count = 0;
  for (int t = 0; t < n; ++t) {
    if (!constant_[static_cast<std::size_t>(t)] && last[static_cast<std::size_t>(t)] >= 0) {
      order[static_cast<std::size_t>(count++)] = t;
    }
  }
  // Largest first.
  for (int i = 0; i < count; ++i) {
    for (int j = i + 1; j < count; ++j) {
      if (tensors_[static_cast<std::size_t>(order[static_cast<std::size_t>(j)])].Bytes() >
          tensors_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])].Bytes()) {
        const int tmp = order[static_cast<std::size_t>(i)];
        order[static_cast<std::size_t>(i)] = order[static_cast<std::size_t>(j)];
        order[static_cast<std::size_t>(j)] = tmp;
      }
    }
  }
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) {
    const auto t = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
    const std::size_t size = (tensors_[t].Bytes() + kAlign - 1) & ~(kAlign - 1);
    std::size_t at = 0;
    bool moved = true;
    while (moved) {
      moved = false;
      for (int j = 0; j < i; ++j) {
        const auto u = static_cast<std::size_t>(order[static_cast<std::size_t>(j)]);
        if (!placed[u] || last[u] < first[t] || last[t] < first[u]) continue;
        const std::size_t u_size = (tensors_[u].Bytes() + kAlign - 1) & ~(kAlign - 1);
        if (at < offset[u] + u_size && offset[u] < at + size) {
          at = offset[u] + u_size;
          moved = true;
        }
      }
    }
    offset[t] = at;
    placed[t] = 1;
    if (at + size > total) total = at + size;
  }
  auto* block = static_cast<std::byte*>(arena.AllocatePersistent(total == 0 ? 1 : total, kAlign));
  if (block != nullptr) {
    for (int t = 0; t < n; ++t) {
      const auto k = static_cast<std::size_t>(t);
      if (placed[k] != 0) tensors_[k].data = block + offset[k];
    }
  }
  arena.RewindScratch(scratch_mark);
  if (block == nullptr) return Status::kOutOfMemory;
  activation_bytes_ = total;
  return ResetState();
}

Status Graph::ResetState() {
  for (int i = 0; i < node_count_; ++i) {
    const Node& node = nodes_[static_cast<std::size_t>(i)];
    if (node.state < 0) continue;
    const Tensor& state = tensor(node.state);
    if (state.data == nullptr) return Status::kInvalidArgument;
    if (node.op == OpKind::kSignalRfft) {
      TINYKG_ENGINE_TRY(RfftInit(options(node).signal.fft_length, state));
    } else {
      auto* bytes = static_cast<unsigned char*>(state.data);
      for (std::size_t b = 0; b < state.Bytes(); ++b) bytes[b] = 0;
    }
  }
  return Status::kOk;
}

Status Graph::Run(const Node& node) {
  const Tensor& in = tensor(node.inputs[0]);
  const Tensor* second = node.inputs[1] >= 0 ? &tensor(node.inputs[1]) : nullptr;
  const Tensor* third = node.inputs[2] >= 0 ? &tensor(node.inputs[2]) : nullptr;
  const Tensor& out = tensor(node.output);
  // Whether the first `count` inputs are present.
  auto present = [&](int count) {
    for (int k = 0; k < count; ++k) {
      if (node.inputs[static_cast<std::size_t>(k)] < 0) return false;
    }
    return true;
  };
  auto at = [&](int k) -> const Tensor& { return tensor(node.inputs[static_cast<std::size_t>(k)]); };
  const NodeOptions& o = options(node);
  auto int32_values = [](const Tensor* t) {
    return t == nullptr || t->type != DataType::kInt32 ? std::span<const std::int32_t>{}
                                                       : t->Span<const std::int32_t>();
  };
  switch (node.op) {
    case OpKind::kFullyConnected:
      if (second == nullptr) return Status::kInvalidArgument;
      return FullyConnected({node.activation}, in, *second, third, out);
    case OpKind::kConv2D:
      if (second == nullptr) return Status::kInvalidArgument;
      return Conv2D(node.conv, in, *second, third, out);
    case OpKind::kDepthwiseConv2D:
      if (second == nullptr) return Status::kInvalidArgument;
      return DepthwiseConv2D(node.conv, in, *second, third, out);
    case OpKind::kAveragePool2D: return AveragePool2D(node.pool, in, out);
    case OpKind::kMaxPool2D: return MaxPool2D(node.pool, in, out);
    case OpKind::kReshape: return Reshape(in, out);
    case OpKind::kSoftmax: return Softmax(node.beta, in, out);
    case OpKind::kAdd:
      if (second == nullptr) return Status::kInvalidArgument;
      return Add(node.activation, in, *second, out);
    case OpKind::kMean: return Mean(int32_values(second), in, out);
    case OpKind::kPad: return Pad(int32_values(second), in, out);
    case OpKind::kQuantize: return Quantize(in, out);
    case OpKind::kDequantize: return Dequantize(in, out);
    case OpKind::kLogistic: return Logistic(in, out);
    case OpKind::kRelu: return Relu(in, out);
    case OpKind::kRelu6: return Relu6(in, out);
    case OpKind::kTranspose: return Transpose(int32_values(second), in, out);
    case OpKind::kCast: return Cast(in, out);
    case OpKind::kStridedSlice:
      if (!present(4)) return Status::kInvalidArgument;
      return StridedSlice(o.slice, in, int32_values(second), int32_values(third), int32_values(&at(3)), out);
    case OpKind::kConcatenation: {
      std::array<const Tensor*, kMaxNodeInputs> parts{};
      std::size_t n = 0;
      for (std::int16_t t : node.inputs) {
        if (t >= 0) parts[n++] = &tensor(t);
      }
      return Concatenation(o.axis, std::span<const Tensor* const>(parts.data(), n), out);
    }
    case OpKind::kMul:
    case OpKind::kDiv:
    case OpKind::kMinimum:
    case OpKind::kMaximum: {
      if (second == nullptr) return Status::kInvalidArgument;
      const BinaryOp op = node.op == OpKind::kMul   ? BinaryOp::kMul
                          : node.op == OpKind::kDiv ? BinaryOp::kDiv
                          : node.op == OpKind::kMinimum ? BinaryOp::kMinimum
                                                        : BinaryOp::kMaximum;
      return Binary(op, node.activation, in, *second, out);
    }
    case OpKind::kSignalWindow:
      if (second == nullptr) return Status::kInvalidArgument;
      return SignalWindow(o.signal, in, *second, out);
    case OpKind::kSignalFftAutoScale:
      if (node.output2 < 0) return Status::kInvalidArgument;
      return FftAutoScale(in, out, tensor(node.output2));
    case OpKind::kSignalRfft:
      if (node.state < 0) return Status::kInvalidArgument;
      return Rfft(o.signal, in, tensor(node.state), out);
    case OpKind::kSignalEnergy: return SignalEnergy(o.signal, in, out);
    case OpKind::kSignalFilterBank:
      if (!present(6)) return Status::kInvalidArgument;
      return FilterBank(in, at(1), at(2), at(3), at(4), at(5), out);
    case OpKind::kSignalFilterBankSquareRoot:
      if (second == nullptr) return Status::kInvalidArgument;
      return FilterBankSquareRoot(in, *second, out);
    case OpKind::kSignalSpectralSubtraction:
      if (node.output2 < 0) return Status::kInvalidArgument;
      return SpectralSubtraction(o.signal, in, out, tensor(node.output2));
    case OpKind::kSignalPcan:
      if (!present(3)) return Status::kInvalidArgument;
      return Pcan(o.signal, in, at(1), at(2), out);
    case OpKind::kSignalFilterBankLog: return FilterBankLog(o.signal, in, out);
  }
  return Status::kUnsupported;
}

Status Graph::Invoke(int first, int end) {
  if (end < 0 || end > node_count_) end = node_count_;
  for (int i = first; i < end; ++i) TINYKG_ENGINE_TRY(Run(nodes_[static_cast<std::size_t>(i)]));
  return Status::kOk;
}

std::size_t Graph::constant_bytes() const {
  std::size_t total = 0;
  for (int t = 0; t < tensor_count_; ++t) {
    if (constant_[static_cast<std::size_t>(t)]) total += tensors_[static_cast<std::size_t>(t)].Bytes();
  }
  return total;
}

std::size_t GraphBackbone::input_size() const {
  return static_cast<std::size_t>(graph_.input().Elements());
}

std::size_t GraphBackbone::feature_count() const {
  return static_cast<std::size_t>(graph_.tensor(graph_.node(cut_).output).Elements());
}

Status GraphBackbone::Extract(std::span<const float> sample, std::span<float> features) {
  Tensor& in = graph_.input();
  const auto n = static_cast<std::size_t>(in.Elements());
  if (sample.size() != n || features.size() != feature_count()) return Status::kBadShape;
  if (in.type == DataType::kFloat32) {
    for (std::size_t i = 0; i < n; ++i) in.Data<float>()[i] = sample[i];
  } else if (in.type == DataType::kInt8 && in.quant.quantized()) {
    for (std::size_t i = 0; i < n; ++i) {
      in.Data<std::int8_t>()[i] = QuantizeInt8(sample[i], in.quant.Scale(), in.quant.ZeroPoint());
    }
  } else if (in.type == DataType::kInt16 && !in.quant.quantized()) {
    // Raw int16 samples (audio front ends): rounded and saturated.
    for (std::size_t i = 0; i < n; ++i) {
      const float v = sample[i] < -32768.0f ? -32768.0f : (sample[i] > 32767.0f ? 32767.0f : sample[i]);
      in.Data<std::int16_t>()[i] = static_cast<std::int16_t>(v < 0 ? v - 0.5f : v + 0.5f);
    }
  } else {
    return Status::kBadType;
  }
  TINYKG_ENGINE_TRY(graph_.Invoke(0, cut_ + 1));
  const Tensor& out = graph_.tensor(graph_.node(cut_).output);
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (out.type == DataType::kFloat32) {
      features[i] = out.Data<const float>()[i];
    } else if (out.type == DataType::kInt8 && out.quant.quantized()) {
      features[i] = DequantizeInt8(out.Data<const std::int8_t>()[i], out.quant.Scale(), out.quant.ZeroPoint());
    } else if (out.type == DataType::kInt8) {
      features[i] = out.Data<const std::int8_t>()[i];  // unquantized: the values themselves
    } else if (out.type == DataType::kInt16) {
      features[i] = out.Data<const std::int16_t>()[i];
    } else if (out.type == DataType::kInt32) {
      features[i] = static_cast<float>(out.Data<const std::int32_t>()[i]);
    } else {
      return Status::kBadType;
    }
  }
  return Status::kOk;
}

MemoryReport GraphBackbone::memory() const {
  MemoryReport m;
  m.scratch = graph_.activation_bytes();
  return m;
}

}  // namespace tinykg::engine
