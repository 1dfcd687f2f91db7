#include "tinykg/match/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "facts.h"
#include "tinykg/match/bench.h"
#include "tinykg/match/render.h"
#include "tinykg/match/table.h"

namespace tinykg::match {

Result<ReportFormat> ReportFormatFromName(std::string_view name) {
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "json") return ReportFormat::kJson;
  if (name == "csv") return ReportFormat::kCsv;
  return InvalidArgument("unknown report format '" + std::string(name) + "' (expected md, html, json or csv)");
}

namespace {

struct Winner {
  Entity device;
  std::string task;
  Fit fit;
  std::string basis;  // "published accuracy 93.5 %" / "estimated latency"
};

struct ReportData {
  std::vector<DeviceFacts> devices;
  std::vector<std::pair<Entity, std::string>> not_evaluated;  // devices without budgets, and why
  std::vector<ModelFacts> models;
  std::map<std::pair<std::string, std::string>, Fit> pairs;  // (model, device) -> fit
  std::vector<Winner> winners;
  std::size_t records = 0;
  std::size_t fitting = 0;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<ReportData> Gather(rdf::Store& store) {
  FactSource facts(store);
  ReportData data;
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, facts.Reference());
  TINYKG_ASSIGN_OR_RETURN(data.models, facts.Models({}));
  TINYKG_ASSIGN_OR_RETURN(data.devices, facts.Devices({}));
  auto by_name = [](const auto& a, const auto& b) { return Lower(a.entity.name) < Lower(b.entity.name); };
  std::sort(data.models.begin(), data.models.end(), by_name);
  std::sort(data.devices.begin(), data.devices.end(), by_name);
  std::erase_if(data.devices, [&data](const DeviceFacts& d) {
    std::string why = Unevaluable(d);
    if (why.empty()) return false;
    data.not_evaluated.emplace_back(d.entity, std::move(why));
    return true;
  });
  for (const auto& m : data.models) {
    for (const auto& d : data.devices) {
      Fit f = Evaluate(m, d, *catalog, {});
      data.fitting += f.fits;
      data.pairs.emplace(std::make_pair(m.entity.iri, d.entity.iri), std::move(f));
    }
  }
  TINYKG_ASSIGN_OR_RETURN(std::vector<BenchmarkRecord> records, ListRecords(store));
  data.records = records.size();
  // Winners: per device and task, the fitting model with the best accuracy
  // record; without any accuracy figure, the lowest estimated latency.
  for (const auto& d : data.devices) {
    std::map<std::string, Winner> best;
    for (const auto& m : data.models) {
      if (m.task.empty()) continue;
      const Fit& f = data.pairs.at({m.entity.iri, d.entity.iri});
      if (!f.fits) continue;
      auto it = best.find(m.task);
      auto better = [&](const Fit& a, const Fit& b) {
        if (a.accuracy.has_value() != b.accuracy.has_value()) return a.accuracy.has_value();
        if (a.accuracy && *a.accuracy != *b.accuracy) return *a.accuracy > *b.accuracy;
        return a.latency_ms.value_or(1e300) < b.latency_ms.value_or(1e300);
      };
      if (it == best.end() || better(f, it->second.fit)) best[m.task] = Winner{d.entity, m.task, f, ""};
    }
    for (auto& [task, w] : best) {
      char buf[96];
      if (w.fit.accuracy) {
        std::snprintf(buf, sizeof buf, "accuracy %.1f %% (record)", *w.fit.accuracy * 100);
      } else if (w.fit.latency_ms) {
        std::snprintf(buf, sizeof buf, "no accuracy figure; fastest (%s estimated)", FormatMs(*w.fit.latency_ms).c_str());
      } else {
        std::snprintf(buf, sizeof buf, "no figures; first that fits");
      }
      w.basis = buf;
      data.winners.push_back(std::move(w));
    }
  }
  return data;
}

// Short reason code of a misfit for matrix cells.
std::string Code(const Fit& f) {
  if (f.fits) return f.float_without_fpu ? "fits*" : "fits";
  std::string code;
  for (const Constraint& c : f.constraints) {
    if (c.ok) continue;
    std::string n = c.name == "operators" ? "ops" : c.name == "latency" ? "lat" : c.name;
    code += (code.empty() ? "" : "+") + n;
  }
  return code;
}

std::string Pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", v * 100);
  return buf;
}

