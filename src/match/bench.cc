#include "tinykg/match/bench.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>

#include "facts.h"
#include "tinykg/match/render.h"
#include "tinykg/match/table.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {
namespace {

std::string Normal(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool IsIri(std::string_view s) { return s.find("://") != std::string_view::npos || s.rfind("urn:", 0) == 0; }

// FNV-1a, 64 bit: a stable short hash for record IRIs.
std::string Fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

Result<std::string> MetricIri(std::string_view name) {
  if (IsIri(name)) return std::string(name);
  const std::string tkg = vocab::kTkg;
  std::string n = Normal(name);
  if (n.rfind("tkg:", 0) == 0) return tkg + std::string(name.substr(4));
  if (n == "accuracy" || n == "top1" || n == "top1accuracy") return tkg + "Accuracy";
  if (n == "latency" || n == "latencyms") return tkg + "LatencyMs";
  if (n == "ram" || n == "peakram" || n == "peakrambytes") return tkg + "PeakRamBytes";
  if (n == "flash" || n == "flashbytes") return tkg + "FlashBytes";
  if (n == "instructions" || n == "instructionsperinference") return tkg + "InstructionsPerInference";
  if (n == "mse") return tkg + "Mse";
  return InvalidArgument("unknown metric '" + std::string(name) +
                         "' (expected accuracy, latency, ram, flash, instructions, mse or an IRI)");
}

Result<std::string> MethodIri(std::string_view name) {
  if (IsIri(name)) return std::string(name);
  const std::string tkg = vocab::kTkg;
  std::string n = Normal(name);
  if (n == "published") return tkg + "Published";
  if (n == "estimated") return tkg + "Estimated";
  if (n == "measuredonemulator" || n == "emulator" || n == "emulated") return tkg + "MeasuredOnEmulator";
  if (n == "measuredondevice" || n == "measured" || n == "device") return tkg + "MeasuredOnDevice";
  return InvalidArgument("unknown method '" + std::string(name) +
                         "' (expected published, estimated, measured-on-emulator or measured-on-device)");
}

std::string DefaultUnit(std::string_view metric_iri) {
  const std::string om = vocab::kOm;
  std::string local = LocalName(metric_iri);
  if (local == "LatencyMs") return om + "millisecond";
  if (local == "PeakRamBytes" || local == "FlashBytes") return om + "byte";
  return om + "one";
}

Result<std::vector<BenchmarkRecord>> ListRecords(rdf::Store& store, const std::optional<std::string>& method) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult r, RunNamed(store, "match-benchmark-records"));
  std::vector<std::string> vars = r.variables;
  auto col = [&](const std::vector<std::optional<rdf::Term>>& row, const char* name) -> std::string {
    for (std::size_t i = 0; i < vars.size(); ++i) {
      if (vars[i] == name && row[i]) return row[i]->value;
    }
    return {};
  };
  std::vector<BenchmarkRecord> out;
  for (const auto& row : r.rows) {
    std::string iri = col(row, "record");
    if (std::any_of(out.begin(), out.end(), [&](const BenchmarkRecord& b) { return b.iri == iri; })) continue;
    BenchmarkRecord b;
    b.iri = iri;
    b.model.iri = col(row, "model");
    b.model.name = col(row, "model_label").empty() ? LocalName(b.model.iri) : col(row, "model_label");
    if (std::string d = col(row, "device"); !d.empty()) b.device = Entity{d, LocalName(d)};
    b.metric = col(row, "metric");
    try {
      b.value = std::stod(col(row, "value"));
    } catch (...) {
      continue;  // a value that is not a number is not a usable figure
    }
    b.unit = col(row, "unit");
    b.method = col(row, "method");
    b.date = col(row, "date");
    b.source = col(row, "source");
    b.dataset = col(row, "dataset");
    if (method && b.method != *method) continue;
    out.push_back(std::move(b));
  }
  // Names of the devices the records are about (few), in one bound query.
  std::vector<std::vector<rdf::Term>> device_rows;
  for (const auto& b : out) {
    if (b.device) device_rows.push_back({rdf::Term::Iri(b.device->iri)});
  }
  if (!device_rows.empty()) {
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult names, RunNamed(store, "match-device-names", {"device"}, device_rows));
    for (const auto& row : names.rows) {
      std::vector<std::string> v(names.variables.size());
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = row[i] ? row[i]->value : "";
      std::string iri, name;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (names.variables[i] == "device") iri = v[i];
        if (name.empty() && (names.variables[i] == "label" || names.variables[i] == "title")) name = v[i];
      }
      for (auto& b : out) {
        if (b.device && b.device->iri == iri && !name.empty()) b.device->name = name;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const BenchmarkRecord& a, const BenchmarkRecord& b) {
    if (a.model.name != b.model.name) return a.model.name < b.model.name;
    if (a.metric != b.metric) return a.metric < b.metric;
    return a.value > b.value;
  });
  return out;
}

