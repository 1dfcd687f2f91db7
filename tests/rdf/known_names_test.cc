// The one table of task / sensor / runtime names agrees with the vocabulary
// (ontology/tinykg.ttl), and resolves aliases, labels and misspellings.
#include "tinykg/rdf/known_names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tinykg/base/file.h"
#include "tinykg/rdf/syntax.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf {
namespace {

std::set<std::string> Declared(const std::string& type, const std::string& super = "") {
  auto text = ReadFile(std::string(TINYKG_SOURCE_DIR) + "/ontology/tinykg.ttl");
  EXPECT_TRUE(text.ok());
  auto triples = ParseRdf(*text, Syntax::kTurtle, "", "tinykg.ttl");
  EXPECT_TRUE(triples.ok()) << triples.status().ToString();
  std::set<std::string> out;
  for (const Triple& t : *triples) {
    if (!super.empty()) {
      if (t.predicate.value == std::string(vocab::kRdfs) + "subClassOf" && t.object.value == super) {
        out.insert(t.subject.value);
      }
    } else if (t.predicate.value == std::string(vocab::kRdf) + "type" && t.object.value == type) {
      out.insert(t.subject.value);
    }
  }
  return out;
}

std::set<std::string> Known(NameKind kind) {
  auto iris = KnownNameIris(kind);
  return {iris.begin(), iris.end()};
}

TEST(KnownNames, TableAgreesWithTheVocabulary) {
  EXPECT_EQ(Known(NameKind::kTask), Declared(std::string(vocab::kTkg) + "Task"));
  EXPECT_EQ(Known(NameKind::kRuntime), Declared(std::string(vocab::kTkg) + "Runtime"));
  std::set<std::string> sensors;
  for (const auto& iri : Declared("", std::string(vocab::kSosa) + "Sensor")) {
    if (iri.rfind(vocab::kSosaExtend, 0) == 0) sensors.insert(iri);
  }
  EXPECT_EQ(Known(NameKind::kSensor), sensors);
}

TEST(KnownNames, ResolvesNamesLabelsPrefixedNamesAndAliases) {
  const std::string kws = std::string(vocab::kTkg) + "KeywordSpotting";
  for (const char* text : {"KeywordSpotting", "keyword-spotting", "keyword spotting", "tkg:KeywordSpotting", "kws",
                           "KWS"}) {
    auto r = ResolveName(NameKind::kTask, text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    EXPECT_EQ(*r, kws) << text;
  }
  EXPECT_EQ(*ResolveName(NameKind::kSensor, "mic"), std::string(vocab::kSosaExtend) + "Microphone");
  EXPECT_EQ(*ResolveName(NameKind::kSensor, "sosa_extend::Accelerometer"),
            std::string(vocab::kSosaExtend) + "Accelerometer");
  EXPECT_EQ(*ResolveName(NameKind::kRuntime, "cmsis-nn"), std::string(vocab::kTkg) + "TFLiteMicroCmsisNn");
  // A full IRI is the user's own vocabulary; the legacy namespace is normalised.
  EXPECT_EQ(*ResolveName(NameKind::kTask, "http://example.org/MyTask"), "http://example.org/MyTask");
  EXPECT_EQ(*ResolveName(NameKind::kSensor, "http://tinyml-schema.org/sosa_extend/Camera"),
            std::string(vocab::kSosaExtend) + "Camera");
}

TEST(KnownNames, UnknownNameIsAnErrorWithDidYouMean) {
  auto r = ResolveName(NameKind::kTask, "KeywordSpoting");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().ToString().find("did you mean KeywordSpotting?"), std::string::npos) << r.status().ToString();
  auto far = ResolveName(NameKind::kRuntime, "pytorch");
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.status().ToString().find("did you mean"), std::string::npos) << far.status().ToString();
  EXPECT_NE(far.status().ToString().find("TFLiteMicro"), std::string::npos);
  // Files (a model's sidecar) keep what they say.
  EXPECT_EQ(NameIriLenient(NameKind::kTask, "wake word"), std::string(vocab::kTkg) + "WakeWord");
}

}  // namespace
}  // namespace tinykg::rdf
