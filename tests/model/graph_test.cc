#include "tinykg/model/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "tinykg/rdf/vocab.h"

namespace tinykg::model {
namespace {

const std::string kSeloc = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/";

bool Has(const rdf::GraphDocument& doc, const std::string& subject, const std::string& predicate,
         const std::string& object) {
  return std::any_of(doc.triples.begin(), doc.triples.end(), [&](const rdf::Triple& t) {
    return t.subject.value == subject && t.predicate.value == predicate && t.object.value == object;
  });
}

TEST(ModelGraph, DescribesPersonDetectionWithPublishedTerms) {
  auto summary = SummarizeFile(kSeloc + "models/Person_Detection.tflite");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  auto csv = ReadMetadataCsv(kSeloc + "models_metadata.csv");
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  ASSERT_EQ(csv->size(), 23u);
  const ModelMetadata& meta = csv->at("Person_Detection.tflite");
  const rdf::GraphDocument doc = ModelToGraph(*summary, meta, "Person_Detection.tflite");
  const std::string nnet = vocab::kNnet;
  const std::string tkg = vocab::kTkg;
  const std::string m = doc.iri;
  EXPECT_EQ(doc.kind, "model");
  EXPECT_EQ(m.rfind("https://w3id.org/tinykg/id/model/", 0), 0u);
  EXPECT_TRUE(Has(doc, m, std::string(vocab::kRdf) + "type", nnet + "NeuralNetwork"));
  EXPECT_TRUE(Has(doc, m, nnet + "hasMultiplyAccumulateOps", "7158144"));
  EXPECT_TRUE(Has(doc, m, tkg + "arenaBytes", "94128"));
  EXPECT_TRUE(Has(doc, m, tkg + "task", tkg + "PersonDetection"));
  EXPECT_TRUE(Has(doc, m, tkg + "inputSensor", std::string(vocab::kSosaExtend) + "Camera"));
  EXPECT_TRUE(Has(doc, m, tkg + "usesOperator", "https://w3id.org/tinykg/op/CONV_2D"));
  EXPECT_TRUE(Has(doc, m, nnet + "hasCategory", nnet + "Classification"));
  EXPECT_TRUE(Has(doc, m + "/layer/0", nnet + "hasType", nnet + "DepthwiseConv2D"));
  EXPECT_TRUE(Has(doc, m + "/input/0", tkg + "shape", "1x96x96x1"));
  EXPECT_TRUE(Has(doc, m, tkg + "inputDtype", nnet + "Uint8"));
}

// A sidecar's text is checked like every JSON tinykg reads: before, bad
// UTF-8 in "task" reached the store and a NUL byte ended the text early.
TEST(ModelGraph, SidecarWithBadBytes_IsRefusedNamingTheFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "sidecar-bad-bytes";
  fs::create_directories(dir);
  const std::string model = (dir / "m.tflite").string();
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"{\"task\": \"keyword \xFF spotting\"}", "invalid UTF-8 at byte 18"},
      {std::string("{\"task\": \"kws\"}") + '\0' + "{\"task\": 1", "a NUL byte at byte 15"},
  };
  for (const auto& c : cases) {
    std::ofstream(model + ".json", std::ios::binary) << c.text;
    auto read = ReadSidecar(model);
    ASSERT_FALSE(read.ok()) << c.message;
    EXPECT_EQ(read.status().code(), StatusCode::kParseError);
    EXPECT_EQ(read.status().message(), c.message);
    EXPECT_EQ(read.status().where().file, model + ".json");
  }
}

TEST(ModelGraph, IdenticalFilesWithDifferentNamesGetDifferentGraphs) {
  auto a = SummarizeFile(kSeloc + "models/Micro_Speech_Forward_Backward.tflite");
  auto b = SummarizeFile(kSeloc + "models/Micro_Speech_Yes_No_3.tflite");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->sha256, b->sha256);  // byte-identical in the published data
  EXPECT_NE(ModelToGraph(*a, {}, "a").iri, ModelToGraph(*b, {}, "b").iri);
  EXPECT_EQ(ModelToGraph(*a, {}, "a").iri, ModelToGraph(*a, {}, "again").iri);
}

TEST(ModelGraph, CsvMetadataCarriesAccuracyAsFractionAndInfersTasks) {
  auto csv = ReadMetadataCsv(kSeloc + "models_metadata.csv");
  ASSERT_TRUE(csv.ok());
  const ModelMetadata& kws = csv->at("ARM_DS_CNN_Small_.tflite");
  ASSERT_EQ(kws.metrics.size(), 1u);
  EXPECT_NEAR(kws.metrics[0].second, 0.935, 1e-9);
  EXPECT_EQ(kws.task.value_or(""), "KeywordSpotting");
  int with_task = 0;
  for (const auto& [file, meta] : *csv) with_task += meta.task.has_value();
  EXPECT_EQ(with_task, 23);
  EXPECT_EQ(csv->at("Magic_Wand_2.tflite").sensors, (std::vector<std::string>{"Accelerometer", "Gyroscope"}));
}

TEST(ModelGraph, FlagsOverrideEarlierMetadata) {
  ModelMetadata base;
  base.task = "KeywordSpotting";
  base.metrics = {{"accuracy", 0.5}};
  ModelMetadata flags;
  flags.task = "gesture-recognition";
  flags.metrics = {{"accuracy", 0.92}};
  base.MergeFrom(flags);
  EXPECT_EQ(TaskIri(*base.task), std::string(vocab::kTkg) + "GestureRecognition");
  ASSERT_EQ(base.metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(base.metrics[0].second, 0.92);
  EXPECT_EQ(SensorIri("sosa_extend:Microphone"), std::string(vocab::kSosaExtend) + "Microphone");
}

}  // namespace
}  // namespace tinykg::model
