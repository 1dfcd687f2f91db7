// Measured figures in matchmaking's latency: emulator kernel records
// calibrate a core's float cycles per MAC, a pair's measured instructions per
// inference give its latency, and the constraint says which was used.
#include <gtest/gtest.h>

#include "shipped_graph.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::match {
namespace {

using testing::ShippedStore;

constexpr char kMappingDance[] = "https://w3id.org/tinykg/id/model/a50bedcaf0d1c117-mapping-dance";  // float32, 36,495 MACs
constexpr char kSyntiant[] =
    "https://w3id.org/tinyml-schema/neural-network-schema/tinyml-demo/syntiant_tinyml-322-000-000-004";  // M0+, 48 MHz
constexpr char kGraph[] = "urn:test:measured";

// Puts `turtle` (tkg: and dcterms: prefixes declared) as one named graph.
void PutRecords(const std::string& turtle) {
  const std::string text = "@prefix tkg: <https://w3id.org/tinykg/ontology#> .\n"
                           "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
                           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle;
  auto triples = rdf::ParseRdf(text, rdf::Syntax::kTurtle, kGraph, "test");
  ASSERT_TRUE(triples.ok()) << triples.status().ToString();
  rdf::GraphDocument doc;
  doc.iri = kGraph;
  doc.kind = rdf::kKindBenchmark;
  doc.triples = std::move(triples).value();
  ASSERT_TRUE(ShippedStore().Put(doc).ok());
}

Constraint Latency(const Entity& model, const Entity& device, std::optional<double> bound = std::nullopt) {
  Matchmaker mm(ShippedStore());  // a new Matchmaker reads the graph afresh
  auto fit = mm.Explain(model, device, bound);
  EXPECT_TRUE(fit.ok()) << fit.status().ToString();
  for (const Constraint& c : fit->constraints) {
    if (c.name == "latency") return c;
  }
  ADD_FAILURE() << "no latency constraint";
  return {};
}

class MeasuredLatency : public ::testing::Test {
 protected:
  void TearDown() override { (void)ShippedStore().Drop(kGraph); }
  const Entity mapping_dance{kMappingDance, "Mapping_Dance"};
  const Entity syntiant{kSyntiant, "Syntiant"};
};

TEST_F(MeasuredLatency, WithoutMeasurements_TheTableIsUsed) {
  const Constraint c = Latency(mapping_dance, syntiant);
  EXPECT_EQ(c.basis, "table");
  ASSERT_TRUE(c.have);
  EXPECT_NEAR(*c.have, 36495 * 45.0 / 48e6 * 1000, 1e-9);  // kg/cores.ttl: 45 cycles per soft-float MAC
}

// Per kernel the latest emulator figure counts (other methods do not); the
// core's calibrated cycles per MAC are their mean (one cycle per instruction).
TEST_F(MeasuredLatency, KernelRecords_CalibrateTheCore_LatestPerKernel) {
  PutRecords(R"(
<urn:r1> tkg:metric tkg:KernelInstructionsPerMac ; tkg:standsForCore tkg:CortexM0Plus ; tkg:kernel "dense" ;
  tkg:value 300.0 ; tkg:method tkg:MeasuredOnEmulator ; tkg:target "microbit" ; dcterms:date "2026-01-01T00:00:00Z"^^xsd:dateTime .
<urn:r2> tkg:metric tkg:KernelInstructionsPerMac ; tkg:standsForCore tkg:CortexM0Plus ; tkg:kernel "dense" ;
  tkg:value 200.0 ; tkg:method tkg:MeasuredOnEmulator ; tkg:target "microbit" ; dcterms:date "2026-02-01T00:00:00Z"^^xsd:dateTime .
<urn:r3> tkg:metric tkg:KernelInstructionsPerMac ; tkg:standsForCore tkg:CortexM0Plus ; tkg:kernel "conv" ;
  tkg:value 180.0 ; tkg:method tkg:MeasuredOnEmulator ; tkg:target "microbit" ; dcterms:date "2026-02-01T00:00:00Z"^^xsd:dateTime .
<urn:r4> tkg:metric tkg:KernelInstructionsPerMac ; tkg:standsForCore tkg:CortexM0Plus ; tkg:kernel "conv" ;
  tkg:value 1.0 ; tkg:method tkg:Published ; dcterms:date "2026-03-01T00:00:00Z"^^xsd:dateTime .
)");
  const Constraint c = Latency(mapping_dance, syntiant, 100.0);
  EXPECT_EQ(c.basis, "calibrated");
  ASSERT_TRUE(c.have);
  EXPECT_NEAR(*c.have, 36495 * 190.0 / 48e6 * 1000, 1e-9);  // (200 + 180) / 2
  EXPECT_FALSE(c.ok);                                        // 144 ms > 100 ms; the table's 34 ms was within
  EXPECT_NE(c.message.find("calibrated on the emulator"), std::string::npos) << c.message;

  // int8 models keep the table: the kernels measured are the engine's float ones.
  Matchmaker mm(ShippedStore());
  auto int8 = mm.ResolveModel("Micro_Speech_Yes_No_1");
  ASSERT_TRUE(int8.ok());
  EXPECT_EQ(Latency(*int8, syntiant).basis, "table");
}

// A pair's own measurement wins over the core's calibration and the table.
TEST_F(MeasuredLatency, PairMeasurement_GivesTheLatency) {
  PutRecords(std::string(R"(
<urn:r5> tkg:metric tkg:KernelInstructionsPerMac ; tkg:standsForCore tkg:CortexM0Plus ; tkg:kernel "dense" ;
  tkg:value 200.0 ; tkg:method tkg:MeasuredOnEmulator .
<urn:r6> tkg:metric tkg:InstructionsPerInference ; tkg:value 480000.0 ; tkg:method tkg:MeasuredOnEmulator ;
  tkg:target "microbit" ; dcterms:date "2026-02-01T00:00:00Z"^^xsd:dateTime ;
  tkg:benchmarkedModel <)") + kMappingDance + "> ; tkg:benchmarkedDevice <" + kSyntiant + "> .\n");
  const Constraint c = Latency(mapping_dance, syntiant, 12.0);
  EXPECT_EQ(c.basis, "measured");
  ASSERT_TRUE(c.have);
  EXPECT_NEAR(*c.have, 10.0, 1e-9);  // 480,000 instructions at 48 MHz
  EXPECT_TRUE(c.ok);
  EXPECT_NE(c.message.find("measured: 480000 instructions per inference on microbit"), std::string::npos)
      << c.message;
}

}  // namespace
}  // namespace tinykg::match
