// ONNX models (.onnx, a protobuf ModelProto) summarised like TFLite ones.
//
// Parsed with Debian's libonnx (onnx/onnx_pb.h, protobuf). Operators are
// mapped to TFLite builtin names where one exists (Conv -> CONV_2D, or
// DEPTHWISE_CONV_2D when group == channels; Gemm/MatMul with a constant
// weight -> FULLY_CONNECTED; Relu -> RELU, ...), otherwise "ONNX:<OpType>".
// Missing intermediate shapes are inferred with ONNX's shape inference;
// MACs follow the same rules as for TFLite. The arena figure is the greedy
// plan of the activations (execution order = node order, which ONNX requires
// to be topological) plus the per-tensor and per-node overheads TFLite Micro
// would add for the equivalent graph.
#ifndef TINYKG_MODEL_ONNX_H_
#define TINYKG_MODEL_ONNX_H_

#include <cstdint>
#include <span>
#include <string>

#include "tinykg/base/status.h"
#include "tinykg/model/summary.h"

namespace tinykg::model {

// Where missing shapes come from. libonnx's inference runs in a child
// process (it crashes on some hostile models, see onnx.cc); kDeclaredOnly
// takes the shapes the file declares. The fuzz target uses kDeclaredOnly:
// whatever inference answers (value_info and output types), a file can
// declare itself, so it reaches the same summary code at in-process speed.
enum class OnnxShapes { kInferred, kDeclaredOnly };

// kParseError for bytes that are not a ModelProto, kInvalidData for a graph
// that references undefined values, kUnsupported when tinykg was built
// without ONNX support.
Result<ModelSummary> SummarizeOnnx(std::span<const std::uint8_t> bytes, const std::string& name,
                                   const std::string& source, OnnxShapes shapes = OnnxShapes::kInferred);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_ONNX_H_
