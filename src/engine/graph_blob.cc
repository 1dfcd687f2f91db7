#include "tinykg/engine/graph_blob.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace tinykg::engine {
namespace {

static_assert(std::endian::native == std::endian::little, "graph blobs are little-endian");

constexpr std::uint32_t kMagic = 0x42474b54;  // "TKGB"
constexpr std::uint32_t kVersion = 2;  // 2: six inputs, second output, state, audio ops
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kTensorBytes = 48;
constexpr std::size_t kNodeBytes = 148;

// Fixed-layout records, read and written field by field with memcpy so the
// blob needs no alignment beyond its payloads'.
struct TensorRecord {
  std::uint8_t type, rank, constant, pad;
  std::int32_t dims[kMaxRank];
  std::uint32_t data_offset, scale_offset, scale_count, zero_point_offset, zero_point_count;
  std::int32_t quantized_dimension;
};
static_assert(sizeof(TensorRecord) == kTensorBytes);

struct NodeRecord {
  std::uint8_t op, activation, conv_padding, pool_padding;
  std::int16_t inputs[kMaxNodeInputs], output;
  std::int32_t conv_stride_h, conv_stride_w, dilation_h, dilation_w, depth_multiplier;
  std::uint8_t conv_activation, pool_activation, pad[2];  // pad: clamping, has options
  std::int32_t pool_stride_h, pool_stride_w, filter_h, filter_w;
  float beta;
  std::int16_t output2, state;
  std::int32_t axis;
  std::int32_t slice[5];   // begin, end, shrink_axis, ellipsis, new_axis masks
  std::int32_t signal[14]; // SignalParams in declaration order, clamping last
};
static_assert(sizeof(NodeRecord) == kNodeBytes);

void PutSignal(const SignalParams& p, std::int32_t* v) {
  const std::int32_t values[14] = {p.shift, p.fft_length, p.start_index, p.end_index, p.snr_shift,
                                   p.input_correction_bits, p.output_scale, p.smoothing, p.one_minus_smoothing,
                                   p.alternate_smoothing, p.alternate_one_minus_smoothing, p.smoothing_bits,
                                   p.spectral_subtraction_bits, p.min_signal_remaining};
  for (int i = 0; i < 14; ++i) v[i] = values[i];
}

SignalParams GetSignal(const std::int32_t* v, bool clamping) {
  SignalParams p;
  p.shift = v[0];
  p.fft_length = v[1];
  p.start_index = v[2];
  p.end_index = v[3];
  p.snr_shift = v[4];
  p.input_correction_bits = v[5];
  p.output_scale = v[6];
  p.smoothing = v[7];
  p.one_minus_smoothing = v[8];
  p.alternate_smoothing = v[9];
  p.alternate_one_minus_smoothing = v[10];
  p.smoothing_bits = v[11];
  p.spectral_subtraction_bits = v[12];
  p.min_signal_remaining = v[13];
  p.clamping = clamping;
  return p;
}

struct Header {
  std::uint32_t magic, version, tensor_count, node_count;
  std::int32_t input, output, cut;
  std::uint32_t total;
};
static_assert(sizeof(Header) == kHeaderBytes);

constexpr std::size_t AlignUp(std::size_t v) { return (v + kGraphBlobAlignment - 1) & ~(kGraphBlobAlignment - 1); }

// Writes into `out` only while it fits; `at` always advances, so a first
// pass with an empty buffer measures the blob.
class Writer {
 public:
  explicit Writer(std::span<std::byte> out) : out_(out) {}
  void Put(std::size_t offset, const void* data, std::size_t bytes) {
    if (!out_.empty() && offset + bytes <= out_.size() && bytes > 0) std::memcpy(out_.data() + offset, data, bytes);
  }
  // Reserves an aligned payload of `bytes` and copies `data` there.
  std::uint32_t Payload(const void* data, std::size_t bytes) {
    end_ = AlignUp(end_);
    const std::size_t at = end_;
    Put(at, data, bytes);
    end_ += bytes;
    return static_cast<std::uint32_t>(at);
  }
  void Reserve(std::size_t bytes) { end_ += bytes; }
  std::size_t end() const { return end_; }

 private:
  std::span<std::byte> out_;
  std::size_t end_ = 0;
};

}  // namespace

