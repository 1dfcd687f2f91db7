// The HTML report as a person sees it: the shipped graph plus one emulator
// run, rendered by headless Chromium (Debian `chromium`) to a screenshot, a
// PDF and the rendered DOM. Checks every device and model name is text on
// the page, the page does not scroll sideways at 1280 px, and the run's
// measured figures are shown.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run.h"
#include "tinykg/base/file.h"
#include "tinykg/match/matchmaker.h"

namespace tinykg::match {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  auto text = ReadFile(path.string());
  return text.ok() ? *text : std::string();
}

std::string WithThousands(std::int64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  const auto a = text.find(open);
  if (a == std::string::npos) return {};
  const auto b = text.find(close, a + open.size());
  return text.substr(a + open.size(), b == std::string::npos ? std::string::npos : b - a - open.size());
}

// Runs Chromium headless on `page` with `args`; true on exit code 0.
bool Chromium(const fs::path& dir, const std::string& args, const fs::path& page, const fs::path& out = {}) {
  const std::string cmd =
      "chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
      "--user-data-dir='" +
      (dir / "profile").string() + "' " + args + " 'file://" + page.string() + "' >'" +
      (out.empty() ? (dir / "chromium.out") : out).string() + "' 2>'" + (dir / "chromium.err").string() + "'";
  return std::system(cmd.c_str()) == 0;
}

