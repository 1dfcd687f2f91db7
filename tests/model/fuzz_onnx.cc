// libFuzzer target for the ONNX reader (protobuf parse, ONNX shape
// inference in its child process, MACs, arena plan) and the JSON/RDF written
// from its summary. A crash inside libonnx ends only that child (a note in
// the summary); a crash in tinykg's own code is still a finding.
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
  auto summary = tinykg::model::SummarizeOnnx(bytes, "fuzz", "fuzz.onnx");
  if (!summary.ok()) return 0;
  (void)tinykg::model::SummaryToJson(*summary);
  (void)tinykg::model::ModelToGraph(*summary, {}, "fuzz.onnx");
  return 0;
}