Status SerializeGraph(Graph& graph, int cut, std::span<std::byte> out, std::size_t* size) {
  if (cut < 0 || cut >= graph.node_count() || graph.input_index() < 0) return Status::kInvalidArgument;
  // Old index -> new index (-1: unused by nodes [0, cut]).
  std::int16_t remap[kMaxGraphTensors];
  for (std::int16_t& r : remap) r = -1;
  int count = 0;
  auto keep = [&](int t) {
    if (t >= 0 && remap[t] < 0) remap[t] = static_cast<std::int16_t>(count++);
  };
  keep(graph.input_index());
  for (int n = 0; n <= cut; ++n) {
    for (std::int16_t t : graph.node(n).inputs) keep(t);
    keep(graph.node(n).output);
    keep(graph.node(n).output2);
    keep(graph.node(n).state);
  }
  const int node_count = cut + 1;
  Writer w(out);
  w.Reserve(kHeaderBytes + static_cast<std::size_t>(count) * kTensorBytes +
            static_cast<std::size_t>(node_count) * kNodeBytes);
  for (int t = 0; t < graph.tensor_count(); ++t) {
    if (remap[t] < 0) continue;
    const Tensor& tensor = graph.tensor(t);
    TensorRecord r{};
    r.type = static_cast<std::uint8_t>(tensor.type);
    r.rank = static_cast<std::uint8_t>(tensor.shape.rank);
    r.constant = graph.is_constant(t) ? 1 : 0;
    for (int d = 0; d < kMaxRank; ++d) r.dims[d] = tensor.shape.dims[static_cast<std::size_t>(d)];
    if (r.constant != 0 && tensor.data != nullptr) r.data_offset = w.Payload(tensor.data, tensor.Bytes());
    if (!tensor.quant.scale.empty()) {
      r.scale_count = static_cast<std::uint32_t>(tensor.quant.scale.size());
      r.scale_offset = w.Payload(tensor.quant.scale.data(), tensor.quant.scale.size_bytes());
    }
    if (!tensor.quant.zero_point.empty()) {
      r.zero_point_count = static_cast<std::uint32_t>(tensor.quant.zero_point.size());
      r.zero_point_offset = w.Payload(tensor.quant.zero_point.data(), tensor.quant.zero_point.size_bytes());
    }
    r.quantized_dimension = tensor.quant.quantized_dimension;
    w.Put(kHeaderBytes + static_cast<std::size_t>(remap[t]) * kTensorBytes, &r, sizeof r);
  }
  const std::size_t nodes_at = kHeaderBytes + static_cast<std::size_t>(count) * kTensorBytes;
  for (int n = 0; n < node_count; ++n) {
    const Node& node = graph.node(n);
    NodeRecord r{};
    r.op = static_cast<std::uint8_t>(node.op);
    r.activation = static_cast<std::uint8_t>(node.activation);
    r.conv_padding = static_cast<std::uint8_t>(node.conv.padding);
    r.pool_padding = static_cast<std::uint8_t>(node.pool.padding);
    for (int i = 0; i < kMaxNodeInputs; ++i) {
      const std::int16_t t = node.inputs[static_cast<std::size_t>(i)];
      r.inputs[i] = t < 0 ? std::int16_t{-1} : remap[t];
    }
    r.output = remap[node.output];
    r.conv_stride_h = node.conv.stride_h;
    r.conv_stride_w = node.conv.stride_w;
    r.dilation_h = node.conv.dilation_h;
    r.dilation_w = node.conv.dilation_w;
    r.depth_multiplier = node.conv.depth_multiplier;
    r.conv_activation = static_cast<std::uint8_t>(node.conv.activation);
    r.pool_activation = static_cast<std::uint8_t>(node.pool.activation);
    r.pool_stride_h = node.pool.stride_h;
    r.pool_stride_w = node.pool.stride_w;
    r.filter_h = node.pool.filter_h;
    r.filter_w = node.pool.filter_w;
    r.beta = node.beta;
    r.output2 = node.output2 < 0 ? std::int16_t{-1} : remap[node.output2];
    r.state = node.state < 0 ? std::int16_t{-1} : remap[node.state];
    const NodeOptions& o = graph.options(node);
    r.axis = o.axis;
    r.slice[0] = o.slice.begin_mask;
    r.slice[1] = o.slice.end_mask;
    r.slice[2] = o.slice.shrink_axis_mask;
    r.slice[3] = o.slice.ellipsis_mask;
    r.slice[4] = o.slice.new_axis_mask;
    PutSignal(o.signal, r.signal);
    r.pad[0] = o.signal.clamping ? 1 : 0;
    r.pad[1] = node.options >= 0 ? 1 : 0;
    w.Put(nodes_at + static_cast<std::size_t>(n) * kNodeBytes, &r, sizeof r);
  }
  const std::size_t total = AlignUp(w.end());
  Header h{kMagic, kVersion, static_cast<std::uint32_t>(count), static_cast<std::uint32_t>(node_count),
           remap[graph.input_index()], remap[graph.node(cut).output], cut, static_cast<std::uint32_t>(total)};
  w.Put(0, &h, sizeof h);
  *size = total;
  if (!out.empty() && out.size() < total) return Status::kOutOfMemory;
  return Status::kOk;
}

