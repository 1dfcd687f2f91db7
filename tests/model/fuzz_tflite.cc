// libFuzzer target for the TFLite reader and everything computed from a
// parsed model (MACs, arena replay, RDF, the JSON summary). See the README's
// "Fuzzing" section for the build; run:
//   mkdir -p corpus && cp ../shared/data/seloc-ml/models/*.tflite \
//     ../shared/data/models/tflite/*.tflite corpus/
//   build-fuzz/tests/model/model_fuzz_tflite corpus -max_len=65536 -timeout=10
#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/model/graph.h"
#include "tinykg/model/summary.h"
#include "tinykg/model/tflite.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto model = tinykg::model::tflite::ParseTflite(bytes, "fuzz");
  if (!model.ok()) return 0;
  tinykg::model::ModelSummary summary = tinykg::model::SummarizeTflite(*model, bytes, "fuzz");
  (void)tinykg::model::SummaryToJson(summary);
  tinykg::model::RepairText(summary);
  (void)tinykg::model::ModelToGraph(summary, {}, "fuzz");
  return 0;
}
