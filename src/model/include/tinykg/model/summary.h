// ModelSummary: what tinykg records about a neural-network model file:
// layers, MACs, parameters, flash need and RAM need (TFLite Micro arena).
//
// Counting rules (documented here because scripts depend on them):
//   macs      multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D and
//             FULLY_CONNECTED only, as the published SeLoC-ML graph counts them
//             (conv: out_h*out_w*out_c*k_h*k_w*in_c per batch; depthwise:
//             out_h*out_w*out_c*k_h*k_w; fully connected: batch*units*in).
//   macs_all  macs + the other arithmetic: TRANSPOSE_CONV, BATCH_MATMUL,
//             SVDF and LSTM MACs; one op per output element for elementwise
//             arithmetic and activations; k_h*k_w per output for pooling; one
//             per input element for reductions and softmax.
//   params    elements of constant tensors that operators read as data
//             (weights, biases, constant operands), not index/shape operands.
//   arena_bytes            TFLite Micro arena estimate (tflm_arena.h), bytes.
//   activation_peak_bytes  greedy plan of activation tensors only (no
//                          runtime overhead), 16-byte aligned buffers.
//   model_flash_bytes      the model file as it is flashed (file size).
//   runtime_code_bytes     TFLite Micro framework + one kernel per distinct
//                          operator (table in summary.cc).
//   flash_bytes            model_flash_bytes + runtime_code_bytes.
//   ram_need_bytes         arena_bytes + runtime RAM outside the arena
//                          (interpreter, resolver, stack; kRuntimeRamBytes).
// For ONNX files the same fields are filled from the ONNX graph; the arena
// is then the greedy activation plan plus the same per-tensor/per-node
// overheads TFLite Micro would add for an equivalent graph.
#ifndef TINYKG_MODEL_SUMMARY_H_
#define TINYKG_MODEL_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/model/tflite.h"

namespace tinykg::model {

// RAM the runtime needs besides the arena (MicroInterpreter and op-resolver
// objects, error reporter, call stack of the deepest kernel): an estimate.
inline constexpr std::int64_t kRuntimeRamBytes = 2048;

struct TensorSummary {
  std::string name;
  std::vector<std::int64_t> shape;  // -1 for an unknown dimension
  std::string dtype;                // "INT8", "FLOAT32", ...
  std::optional<double> scale;      // first scale when quantized
  std::optional<std::int64_t> zero_point;
  std::string ShapeString() const;  // "1x96x96x1" ("" for a scalar)
};

struct LayerSummary {
  int index = 0;
  std::string op;          // "CONV_2D", "CUSTOM:SignalFft", ONNX "Conv" mapped to "CONV_2D"...
  std::string activation;  // fused activation ("NONE", "RELU", ...)
  std::vector<std::vector<std::int64_t>> input_shapes;   // data inputs (not weights)
  std::vector<std::vector<std::int64_t>> output_shapes;
  std::int64_t macs = 0;      // per the macs rule (0 for other ops)
  std::int64_t macs_all = 0;  // per the macs_all rule
  std::int64_t params = 0;
  // Flash the layer's constant data operands take as stored (weights,
  // biases; index/shape operands excluded), bytes.
  std::int64_t weight_bytes = 0;
  // RAM the layer's data tensors take while it runs: its non-constant
  // inputs plus its outputs, unaligned bytes (the arena holds at least this
  // much at that step; the arena plan adds what other layers keep alive).
  std::int64_t activation_bytes = 0;
};

struct ModelSummary {
  std::string name;         // file stem unless metadata overrides it
  std::string format;       // "tflite" or "onnx"
  std::string sha256;       // of the file bytes, lowercase hex
  std::int64_t file_bytes = 0;
  std::int64_t params = 0;
  std::int64_t macs = 0;
  std::int64_t macs_all = 0;
  std::int64_t arena_bytes = 0;
  std::int64_t activation_peak_bytes = 0;
  std::int64_t model_flash_bytes = 0;
  std::int64_t runtime_code_bytes = 0;
  std::int64_t flash_bytes = 0;
  std::int64_t ram_need_bytes = 0;
  std::string quantization;  // dtype of the first input's consumers' weights: "INT8", "FLOAT32", ...
  int subgraphs = 1;
  std::vector<std::string> ops;  // distinct operator names, in order of first use
  std::vector<TensorSummary> inputs;
  std::vector<TensorSummary> outputs;
  std::vector<LayerSummary> layers;  // subgraph 0, execution order
  std::vector<std::string> notes;    // estimate caveats (unmodelled kernels...)
};

// Summarises a parsed TFLite model. `bytes` are the file's bytes (hash and
// size); `name` becomes ModelSummary::name.
ModelSummary SummarizeTflite(const tflite::TfliteModel& model, std::span<const std::uint8_t> bytes,
                             const std::string& name);

// Replaces ill-formed UTF-8 in every text field of `summary` (names come
// from the model file and may hold any bytes) with U+FFFD, so the summary
// can be written as JSON and RDF. SummarizeFile and SummarizeOnnx apply it.
void RepairText(ModelSummary& summary);

// Reads `path` and summarises it as TFLite (identifier "TFL3") or ONNX (by
// the .onnx extension). kParseError/kInvalidData for corrupt files,
// kUnsupported for other formats, kIoError when unreadable.
Result<ModelSummary> SummarizeFile(const std::string& path);

// Estimated TFLite Micro kernel code bytes for one operator (Cortex-M, -Os).
std::int64_t KernelCodeBytes(const std::string& op_name);
// TFLite Micro framework code without kernels (bytes).
inline constexpr std::int64_t kTflmFrameworkCodeBytes = 9732;

// Lowercase hex SHA-256 (FIPS 180-4) of `data`.
std::string Sha256Hex(std::span<const std::uint8_t> data);

// The summary as one JSON object (keys as in ModelSummary, snake_case).
std::string SummaryToJson(const ModelSummary& summary, int indent = 2);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_SUMMARY_H_