Status LoadGraphBlob(std::span<const std::byte> blob, Graph& graph, int* cut) {
  if (blob.size() < kHeaderBytes || reinterpret_cast<std::uintptr_t>(blob.data()) % kGraphBlobAlignment != 0) {
    return Status::kInvalidArgument;
  }
  Header h;
  std::memcpy(&h, blob.data(), sizeof h);
  if (h.magic != kMagic || h.version != kVersion || h.total > blob.size() || h.node_count == 0 ||
      h.tensor_count > static_cast<std::uint32_t>(kMaxGraphTensors) ||
      h.node_count > static_cast<std::uint32_t>(kMaxGraphNodes) ||
      kHeaderBytes + h.tensor_count * kTensorBytes + h.node_count * kNodeBytes > h.total) {
    return Status::kInvalidArgument;
  }
  if (graph.tensor_count() != 0 || graph.node_count() != 0) return Status::kInvalidArgument;
  // A payload of `bytes` at `offset`, inside the blob and aligned.
  auto payload = [&](std::uint32_t offset, std::size_t bytes) -> const std::byte* {
    if (offset % kGraphBlobAlignment != 0 || offset < kHeaderBytes || offset > h.total || bytes > h.total - offset) {
      return nullptr;
    }
    return blob.data() + offset;
  };
  for (std::uint32_t t = 0; t < h.tensor_count; ++t) {
    TensorRecord r;
    std::memcpy(&r, blob.data() + kHeaderBytes + t * kTensorBytes, sizeof r);
    if (r.rank > kMaxRank || r.type > static_cast<std::uint8_t>(DataType::kUInt64)) return Status::kInvalidArgument;
    Tensor tensor;
    tensor.type = static_cast<DataType>(r.type);
    tensor.shape.rank = r.rank;
    for (int d = 0; d < kMaxRank; ++d) {
      if (d < r.rank && r.dims[d] < 0) return Status::kInvalidArgument;
      tensor.shape.dims[static_cast<std::size_t>(d)] = r.dims[d];
    }
    if (r.constant != 0) {
      const std::byte* data = payload(r.data_offset, tensor.Bytes());
      if (data == nullptr) return Status::kInvalidArgument;
      // Kernels only read constant tensors; Tensor::data is not const.
      tensor.data = const_cast<std::byte*>(data);
    }
    if (r.scale_count > 0) {
      const std::byte* p = payload(r.scale_offset, r.scale_count * sizeof(float));
      if (p == nullptr) return Status::kInvalidArgument;
      // payload() checked the 16-byte alignment.
      tensor.quant.scale = {static_cast<const float*>(static_cast<const void*>(p)), r.scale_count};
    }
    if (r.zero_point_count > 0) {
      const std::byte* p = payload(r.zero_point_offset, r.zero_point_count * sizeof(std::int32_t));
      if (p == nullptr) return Status::kInvalidArgument;
      tensor.quant.zero_point = {static_cast<const std::int32_t*>(static_cast<const void*>(p)), r.zero_point_count};
    }
    tensor.quant.quantized_dimension = r.quantized_dimension;
    int index = 0;
    TINYKG_ENGINE_TRY(graph.AddTensor(tensor, r.constant != 0, &index));
  }
  const std::size_t nodes_at = kHeaderBytes + h.tensor_count * kTensorBytes;
  for (std::uint32_t n = 0; n < h.node_count; ++n) {
    NodeRecord r;
    std::memcpy(&r, blob.data() + nodes_at + n * kNodeBytes, sizeof r);
    if (r.op > static_cast<std::uint8_t>(kLastOpKind)) return Status::kInvalidArgument;
    Node node;
    node.op = static_cast<OpKind>(r.op);
    node.activation = static_cast<Activation>(r.activation);
    for (int i = 0; i < kMaxNodeInputs; ++i) node.inputs[static_cast<std::size_t>(i)] = r.inputs[i];
    node.output = r.output;
    node.conv.padding = static_cast<Padding>(r.conv_padding);
    node.conv.stride_h = r.conv_stride_h;
    node.conv.stride_w = r.conv_stride_w;
    node.conv.dilation_h = r.dilation_h;
    node.conv.dilation_w = r.dilation_w;
    node.conv.depth_multiplier = r.depth_multiplier;
    node.conv.activation = static_cast<Activation>(r.conv_activation);
    node.pool.padding = static_cast<Padding>(r.pool_padding);
    node.pool.stride_h = r.pool_stride_h;
    node.pool.stride_w = r.pool_stride_w;
    node.pool.filter_h = r.filter_h;
    node.pool.filter_w = r.filter_w;
    node.pool.activation = static_cast<Activation>(r.pool_activation);
    node.beta = r.beta;
    node.output2 = r.output2;
    node.state = r.state;
    NodeOptions options;
    options.axis = r.axis;
    options.slice = {r.slice[0], r.slice[1], r.slice[2], r.slice[3], r.slice[4]};
    options.signal = GetSignal(r.signal, r.pad[0] != 0);
    TINYKG_ENGINE_TRY(graph.AddNode(node, r.pad[1] != 0 ? &options : nullptr));
  }
  if (h.input < 0 || h.output < 0 || h.input >= graph.tensor_count() || h.output >= graph.tensor_count()) {
    return Status::kInvalidArgument;
  }
  graph.SetInput(h.input);
  graph.SetOutput(h.output);
  *cut = graph.node_count() - 1;
  return Status::kOk;
}

}  // namespace tinykg::engine
