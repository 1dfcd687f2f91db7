#include "report_data.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "tinykg/base/text.h"
#include "tinykg/match/bench.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {

const FailKind kFailKindTable[kFailKinds] = {
    {'R', "RAM", kFailRam},         {'F', "flash", kFailFlash},
    {'S', "sensor", kFailSensor},   {'O', "operators", kFailOperators},
    {'L', "latency", kFailLatency}, {'X', "other", kFailOther},
};

const BasisText& TextOf(LatencyBasis basis) {
  static const BasisText kTexts[] = {
      {"unknown", "", "unknown (no core or clock)"},
      {"estimated", "[E]", "estimated (MACs x cycles/MAC table)"},
      {"calibrated", "[C]", "calibrated (kernel cost measured on the emulator)"},
      {"measured", "[M]", "measured on the emulator"},
  };
  return kTexts[static_cast<int>(basis)];
}

namespace {

PairCell Cell(const Fit& f) {
  PairCell c;
  c.fits = f.fits;
  c.float_without_fpu = f.float_without_fpu;
  c.ram_margin = f.ram_margin_bytes;
  c.flash_margin = f.flash_margin_bytes;
  c.latency_ms = f.latency_ms;
  for (const Constraint& k : f.constraints) {
    if (k.name == "latency") {
      c.basis = k.basis == "measured"     ? LatencyBasis::kMeasured
                : k.basis == "calibrated" ? LatencyBasis::kCalibrated
                : k.basis == "table"      ? LatencyBasis::kEstimated
                                          : LatencyBasis::kUnknown;
    }
    if (k.ok) continue;
    c.failures |= k.name == "ram"         ? kFailRam
                  : k.name == "flash"     ? kFailFlash
                  : k.name == "sensor"    ? kFailSensor
                  : k.name == "operators" ? kFailOperators
                  : k.name == "latency"   ? kFailLatency
                                          : kFailOther;
  }
  return c;
}

Status GatherLayers(rdf::Store& store, ReportData& data) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult result, RunNamed(store, "report-model-layers"));
  const Rows rows(result);
  std::set<std::pair<std::string, std::string>> seen;  // (model, layer): a layer joined twice is one layer
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string model = rows.Str(i, "model");
    if (!seen.emplace(model, rows.Str(i, "layer")).second) continue;
    LayerRow l;
    l.index = rows.Int(i, "index").value_or(0);
    l.op = LocalName(rows.Str(i, "operator"));
    l.shape_in = rows.Str(i, "shape_in");
    l.shape_out = rows.Str(i, "shape_out");
    l.macs = rows.Int(i, "macs");
    l.weight_bytes = rows.Int(i, "weight_bytes");
    l.activation_bytes = rows.Int(i, "activation_bytes");
    data.layers[model].push_back(std::move(l));
  }
  for (auto& [model, list] : data.layers) {
    std::sort(list.begin(), list.end(), [](const LayerRow& a, const LayerRow& b) { return a.index < b.index; });
  }
  return Status::Ok();
}

// Records by IRI (runs, deployments) as a list, newest first.
template <typename Record>
std::vector<Record> NewestFirst(std::map<std::string, Record>&& by_iri) {
  std::vector<Record> out;
  out.reserve(by_iri.size());
  for (auto& [iri, r] : by_iri) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(),
            [](const Record& a, const Record& b) { return a.date != b.date ? a.date > b.date : a.iri < b.iri; });
  return out;
}

// The display name of `iri` among `list` (devices or models), else its
// local name.
template <typename List>
std::string NameIn(const List& list, const std::string& iri) {
  for (const auto& e : list) {
    if (e.entity.iri == iri) return e.entity.name;
  }
  return LocalName(iri);
}

Status GatherRuns(rdf::Store& store, ReportData& data) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult result, RunNamed(store, "report-emulator-runs"));
  const Rows rows(result);
  std::map<std::string, EmulatorRun> runs;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EmulatorRun& r = runs[rows.Str(i, "run")];
    if (r.iri.empty()) {
      r.iri = rows.Str(i, "run");
      r.label = rows.Str(i, "label");
      r.device_iri = rows.Str(i, "device");
      r.model_iri = rows.Str(i, "model");
      r.training = LocalName(rows.Str(i, "training"));
      r.target = rows.Str(i, "target");
      r.toolchain = rows.Str(i, "toolchain");
      r.commit = rows.Str(i, "commit");
      r.date = rows.Str(i, "date");
      r.steps = rows.Int(i, "steps");
    }
    const auto value = rows.Double(i, "value");
    if (!value) continue;
    const std::string metric = LocalName(rows.Str(i, "metric"));
    if (metric == "KernelInstructionsPerMac") {
      r.kernel_instructions_per_mac[rows.Str(i, "kernel")] = *value;
    } else {
      r.figures[metric] = *value;
    }
  }
  for (auto& [iri, run] : runs) {
    run.device_name = NameIn(data.devices, run.device_iri);
    run.model_name = NameIn(data.models, run.model_iri);
  }
  data.runs = NewestFirst(std::move(runs));
  return Status::Ok();
}

