// libFuzzer target for the ONNX reader (protobuf parse, MACs, arena plan) and
// the JSON/RDF written from its summary. Shapes are the declared ones
// (OnnxShapes::kDeclaredOnly): libonnx's inference runs in a child process
// in tinykg, a fork per input would cut the rate a hundredfold (22/s
// measured), and what inference answers a mutated file can declare itself.
//   mkdir -p corpus-onnx && cp ../shared/data/models/onnx/*.onnx corpus-onnx/
//   build-fuzz/tests/model/model_fuzz_onnx corpus-onnx -max_len=65536 -timeout=10
#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/model/graph.h"
#include "tinykg/model/onnx.h"
#include "tinykg/model/summary.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto summary = tinykg::model::SummarizeOnnx(bytes, "fuzz", "fuzz.onnx", tinykg::model::OnnxShapes::kDeclaredOnly);
  if (!summary.ok()) return 0;
  (void)tinykg::model::SummaryToJson(*summary);
  (void)tinykg::model::ModelToGraph(*summary, {}, "fuzz.onnx");
  return 0;
}