rdf::GraphDocument RecordDocument(const BenchmarkRecord& b) {
  const std::string tkg = vocab::kTkg;
  const std::string dct = vocab::kDcterms;
  const std::string xsd = vocab::kXsd;
  std::string key = b.model.iri + "\n" + (b.device ? b.device->iri : "") + "\n" + b.metric + "\n" + b.method +
                    "\n" + b.source + "\n" + b.dataset + "\n" + b.date;
  std::string iri = std::string(vocab::kTkgResource) + "benchmark/" + Fnv1a(key);
  rdf::GraphDocument doc;
  doc.iri = iri;
  doc.kind = rdf::kKindBenchmark;
  doc.source = b.source;
  doc.label = b.model.name + " " + LocalName(b.metric) + " " + Number(b.value);
  auto add = [&](const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(iri), rdf::Term::Iri(p), std::move(o)});
  };
  add(std::string(vocab::kRdf) + "type", rdf::Term::Iri(tkg + "BenchmarkRecord"));
  add(std::string(vocab::kRdfs) + "label", rdf::Term::Literal(doc.label));
  add(tkg + "benchmarkedModel", rdf::Term::Iri(b.model.iri));
  if (b.device) add(tkg + "benchmarkedDevice", rdf::Term::Iri(b.device->iri));
  add(tkg + "metric", rdf::Term::Iri(b.metric));
  add(tkg + "value", rdf::Term::Literal(Number(b.value), xsd + "double"));
  add(tkg + "unit", rdf::Term::Iri(b.unit.empty() ? DefaultUnit(b.metric) : b.unit));
  add(tkg + "method", rdf::Term::Iri(b.method));
  if (!b.date.empty()) add(dct + "date", rdf::Term::Literal(b.date, xsd + "date"));
  if (!b.source.empty()) add(dct + "source", rdf::Term::Literal(b.source));
  if (!b.dataset.empty()) {
    add(tkg + "dataset", IsIri(b.dataset) ? rdf::Term::Iri(b.dataset) : rdf::Term::Literal(b.dataset));
  }
  return doc;
}

