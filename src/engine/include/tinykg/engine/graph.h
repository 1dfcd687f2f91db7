// An inference graph: tensors plus nodes in execution order, run by the
// kernels of kernels.h. A host loader (src/train/model_loader) fills it from
// an imported model; on a device it can be filled by generated code.
//
// Capacities are compile-time constants; the Graph object itself is plain
// data (a few KB) and holds no heap memory. Constant tensors point at memory
// the caller keeps alive (model buffer or arena); Plan() places every other
// tensor in ONE block from the arena's persistent end, reusing bytes between
// tensors whose lifetimes do not overlap (greedy by size, first fit).
#ifndef TINYKG_ENGINE_GRAPH_H_
#define TINYKG_ENGINE_GRAPH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/kernels.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/signal.h"
#include "tinykg/engine/status.h"
#include "tinykg/engine/tensor.h"

namespace tinykg::engine {

inline constexpr int kMaxGraphTensors = 320;
inline constexpr int kMaxGraphNodes = 160;
inline constexpr int kMaxNodeInputs = 6;  // FILTER_BANK has six

enum class OpKind : std::uint8_t {
  kFullyConnected, kConv2D, kDepthwiseConv2D, kAveragePool2D, kMaxPool2D, kReshape, kSoftmax,
  kAdd, kMean, kPad, kQuantize, kDequantize, kLogistic, kRelu, kRelu6, kTranspose,
  // Plain integer ops around the audio front end.
  kCast, kStridedSlice, kConcatenation, kMul, kDiv, kMinimum, kMaximum,
  // TFLite Micro Signal library (signal.h).
  kSignalWindow, kSignalFftAutoScale, kSignalRfft, kSignalEnergy, kSignalFilterBank,
  kSignalFilterBankSquareRoot, kSignalSpectralSubtraction, kSignalPcan, kSignalFilterBankLog,
};
inline constexpr OpKind kLastOpKind = OpKind::kSignalFilterBankLog;

// A static name such as "CONV_2D".
const char* OpKindName(OpKind op);

// Options only a few nodes carry (the audio front end's), kept in a small
// table of the Graph so that every Node stays small: on a device the node
// table is kMaxGraphNodes entries of RAM.
struct NodeOptions {
  std::int32_t axis = 0;      // CONCATENATION
  StridedSliceParams slice;   // STRIDED_SLICE
  SignalParams signal;        // Signal ops
};
inline constexpr int kMaxNodeOptions = 16;  // micro_speech's preprocessor uses 11

struct Node {
  OpKind op = OpKind::kReshape;
  // Tensor indices; -1 = absent (e.g. no bias). CONV/DEPTHWISE/FC: input,
  // filter, bias. ADD: a, b. MEAN: input, axes (int32). PAD: input, paddings
  // (int32 [rank, 2]). TRANSPOSE: input, perm (int32). STRIDED_SLICE: input,
  // begin, end, strides (int32). CONCATENATION: the parts. MUL, DIV,
  // MINIMUM, MAXIMUM: a, b. Signal ops: their TFLite Micro inputs in order.
  // Others: input.
  std::array<std::int16_t, kMaxNodeInputs> inputs{-1, -1, -1, -1, -1, -1};
  std::int16_t output = -1;
  // A second output: FFT_AUTO_SCALE's scale bits, SPECTRAL_SUBTRACTION's
  // noise estimate; -1 = none.
  std::int16_t output2 = -1;
  // A tensor that lives across Invoke() calls (never shares bytes with
  // another): RFFT's tables and work area, SPECTRAL_SUBTRACTION's noise
  // estimate (its output2). Graph::ResetState() initialises it; -1 = none.
  std::int16_t state = -1;
  // Index of this node's NodeOptions in the graph (AddNode), -1 = none.
  std::int8_t options = -1;
  ConvParams conv;   // CONV_2D, DEPTHWISE_CONV_2D
  PoolParams pool;   // pools
  Activation activation = Activation::kNone;  // FULLY_CONNECTED, ADD
  float beta = 1.0f;  // SOFTMAX
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Adds a tensor; `constant` tensors keep their data pointer, others get
  // one from Plan(). kOutOfMemory past kMaxGraphTensors.
  Status AddTensor(const Tensor& tensor, bool constant, int* index);
  // Adds a node after the existing ones, with its options when it has any
  // (copied into the graph's table; node.options is set from it).
  // kInvalidArgument for bad indices, kOutOfMemory past kMaxGraphNodes or
  // kMaxNodeOptions.
  Status AddNode(const Node& node, const NodeOptions* options = nullptr);
  void SetInput(int tensor) { input_ = tensor; }
  void SetOutput(int tensor) { output_ = tensor; }

  // Places the non-constant tensors in the arena (state tensors for the
  // whole run) and initialises the state (ResetState). Call once, after the
  // last AddNode.
  Status Plan(Arena& arena);

  // Puts every node's state back to its start: RFFT tables recomputed,
  // noise estimates zeroed. Call before a new audio clip.
  Status ResetState();

  // Runs nodes [first, end) (end < 0: to the last node). Returns the first
  // kernel error.
  Status Invoke(int first = 0, int end = -1);

  int tensor_count() const { return tensor_count_; }
  int node_count() const { return node_count_; }
  Tensor& tensor(int i) { return tensors_[static_cast<std::size_t>(i)]; }
  // Whether tensor i was added as constant (data kept, not planned).
  bool is_constant(int i) const { return constant_[static_cast<std::size_t>(i)]; }
  int input_index() const { return input_; }
  int output_index() const { return output_; }
  const Node& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  // The node's options (defaults when it has none).
  const NodeOptions& options(const Node& node) const;
  Tensor& input() { return tensor(input_); }
  Tensor& output() { return tensor(output_); }
  // Bytes of the planned activation block.
  std::size_t activation_bytes() const { return activation_bytes_; }
  // Bytes of constant tensors (weights, biases) the graph references.
  std::size_t constant_bytes() const;

 private:
  Status Run(const Node& node);

  std::array<Tensor, kMaxGraphTensors> tensors_{};
  std::array<bool, kMaxGraphTensors> constant_{};
  std::array<Node, kMaxGraphNodes> nodes_{};
  std::array<NodeOptions, kMaxNodeOptions> options_{};
  NodeOptions no_options_{};
  int options_count_ = 0;
  int tensor_count_ = 0;
  int node_count_ = 0;
  int input_ = -1;
  int output_ = -1;
  std::size_t activation_bytes_ = 0;
};

// A frozen backbone made of a graph's first nodes: the sample is quantized
// into the graph input (copied when it is float, rounded when it is raw
// int16 audio), nodes [0, cut] run, and the cut node's output is
// dequantized into features (unquantized integer outputs as they are).
class GraphBackbone final : public Backbone {
 public:
  // `graph` is borrowed and must be planned. `cut` is a node index.
  GraphBackbone(Graph& graph, int cut) : graph_(graph), cut_(cut) {}

  std::size_t input_size() const override;
  std::size_t feature_count() const override;
  Status Extract(std::span<const float> sample, std::span<float> features) override;
  // frozen_weights stays 0: constants are read in place (flash on a device);
  // scratch is the planned activation block.
  MemoryReport memory() const override;

 private:
  Graph& graph_;
  int cut_;
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_GRAPH_H_