Status GatherDeployments(rdf::Store& store, ReportData& data) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult result, RunNamed(store, "report-deployments"));
  const Rows rows(result);
  std::map<std::string, DeploymentRow> found;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    DeploymentRow& d = found[rows.Str(i, "deployment")];
    if (!d.iri.empty()) continue;  // several values of one field: the first row
    d.iri = rows.Str(i, "deployment");
    d.label = rows.Str(i, "label");
    d.model_iri = rows.Str(i, "model");
    d.device_iri = rows.Str(i, "device");
    d.model_name = NameIn(data.models, d.model_iri);
    d.device_name = NameIn(data.devices, d.device_iri);
    d.date = rows.Str(i, "date");
    d.version = rows.Str(i, "version");
    d.target = rows.Str(i, "target");
    d.online = rows.Str(i, "online") == "true";
    d.forced = rows.Str(i, "forced") == "true";
    d.arena_reserved = rows.Int(i, "arena");
    d.arena_measured = rows.Int(i, "measured");
    d.model_array = rows.Int(i, "array");
  }
  data.deployments = NewestFirst(std::move(found));
  return Status::Ok();
}

Status GatherUnevaluated(rdf::Store& store, ReportData& data) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult result, RunNamed(store, "report-described-devices"));
  const Rows rows(result);
  std::set<std::string> matched;
  for (const auto& d : data.devices) matched.insert(d.entity.iri);
  for (const auto& u : data.unevaluated) matched.insert(u.iri);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string iri = rows.Str(i, "device");
    if (matched.count(iri) || !seen.insert(iri).second) continue;
    UnevaluatedDevice u;
    u.iri = iri;
    u.name = !rows.Str(i, "label").empty()   ? rows.Str(i, "label")
             : !rows.Str(i, "title").empty() ? rows.Str(i, "title")
                                             : iri;
    u.skipped = true;
    std::vector<std::string> missing;
    if (!rows.Int(i, "free_ram")) missing.push_back("free RAM (tkg:freeRamBytes)");
    if (!rows.Int(i, "free_flash")) missing.push_back("free flash (tkg:freeFlashBytes)");
    for (std::size_t k = 0; k < missing.size(); ++k) u.why += (k ? " and " : "") + missing[k];
    u.why = "not matched: states no " + u.why;
    if (rows.Int(i, "ram") || rows.Int(i, "flash")) u.why += " (total RAM/flash stated; free budgets are not derived)";
    data.unevaluated.push_back(std::move(u));
  }
  for (const auto& d : data.devices) {
    std::vector<std::string> gaps;
    if (d.core.empty() || !data.catalog.cores.count(d.core)) gaps.push_back("no known core type");
    if (!d.clock_hz || *d.clock_hz <= 0) gaps.push_back("no clock");
    if (d.runtimes.empty()) gaps.push_back("no runtime offered (every operator check fails)");
    if (d.sensors.empty()) gaps.push_back("no sensors stated (only models without a specific input sensor can fit)");
    if (gaps.empty()) continue;
    UnevaluatedDevice u{d.entity.iri, d.entity.name, "", false};
    for (std::size_t k = 0; k < gaps.size(); ++k) u.why += (k ? "; " : "") + gaps[k];
    if (u.why.find("core") != std::string::npos || u.why.find("clock") != std::string::npos) {
      u.why += "; latency not estimated";
    }
    data.unevaluated.push_back(std::move(u));
  }
  return Status::Ok();
}