Result<Selection> SelectBest(rdf::Store& store, Matchmaker& mm, const Entity& device, const std::string& task_iri,
                             std::string_view metric) {
  TINYKG_ASSIGN_OR_RETURN(std::string metric_iri, MetricIri(metric));
  const std::string local = LocalName(metric_iri);
  if (local != "Accuracy" && local != "LatencyMs" && local != "PeakRamBytes") {
    return InvalidArgument("bench select ranks by accuracy, latency or ram");
  }
  Filters filters;
  filters.task = task_iri;
  TINYKG_ASSIGN_OR_RETURN(std::vector<Fit> fits, mm.ModelsFor(device, filters));
  if (fits.empty()) {
    return NotFound("no " + LocalName(task_iri) + " model fits " + device.name);
  }
  TINYKG_ASSIGN_OR_RETURN(std::vector<BenchmarkRecord> records, ListRecords(store));

  struct Scored {
    Fit fit;
    std::optional<BenchmarkRecord> record;
    std::optional<double> value;
    std::string basis;
  };
  std::vector<Scored> scored;
  const bool higher_is_better = local == "Accuracy";
  auto better = [&](double a, double b) { return higher_is_better ? a > b : a < b; };
  for (const Fit& f : fits) {
    Scored s{f, std::nullopt, std::nullopt, ""};
    for (const BenchmarkRecord& r : records) {
      if (r.model.iri != f.model.iri || r.metric != metric_iri) continue;
      // Device-specific figures must be about this device.
      if (r.device && r.device->iri != device.iri) continue;
      if (local != "Accuracy" && !r.device && local == "LatencyMs") continue;
      if (!s.value || better(r.value, *s.value)) {
        s.value = r.value;
        s.record = r;
        s.basis = LocalName(r.method) + " " + LocalName(r.metric) + " record";
      }
    }
    if (!s.value && local == "LatencyMs" && f.latency_ms) {
      s.value = f.latency_ms;
      s.basis = "matchmaking estimate (MACs x cycles per MAC / clock)";
      for (const Constraint& c : f.constraints) {
        if (c.name != "latency") continue;
        if (c.basis == "measured") s.basis = "measured on emulator (instructions per inference / clock)";
        if (c.basis == "calibrated") s.basis = "matchmaking estimate (MACs x cycles per MAC calibrated on the emulator / clock)";
      }
    }
    if (!s.value && local == "PeakRamBytes" && f.ram_margin_bytes) {
      for (const Constraint& c : f.constraints) {
        if (c.name == "ram" && c.need) s.value = c.need;
      }
      s.basis = "model RAM need (tkg:ramNeedBytes)";
    }
    scored.push_back(std::move(s));
  }
  std::stable_sort(scored.begin(), scored.end(), [&](const Scored& a, const Scored& b) {
    if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
    if (a.value && *a.value != *b.value) return better(*a.value, *b.value);
    return false;  // keep matchmaking's ranking among equals
  });
  if (!scored.front().value) {
    return NotFound("no " + LocalName(task_iri) + " model that fits " + device.name + " has a figure for " +
                    std::string(metric) + " figure");
  }
  Selection sel;
  sel.fit = scored.front().fit;
  sel.record = scored.front().record;
  sel.value = *scored.front().value;
  sel.unit = local == "Accuracy" ? "fraction" : local == "LatencyMs" ? "ms" : "bytes";
  sel.basis = scored.front().basis;
  for (const auto& s : scored) sel.candidates.push_back(s.fit);
  return sel;
}

std::string RecordJson(const BenchmarkRecord& r) {
  auto opt = [](const std::string& s) { return s.empty() ? std::string("null") : JsonString(s); };
  return "{\"iri\": " + JsonString(r.iri) + ", \"model\": " + JsonString(r.model.name) +
         ", \"model_iri\": " + JsonString(r.model.iri) +
         ", \"device\": " + (r.device ? JsonString(r.device->name) : "null") +
         ", \"metric\": " + JsonString(LocalName(r.metric)) + ", \"value\": " + Number(r.value) +
         ", \"unit\": " + opt(r.unit.empty() ? "" : LocalName(r.unit)) +
         ", \"method\": " + opt(LocalName(r.method)) + ", \"date\": " + opt(r.date) +
         ", \"source\": " + opt(r.source) + ", \"dataset\": " + opt(r.dataset) + "}";
}

std::string SelectionJson(const Selection& s, const std::string& task_iri, std::string_view metric) {
  return "{\"device\": " + JsonString(s.fit.device.name) + ", \"task\": " + JsonString(LocalName(task_iri)) +
         ", \"metric\": " + JsonString(metric) + ", \"model\": " + JsonString(s.fit.model.name) +
         ", \"model_iri\": " + JsonString(s.fit.model.iri) + ", \"value\": " + Number(s.value) +
         ", \"unit\": " + JsonString(s.unit) + ", \"basis\": " + JsonString(s.basis) +
         ", \"candidates\": " + std::to_string(s.candidates.size()) + ", \"fit\": " + FitJson(s.fit, false) +
         ", \"record\": " + (s.record ? RecordJson(*s.record) : "null") + "}";
}

}  // namespace tinykg::match
