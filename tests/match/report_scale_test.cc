// The report at fleet scale: 1,000 devices x 100 models from the synthetic
// fleet of the matchmaking benchmark (tests/bench/match_fleet.py). Checks
// what it shows, not how fast: the matrix is aggregated and says so, the
// per-model counts agree with the matchmaker pair by pair, every device is
// named, and the page stays a size a browser opens. The time is printed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "shipped_graph.h"
#include "tinykg/base/text.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/match/report.h"

namespace tinykg::match {
namespace {

namespace fs = std::filesystem;

TEST(ReportScale, ThousandDevicesHundredModels_AggregatesTheMatrix_AndCountsAgreeWithTheMatchmaker) {
  const fs::path dir = fs::path(TINYKG_BINARY_DIR) / "tests" / "match" / "report-scale";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string gen = "python3 '" + std::string(TINYKG_SOURCE_DIR) +
                          "/tests/bench/match_fleet.py' --devices 1000 --models 100 '" + dir.string() + "'";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  auto opened = rdf::Store::Open("memory:");
  ASSERT_TRUE(opened.ok());
  rdf::Store& store = **opened;
  for (const auto& e : fs::directory_iterator(fs::path(TINYKG_SOURCE_DIR) / "ontology")) {
    if (e.path().extension() == ".ttl") testing::LoadTurtleFile(store, e.path().string(), rdf::kKindOntology);
  }
  for (const char* f : {"kg/cores.ttl", "kg/runtimes.ttl"}) {
    testing::LoadTurtleFile(store, std::string(TINYKG_SOURCE_DIR) + "/" + f, rdf::kKindKg);
  }
  testing::LoadTurtleFile(store, (dir / "fleet-devices.nt").string(), rdf::kKindKg);
  testing::LoadTurtleFile(store, (dir / "fleet-models.nt").string(), rdf::kKindKg);

  const auto start = std::chrono::steady_clock::now();
  auto html = RenderReport(store, ReportFormat::kHtml, {"test", "memory:", "2026-01-01"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  std::printf("report --format html, 1,000 devices x 100 models: %.2f s, %zu bytes\n", seconds, html->size());
  RecordProperty("html_seconds", std::to_string(seconds));
  EXPECT_LT(html->size(), 5u * 1000 * 1000);
  EXPECT_NE(html->find("the compatibility matrix is aggregated per model"), std::string::npos);
  EXPECT_NE(html->find("Aggregated: 100,000 cells are too many to draw"), std::string::npos);
  EXPECT_EQ(html->find("class=\"cell "), std::string::npos);  // no per-pair cells
  EXPECT_NE(html->find("devices, median free RAM (of 1000)"), std::string::npos);

  auto json = RenderReport(store, ReportFormat::kJson, {"test", "memory:", "2026-01-01"});
  ASSERT_TRUE(json.ok());
  const nlohmann::json report = nlohmann::json::parse(*json);
  ASSERT_EQ(report["devices"].size(), 1000u);
  ASSERT_EQ(report["models"].size(), 100u);
  EXPECT_EQ(report["summary"]["pairs"], 100000);
  for (const auto& d : report["devices"]) {
    EXPECT_NE(html->find(XmlEscape(d["device"].get<std::string>())), std::string::npos) << d["device"];
  }

  // The matchmaker's own verdicts, pair by pair, against the report's counts.
  Matchmaker mm(store);
  std::map<std::string, int> fits;
  Filters all;
  all.include_misfits = true;
  std::size_t pairs = 0, fitting = 0;
  ASSERT_TRUE(mm.StreamMatrix(all, [&](const Fit& f) {
                  ++pairs;
                  fitting += f.fits;
                  fits[f.model.name] += f.fits;
                  return true;
                }).ok());
  EXPECT_EQ(pairs, 100000u);
  EXPECT_EQ(report["summary"]["fitting"].get<std::size_t>(), fitting);
  EXPECT_GT(fitting, 0u);
  EXPECT_LT(fitting, pairs);
  for (const auto& m : report["models"]) {
    EXPECT_EQ(m["devices_it_fits"].get<int>(), fits[m["model"].get<std::string>()]) << m["model"];
    // Each model's aggregated row in the page starts with its fit count.
    EXPECT_NE(html->find("<th scope=\"row\">" + XmlEscape(m["model"].get<std::string>()) + "</th><td class=\"num\">" +
                         std::to_string(m["devices_it_fits"].get<int>()) + "</td>"),
              std::string::npos)
        << m["model"];
  }

  auto md = RenderReport(store, ReportFormat::kMarkdown, {"test", "memory:", "2026-01-01"});
  ASSERT_TRUE(md.ok());
  EXPECT_LT(md->size(), 3u * 1000 * 1000);
  EXPECT_NE(md->find("## Compatibility matrix"), std::string::npos);
  EXPECT_NE(md->find("Aggregated: 100,000 cells"), std::string::npos);
}

}  // namespace
}  // namespace tinykg::match
