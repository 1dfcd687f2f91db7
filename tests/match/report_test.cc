// The matchmaking report on the shipped graph, in every format; the HTML page
// is rendered in headless Chromium (Debian `chromium`) when it is installed.
#include "tinykg/match/report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "run.h"
#include "shipped_graph.h"
#include "tinykg/match/search.h"
#include "tinykg/match/table.h"

namespace tinykg::match {
namespace {

using testing::ShippedStore;

TEST(Report, Markdown_HasEverySection) {
  auto md = RenderReport(ShippedStore(), ReportFormat::kMarkdown);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  for (const char* s : {"# tinykg matchmaking report",
                        "- 10 devices matched",
                        "- 23 models (262 layers described)",
                        "[P] published",
                        "[E] estimated",
                        "[C] calibrated",
                        "[M] measured on the emulator",
                        "## Fleet summary",
                        "Binding constraint across the fleet: sensor",
                        "## Memory: model needs against device budgets",
                        "## Compatibility matrix",
                        "## Latency per device",
                        "## Accuracy against cost",
                        "| KeywordSpotting | Micro_Speech_Yes_No_3 | 93.2 % | 336,000 |",
                        "## Models",
                        "### ARM_DS_CNN_Small_",
                        "## Emulator runs",
                        "## Devices that could not be evaluated",
                        "## Devices",
                        "## Benchmark winners per device and task",
                        "| Arduino Nano 33 BLE | KeywordSpotting | ARM_DS_CNN_Small_ |",
                        "| 1 | CONV_2D | 1x49x10x1 | 1x25x5x64 | 320,000 |",
                        "2,656,768 MACs",
                        "| S sensor |"}) {
    EXPECT_NE(md->find(s), std::string::npos) << s;
  }
}

// The same sections as the HTML page, in the same order.
TEST(Report, Markdown_And_Html_HaveTheSameSections) {
  auto md = RenderReport(ShippedStore(), ReportFormat::kMarkdown);
  auto html = RenderReport(ShippedStore(), ReportFormat::kHtml);
  ASSERT_TRUE(md.ok() && html.ok());
  std::vector<std::string> md_headings, html_headings;
  std::istringstream lines(*md);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0) md_headings.push_back(line.substr(3));
  }
  for (auto at = html->find("<h2"); at != std::string::npos; at = html->find("<h2", at + 1)) {
    const auto open = html->find('>', at) + 1;
    html_headings.push_back(html->substr(open, html->find("</h2>", open) - open));
  }
  EXPECT_GE(md_headings.size(), 9u);
  EXPECT_EQ(md_headings, html_headings);
}

TEST(Report, Json_ParsesWithAllPairs) {
  auto js = RenderReport(ShippedStore(), ReportFormat::kJson);
  ASSERT_TRUE(js.ok());
  auto j = nlohmann::json::parse(*js);
  EXPECT_EQ(j["summary"]["devices"], 10);  // 9 SeLoC-ML boards + the HiFive1 Rev B
  EXPECT_EQ(j["summary"]["models"], 23);
  EXPECT_EQ(j["matrix"].size(), 23u * 10u);
  EXPECT_FALSE(j["winners"].empty());
  for (const auto& m : j["models"]) {
    if (m["model"] != "Micro_Speech_Yes_No_1") continue;
    ASSERT_EQ(m["layers"].size(), 4u);
    EXPECT_EQ(m["layers"][2]["operator"], "FULLY_CONNECTED");
    EXPECT_EQ(m["layers"][2]["weight_bytes"], 4 * 4000 + 4 * 4);
  }
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

TEST(Report, Html_IsSelfContained_WithLabelledChartsAndTextCells) {
  auto html = RenderReport(ShippedStore(), ReportFormat::kHtml, {"1.2.3", "memory:", "2026-01-02 03:04 UTC"});
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("http://"), html->find("http://www.w3.org/2000/svg"));  // no other URL: no network
  EXPECT_EQ(html->find("<script"), std::string::npos);
  EXPECT_NE(html->find("Generated 2026-01-02 03:04 UTC by tinykg 1.2.3 from the store memory:"), std::string::npos);
  EXPECT_NE(html->find("@media print"), std::string::npos);
  // The 1,024 MB device is on the axis, labelled with its name and value.
  EXPECT_NE(html->find(">1 GB</text>"), std::string::npos);
  EXPECT_NE(html->find(">1024.00 MB</text>"), std::string::npos);
  EXPECT_NE(html->find("font-weight=\"600\">Siemens S7-1500 NPU"), std::string::npos);
  // Misfits name their failing checks in the cell, fits their headroom.
  EXPECT_NE(html->find("<td class=\"cell nofit\">\u2717 S</td>"), std::string::npos);
  EXPECT_NE(html->find("<td class=\"cell fit\">\u2713 +"), std::string::npos);
  EXPECT_NE(html->find("<th scope=\"col\" class=\"v\"><span>Arduino Nano 33 BLE</span></th>"), std::string::npos);
  EXPECT_NE(html->find("title=\"estimated\">E</abbr>"), std::string::npos);
}

