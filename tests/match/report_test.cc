// The matchmaking report on the shipped graph, in every format; the HTML page
// is rendered in headless Chromium (Debian `chromium`) when it is installed.
#include "tinykg/match/report.h"
#include "tinykg/match/search.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run.h"
#include "shipped_graph.h"

namespace tinykg::match {
namespace {

using testing::ShippedStore;

TEST(Report, Markdown_HasEverySection) {
  auto md = RenderReport(ShippedStore(), ReportFormat::kMarkdown);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  for (const char* s : {"# tinykg matchmaking report", "10 devices, 23 models", "## Devices", "## Models",
                        "## Compatibility matrix", "## Benchmark winners per device and task",
                        "| Arduino Nano 33 BLE | KeywordSpotting | ARM_DS_CNN_Small_ |"}) {
    EXPECT_NE(md->find(s), std::string::npos) << s;
  }
}

TEST(Report, Json_ParsesWithAllPairs) {
  auto js = RenderReport(ShippedStore(), ReportFormat::kJson);
  ASSERT_TRUE(js.ok());
  auto j = nlohmann::json::parse(*js);
  EXPECT_EQ(j["summary"]["devices"], 10);  // 9 SeLoC-ML boards + the HiFive1 Rev B
  EXPECT_EQ(j["summary"]["models"], 23);
  EXPECT_EQ(j["matrix"].size(), 23u * 10u);
  EXPECT_FALSE(j["winners"].empty());
}

TEST(Report, Csv_IsTheMatrix) {
  auto csv = RenderReport(ShippedStore(), ReportFormat::kCsv);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("model,device,fits,", 0), 0u);
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), 1 + 23 * 10);  // 10 devices with the HiFive1 Rev B
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Report, Html_RendersInHeadlessChromiumWithBothCharts) {
  auto html = RenderReport(ShippedStore(), ReportFormat::kHtml);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("http://"), html->find("http://www.w3.org/2000/svg"));  // no other URL: no network
  EXPECT_EQ(html->find("<script"), std::string::npos);
  namespace fs = std::filesystem;
  fs::path dir = fs::path(TINYKG_BINARY_DIR) / "tests" / "match" / "report-html";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "report.html") << *html;
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "chromium is not installed (scripts/packages/deb-match.txt)";
  }
  std::string flags = "--headless --no-sandbox --disable-gpu --disable-background-networking "
                      "--disable-component-update --disable-sync --no-first-run --user-data-dir=" +
                      (dir / "profile").string();
  std::string page = "file://" + (dir / "report.html").string();
  std::string dom_cmd = "chromium " + flags + " --dump-dom '" + page + "' >" + (dir / "dom.html").string() + " 2>" +
                        (dir / "dom.err").string();
  ASSERT_EQ(std::system(dom_cmd.c_str()), 0) << Slurp((dir / "dom.err").string());
  std::string dom = Slurp((dir / "dom.html").string());
  EXPECT_NE(dom.find("id=\"chart-ram-flash\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"chart-matrix\""), std::string::npos);
  EXPECT_GE(static_cast<int>(std::count(dom.begin(), dom.end(), '<') ), 500);
  EXPECT_NE(dom.find("class=\"cell fit\""), std::string::npos);
  EXPECT_NE(dom.find("class=\"model\""), std::string::npos);
  std::string err = Slurp((dir / "dom.err").string());
  EXPECT_EQ(err.find("Uncaught"), std::string::npos) << err;
  EXPECT_EQ(err.find("ERR_"), std::string::npos) << err;  // no blocked/failed loads
  std::string shot_cmd = "chromium " + flags + " --window-size=1280,2400 --screenshot=" +
                         (dir / "report.png").string() + " '" + page + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(shot_cmd.c_str()), 0);
  EXPECT_GT(fs::file_size(dir / "report.png"), 10000u);
}

TEST(ReportCli, WritesTheFileAndRefusesUnknownFormats) {
  testing::TempStore store("report-cli");
  ASSERT_EQ(testing::Tinykg(store.path(), "-q init").exit_code, 0);
  std::string out = (std::filesystem::path(TINYKG_BINARY_DIR) / "tests" / "match" / "report-cli.html").string();
  auto r = testing::Tinykg(store.path(), "report --format html -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Slurp(out).find("<svg id=\"chart-matrix\""), std::string::npos);
  auto bad = testing::Tinykg(store.path(), "report --format pdf");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("tinykg: error: unknown report format 'pdf'"), std::string::npos);
}

}  // namespace
}  // namespace tinykg::match

namespace tinykg::match {
namespace {

TEST(Search, RanksNamesBeforeDescriptions) {
  auto hits = Search(ShippedStore(), "person");
  ASSERT_TRUE(hits.ok()) << hits.status().ToString();
  ASSERT_GE(hits->size(), 2u);
  EXPECT_EQ(hits->front().name, "Person_Detection");
  EXPECT_EQ(hits->front().kind, "model");
  bool alarm = false;
  for (const auto& h : *hits) alarm |= h.name == "Visual_Alarm_Clock";  // "detecting if a person ..." in its description
  EXPECT_TRUE(alarm);
  auto two = Search(ShippedStore(), "nano sense");
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ(two->front().kind, "device");
  auto none = Search(ShippedStore(), "\"} UNION { ?s ?p ?o");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace tinykg::match
