#include "tinykg/model/tflm_arena.h"

#include <algorithm>

#include "tinykg/model/memory_plan.h"

namespace tinykg::model {
namespace {

using tflite::BuiltinOp;
using tflite::Operator;
using tflite::Subgraph;
using tflite::Tensor;

constexpr std::int64_t kBufferAlignment = 16;  // TFLM aligns arena buffers to 16 bytes
// Sizes are clamped here so hostile shapes cannot overflow the arithmetic
// (no real arena comes near 2^40 bytes).
constexpr std::int64_t kMaxBytes = std::int64_t{1} << 40;

std::int64_t Clamp(std::int64_t bytes) { return std::clamp<std::int64_t>(bytes, 0, kMaxBytes); }

std::int64_t AlignUp(std::int64_t value, std::int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// The tail of the arena: allocations go downwards; each one is aligned down
// to its alignment, so padding depends on what came before.
class Tail {
 public:
  // Returns the bytes this allocation consumed (size + padding).
  std::int64_t Allocate(std::int64_t size, std::int64_t alignment) {
    const std::int64_t before = used_;
    used_ = AlignUp(used_ + size, alignment);
    return used_ - before;
  }
  std::int64_t used() const { return used_; }

 private:
  std::int64_t used_ = 0;  // bytes below the (16-aligned) end of the arena
};

// Struct sizes of the TFLite Micro C API for a pointer width (the ABI rules:
// members aligned to their size, structs padded to their largest member).
struct Abi {
  explicit Abi(int pointer_bytes) : p(pointer_bytes) {}
  std::int64_t p;
  std::int64_t Pad(std::int64_t size) const { return AlignUp(size, p); }
  // SimpleMemoryAllocator: vptr, error_reporter_, buffer_head_, buffer_tail_,
  // head_, tail_.
  std::int64_t simple_allocator() const { return 6 * p; }
  // MicroAllocator: vptr, memory_allocator_, error_reporter_,
  // model_is_allocating_ (bool), scratch_buffer_handles_, scratch_buffer_count_.
  std::int64_t micro_allocator() const { return 6 * p; }
  // TfLiteTensor (full, non-TF_LITE_STATIC_MEMORY layout): type, data, dims,
  // params {float scale; int32 zero_point}, allocation_type, bytes,
  // allocation, name, delegate, buffer_handle, data_is_stale, is_variable,
  // quantization {type, params*}, sparsity, dims_signature.
  std::int64_t tensor() const {
    std::int64_t s = 4;            // type
    s = AlignUp(s, p) + p;         // data
    s += p;                        // dims
    s += 8;                        // params
    s += 4;                        // allocation_type
    s = AlignUp(s, p) + p;         // bytes (size_t)
    s += 3 * p;                    // allocation, name, delegate
    s += 4 + 1 + 1;                // buffer_handle, data_is_stale, is_variable
    s = AlignUp(s, 4) + 4;         // quantization.type
    s = AlignUp(s, p) + p;         // quantization.params
    s += 2 * p;                    // sparsity, dims_signature
    return AlignUp(s, p);
  }
  // TfLiteAffineQuantization: scale*, zero_point*, quantized_dimension.
  std::int64_t affine_quantization() const { return Pad(2 * p + 4); }
  // TfLiteIntArray of n ints.
  static std::int64_t int_array(std::int64_t n) { return 4 + 4 * n; }
  // NodeAndRegistration: TfLiteNode {inputs, outputs, intermediates,
  // temporaries, user_data, builtin_data, custom_initial_data,
  // custom_initial_data_size, delegate} + registration pointer.
  std::int64_t node_and_registration() const { return Pad(7 * p + 4) + p + p; }
  // ScratchBufferHandle {void* data; size_t bytes; int node_idx}.
  std::int64_t scratch_handle() const { return Pad(2 * p + 4); }
};

// Bytes TFLite Micro's builtin-options parser allocates for an operator
// (sizeof the TfLite*Params struct; 0 when the op has none).
std::int64_t BuiltinParamsBytes(std::int32_t code) {
  switch (static_cast<BuiltinOp>(code)) {
    case BuiltinOp::kConv2d: return 24;           // padding, stride_w/h, dilation_w/h, activation
    case BuiltinOp::kDepthwiseConv2d: return 28;  // + depth_multiplier
    case BuiltinOp::kAveragePool2d:
    case BuiltinOp::kMaxPool2d:
    case BuiltinOp::kL2Pool2d: return 40;         // 6 ints + computed TfLitePaddingValues
    case BuiltinOp::kFullyConnected: return 12;   // activation, weights_format, 2 bools
    case BuiltinOp::kSoftmax: return 4;           // beta
    case BuiltinOp::kReshape: return 36;          // shape[8], num_dimensions
    case BuiltinOp::kAdd: return 4;               // activation
    case BuiltinOp::kSub: return 4;
    case BuiltinOp::kMul: return 4;
    case BuiltinOp::kDiv: return 4;
    case BuiltinOp::kConcatenation: return 8;     // axis, activation
    case BuiltinOp::kSvdf: return 12;
    case BuiltinOp::kUnidirectionalSequenceLstm: return 16;
    case BuiltinOp::kLstm: return 20;
    case BuiltinOp::kMean:
    case BuiltinOp::kSum: return 1;               // keep_dims
    case BuiltinOp::kStridedSlice: return 20;
    case BuiltinOp::kPack:
    case BuiltinOp::kUnpack: return 8;
    case BuiltinOp::kSplit:
    case BuiltinOp::kSplitV: return 4;
    case BuiltinOp::kSqueeze: return 36;
    case BuiltinOp::kLeakyRelu: return 4;
    case BuiltinOp::kTransposeConv: return 12;
    case BuiltinOp::kBatchMatmul: return 3;
    default: break;
  }
  switch (code) {
    case 23: case 97: return 2;   // RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR: two bools
    case 36: return 8;            // GATHER: axis, batch_dims
    case 81: case 82: case 89: case 91: return 1;  // reducers
    case 5: case 26: return 4;    // DEPTH_TO_SPACE / SPACE_TO_DEPTH: block_size
    case 54: return 0;            // PRELU
    default: return 0;
  }
}

const Tensor* TensorAt(const Subgraph& g, const Operator& op, std::size_t input) {
  if (input >= op.inputs.size() || op.inputs[input] < 0) return nullptr;
  return &g.tensors[static_cast<std::size_t>(op.inputs[input])];
}

std::int64_t Dim(const Tensor* t, std::size_t axis) {
  if (t == nullptr || axis >= t->shape.size()) return 0;
  return t->shape[axis];
}

struct KernelAllocation {
  const char* what;
  std::int64_t bytes;
};

// Persistent allocations a kernel makes in Init/Prepare (through
// AllocatePersistentBuffer, 16-byte aligned), and its scratch-buffer requests.
// Sizes are sizeof the reference kernels' OpData structs for the target.
bool KernelModel(const Subgraph& g, const Operator& op, const Abi& abi,
                 std::vector<KernelAllocation>* persistent, std::vector<std::int64_t>* scratch) {
  (void)scratch;
  const std::int64_t p = abi.p;
  switch (static_cast<BuiltinOp>(op.builtin)) {
    case BuiltinOp::kConv2d: {
      // OpData {TfLitePaddingValues (4 ints), output_multiplier, output_shift,
      // per_channel_output_multiplier*, per_channel_output_shift*,
      // output_activation_min/max}; then per-channel multiplier and shift
      // arrays, one int32 per output channel (filter dim 0).
      persistent->push_back({"op data", AlignUp(16 + 8, p) + 2 * p + 8});
      const std::int64_t channels = Dim(TensorAt(g, op, 1), 0);
      persistent->push_back({"per-channel multipliers", Clamp(4 * channels)});
      persistent->push_back({"per-channel shifts", Clamp(4 * channels)});
      return true;
    }
    case BuiltinOp::kDepthwiseConv2d: {
      persistent->push_back({"op data", AlignUp(16 + 8, p) + 2 * p + 8});
      const std::int64_t channels = Dim(TensorAt(g, op, 1), 3);
      persistent->push_back({"per-channel multipliers", Clamp(4 * channels)});
      persistent->push_back({"per-channel shifts", Clamp(4 * channels)});
      return true;
    }
    case BuiltinOp::kFullyConnected:
      // OpData {output_multiplier, output_shift, output_activation_min/max,
      // input_quantized_index}.
      persistent->push_back({"op data", 20});
      return true;
    case BuiltinOp::kQuantize:
      // OpData {QuantizationParams {int32 zero_point; double scale}}. The
      // measured Move.tflite figure pins this at 16..24 bytes.
      persistent->push_back({"op data", 16});
      return true;
    default:
      break;
  }
  // Kernels of that TFLite Micro generation that keep nothing persistent:
  // they recompute their parameters in Eval (checked against the measured
  // figures for ADD, SOFTMAX, RESHAPE, pooling, LOGISTIC, RESIZE_NEAREST_NEIGHBOR).
  switch (op.builtin) {
    case 0: case 1: case 2: case 6: case 14: case 17: case 18: case 19: case 21: case 22:
    case 25: case 28: case 34: case 39: case 40: case 41: case 43: case 45: case 49: case 55:
    case 57: case 60: case 70: case 74: case 83: case 88: case 97: case 98: case 117:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<PlanBuffer> ActivationBuffers(const Subgraph& g, std::vector<int>* tensor_of,
                                          std::int64_t alignment) {
  const int tensor_count = static_cast<int>(g.tensors.size());
  const int op_count = static_cast<int>(g.operators.size());
  std::vector<int> first(g.tensors.size(), -1);
  std::vector<int> last(g.tensors.size(), -1);
  for (int t : g.inputs) first[static_cast<std::size_t>(t)] = 0;
  for (int t : g.outputs) last[static_cast<std::size_t>(t)] = op_count - 1;
  for (int i = op_count - 1; i >= 0; --i) {
    const Operator& op = g.operators[static_cast<std::size_t>(i)];
    for (int t : op.inputs) {
      if (t < 0) continue;
      int& l = last[static_cast<std::size_t>(t)];
      if (l == -1 || l < i) l = i;
    }
    for (int t : op.outputs) {
      int& f = first[static_cast<std::size_t>(t)];
      if (f == -1 || f > i) f = i;
    }
  }
  std::vector<PlanBuffer> buffers;
  for (int t = 0; t < tensor_count; ++t) {
    const Tensor& tensor = g.tensors[static_cast<std::size_t>(t)];
    if (tensor.is_constant() || tensor.is_variable) continue;
    const std::size_t i = static_cast<std::size_t>(t);
    if (first[i] == -1 && last[i] == -1) continue;  // not used by any operator
    const std::int64_t bytes = Clamp(tensor.Bytes());
    buffers.push_back({AlignUp(bytes, alignment), first[i], last[i]});
    if (tensor_of != nullptr) tensor_of->push_back(t);
  }
  return buffers;
}

ArenaEstimate EstimateTflmArena(const tflite::TfliteModel& model, const TflmTarget& target) {
  ArenaEstimate est;
  const Subgraph& g = model.main();
  const Abi abi(target.pointer_bytes);
  Tail tail;
  auto term = [&](std::string name, std::int64_t bytes) {
    if (bytes > 0) est.terms.push_back({std::move(name), bytes});
  };

  term("SimpleMemoryAllocator object", tail.Allocate(abi.simple_allocator(), abi.p));
  term("MicroAllocator object", tail.Allocate(abi.micro_allocator(), abi.p));
  const auto tensor_count = static_cast<std::int64_t>(g.tensors.size());
  term("TfLiteTensor x" + std::to_string(tensor_count), tail.Allocate(abi.tensor() * tensor_count, abi.p));
  std::int64_t quant = 0;
  for (const Tensor& t : g.tensors) {
    if (!t.quantization.quantized()) continue;
    quant += tail.Allocate(abi.affine_quantization(), abi.p);
    quant += tail.Allocate(Abi::int_array(static_cast<std::int64_t>(t.quantization.scale.size())), 4);
  }
  term("quantization structs + zero-point arrays", quant);
  const auto op_count = static_cast<std::int64_t>(g.operators.size());
  term("NodeAndRegistration x" + std::to_string(op_count),
       tail.Allocate(abi.node_and_registration() * op_count, abi.p));
  std::int64_t params = 0;
  for (const Operator& op : g.operators) {
    const std::int64_t bytes = BuiltinParamsBytes(op.builtin);
    if (bytes > 0) params += tail.Allocate(bytes, std::min<std::int64_t>(bytes, 4));
  }
  term("builtin options structs", params);

  std::vector<PlanBuffer> scratch_buffers;
  for (std::size_t i = 0; i < g.operators.size(); ++i) {
    const Operator& op = g.operators[i];
    std::vector<KernelAllocation> persistent;
    std::vector<std::int64_t> scratch;
    if (!KernelModel(g, op, abi, &persistent, &scratch)) {
      est.notes.push_back("no kernel model for " + op.Name() + " (operator " + std::to_string(i) +
                          "): only its options struct is counted");
      continue;
    }
    std::int64_t bytes = 0;
    for (const KernelAllocation& a : persistent) bytes += tail.Allocate(a.bytes, kBufferAlignment);
    for (std::int64_t s : scratch) {
      bytes += tail.Allocate(abi.scratch_handle(), abi.p);
      scratch_buffers.push_back({AlignUp(s, kBufferAlignment), static_cast<int>(i), static_cast<int>(i)});
      est.scratch_bytes += s;
    }
    term("kernel data: " + op.Name() + " #" + std::to_string(i), bytes);
  }
  std::int64_t variables = 0;
  for (const Tensor& t : g.tensors) {
    if (t.is_variable) variables += tail.Allocate(Clamp(t.Bytes()), kBufferAlignment);
  }
  term("variable tensors", variables);
  est.persistent_bytes = tail.used();

  std::vector<PlanBuffer> buffers = ActivationBuffers(g);
  est.activation_peak = PlanGreedy(buffers).size;
  buffers.insert(buffers.end(), scratch_buffers.begin(), scratch_buffers.end());
  est.plan_bytes = PlanGreedy(buffers).size;
  term("activations + scratch (greedy plan)", est.plan_bytes);
  est.arena_bytes = est.plan_bytes + est.persistent_bytes;
  return est;
}

}  // namespace tinykg::model
