// The SeLoC-ML paper's case-study questions on the published knowledge graph
// (../shared/data/seloc-ml), in both namespace generations, and on tinykg's
// shipped graph.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "test_store.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {
namespace {

namespace fs = std::filesystem;
const std::string kSeloc = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/";
const std::string kQueries = std::string(TINYKG_SOURCE_DIR) + "/ontology/queries/";
constexpr char kDemo[] = "https://w3id.org/tinyml-schema/neural-network-schema/tinyml-demo/";

std::vector<GraphDocument> DocsIn(const std::string& dir, const std::string& kind) {
  std::vector<GraphDocument> docs;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".ttl") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = ReadFile(f.string());
    EXPECT_TRUE(text.ok()) << f;
    auto triples = ParseRdf(*text, Syntax::kTurtle, FileIri(f.string()), f.string());
    EXPECT_TRUE(triples.ok()) << triples.status().ToString();
    GraphDocument d;
    d.iri = FileIri(f.string());
    d.source = f.string();
    d.kind = kind;
    d.triples = std::move(triples).value();
    docs.push_back(std::move(d));
  }
  return docs;
}

class PublishedGraph : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto store = Store::Open(::tinykg::testing::TestStoreSpec("published"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value().release();
    ASSERT_TRUE(store_->PutAll(DocsIn(kSeloc + "schema", kKindOntology)).ok());
    store_->TakeWarnings();
    ASSERT_TRUE(store_->PutAll(DocsIn(kSeloc + "devices", kKindKg)).ok());
    load_warnings_ = new std::vector<std::string>(store_->TakeWarnings());
  }
  static void TearDownTestSuite() {
    delete store_;
    delete load_warnings_;
  }

  static std::set<std::string> Column(const std::string& query, size_t column = 0) {
    auto guarded = GuardQuery(query);
    EXPECT_TRUE(guarded.ok()) << guarded.status().ToString();
    auto r = store_->Query(guarded->text);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::set<std::string> out;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      if (row[column]) out.insert(row[column]->value);
    }
    return out;
  }

  static Store* store_;
  static std::vector<std::string>* load_warnings_;
};
Store* PublishedGraph::store_ = nullptr;
std::vector<std::string>* PublishedGraph::load_warnings_ = nullptr;

std::string Legacy(std::string q) {
  const std::string current = "https://w3id.org/tinyml-schema/neural-network-schema/";
  for (size_t at; (at = q.find(current)) != std::string::npos;) {
    q.replace(at, current.size(), "http://tinyml-schema.org/");
  }
  return q;
}

TEST_F(PublishedGraph, WarnsAboutTheUndeclaredMagnetometerOfMs200) {
  bool found = false;
  for (const auto& w : *load_warnings_) {
    if (w.find("sosa_extend/:Magnetometer") != std::string::npos &&
        w.find("ms200.ttl") != std::string::npos)
      found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(PublishedGraph, DevicesWithAccelerometerGyroscopeAndBudget) {
  auto q = ReadFile(kQueries + "published-devices-with-sensors.rq");
  ASSERT_TRUE(q.ok());
  std::set<std::string> expected = {
      std::string(kDemo) + "arduino_nano_ble_33-322-000-000-002",
      std::string(kDemo) + "arduino_nano_ble_33_tinyml_kit-322-000-000-003"};
  EXPECT_EQ(Column(*q), expected);
  // The same question in the paper's older namespace generation.
  std::string legacy = Legacy(*q);
  ASSERT_NE(legacy.find("http://tinyml-schema.org/sosa_extend/"), std::string::npos);
  EXPECT_EQ(Column(legacy), expected);
  // Lower budget: the SSI-Web node (86 kB RAM) joins; the MS200 (31 kB) does not.
  std::string lower = *q;
  lower.replace(lower.find("?ram_kB >= 100"), 14, "?ram_kB >= 80");
  auto devices = Column(lower);
  EXPECT_TRUE(devices.count(std::string(kDemo) + "SSI_Web-322-000-000-001"));
  EXPECT_FALSE(devices.count(std::string(kDemo) + "ms200-322-000-000-002"));
}

TEST_F(PublishedGraph, DeviceCatalogueListsEveryDeviceWithItsSensors) {
  auto q = ReadFile(kQueries + "published-device-catalogue.rq");
  ASSERT_TRUE(q.ok());
  auto guarded = GuardQuery(*q);
  ASSERT_TRUE(guarded.ok());
  for (const std::string& text : {guarded->text, GuardQuery(Legacy(*q))->text}) {
    auto r = store_->Query(text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->rows.size(), 9u);
    bool nano_has_mic = false;
    for (const auto& row : r->rows) {
      if (row[0]->value == std::string(kDemo) + "arduino_nano_ble_33-322-000-000-002") {
        nano_has_mic = row[4]->value.find("sosa_extend/Microphone") != std::string::npos &&
                       row[2]->value == "172" && row[3]->value == "628";
      }
    }
    EXPECT_TRUE(nano_has_mic);
  }
}

TEST(ShippedGraph, TinykgQueriesAnswerOnTheShippedBoards) {
  auto store = Store::Open(::tinykg::testing::TestStoreSpec("shipped"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->PutAll(DocsIn(std::string(TINYKG_SOURCE_DIR) + "/ontology", kKindOntology)).ok());
  ASSERT_TRUE((*store)->PutAll(DocsIn(std::string(TINYKG_SOURCE_DIR) + "/kg", kKindKg)).ok());
  EXPECT_TRUE((*store)->TakeWarnings().empty());
  auto q = ReadFile(kQueries + "devices-with-sensors.rq");
  ASSERT_TRUE(q.ok());
  auto guarded = GuardQuery(*q);
  ASSERT_TRUE(guarded.ok());
  auto r = (*store)->Query(guarded->text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::set<std::string> devices;
  for (const auto& row : r->rows) devices.insert(row[0]->value);
  EXPECT_EQ(devices, (std::set<std::string>{
                         std::string(kDemo) + "arduino_nano_ble_33-322-000-000-002",
                         std::string(kDemo) + "arduino_nano_ble_33_tinyml_kit-322-000-000-003"}));
  auto catalogue = ReadFile(kQueries + "device-catalogue.rq");
  auto all = (*store)->Query(GuardQuery(*catalogue)->text);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // The nine SeLoC-ML boards; the catalogue lists devices with their sensor
  // kinds, and the HiFive1 Rev B (kg/devices-riscv.ttl) has none.
  EXPECT_EQ(all->rows.size(), 9u);
}

}  // namespace
}  // namespace tinykg::rdf
