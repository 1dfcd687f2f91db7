// The memory chart: one ranked row per device budget and per model need on a
// log axis that spans every figure, each row labelled with its name and
// value (no hover needed, prints as it shows). Devices are blue diamonds,
// models vermillion circles (Okabe-Ito colours, told apart by shape too).
// Read it as a ladder: a model fits a device's memory only below that
// device's row.
#include "report_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report_doc.h"
#include "tinykg/base/text.h"

namespace tinykg::match {
namespace {

constexpr const char* kDeviceColour = "#0072B2";  // Okabe-Ito blue
constexpr const char* kModelColour = "#D55E00";   // Okabe-Ito vermillion
constexpr std::size_t kMaxLabel = 46;

std::string F(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Clip(const std::string& name) {
  if (name.size() <= kMaxLabel) return name;
  std::size_t cut = kMaxLabel - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return name.substr(0, cut) + "\u2026";
}

struct Row {
  std::string label;
  double bytes = 0;
  bool device = false;
};

// Devices of a large fleet become quantile rows: min, 10th, median, 90th, max.
std::vector<Row> DeviceQuantiles(std::vector<double> values, const char* what) {
  std::vector<Row> rows;
  if (values.empty()) return rows;
  std::sort(values.begin(), values.end());
  const std::pair<double, const char*> q[] = {
      {0, "smallest"}, {0.1, "10th percentile"}, {0.5, "median"}, {0.9, "90th percentile"}, {1, "largest"}};
  for (const auto& [p, name] : q) {
    const auto i = static_cast<std::size_t>(std::lround(p * static_cast<double>(values.size() - 1)));
    rows.push_back({std::string("devices, ") + name + " " + what + " (of " + std::to_string(values.size()) + ")",
                    values[i], true});
  }
  return rows;
}

// A decade tick: "1 kB", "10 kB", "100 kB", "1 MB", ..., "1 GB" (1 kB = 1000 B).
std::string DecadeLabel(double exponent) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  const int e = static_cast<int>(std::lround(exponent));
  if (e < 0 || e >= 18) return FormatBytes(std::pow(10.0, exponent));
  return std::string(e % 3 == 0 ? "1" : e % 3 == 1 ? "10" : "100") + " " + kUnits[e / 3];
}

}  // namespace

std::string MemoryChartSvg(const ReportData& data, bool ram, std::string* alt) {
  const char* what = ram ? "free RAM" : "free flash";
  std::vector<Row> rows;
  std::vector<double> budgets;
  for (const auto& d : data.devices) {
    const auto& v = ram ? d.free_ram : d.free_flash;
    if (v && *v > 0) budgets.push_back(static_cast<double>(*v));
    if (!data.Aggregated() && v && *v > 0) rows.push_back({d.entity.name, static_cast<double>(*v), true});
  }
  if (data.Aggregated()) rows = DeviceQuantiles(budgets, what);
  for (const auto& m : data.models) {
    const auto& v = ram ? m.ram_need : m.flash_need;
    if (v && *v > 0) rows.push_back({m.entity.name, static_cast<double>(*v), false});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.bytes > b.bytes; });
  if (rows.empty()) {
    *alt = "No figures to draw.";
    return {};
  }
  double lo = rows.back().bytes, hi = rows.front().bytes;
  const double lo_decade = std::floor(std::log10(lo)), hi_decade = std::max(std::ceil(std::log10(hi)), lo_decade + 1);