TEST(ReportPage, ShippedGraphPlusEmulatorRun_RendersInChromium_WithEveryNameNoOverflowAndTheRun) {
  const fs::path dir = fs::path(TINYKG_BINARY_DIR) / "tests" / "match" / "report-page";
  fs::remove_all(dir);
  fs::create_directories(dir);
  testing::TempStore store("report-page");
  ASSERT_EQ(testing::Tinykg(store.path(), "-q init").exit_code, 0);
  const std::string data = std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/";
  auto run = testing::Tinykg(store.path(), "-q train --on emulator --device Arduino-Nano-BLE-33_1 --data " + data +
                                               "datatraining.txt --eval " + data +
                                               "datatest.txt --label Occupancy --steps 200 --format json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json measured = nlohmann::json::parse(run.out);

  const fs::path page = dir / "report.html";
  auto html = testing::Tinykg(store.path(), "report --format html -o '" + page.string() + "'");
  ASSERT_EQ(html.exit_code, 0) << html.err;
  auto json = testing::Tinykg(store.path(), "report --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out);
  ASSERT_EQ(report["devices"].size(), 10u);
  ASSERT_EQ(report["models"].size(), 24u);  // 23 shipped + the run's head
  const std::string source = Slurp(page);
  EXPECT_EQ(source.find("<script"), std::string::npos);
  EXPECT_EQ(source.find("http://"), source.find("http://www.w3.org/2000/svg"));  // no other URL: no network

  // A copy that reports the page's width and its text (the report itself
  // carries no script; its CSP would block one).
  std::string probe = source;
  const std::string csp = "default-src 'none'; style-src 'unsafe-inline';";
  ASSERT_NE(probe.find(csp), std::string::npos);
  probe.replace(probe.find(csp), csp.size(),
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';");
  probe.replace(probe.rfind("</body>"), 7,
                "<script>document.body.dataset.scrollWidth = document.documentElement.scrollWidth;"
                "document.body.dataset.clientWidth = document.documentElement.clientWidth;"
                "const p = document.createElement('pre'); p.id = 'probe';"
                "p.textContent = document.body.innerText; document.body.appendChild(p);</script></body>");
  std::ofstream(dir / "probe.html") << probe;
  ASSERT_TRUE(Chromium(dir, "--window-size=1280,900 --dump-dom", dir / "probe.html", dir / "dom.html"))
      << Slurp(dir / "chromium.err");
  const std::string dom = Slurp(dir / "dom.html");
  const std::string scroll = Between(dom, "data-scroll-width=\"", "\"");
  const std::string client = Between(dom, "data-client-width=\"", "\"");
  ASSERT_FALSE(scroll.empty()) << dom.substr(0, 2000);
  EXPECT_EQ(client, "1280");
  EXPECT_LE(std::stoi(scroll), 1280) << "the page scrolls sideways at 1280 px";
  // The print layout fits an A4 landscape page (273 mm between the 12 mm
  // margins, 1,031 px at 96 dpi): the same probe with the print rules applied
  // on screen.
  std::string print = probe;
  ASSERT_NE(print.find("@media print{"), std::string::npos);
  print.replace(print.find("@media print{"), 13, "@media all{");
  std::ofstream(dir / "print.html") << print;
  ASSERT_TRUE(Chromium(dir, "--window-size=1031,900 --dump-dom", dir / "print.html", dir / "print-dom.html"));
  const std::string print_scroll = Between(Slurp(dir / "print-dom.html"), "data-scroll-width=\"", "\"");
  ASSERT_FALSE(print_scroll.empty());
  EXPECT_LE(std::stoi(print_scroll), 1031) << "the printed page would be cut on the right";
  // The page's text as the reader gets it (the dump escapes text nodes).
  std::string text = Between(dom, "<pre id=\"probe\">", "</pre>");
  for (const auto& [entity, raw] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", " "}, {"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string(entity).size(), raw);
    }
  }
  ASSERT_FALSE(text.empty());
  for (const auto& d : report["devices"]) {
    EXPECT_NE(text.find(d["device"].get<std::string>()), std::string::npos) << d["device"];
  }
  for (const auto& m : report["models"]) {
    EXPECT_NE(text.find(m["model"].get<std::string>()), std::string::npos) << m["model"];
  }
  // The run's measured figures, as the page writes them.
  const auto instructions = static_cast<std::int64_t>(measured["instructions_per_inference"].get<double>());
  EXPECT_NE(text.find(WithThousands(instructions)), std::string::npos) << "instructions per inference";
  EXPECT_NE(text.find(FormatBytes(measured["peak_ram_bytes"].get<double>())), std::string::npos) << "peak RAM";
  char accuracy[32];
  std::snprintf(accuracy, sizeof accuracy, "%.1f %%", measured["accuracy"].get<double>() * 100);
  EXPECT_NE(text.find(accuracy), std::string::npos) << "accuracy " << accuracy;
  EXPECT_NE(text.find("mps2-an386"), std::string::npos);
  EXPECT_NE(text.find("instructions per MAC, kernel dense-32x16"), std::string::npos);
  // Sections and the SVG's accessible names.
  for (const char* s : {"Fleet summary", "Compatibility matrix", "Latency per device", "Emulator runs",
                        "Devices that could not be evaluated", "measured on the emulator", "2,656,768"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s;
  }
  EXPECT_NE(dom.find("<title id=\"chart-ram-title\">"), std::string::npos);
  EXPECT_NE(dom.find("<desc id=\"chart-flash-desc\">"), std::string::npos);
  EXPECT_NE(dom.find("scope=\"row\""), std::string::npos);

  // What a person gets: a screenshot and a PDF of the page itself.
  ASSERT_TRUE(Chromium(dir, "--window-size=1280,2000 --screenshot='" + (dir / "report.png").string() + "'", page))
      << Slurp(dir / "chromium.err");
  EXPECT_GT(fs::file_size(dir / "report.png"), 20000u);
  ASSERT_TRUE(Chromium(dir, "--no-pdf-header-footer --print-to-pdf='" + (dir / "report.pdf").string() + "'", page))
      << Slurp(dir / "chromium.err");
  const std::string pdf = Slurp(dir / "report.pdf");
  ASSERT_GT(pdf.size(), 20000u);
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  std::size_t pages = 0;
  for (std::size_t at = pdf.find("/Type /Page"); at != std::string::npos; at = pdf.find("/Type /Page", at + 1)) {
    pages += pdf.compare(at, 12, "/Type /Pages") != 0;
  }
  EXPECT_GE(pages, 3u);
  const std::string err = Slurp(dir / "chromium.err");
  EXPECT_EQ(err.find("ERR_"), std::string::npos) << err;  // nothing blocked or fetched
}

}  // namespace
}  // namespace tinykg::match