void PickWinners(ReportData& data) {
  // Per device and task, the fitting model with the best accuracy record;
  // without any accuracy figure, the lowest latency.
  for (std::size_t d = 0; d < data.devices.size(); ++d) {
    std::map<std::string, std::size_t> best;
    for (std::size_t m = 0; m < data.models.size(); ++m) {
      const ModelFacts& model = data.models[m];
      if (model.task.empty() || !data.At(m, d).fits) continue;
      auto it = best.find(model.task);
      if (it == best.end()) {
        best.emplace(model.task, m);
        continue;
      }
      const ModelFacts& other = data.models[it->second];
      const PairCell& a = data.At(m, d);
      const PairCell& b = data.At(it->second, d);
      bool better = false;
      if (model.accuracy.has_value() != other.accuracy.has_value()) {
        better = model.accuracy.has_value();
      } else if (model.accuracy && *model.accuracy != *other.accuracy) {
        better = *model.accuracy > *other.accuracy;
      } else {
        better = a.latency_ms.value_or(1e300) < b.latency_ms.value_or(1e300);
      }
      if (better) it->second = m;
    }
    for (const auto& [task, m] : best) {
      char buf[96];
      const PairCell& c = data.At(m, d);
      if (data.models[m].accuracy) {
        std::snprintf(buf, sizeof buf, "accuracy %.1f %% (record)", *data.models[m].accuracy * 100);
      } else if (c.latency_ms) {
        std::snprintf(buf, sizeof buf, "no accuracy figure; fastest (%s)", FormatMs(*c.latency_ms).c_str());
      } else {
        std::snprintf(buf, sizeof buf, "no figures; first that fits");
      }
      data.winners.push_back({d, m, task, buf});
    }
  }
}

}  // namespace

Fit ReportData::Explain(std::size_t model, std::size_t device) const {
  return Evaluate(models[model], devices[device], catalog, {}, true);
}

Result<ReportData> GatherReport(rdf::Store& store, const ReportContext& context) {
  FactSource facts(store);
  ReportData data;
  data.context = context;
  if (data.context.generated.empty()) data.context.generated = NowUtc();
  if (data.context.version.empty()) data.context.version = TINYKG_VERSION;
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, facts.Reference());
  data.catalog = *catalog;
  TINYKG_ASSIGN_OR_RETURN(data.models, facts.Models({}));
  TINYKG_ASSIGN_OR_RETURN(data.devices, facts.Devices({}));
  auto by_name = [](const auto& a, const auto& b) {
    std::string x = AsciiLower(a.entity.name), y = AsciiLower(b.entity.name);
    return x != y ? x < y : a.entity.iri < b.entity.iri;
  };
  std::sort(data.models.begin(), data.models.end(), by_name);
  std::sort(data.devices.begin(), data.devices.end(), by_name);
  // Devices without RAM and flash figures (stated or defaulted from totals)
  // stay out of the matrix; the page says why.
  std::erase_if(data.devices, [&data](const DeviceFacts& d) {
    std::string why = Unevaluable(d);
    if (why.empty()) return false;
    data.unevaluated.push_back({d.entity.iri, d.entity.name, "not matched: " + why, true});
    return true;
  });
  data.cells.reserve(data.models.size() * data.devices.size());
  data.fits_per_model.assign(data.models.size(), 0);
  data.fits_per_device.assign(data.devices.size(), 0);
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      data.cells.push_back(Cell(Evaluate(data.models[m], data.devices[d], data.catalog, {}, false)));
      if (data.cells.back().fits) {
        ++data.fitting;
        ++data.fits_per_model[m];
        ++data.fits_per_device[d];
      }
    }
  }
  TINYKG_ASSIGN_OR_RETURN(std::vector<BenchmarkRecord> records, ListRecords(store));
  data.records = records.size();
  for (const auto& r : records) ++data.records_by_method[r.method.empty() ? "unstated" : LocalName(r.method)];
  TINYKG_ASSIGN_OR_RETURN(rdf::StoreStats stats, store.Stats());
  data.named_graphs = static_cast<std::size_t>(stats.graphs);
  TINYKG_RETURN_IF_ERROR(GatherLayers(store, data));
  TINYKG_RETURN_IF_ERROR(GatherRuns(store, data));
  {
    // Needs read from a published description (src/rdf/published_needs.h).
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult basis, RunNamed(store, "match-needs-basis"));
    Rows b(basis);
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (b.Str(i, "basis") == std::string(vocab::kTkg) + "PublishedMinimum") data.published_needs.insert(b.Str(i, "model"));
    }
  }
  TINYKG_RETURN_IF_ERROR(GatherDeployments(store, data));
  TINYKG_RETURN_IF_ERROR(GatherUnevaluated(store, data));
  PickWinners(data);
  return data;
}

}  // namespace tinykg::match
