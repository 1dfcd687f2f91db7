#include "tinykg/match/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report_data.h"
#include "report_sections.h"
#include "tinykg/base/text.h"
#include "tinykg/match/render.h"
#include "tinykg/match/table.h"

namespace tinykg::match {

Result<ReportFormat> ReportFormatFromName(std::string_view name) {
  if (name == "html") return ReportFormat::kHtml;
  auto shared = TableFormatFromName(name);
  if (!shared.ok()) return rdf::UnknownFormat(name, {"table", "json", "csv", "tsv", "md", "html"});
  switch (*shared) {
    case TableFormat::kTable:
    case TableFormat::kMarkdown:
      return ReportFormat::kMarkdown;
    case TableFormat::kJson:
      return ReportFormat::kJson;
    case TableFormat::kCsv:
      return ReportFormat::kCsv;
    case TableFormat::kTsv:
      return ReportFormat::kTsv;
  }
  return Internal("unknown report format");
}

namespace {

std::string Opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); }

std::string OptDouble(const std::optional<double>& v) {
  if (!v) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

std::string NameList(const std::vector<std::string>& iris) {
  std::string s = "[";
  for (std::size_t i = 0; i < iris.size(); ++i) s += (i ? ", " : "") + JsonString(LocalName(iris[i]));
  return s + "]";
}

// The failing checks of a pair as "ram+sensor" (csv) or a JSON array.
std::string FailWords(std::uint8_t failures, bool json) {
  std::string out;
  for (const FailKind& k : kFailKindTable) {
    if (!(failures & k.bit)) continue;
    const std::string word = AsciiLower(k.word);
    out += (out.empty() ? "" : json ? ", " : "+") + (json ? JsonString(word) : word);
  }
  return json ? "[" + out + "]" : out;
}

std::string Json(const ReportData& data) {
  const ReportContext& context = data.context;
  std::string out = "{\n\"generated\": " + JsonString(context.generated) +
                    ", \"version\": " + JsonString(context.version) + ", \"store\": " + JsonString(context.store) +
                    ",\n\"summary\": {\"devices\": " + std::to_string(data.devices.size()) +
                    ", \"models\": " + std::to_string(data.models.size()) +
                    ", \"records\": " + std::to_string(data.records) + ", \"pairs\": " + std::to_string(data.Pairs()) +
                    ", \"fitting\": " + std::to_string(data.fitting) +
                    ", \"emulator_runs\": " + std::to_string(data.runs.size()) + "},\n\"devices\": [";
  for (std::size_t i = 0; i < data.devices.size(); ++i) {
    const auto& d = data.devices[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(d.entity.name) +
           ", \"iri\": " + JsonString(d.entity.iri) +
           ", \"core\": " + (d.core.empty() ? "null" : JsonString(LocalName(d.core))) +
           ", \"clock_hz\": " + Opt(d.clock_hz) + ", \"free_ram_bytes\": " + Opt(d.free_ram) +
           ", \"free_flash_bytes\": " + Opt(d.free_flash) + ", \"sensors\": " + NameList(d.sensors) +
           ", \"runtimes\": " + NameList(d.runtimes) +
           ", \"models_that_fit\": " + std::to_string(data.fits_per_device[i]) + "}";
  }
  out += "],\n\"models\": [";
  for (std::size_t i = 0; i < data.models.size(); ++i) {
    const auto& m = data.models[i];
    std::string layers = "[";
    auto it = data.layers.find(m.entity.iri);
    if (it != data.layers.end()) {
      for (std::size_t k = 0; k < it->second.size(); ++k) {
        const LayerRow& l = it->second[k];
        layers += std::string(k ? ", " : "") + "{\"index\": " + std::to_string(l.index) +
                  ", \"operator\": " + JsonString(l.op) + ", \"macs\": " + Opt(l.macs) +
                  ", \"weight_bytes\": " + Opt(l.weight_bytes) + ", \"activation_bytes\": " + Opt(l.activation_bytes) +
                  "}";
      }
    }
    out += std::string(i ? ",\n " : "\n ") + "{\"model\": " + JsonString(m.entity.name) +
           ", \"iri\": " + JsonString(m.entity.iri) +
           ", \"task\": " + (m.task.empty() ? "null" : JsonString(LocalName(m.task))) +
           ", \"ram_need_bytes\": " + Opt(m.ram_need) + ", \"flash_need_bytes\": " + Opt(m.flash_need) +
           ", \"macs\": " + Opt(m.macs) + ", \"sensors\": " + NameList(m.sensors) +
           ", \"accuracy\": " + OptDouble(m.accuracy) +
           ", \"devices_it_fits\": " + std::to_string(data.fits_per_model[i]) + ", \"layers\": " + layers + "]}";
  }
  out += "],\n\"matrix\": [";
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      const PairCell& c = data.At(m, d);
      out += std::string(m + d ? ",\n " : "\n ") + "{\"model\": " + JsonString(data.models[m].entity.name) +
             ", \"device\": " + JsonString(data.devices[d].entity.name) + ", \"fits\": " + (c.fits ? "true" : "false") +
             ", \"failed\": " + FailWords(c.failures, true) + ", \"ram_margin_bytes\": " + Opt(c.ram_margin) +
             ", \"flash_margin_bytes\": " + Opt(c.flash_margin) + ", \"latency_ms\": " + OptDouble(c.latency_ms) +
             ", \"latency_basis\": " + JsonString(TextOf(c.basis).name) + "}";
    }
  }
  out += "],\n\"emulator_runs\": [";
  for (std::size_t i = 0; i < data.runs.size(); ++i) {
    const EmulatorRun& r = data.runs[i];
    std::string figures = "{";
    for (const auto& [metric, value] : r.figures) {
      figures += (figures.size() > 1 ? ", " : "") + JsonString(metric) + ": " + OptDouble(value);
    }
    out += std::string(i ? ",\n " : "\n ") + "{\"run\": " + JsonString(r.iri) +
           ", \"device\": " + JsonString(r.device_name) + ", \"model\": " + JsonString(r.model_name) +
           ", \"target\": " + JsonString(r.target) + ", \"date\": " + JsonString(r.date) + ", \"figures\": " + figures +
           "}}";
  }
  out += "],\n\"deployments\": [";
  for (std::size_t i = 0; i < data.deployments.size(); ++i) {
    const DeploymentRow& d = data.deployments[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"deployment\": " + JsonString(d.iri) +
           ", \"model\": " + JsonString(d.model_name) + ", \"device\": " + JsonString(d.device_name) +
           ", \"date\": " + JsonString(d.date) + ", \"tinykg_version\": " + JsonString(d.version) +
           ", \"online_learning\": " + (d.online ? "true" : "false") +
           ", \"arena_reserved_bytes\": " + Opt(d.arena_reserved) +
           ", \"arena_measured_bytes\": " + Opt(d.arena_measured) + ", \"model_array_bytes\": " + Opt(d.model_array) +
           ", \"target\": " + JsonString(d.target) + ", \"forced_misfit\": " + (d.forced ? "true" : "false") + "}";
  }
  out += "],\n\"unevaluated\": [";
  for (std::size_t i = 0; i < data.unevaluated.size(); ++i) {
    const auto& u = data.unevaluated[i];
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(u.name) + ", \"iri\": " + JsonString(u.iri) +
           ", \"in_matrix\": " + (u.skipped ? "false" : "true") + ", \"why\": " + JsonString(u.why) + "}";
  }
  out += "],\n\"winners\": [";
  for (std::size_t i = 0; i < data.winners.size(); ++i) {
    const ReportWinner& w = data.winners[i];
    const PairCell& c = data.At(w.model, w.device);
    out += std::string(i ? ",\n " : "\n ") + "{\"device\": " + JsonString(data.devices[w.device].entity.name) +
           ", \"task\": " + JsonString(LocalName(w.task)) +
           ", \"model\": " + JsonString(data.models[w.model].entity.name) +
           ", \"accuracy\": " + OptDouble(data.models[w.model].accuracy) +
           ", \"latency_ms\": " + OptDouble(c.latency_ms) + ", \"basis\": " + JsonString(w.basis) + "}";
  }
  return out + "]\n}\n";
}

// The matrix as rows for programs (csv or tsv).
std::string MatrixRows(const ReportData& data, TableFormat format) {
  TextTable t;
  t.columns = {"model",      "device",       "fits", "checks_failed", "ram_margin_bytes", "flash_margin_bytes",
               "latency_ms", "latency_basis"};
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      const PairCell& c = data.At(m, d);
      char lat[32] = "";
      if (c.latency_ms) std::snprintf(lat, sizeof lat, "%.6g", *c.latency_ms);
      t.rows.push_back({data.models[m].entity.name, data.devices[d].entity.name, c.fits ? "true" : "false",
                        FailWords(c.failures, false), c.ram_margin ? std::to_string(*c.ram_margin) : "",
                        c.flash_margin ? std::to_string(*c.flash_margin) : "", lat,
                        c.latency_ms ? TextOf(c.basis).name : ""});
    }
  }
  return RenderTable(t, format);
}

}  // namespace

Result<std::string> RenderReport(rdf::Store& store, ReportFormat format, const ReportContext& context) {
  TINYKG_ASSIGN_OR_RETURN(ReportData data, GatherReport(store, context));
  switch (format) {
    case ReportFormat::kMarkdown:
      return WriteMarkdown(BuildReportDoc(data));
    case ReportFormat::kHtml:
      return WriteHtml(BuildReportDoc(data));
    case ReportFormat::kJson:
      return Json(data);
    case ReportFormat::kCsv:
      return MatrixRows(data, TableFormat::kCsv);
    case ReportFormat::kTsv:
      return MatrixRows(data, TableFormat::kTsv);
  }
  return Internal("unknown report format");
}

}  // namespace tinykg::match
