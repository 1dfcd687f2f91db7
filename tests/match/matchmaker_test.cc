// Matchmaking on the shipped graph: the nine published boards and the 23
// published models (kg/models-seloc-ml.ttl, imported from their .tflite files).
#include "tinykg/match/matchmaker.h"

#include <gtest/gtest.h>

#include <set>

#include "shipped_graph.h"
#include "tinykg/match/render.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/match/named_queries.h"

namespace tinykg::match {
namespace {

using testing::ShippedStore;

std::set<std::string> Names(const std::vector<Fit>& fits, bool devices) {
  std::set<std::string> out;
  for (const auto& f : fits) out.insert(devices ? f.device.name : f.model.name);
  return out;
}

const Constraint& Find(const Fit& fit, const std::string& name) {
  for (const auto& c : fit.constraints) {
    if (c.name == name) return c;
  }
  static Constraint none;
  ADD_FAILURE() << "no constraint " << name;
  return none;
}

TEST(Matchmaker, DevicesThatFitTheCameraModel_AreTheTwoCameraBoardsWithRoom) {
  Matchmaker mm(ShippedStore());
  auto model = mm.ResolveModel("Person_Detection");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto fits = mm.DevicesFor(*model, {});
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(Names(*fits, true),
            (std::set<std::string>{"Arduino Nano 33 BLE Sense (TinyML kit, OV7675 camera)",
                                   "Siemens S7-1500 NPU module with RealSense camera"}));
  // Tightest RAM fit first: the kit (90.8 kB to spare) before the NPU (1 GB).
  EXPECT_EQ(fits->front().device.name, "Arduino Nano 33 BLE Sense (TinyML kit, OV7675 camera)");
  for (const auto& f : *fits) EXPECT_TRUE(f.fits);
}

TEST(Matchmaker, ModelsThatFitTheNano33Ble_AreEveryNonCameraModel) {
  Matchmaker mm(ShippedStore());
  auto device = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(device.ok()) << device.status().ToString();
  auto fits = mm.ModelsFor(*device, {});
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  std::set<std::string> names = Names(*fits, false);
  EXPECT_EQ(names.size(), 20u);
  for (const char* camera : {"Person_Detection", "Visual_Alarm_Clock", "ARM_MicroNet_VWW_3"}) {
    EXPECT_FALSE(names.count(camera)) << camera;
  }
  for (const char* m : {"Micro_Speech_Yes_No_1", "Magic_Wand_2", "ARM_MicroNet_Small_anomaly_detection"}) {
    EXPECT_TRUE(names.count(m)) << m;
  }
}

TEST(Matchmaker, Explain_ReportsTheRamShortfall) {
  Matchmaker mm(ShippedStore());
  auto model = mm.ResolveModel("ARM_MicroNet_VWW_3");
  auto device = mm.ResolveDevice("Arduino-Nano-BLE-33_1");  // by td:title
  ASSERT_TRUE(model.ok() && device.ok());
  auto fit = mm.Explain(*model, *device);
  ASSERT_TRUE(fit.ok());
  EXPECT_FALSE(fit->fits);
  const Constraint& ram = Find(*fit, "ram");
  EXPECT_FALSE(ram.ok);
  EXPECT_EQ(ram.unit, "bytes");
  EXPECT_EQ(*ram.have, 172000);
  EXPECT_GT(*ram.need, 172000);
  EXPECT_EQ(*fit->ram_margin_bytes, static_cast<std::int64_t>(*ram.have - *ram.need));
  EXPECT_NE(ram.message.find("device has 172.0 kB free — short by"), std::string::npos) << ram.message;
  EXPECT_TRUE(Find(*fit, "flash").ok);
  EXPECT_FALSE(Find(*fit, "sensor").ok);  // no camera on the plain Nano 33 BLE
  EXPECT_TRUE(Find(*fit, "operators").ok);
  std::string json = FitJson(*fit, true);
  EXPECT_NE(json.find("\"name\": \"ram\", \"need\": "), std::string::npos) << json;
}

TEST(Matchmaker, FloatModelOnCoreWithoutFpu_IsFlaggedAndSlowed) {
  Matchmaker mm(ShippedStore());
  auto model = mm.ResolveModel("Magic_Wand_1");  // float32 input, no QUANTIZE
  auto syntiant = mm.ResolveDevice("Syntiant TinyML board");  // prefix of its label
  auto nano = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(model.ok() && syntiant.ok() && nano.ok()) << syntiant.status().ToString();
  auto slow = mm.Explain(*model, *syntiant);
  auto fast = mm.Explain(*model, *nano);
  ASSERT_TRUE(slow.ok() && fast.ok());
  EXPECT_TRUE(slow->float_without_fpu);
  EXPECT_TRUE(Find(*slow, "fpu").flagged);
  EXPECT_TRUE(Find(*slow, "fpu").ok);
  EXPECT_FALSE(fast->float_without_fpu);
  ASSERT_TRUE(slow->latency_ms && fast->latency_ms);
  // 45 soft-float cycles per MAC at 48 MHz against 3 at 64 MHz.
  EXPECT_GT(*slow->latency_ms, 10 * *fast->latency_ms);
}

TEST(Matchmaker, LatencyBoundAndTaskFilter) {
  Matchmaker mm(ShippedStore());
  auto nano = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(nano.ok());
  Filters kws;
  kws.task = TaskIri("keyword-spotting");
  auto all_kws = mm.ModelsFor(*nano, kws);
  ASSERT_TRUE(all_kws.ok());
  EXPECT_TRUE(Names(*all_kws, false).count("ARM_CNN_Small_keyword_spotting"));
  kws.max_latency_ms = 20;
  auto quick = mm.ModelsFor(*nano, kws);
  ASSERT_TRUE(quick.ok());
  EXPECT_FALSE(Names(*quick, false).count("ARM_DS_CNN_Small_"));     // ~42 ms
  EXPECT_TRUE(Names(*quick, false).count("Micro_Speech_Yes_No_1"));  // ~5 ms
  EXPECT_LT(quick->size(), all_kws->size());
}

TEST(Matchmaker, Matrix_HasEveryPairWithMisfits) {
  Matchmaker mm(ShippedStore());
  Filters f;
  f.include_misfits = true;
  auto all = mm.Matrix(f);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 23u * 10u);  // 9 SeLoC-ML boards + the HiFive1 Rev B
  auto fitting = mm.Matrix({});
  ASSERT_TRUE(fitting.ok());
  EXPECT_GT(fitting->size(), 50u);
  EXPECT_LT(fitting->size(), all->size());
}

// Lists skip pairs that certainly do not fit before explaining them; what
// they return must be exactly the fitting pairs of the full evaluation, with
// and without a runtime filter and a latency bound.
TEST(Matchmaker, Matrix_FittingPairsAreThoseTheFullEvaluationPasses) {
  Matchmaker mm(ShippedStore());
  Filters plain, runtime, latency;
  runtime.runtime = "https://w3id.org/tinykg/ontology#TFLiteMicroCmsisNn";
  latency.max_latency_ms = 20;
  for (Filters f : {plain, runtime, latency}) {
    auto fitting = mm.Matrix(f);
    f.include_misfits = true;
    auto all = mm.Matrix(f);
    ASSERT_TRUE(fitting.ok() && all.ok());
    std::set<std::pair<std::string, std::string>> want, got;
    for (const auto& fit : *all) {
      if (fit.fits) want.insert({fit.model.iri, fit.device.iri});
    }
    for (const auto& fit : *fitting) got.insert({fit.model.iri, fit.device.iri});
    EXPECT_EQ(got, want);
    EXPECT_FALSE(want.empty());
  }
}

// Lists leave the explanations of fitting pairs out unless asked
// (Filters::explain, the server's ?explain=true): same verdicts, margins,
// latencies and notes either way; misfits always carry theirs.
TEST(Matchmaker, Lists_ExplainFittingPairsOnlyWhenAsked) {
  Matchmaker mm(ShippedStore());
  auto device = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(device.ok()) << device.status().ToString();
  Filters plain, explained;
  plain.include_misfits = explained.include_misfits = true;
  explained.explain = true;
  auto bare = mm.ModelsFor(*device, plain);
  auto full = mm.ModelsFor(*device, explained);
  ASSERT_TRUE(bare.ok() && full.ok());
  ASSERT_EQ(bare->size(), full->size());
  std::size_t fitting = 0, misfits = 0;
  for (std::size_t i = 0; i < bare->size(); ++i) {
    const Fit &b = (*bare)[i], &f = (*full)[i];
    EXPECT_EQ(b.model.iri, f.model.iri);
    EXPECT_EQ(b.fits, f.fits);
    EXPECT_EQ(b.ram_margin_bytes, f.ram_margin_bytes);
    EXPECT_EQ(b.latency_ms, f.latency_ms);
    EXPECT_EQ(b.runtime, f.runtime);
    EXPECT_EQ(FitNotes(b), FitNotes(f));
    ASSERT_EQ(b.constraints.size(), f.constraints.size());
    for (std::size_t k = 0; k < f.constraints.size(); ++k) {
      EXPECT_FALSE(f.constraints[k].message.empty()) << f.constraints[k].name;
      EXPECT_EQ(b.constraints[k].ok, f.constraints[k].ok);
      EXPECT_EQ(b.constraints[k].basis, f.constraints[k].basis);
      // A misfit is explained either way; a fitting pair only when asked.
      EXPECT_EQ(b.constraints[k].message.empty(), b.fits) << b.model.name << " " << b.constraints[k].name;
    }
    ++(b.fits ? fitting : misfits);
  }
  EXPECT_GT(fitting, 0u);
  EXPECT_GT(misfits, 0u);
}

// ModelsFor leaves models over the device's RAM or flash budget out in
// SPARQL (match-models-within.rq) before reading their other facts: for every
// shipped device, what it lists is exactly the fitting models of the full
// evaluation, in the same order.
TEST(Matchmaker, ModelsFor_BudgetScreenKeepsExactlyTheFittingModels) {
  Matchmaker mm(ShippedStore());
  auto devices = mm.Devices();
  ASSERT_TRUE(devices.ok());
  std::size_t checked = 0;
  for (const Entity& d : *devices) {
    Filters all;
    all.include_misfits = true;
    auto full = mm.ModelsFor(d, all);
    if (!full.ok()) continue;  // a device that cannot be evaluated
    auto fitting = mm.ModelsFor(d, {});
    ASSERT_TRUE(fitting.ok()) << fitting.status().ToString();
    std::vector<std::string> want, got;
    for (const auto& f : *full) {
      if (f.fits) want.push_back(f.model.iri);
    }
    for (const auto& f : *fitting) got.push_back(f.model.iri);
    EXPECT_EQ(got, want) << d.name;
    ++checked;
  }
  EXPECT_GE(checked, 9u);
}

TEST(Matchmaker, UnknownName_SuggestsTheClosest) {
  Matchmaker mm(ShippedStore());
  auto r = mm.ResolveModel("Person_Detecton");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("did you mean 'Person_Detection'"), std::string::npos)
      << r.status().message();
  auto d = mm.ResolveDevice("Adafruit PyBadg");  // unique prefix
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "Adafruit PyBadge");
  auto ambiguous = mm.ResolveModel("micro_speech");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.status().code(), StatusCode::kInvalidArgument);
  auto by_iri = mm.ResolveDevice(d->iri);
  ASSERT_TRUE(by_iri.ok());
  EXPECT_EQ(by_iri->iri, d->iri);
  auto lower = mm.ResolveModel("person_detection");  // case-insensitive
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->name, "Person_Detection");
}

TEST(NamedQueries, PassTheGuardAndRunOnTheShippedGraph) {
  int match_queries = 0;
  for (const NamedQuery& q : NamedQueries()) {
    auto g = rdf::GuardQuery(q.text);
    ASSERT_TRUE(g.ok()) << q.name << ": " << g.status().ToString();
    EXPECT_TRUE(g->caveats.empty()) << q.name << ": " << (g->caveats.empty() ? "" : g->caveats[0]);
    match_queries += std::string(q.name).rfind("match-", 0) == 0;
    auto r = ShippedStore().Query(q.text);
    EXPECT_TRUE(r.ok()) << q.name << ": " << r.status().ToString();
  }
  EXPECT_GE(match_queries, 10);
}

}  // namespace
}  // namespace tinykg::match