std::string Mhz(const std::optional<std::int64_t>& hz) {
  if (!hz) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g MHz", static_cast<double>(*hz) / 1e6);
  return buf;
}

std::string Names(const std::vector<std::string>& iris) {
  std::string out;
  for (const auto& i : iris) out += (out.empty() ? "" : ", ") + LocalName(i);
  return out.empty() ? "-" : out;
}

std::string Bytes(const std::optional<std::int64_t>& b) { return b ? FormatBytes(static_cast<double>(*b)) : "?"; }

struct Views {
  TextTable devices, models, matrix, winners, near_misses, not_evaluated;
  std::vector<std::string> device_keys;  // D1, D2, ...
};

Views BuildViews(const ReportData& data) {
  Views v;
  v.devices.columns = {"key", "device", "core", "clock", "free RAM", "free flash", "sensors", "runtimes", "models that fit"};
  for (std::size_t i = 0; i < data.devices.size(); ++i) {
    const auto& d = data.devices[i];
    v.device_keys.push_back("D" + std::to_string(i + 1));
    int n = 0;
    for (const auto& m : data.models) n += data.pairs.at({m.entity.iri, d.entity.iri}).fits;
    v.devices.rows.push_back({v.device_keys.back(), d.entity.name, d.core.empty() ? "?" : LocalName(d.core),
                              Mhz(d.clock_hz), Bytes(d.free_ram), Bytes(d.free_flash), Names(d.sensors),
                              Names(d.runtimes), std::to_string(n) + " / " + std::to_string(data.models.size())});
  }
  v.models.columns = {"model", "task", "input", "RAM need", "flash need", "MACs", "dtype", "accuracy", "fits on"};
  for (const auto& m : data.models) {
    int n = 0;
    for (const auto& d : data.devices) n += data.pairs.at({m.entity.iri, d.entity.iri}).fits;
    v.models.rows.push_back({m.entity.name, m.task.empty() ? "-" : LocalName(m.task), Names(m.sensors),
                             Bytes(m.ram_need), Bytes(m.flash_need), m.macs ? std::to_string(*m.macs) : "?",
                             m.dtype.empty() ? "?" : LocalName(m.dtype), m.accuracy ? Pct(*m.accuracy) : "-",
                             std::to_string(n) + " / " + std::to_string(data.devices.size()) + " devices"});
  }
  v.matrix.columns = {"model"};
  for (const auto& k : v.device_keys) v.matrix.columns.push_back(k);
  for (const auto& m : data.models) {
    std::vector<std::string> row{m.entity.name};
    for (const auto& d : data.devices) row.push_back(Code(data.pairs.at({m.entity.iri, d.entity.iri})));
    v.matrix.rows.push_back(std::move(row));
  }
  v.winners.columns = {"device", "task", "best model", "why", "RAM to spare", "latency"};
  for (const auto& w : data.winners) {
    v.winners.rows.push_back({w.device.name, LocalName(w.task), w.fit.model.name, w.basis,
                              Bytes(w.fit.ram_margin_bytes), w.fit.latency_ms ? FormatMs(*w.fit.latency_ms) : "?"});
  }
  v.not_evaluated.columns = {"device", "IRI", "why"};
  for (const auto& [device, why] : data.not_evaluated) v.not_evaluated.rows.push_back({device.name, device.iri, why});
  v.near_misses.columns = {"model", "device", "short of"};
  for (const auto& [key, f] : data.pairs) {
    if (f.fits) continue;
    const Constraint* only = nullptr;
    int failures = 0;
    for (const auto& c : f.constraints) {
      if (!c.ok) {
        ++failures;
        only = &c;
      }
    }
    if (failures == 1 && (only->name == "ram" || only->name == "flash") && only->need && only->have &&
        *only->need - *only->have <= 0.25 * *only->need) {
      v.near_misses.rows.push_back({f.model.name, f.device.name,
                                    (only->name == "ram" ? "RAM by " : "flash by ") + FormatBytes(*only->need - *only->have)});
    }
  }
  std::sort(v.near_misses.rows.begin(), v.near_misses.rows.end());
  return v;
}

