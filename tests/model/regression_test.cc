// Model files that once aborted `tinykg import model --dry-run --format json`
// (issue 15, finding 5), kept in tests/model/regressions/: each must now
// summarise (or fail with a Status) and print as valid UTF-8 JSON. Crashes
// found by the fuzz targets go in the same folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tinykg/base/utf8.h"
#include "tinykg/model/graph.h"
#include "tinykg/model/summary.h"

namespace tinykg::model {
namespace {

const std::string kRegressions = std::string(TINYKG_SOURCE_DIR) + "/tests/model/regressions";

TEST(ModelRegressions, EveryFileSummarisesOrFailsCleanly_AndPrintsValidJson) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kRegressions)) {
    ++files;
    const std::string path = entry.path().string();
    auto summary = SummarizeFile(path);
    if (!summary.ok()) {
      EXPECT_FALSE(summary.status().message().empty()) << path;
      continue;
    }
    std::string json;
    ASSERT_NO_THROW(json = SummaryToJson(*summary)) << path;
    EXPECT_TRUE(IsValidUtf8(json)) << path;
    EXPECT_FALSE(nlohmann::json::parse(json, nullptr, false).is_discarded()) << path;
    // Counts saturate, they never wrap (saturated_counts_sum.tflite: two
    // saturated counts overflowed their sum, UBSan in model_fuzz_tflite).
    EXPECT_GE(summary->macs, 0) << path;
    EXPECT_GE(summary->macs_all, 0) << path;
    EXPECT_GE(summary->params, 0) << path;
    for (const auto& layer : summary->layers) {
      EXPECT_GE(layer.macs_all, 0) << path;
      EXPECT_GE(layer.activation_bytes, 0) << path;
    }
    const rdf::GraphDocument doc = ModelToGraph(*summary, {}, path);
    for (const auto& t : doc.triples) EXPECT_TRUE(IsValidUtf8(t.object.value)) << path;
  }
  EXPECT_GE(files, 3);
}

TEST(ModelRegressions, IllFormedNamesAreRepairedNotDropped) {
  auto summary = SummarizeFile(kRegressions + "/invalid_utf8_input_name.tflite");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_FALSE(summary->inputs.empty());
  EXPECT_EQ(summary->inputs[0].name, "serving_default_dense_inpu\xEF\xBF\xBD:0");
}

TEST(ModelRegressions, SummaryToJsonNeverThrows) {
  ModelSummary s;
  s.name = "bad\xFF";
  s.notes.push_back("\xC0\xAF");
  std::string json;
  ASSERT_NO_THROW(json = SummaryToJson(s));
  EXPECT_TRUE(IsValidUtf8(json));
}

}  // namespace
}  // namespace tinykg::model