  const double row_h = 17, label_w = 372, value_w = 90, top = 34, bottom = 36, width = 1120;
  const double plot_l = label_w + 12, plot_r = width - value_w;
  const double height = top + row_h * static_cast<double>(rows.size()) + bottom;
  auto x = [&](double bytes) {
    return plot_l + (std::log10(bytes) - lo_decade) / (hi_decade - lo_decade) * (plot_r - plot_l);
  };
  const std::string id = ram ? "chart-ram" : "chart-flash";
  const std::string title = std::string(ram ? "RAM" : "Flash") + ": every device's " + what + " and every model's " +
                            (ram ? "RAM" : "flash") + " need";
  std::string desc = "Rows sorted from largest to smallest on a log scale from " + DecadeLabel(lo_decade) + " to " +
                     DecadeLabel(hi_decade) + ". A model fits a device's " + (ram ? "RAM" : "flash") +
                     " when its row is below the device's row.";
  std::string s = "<svg id=\"" + id + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + F(width) + "\" height=\"" +
                  F(height) + "\" viewBox=\"0 0 " + F(width) + " " + F(height) + "\" role=\"img\" aria-labelledby=\"" +
                  id + "-title " + id + "-desc\" font-family=\"system-ui,sans-serif\">\n<title id=\"" + id +
                  "-title\">" + XmlEscape(title) + "</title>\n<desc id=\"" + id + "-desc\">" + XmlEscape(desc) +
                  "</desc>\n";
  // Legend, then decade grid lines with their labels at top and bottom.
  s += "<path d=\"M" + F(plot_l) + " 10l5 5-5 5-5-5z\" fill=\"" + kDeviceColour + "\"/><text x=\"" + F(plot_l + 10) +
       "\" y=\"19\" font-size=\"12\" fill=\"#1a1a1a\">device: " + what + "</text>";
  s += "<circle cx=\"" + F(plot_l + 170) + "\" cy=\"15\" r=\"4.5\" fill=\"" + kModelColour + "\"/><text x=\"" +
       F(plot_l + 180) + "\" y=\"19\" font-size=\"12\" fill=\"#1a1a1a\">model: " + (ram ? "RAM" : "flash") +
       " need (estimated)</text>\n";
  const double grid_bottom = top + row_h * static_cast<double>(rows.size());
  for (double e = lo_decade; e <= hi_decade + 1e-9; e += 1) {
    const double gx = x(std::pow(10.0, e));
    s += "<line x1=\"" + F(gx) + "\" y1=\"" + F(top - 4) + "\" x2=\"" + F(gx) + "\" y2=\"" + F(grid_bottom) +
         "\" stroke=\"#d0d0d0\"/><text x=\"" + F(gx) + "\" y=\"" + F(grid_bottom + 16) +
         "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">" + XmlEscape(DecadeLabel(e)) + "</text>\n";
  }
  s += "<text x=\"" + F((plot_l + plot_r) / 2) + "\" y=\"" + F(grid_bottom + 31) +
       "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">bytes (log scale, 1 kB = 1000 B)</text>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const double cy = top + row_h * static_cast<double>(i) + row_h / 2;
    const double cx = x(r.bytes);
    const char* colour = r.device ? kDeviceColour : kModelColour;
    if (r.device) {
      s += "<rect x=\"0\" y=\"" + F(cy - row_h / 2) + "\" width=\"" + F(width) + "\" height=\"" + F(row_h) +
           "\" fill=\"#eef5fb\"/>";
    }
    s += "<g><title>" + XmlEscape(r.label + ": " + FormatBytes(r.bytes)) + "</title>";
    s += "<text x=\"" + F(label_w) + "\" y=\"" + F(cy + 4) +
         "\" font-size=\"11.5\" text-anchor=\"end\" fill=\"#1a1a1a\"" + (r.device ? " font-weight=\"600\"" : "") + ">" +
         XmlEscape(Clip(r.label)) + "</text>";
    s += "<line x1=\"" + F(plot_l) + "\" y1=\"" + F(cy) + "\" x2=\"" + F(cx) + "\" y2=\"" + F(cy) + "\" stroke=\"" +
         colour + "\" stroke-opacity=\"0.35\"/>";
    if (r.device) {
      s += "<path d=\"M" + F(cx) + " " + F(cy - 6) + "l6 6-6 6-6-6z\" fill=\"" + colour + "\"/>";
    } else {
      s += "<circle cx=\"" + F(cx) + "\" cy=\"" + F(cy) + "\" r=\"4.5\" fill=\"" + colour + "\"/>";
    }
    s += "<text x=\"" + F(plot_r + 8) + "\" y=\"" + F(cy + 4) + "\" font-size=\"11\" fill=\"#1a1a1a\">" +
         XmlEscape(FormatBytes(r.bytes)) + "</text></g>\n";
  }
  s += "</svg>\n";
  *alt = desc;
  return s;
}

}  // namespace tinykg::match