std::string Summary(const ReportData& data) {
  std::size_t pairs = data.models.size() * data.devices.size();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%zu devices, %zu models, %zu benchmark records; %zu of %zu (model, device) pairs fit (%.0f %%).",
                data.devices.size(), data.models.size(), data.records, data.fitting, pairs,
                pairs ? 100.0 * static_cast<double>(data.fitting) / static_cast<double>(pairs) : 0.0);
  std::string out = buf;
  if (!data.not_evaluated.empty()) {
    out += " " + std::to_string(data.not_evaluated.size()) +
           " more device(s) could not be evaluated (see \"Devices not evaluated\").";
  }
  return out;
}

const char kLegend[] =
    "Cells: `fits`; `fits*` = float model on a core without FPU (runs, slowed); otherwise the failed "
    "checks: `ram`, `flash` (need > free), `sensor` (input sensor kind missing), `ops` (no offered runtime "
    "supports every operator), `lat` (over a latency bound).";

const char kRanking[] =
    "Winners: per device and task, the fitting model with the best accuracy record (published or measured); "
    "tasks without any accuracy figure go to the lowest estimated latency (MACs x cycles per MAC / clock).";

std::string Markdown(const ReportData& data) {
  Views v = BuildViews(data);
  std::string out = "# tinykg matchmaking report\n\n" + Summary(data) + "\n\n";
  out += "## Devices\n\n" + RenderTable(v.devices, TableFormat::kMarkdown) + "\n";
  out += "## Models\n\n" + RenderTable(v.models, TableFormat::kMarkdown) + "\n";
  out += "## Compatibility matrix\n\n" + std::string(kLegend) + " Device keys as in the device table.\n\n" +
         RenderTable(v.matrix, TableFormat::kMarkdown) + "\n";
  out += "## Benchmark winners per device and task\n\n" + std::string(kRanking) + "\n\n" +
         RenderTable(v.winners, TableFormat::kMarkdown) + "\n";
  if (!v.not_evaluated.rows.empty()) {
    out += "## Devices not evaluated\n\n" + RenderTable(v.not_evaluated, TableFormat::kMarkdown) + "\n";
  }
  if (!v.near_misses.rows.empty()) {
    out += "## Near misses (short of RAM or flash by at most 25 %)\n\n" +
           RenderTable(v.near_misses, TableFormat::kMarkdown) + "\n";
  }
  out += "Explain any pair with `tinykg explain --model M --device D`.\n";
  return out;
}