TEST(ReportCli, WritesTheFileAndRefusesUnknownFormats) {
  testing::TempStore store("report-cli");
  ASSERT_EQ(testing::Tinykg(store.path(), "-q init").exit_code, 0);
  std::string out = (std::filesystem::path(TINYKG_BINARY_DIR) / "tests" / "match" / "report-cli.html").string();
  auto r = testing::Tinykg(store.path(), "report --format html -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Slurp(out).find("<table id=\"matrix\">"), std::string::npos);
  auto bad = testing::Tinykg(store.path(), "report --format pdf");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("tinykg: error: unknown format 'pdf' (expected table, json, csv, tsv, md or html)"),
            std::string::npos)
      << bad.err;
}

// A Thing Description without hardware figures cannot be matched: the report
// names it with the reason instead of leaving it out silently.
TEST(ReportCli, ThingWithoutHardware_IsListedAsNotEvaluated) {
  testing::TempStore store("report-unevaluated");
  ASSERT_EQ(testing::Tinykg(store.path(), "-q init").exit_code, 0);
  const std::string td = std::string(TINYKG_SHARED_DATA) +
                         "/wot/td/valid/real/2018__testing__tests__2019-05__inputs__Oracle__Blue_Pump_Oauth2.jsonld";
  ASSERT_EQ(testing::Tinykg(store.path(), "-q import td '" + td + "'").exit_code, 0);
  auto md = testing::Tinykg(store.path(), "report --format md");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Blue Pump | no | not matched: states no free RAM (tkg:freeRamBytes) and free flash"),
            std::string::npos)
      << md.out.substr(md.out.find("## Devices that could not"), 800);
  EXPECT_NE(md.out.find("| SiFive HiFive1 Rev B (FE310-G002) | yes, with gaps | no sensors stated"), std::string::npos);
  EXPECT_NE(md.out.find("- 10 devices matched (1 more device described but not evaluated)"), std::string::npos);
}

// WCAG 2 contrast of every text colour the page sets against its background.
double Luminance(const std::string& hex) {
  auto channel = [&](int i) {
    const double c = std::stoi(hex.substr(static_cast<std::size_t>(i), 2), nullptr, 16) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

double Contrast(const std::string& a, const std::string& b) {
  const double x = Luminance(a), y = Luminance(b);
  return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

TEST(Report, Html_TextContrastIsAtLeast4_5) {
  auto html = RenderReport(ShippedStore(), ReportFormat::kHtml);
  ASSERT_TRUE(html.ok());
  // Rules that set both colours: cells and badges.
  std::regex pair("background:#([0-9a-fA-F]{6});color:#([0-9a-fA-F]{6})");
  int pairs = 0;
  for (std::sregex_iterator it(html->begin(), html->end(), pair), end; it != end; ++it, ++pairs) {
    EXPECT_GE(Contrast((*it)[1], (*it)[2]), 4.5) << it->str();
  }
  EXPECT_GE(pairs, 7);
  // Body text, muted text and headers on their backgrounds; SVG text on white
  // and on the shaded device rows.
  struct Pair {
    const char* css;  // as the page writes the ink
    const char* ink;
    const char* paper;
  };
  for (const Pair& p : {Pair{"#1a1a1a", "1a1a1a", "ffffff"}, Pair{"#4d4d4d", "4d4d4d", "ffffff"},
                        Pair{"#ececec", "1a1a1a", "ececec"}, Pair{"#f7f7f7", "1a1a1a", "f7f7f7"},
                        Pair{"fill=\"#333\"", "333333", "ffffff"}, Pair{"#eef5fb", "1a1a1a", "eef5fb"}}) {
    EXPECT_NE(html->find(p.css), std::string::npos) << p.css;
    EXPECT_GE(Contrast(p.ink, p.paper), 4.5) << p.ink << " on " << p.paper;
  }
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
  for (const auto& h : *hits)
    alarm |= h.name == "Visual_Alarm_Clock";  // "detecting if a person ..." in its description
  EXPECT_TRUE(alarm);
  auto two = Search(ShippedStore(), "nano sense");
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ(two->front().kind, "device");
  auto none = Search(ShippedStore(), "\"} UNION { ?s ?p ?o");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

// match, search, bench and import print TextTables: a device title with
// escape sequences was sent to the terminal as it was.
TEST(TableFormat, ControlCharactersAreShown) {
  TextTable t;
  t.columns = {"name"};
  t.rows.push_back({"Lamp \x1b]0;pwned\x07 \x1b[2J"});
  const std::string out = RenderTable(t, TableFormat::kTable);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("Lamp \\x1b]0;pwned\\x07 \\x1b[2J"), std::string::npos) << out;
  EXPECT_NE(RenderTable(t, TableFormat::kJson).find("\\u001b"), std::string::npos);  // data formats keep the value
}

}  // namespace
}  // namespace tinykg::match
