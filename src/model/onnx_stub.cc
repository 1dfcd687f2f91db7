#include "tinykg/model/onnx.h"

namespace tinykg::model {

Result<ModelSummary> SummarizeOnnx(std::span<const std::uint8_t>, const std::string&,
                                   const std::string& source, OnnxShapes) {
  return Unsupported("tinykg was built without ONNX support (install libonnx-dev)",
                     SourceLocation(source));
}

}  // namespace tinykg::model