std::string Json(const ReportData& data) {
  std::string out = "{\n\"summary\": {\"devices\": " + std::to_string(data.devices.size()) +
                    ", \"models\": " + std::to_string(data.models.size()) +
                    ", \"records\": " + std::to_string(data.records) +
                    ", \"pairs\": " + std::to_string(data.pairs.size()) +
                    ", \"fitting\": " + std::to_string(data.fitting) + "},\n\"devices\": [";
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
  auto list = [](const std::vector<std::string>& iris) {
    std::string s = "[";
    for (std::size_t i = 0; i < iris.size(); ++i) s += (i ? ", " : "") + JsonString(LocalName(iris[i]));
    return s + "]";
  };
  for (std::size_t i = 0; i < data.devices.size(); ++i) {
    const auto& d = data.devices[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(d.entity.name) +
           ", \"iri\": " + JsonString(d.entity.iri) + ", \"core\": " + (d.core.empty() ? "null" : JsonString(LocalName(d.core))) +
           ", \"clock_hz\": " + opt(d.clock_hz) + ", \"free_ram_bytes\": " + opt(d.free_ram) +
           ", \"free_flash_bytes\": " + opt(d.free_flash) + ", \"sensors\": " + list(d.sensors) +
           ", \"runtimes\": " + list(d.runtimes) + "}";
  }
  out += "],\n\"not_evaluated\": [";
  for (std::size_t i = 0; i < data.not_evaluated.size(); ++i) {
    const auto& [device, why] = data.not_evaluated[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(device.name) +
           ", \"iri\": " + JsonString(device.iri) + ", \"why\": " + JsonString(why) + "}";
  }
  out += "],\n\"models\": [";
  for (std::size_t i = 0; i < data.models.size(); ++i) {
    const auto& m = data.models[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"model\": " + JsonString(m.entity.name) +
           ", \"iri\": " + JsonString(m.entity.iri) + ", \"task\": " + (m.task.empty() ? "null" : JsonString(LocalName(m.task))) +
           ", \"ram_need_bytes\": " + opt(m.ram_need) + ", \"flash_need_bytes\": " + opt(m.flash_need) +
           ", \"macs\": " + opt(m.macs) + ", \"sensors\": " + list(m.sensors) +
           ", \"accuracy\": " + (m.accuracy ? std::to_string(*m.accuracy) : "null") + "}";
  }
  out += "],\n\"matrix\": [";
  bool first = true;
  for (const auto& [key, f] : data.pairs) {
    out += std::string(first ? "\n " : ",\n ") + FitJson(f, false);
    first = false;
  }
  out += "],\n\"winners\": [";
  for (std::size_t i = 0; i < data.winners.size(); ++i) {
    const auto& w = data.winners[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(w.device.name) +
           ", \"task\": " + JsonString(LocalName(w.task)) + ", \"model\": " + JsonString(w.fit.model.name) +
           ", \"accuracy\": " + (w.fit.accuracy ? std::to_string(*w.fit.accuracy) : "null") +
           ", \"latency_ms\": " + (w.fit.latency_ms ? std::to_string(*w.fit.latency_ms) : "null") +
           ", \"basis\": " + JsonString(w.basis) + "}";
  }
  return out + "]\n}\n";
}

std::string Csv(const ReportData& data) {
  TextTable t;
  t.columns = {"model", "device", "fits", "checks_failed", "ram_margin_bytes", "flash_margin_bytes", "latency_ms", "runtime"};
  for (const auto& m : data.models) {
    for (const auto& d : data.devices) {
      const Fit& f = data.pairs.at({m.entity.iri, d.entity.iri});
      char lat[32] = "";
      if (f.latency_ms) std::snprintf(lat, sizeof lat, "%.6g", *f.latency_ms);
      t.rows.push_back({f.model.name, f.device.name, f.fits ? "true" : "false", f.fits ? "" : Code(f),
                        f.ram_margin_bytes ? std::to_string(*f.ram_margin_bytes) : "",
                        f.flash_margin_bytes ? std::to_string(*f.flash_margin_bytes) : "", lat,
                        f.runtime.empty() ? "" : LocalName(f.runtime)});
    }
  }
  return RenderTable(t, TableFormat::kCsv);
}

std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string HtmlTable(const TextTable& t, const char* id) {
  std::string out = std::string("<table id=\"") + id + "\"><thead><tr>";
  for (const auto& c : t.columns) out += "<th>" + Esc(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& r : t.rows) {
    out += "<tr>";
    for (const auto& c : r) out += "<td>" + Esc(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string F(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Models by RAM need (y) vs flash need (x), log scales, against each device's
// free RAM x free flash budget drawn as a dashed box from the origin.
std::string ScatterSvg(const ReportData& data) {
  const double w = 760, h = 460, left = 70, right = 20, top = 20, bottom = 50;
  double lo = 1e3, hi_x = 1e6, hi_y = 1e6;
  for (const auto& m : data.models) {
    if (m.flash_need) hi_x = std::max(hi_x, static_cast<double>(*m.flash_need) * 1.5);
    if (m.ram_need) hi_y = std::max(hi_y, static_cast<double>(*m.ram_need) * 1.5);
  }
  for (const auto& d : data.devices) {
    if (d.free_flash && *d.free_flash < 1e8) hi_x = std::max(hi_x, static_cast<double>(*d.free_flash) * 1.2);
    if (d.free_ram && *d.free_ram < 1e8) hi_y = std::max(hi_y, static_cast<double>(*d.free_ram) * 1.2);
  }
  auto sx = [&](double v) {
    v = std::clamp(v, lo, hi_x);
    return left + (std::log10(v) - std::log10(lo)) / (std::log10(hi_x) - std::log10(lo)) * (w - left - right);
  };
  auto sy = [&](double v) {
    v = std::clamp(v, lo, hi_y);
    return h - bottom - (std::log10(v) - std::log10(lo)) / (std::log10(hi_y) - std::log10(lo)) * (h - top - bottom);
  };
  std::string s = "<svg id=\"chart-ram-flash\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + F(w) + "\" height=\"" +
                  F(h) + "\" viewBox=\"0 0 " + F(w) + " " + F(h) + "\" role=\"img\" aria-label=\"Models by RAM and flash need against device budgets\">\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + F(w) + "\" height=\"" + F(h) + "\" fill=\"#fff\"/>\n";
  for (double t = lo; t <= std::max(hi_x, hi_y) * 1.01; t *= 10) {
    if (t <= hi_x) {
      s += "<line x1=\"" + F(sx(t)) + "\" y1=\"" + F(top) + "\" x2=\"" + F(sx(t)) + "\" y2=\"" + F(h - bottom) + "\" stroke=\"#eee\"/>";
      s += "<text x=\"" + F(sx(t)) + "\" y=\"" + F(h - bottom + 16) + "\" font-size=\"11\" text-anchor=\"middle\">" + Esc(FormatBytes(t)) + "</text>\n";
    }
    if (t <= hi_y) {
      s += "<line x1=\"" + F(left) + "\" y1=\"" + F(sy(t)) + "\" x2=\"" + F(w - right) + "\" y2=\"" + F(sy(t)) + "\" stroke=\"#eee\"/>";
      s += "<text x=\"" + F(left - 6) + "\" y=\"" + F(sy(t) + 4) + "\" font-size=\"11\" text-anchor=\"end\">" + Esc(FormatBytes(t)) + "</text>\n";
    }
  }
  s += "<text x=\"" + F((left + w - right) / 2) + "\" y=\"" + F(h - 12) + "\" font-size=\"12\" text-anchor=\"middle\">flash need / free flash (log)</text>\n";
  s += "<text x=\"16\" y=\"" + F((top + h - bottom) / 2) + "\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + F((top + h - bottom) / 2) + ")\">RAM need / free RAM (log)</text>\n";
  const char* palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  for (std::size_t i = 0; i < data.devices.size(); ++i) {
    const auto& d = data.devices[i];
    if (!d.free_ram || !d.free_flash) continue;
    double x = sx(static_cast<double>(*d.free_flash)), y = sy(static_cast<double>(*d.free_ram));
    std::string color = palette[i % 10];
    s += "<g class=\"budget\"><title>" + Esc(d.entity.name) + ": " + Esc(FormatBytes(static_cast<double>(*d.free_ram))) +
         " RAM, " + Esc(FormatBytes(static_cast<double>(*d.free_flash))) + " flash free</title>";
    s += "<rect x=\"" + F(left) + "\" y=\"" + F(y) + "\" width=\"" + F(x - left) + "\" height=\"" + F(h - bottom - y) +
         "\" fill=\"none\" stroke=\"" + color + "\" stroke-dasharray=\"5 3\"/>";
    s += "<text x=\"" + F(x - 3) + "\" y=\"" + F(y + 12) + "\" font-size=\"10\" text-anchor=\"end\" fill=\"" + color + "\">D" +
         std::to_string(i + 1) + "</text></g>\n";
  }
  for (const auto& m : data.models) {
    if (!m.ram_need || !m.flash_need) continue;
    s += "<circle class=\"model\" cx=\"" + F(sx(static_cast<double>(*m.flash_need))) + "\" cy=\"" +
         F(sy(static_cast<double>(*m.ram_need))) + "\" r=\"4\" fill=\"#333\" fill-opacity=\"0.75\"><title>" +
         Esc(m.entity.name) + ": " + Esc(FormatBytes(static_cast<double>(*m.ram_need))) + " RAM, " +
         Esc(FormatBytes(static_cast<double>(*m.flash_need))) + " flash</title></circle>\n";
  }
  return s + "</svg>\n";
}

// The matrix as a heat map: green = fits (darker = tighter RAM fit), amber =
// fits with a caveat, red = does not fit.
std::string HeatmapSvg(const ReportData& data) {
  const double cell = 22, left = 260, top = 40;
  const double w = left + cell * static_cast<double>(data.devices.size()) + 20;
  const double h = top + cell * static_cast<double>(data.models.size()) + 20;
  std::string s = "<svg id=\"chart-matrix\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + F(w) + "\" height=\"" + F(h) +
                  "\" viewBox=\"0 0 " + F(w) + " " + F(h) + "\" role=\"img\" aria-label=\"Compatibility matrix heat map\">\n";
  for (std::size_t j = 0; j < data.devices.size(); ++j) {
    s += "<text x=\"" + F(left + cell * static_cast<double>(j) + cell / 2) + "\" y=\"" + F(top - 8) +
         "\" font-size=\"11\" text-anchor=\"middle\"><title>" + Esc(data.devices[j].entity.name) + "</title>D" +
         std::to_string(j + 1) + "</text>\n";
  }
  for (std::size_t i = 0; i < data.models.size(); ++i) {
    const auto& m = data.models[i];
    double y = top + cell * static_cast<double>(i);
    s += "<text x=\"" + F(left - 6) + "\" y=\"" + F(y + cell * 0.7) + "\" font-size=\"11\" text-anchor=\"end\">" +
         Esc(m.entity.name) + "</text>\n";
    for (std::size_t j = 0; j < data.devices.size(); ++j) {
      const Fit& f = data.pairs.at({m.entity.iri, data.devices[j].entity.iri});
      std::string color = "#d9534f";
      if (f.fits) {
        double ratio = 1.0;
        for (const auto& c : f.constraints) {
          if (c.name == "ram" && c.need && c.have && *c.have > 0) ratio = *c.need / *c.have;
        }
        int g = static_cast<int>(200 - 120 * std::clamp(ratio, 0.0, 1.0));
        char buf[16];
        std::snprintf(buf, sizeof buf, "#2e%02x4f", std::clamp(g, 0, 255));
        color = f.float_without_fpu ? "#f0ad4e" : buf;
      }
      s += "<rect class=\"cell " + std::string(f.fits ? "fit" : "nofit") + "\" x=\"" +
           F(left + cell * static_cast<double>(j)) + "\" y=\"" + F(y) + "\" width=\"" + F(cell - 2) + "\" height=\"" +
           F(cell - 2) + "\" fill=\"" + color + "\"><title>" + Esc(m.entity.name) + " on " +
           Esc(data.devices[j].entity.name) + ": " + Esc(f.fits ? "fits" : FitNotes(f)) + "</title></rect>\n";
    }
  }
  return s + "</svg>\n";
}

std::string Html(const ReportData& data) {
  Views v = BuildViews(data);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
      "<title>tinykg matchmaking report</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
      "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
      "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}th{background:#f3f3f3}"
      "td:empty::after{content:''}figure{margin:1em 0}figcaption{font-size:13px;color:#555}"
      "\n</style></head><body>\n<h1>tinykg matchmaking report</h1>\n<p id=\"summary\">" + Esc(Summary(data)) + "</p>\n";
  out += "<h2>Models against device budgets</h2>\n<figure>" + ScatterSvg(data) +
         "<figcaption>Each dot is a model (RAM need vs flash need); each dashed box is a device's free RAM and flash "
         "(keys as in the device table). A model fits a device's memory when its dot lies inside the box.</figcaption></figure>\n";
  out += "<h2>Compatibility matrix</h2>\n<figure>" + HeatmapSvg(data) +
         "<figcaption>Green: fits (darker = tighter RAM fit); amber: fits, float model without FPU; red: does not fit "
         "(hover for the reason).</figcaption></figure>\n";
  out += "<h2>Devices</h2>\n" + HtmlTable(v.devices, "devices");
  out += "<h2>Models</h2>\n" + HtmlTable(v.models, "models");
  out += "<h2>Benchmark winners per device and task</h2>\n<p>" + Esc(kRanking) + "</p>\n" + HtmlTable(v.winners, "winners");
  out += "<h2>Matrix (text)</h2>\n" + HtmlTable(v.matrix, "matrix");
  if (!v.not_evaluated.rows.empty()) {
    out += "<h2>Devices not evaluated</h2>\n" + HtmlTable(v.not_evaluated, "not-evaluated");
  }
  if (!v.near_misses.rows.empty()) out += "<h2>Near misses</h2>\n" + HtmlTable(v.near_misses, "near-misses");
  return out + "</body></html>\n";
}

}  // namespace

Result<std::string> RenderReport(rdf::Store& store, ReportFormat format) {
  TINYKG_ASSIGN_OR_RETURN(ReportData data, Gather(store));
  switch (format) {
    case ReportFormat::kMarkdown: return Markdown(data);
    case ReportFormat::kHtml: return Html(data);
    case ReportFormat::kJson: return Json(data);
    case ReportFormat::kCsv: return Csv(data);
  }
  return Internal("unknown report format");
}

}  // namespace tinykg::match
