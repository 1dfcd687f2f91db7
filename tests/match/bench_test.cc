// Benchmark records and selection on the shipped graph (published accuracies
// of kg/benchmarks-seloc-ml.ttl).
#include "tinykg/match/bench.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run.h"
#include "shipped_graph.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {
namespace {

using testing::ShippedStore;

TEST(Bench, PublishedRecordsAreShippedWithTheirSource) {
  auto published = ListRecords(ShippedStore(), std::string(vocab::kTkg) + "Published");
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published->size(), 11u);  // the models_metadata.csv rows with an accuracy
  for (const auto& r : *published) {
    EXPECT_NE(r.source.find("models_metadata.csv"), std::string::npos);
    EXPECT_GT(r.value, 0.5);
    EXPECT_LE(r.value, 1.0);
  }
}

TEST(Bench, BestKeywordSpottingModelByAccuracy_ForADeviceWithAMicrophone) {
  Matchmaker mm(ShippedStore());
  auto device = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(device.ok());
  auto sel = SelectBest(ShippedStore(), mm, *device, TaskIri("keyword-spotting"), "accuracy");
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(sel->fit.model.name, "ARM_DS_CNN_Small_");  // 93.5 %, the best published KWS figure
  ASSERT_TRUE(sel->record.has_value());
  EXPECT_DOUBLE_EQ(sel->record->value, 0.935);
  EXPECT_EQ(LocalName(sel->record->method), "Published");
  EXPECT_TRUE(sel->fit.fits);
}

TEST(Bench, SmallDevice_GetsTheBestModelThatFitsNotTheBestOverall) {
  Matchmaker mm(ShippedStore());
  auto syntiant = mm.ResolveDevice("Syntiant TinyML board (SAMD21 + NDP101)");  // 25 kB free RAM
  ASSERT_TRUE(syntiant.ok());
  auto sel = SelectBest(ShippedStore(), mm, *syntiant, TaskIri("KeywordSpotting"), "accuracy");
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_NE(sel->fit.model.name, "ARM_DS_CNN_Small_");  // needs ~35 kB
  EXPECT_LT(sel->value, 0.935);
  EXPECT_TRUE(sel->fit.fits);
}

TEST(Bench, ModelsForADevice_AreRankedByAccuracy) {
  Matchmaker mm(ShippedStore());
  auto device = mm.ResolveDevice("Arduino Nano 33 BLE");
  ASSERT_TRUE(device.ok());
  auto fits = mm.ModelsFor(*device, {});
  ASSERT_TRUE(fits.ok());
  ASSERT_TRUE(fits->front().accuracy.has_value());
  EXPECT_EQ(fits->front().model.name, "Motion_Trainer_Up_Forward");  // 99.2 %
  for (const auto& f : *fits) {
    if (f.accuracy) {
      EXPECT_LE(*f.accuracy, *fits->front().accuracy);
    }
  }
}

TEST(BenchCli, AddListSelect) {
  testing::TempStore store("bench-cli");
  ASSERT_EQ(testing::Tinykg(store.path(), "-q init").exit_code, 0);
  auto add = testing::Tinykg(store.path(),
                             "bench add --model Micro_Speech_Yes_No_1 --device 'Arduino Nano 33 BLE' --metric latency "
                             "--value 3.5 --method measured-on-device --source 'lab run' --date 2024-05-01");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto list = testing::Tinykg(store.path(), "bench list --method measured-on-device --format json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = nlohmann::json::parse(list.out);
  ASSERT_EQ(j.size(), 1u) << list.out;
  EXPECT_EQ(j[0]["device"], "Arduino Nano 33 BLE");
  EXPECT_EQ(j[0]["date"], "2024-05-01");
  auto graphs = testing::Tinykg(store.path(), "graphs --format csv");
  EXPECT_NE(graphs.out.find(",benchmark,"), std::string::npos) << graphs.out;
  auto sel = testing::Tinykg(store.path(),
                             "bench select --device 'Arduino Nano 33 BLE' --task keyword-spotting --format json");
  ASSERT_EQ(sel.exit_code, 0) << sel.err;
  auto s = nlohmann::json::parse(sel.out);
  EXPECT_EQ(s["model"], "ARM_DS_CNN_Small_");
  EXPECT_EQ(s["record"]["method"], "Published");
  auto bad = testing::Tinykg(store.path(), "bench add --model Hello_World --metric accuracy --value 92 --method published");
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace tinykg::match
