// The report's sections, built once from ReportData for every writer.
#include "report_sections.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "report_chart.h"
#include "tinykg/match/render.h"

namespace tinykg::match {

std::string Thousands(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

namespace {

// How many entries a list shows per device / model when the fleet is large.
constexpr std::size_t kTopEntries = 10;
constexpr std::size_t kMaxRuns = 20;

std::string Pct(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", fraction * 100);
  return buf;
}

std::string Mhz(const std::optional<std::int64_t>& hz) {
  if (!hz) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g MHz", static_cast<double>(*hz) / 1e6);
  return buf;
}

std::string Bytes(const std::optional<std::int64_t>& b) { return b ? FormatBytes(static_cast<double>(*b)) : "?"; }

std::string Margin(const std::optional<std::int64_t>& m) {
  if (!m) return "?";
  return (*m >= 0 ? "+" : "\u2212") + FormatBytes(static_cast<double>(*m < 0 ? -*m : *m));
}

std::string Names(const std::vector<std::string>& iris) {
  std::string out;
  for (const auto& i : iris) out += (out.empty() ? "" : ", ") + LocalName(i);
  return out.empty() ? "-" : out;
}

// A model's RAM/flash need: estimated from its file, measured when an
// emulator run wrote the model (the online heads of `train --on emulator`),
// or published (a published description's schema:minValue figures).
const char* NeedMarker(const ReportData& data, const ModelFacts& m) {
  for (const EmulatorRun& r : data.runs) {
    if (r.model_iri == m.entity.iri) return "[M]";
  }
  if (data.published_needs.count(m.entity.iri)) return "[P]";
  return "[E]";
}

std::string Latency(const PairCell& c) {
  if (!c.latency_ms) return "?";
  return FormatMs(*c.latency_ms) + " " + TextOf(c.basis).marker;
}

// "R S" for the failing checks of a pair.
std::string FailLetters(std::uint8_t failures) {
  std::string out;
  for (const FailKind& k : kFailKindTable) {
    if (failures & k.bit) out += std::string(out.empty() ? "" : " ") + k.letter;
  }
  return out;
}

std::string CellText(const PairCell& c) {
  if (c.fits) {
    std::string margin = Margin(c.ram_margin);
    const auto space = margin.find(' ');  // the cell may wrap between the mark and the figure, not inside it
    if (space != std::string::npos) margin.replace(space, 1, "\u00a0");
    return std::string(c.float_without_fpu ? "\u2713* " : "\u2713 ") + margin;
  }
  return "\u2717 " + FailLetters(c.failures);
}

std::string CellClass(const PairCell& c) {
  return std::string("cell ") + (!c.fits ? "nofit" : c.float_without_fpu ? "warn" : "fit");
}

std::string Of(std::size_t n, std::size_t total) { return std::to_string(n) + " of " + std::to_string(total); }

std::string Plural(std::size_t n, const char* one, const char* many) {
  return Thousands(static_cast<std::int64_t>(n)) + " " + (n == 1 ? one : many);
}

void Header(const ReportData& data, ReportDoc& doc) {
  doc.Heading(1, "top", doc.title);
  const ReportContext& c = data.context;
  doc.Paragraph("Generated " + c.generated + " by tinykg " + c.version + " from the store " +
                    (c.store.empty() ? "(not stated)" : c.store) + ".",
                "meta");
  std::size_t layers = 0;
  for (const auto& [model, list] : data.layers) layers += list.size();
  std::string records;
  for (const auto& [method, n] : data.records_by_method) {
    records += (records.empty() ? "" : ", ") + Thousands(static_cast<std::int64_t>(n)) + " " + method;
  }
  const std::size_t skipped = static_cast<std::size_t>(
      std::count_if(data.unevaluated.begin(), data.unevaluated.end(), [](const auto& u) { return u.skipped; }));
  doc.List(
      {Plural(data.devices.size(), "device", "devices") + " matched" +
           (skipped ? " (" + Plural(skipped, "more device", "more devices") + " described but not evaluated)" : ""),
       Plural(data.models.size(), "model", "models") + " (" + Plural(layers, "layer", "layers") + " described)",
       Thousands(static_cast<std::int64_t>(data.Pairs())) + " (model, device) pairs, " +
           Thousands(static_cast<std::int64_t>(data.fitting)) + " fit (" +
           (data.Pairs() ? Pct(static_cast<double>(data.fitting) / static_cast<double>(data.Pairs())) : "-") + ")",
       Plural(data.records, "benchmark record", "benchmark records") + (records.empty() ? "" : " (" + records + ")"),
       Plural(data.runs.size(), "emulator run", "emulator runs") + " written back by `tinykg train --on emulator`",
       Plural(data.named_graphs, "named graph", "named graphs") + " in the store"});
  doc.Paragraph("Where each figure comes from (marked after the figure):");
  doc.List(
      {"[P] published: datasheets and papers (device budgets, published accuracy records, the RAM and flash "
       "needs of models only a published description states)",
       "[E] estimated by tinykg: a model's RAM and flash need from its file (TFLite Micro arena plan plus "
       "runtime code table), latency = MACs x cycles per MAC of the core (kg/cores.ttl) / clock",
       "[C] calibrated: a float model's latency from the kernel cost per MAC measured on the emulator for that core",
       "[M] measured on the emulator (QEMU, instruction counts at 1 cycle per instruction): the figures of "
       "`tinykg train --on emulator` runs"});
  if (data.Aggregated()) {
    doc.Paragraph("This fleet has " + Thousands(static_cast<std::int64_t>(data.devices.size())) + " devices and " +
                      Thousands(static_cast<std::int64_t>(data.models.size())) + " models (" +
                      Thousands(static_cast<std::int64_t>(data.Pairs())) +
                      " pairs): the compatibility matrix is aggregated per model (devices per failing check) instead "
                      "of drawing every cell, the memory chart shows the devices' quantiles, and per-device and "
                      "per-model lists show their best " +
                      std::to_string(kTopEntries) + " entries. `tinykg report --format csv` has every pair.",
                  "note");
  }
}

void FleetSummary(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "summary", "Fleet summary");
  std::size_t failing[kFailKinds] = {}, only[kFailKinds] = {}, models_kept[kFailKinds] = {};
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    std::uint8_t any = 0;
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      const PairCell& c = data.At(m, d);
      any |= c.failures;
      for (int k = 0; k < kFailKinds; ++k) {
        if (!(c.failures & kFailKindTable[k].bit)) continue;
        ++failing[k];
        if (c.failures == kFailKindTable[k].bit) ++only[k];
      }
    }
    for (int k = 0; k < kFailKinds; ++k) models_kept[k] += (any & kFailKindTable[k].bit) != 0;
  }
  int binding = 0;
  for (int k = 1; k < kFailKinds; ++k) {
    if (only[k] > only[binding] || (only[k] == only[binding] && failing[k] > failing[binding])) binding = k;
  }
  const std::size_t misfits = data.Pairs() - data.fitting;
  if (misfits) {
    doc.Paragraph("Binding constraint across the fleet: " + std::string(kFailKindTable[binding].word) + ". It alone " +
                  "keeps " + Thousands(static_cast<std::int64_t>(only[binding])) + " of the " +
                  Thousands(static_cast<std::int64_t>(misfits)) + " pairs that do not fit apart, and fails in " +
                  Thousands(static_cast<std::int64_t>(failing[binding])) + " of them.");
  } else {
    doc.Paragraph("Every model fits every device.");
  }
  DocTable checks;
  checks.id = "binding";
  checks.caption = "Why pairs do not fit (a pair can fail several checks)";
  checks.table.columns = {"check", "pairs failing it", "pairs failing only it", "models it keeps off a device"};
  checks.numeric = {false, true, true, true};
  for (int k = 0; k < kFailKinds; ++k) {
    if (k == kFailKinds - 1 && failing[k] == 0) continue;  // "other" only when it happens
    checks.table.rows.push_back({std::string(1, kFailKindTable[k].letter) + " " + kFailKindTable[k].word,
                                 Thousands(static_cast<std::int64_t>(failing[k])),
                                 Thousands(static_cast<std::int64_t>(only[k])),
                                 Of(models_kept[k], data.models.size())});
  }
  doc.Table(std::move(checks));

  DocTable fits;
  fits.id = "fits-per-model";
  fits.caption = "How many devices each model fits";
  fits.table.columns = {"model", "fits on", "share", "main reason elsewhere", "RAM need", "flash need", "MACs"};
  fits.numeric = {false, true, true, false, true, true, true};
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    const ModelFacts& model = data.models[m];
    std::size_t count[kFailKinds] = {};
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      for (int k = 0; k < kFailKinds; ++k) count[k] += (data.At(m, d).failures & kFailKindTable[k].bit) != 0;
    }
    int main = 0;
    for (int k = 1; k < kFailKinds; ++k) main = count[k] > count[main] ? k : main;
    const std::size_t n = data.fits_per_model[m];
    fits.table.rows.push_back(
        {model.entity.name, Of(n, data.devices.size()),
         data.devices.empty() ? "-" : Pct(static_cast<double>(n) / static_cast<double>(data.devices.size())),
         count[main] ? std::string(kFailKindTable[main].word) + " (" + Plural(count[main], "device", "devices") + ")"
                     : "-",
         Bytes(model.ram_need) + " " + NeedMarker(data, model), Bytes(model.flash_need) + " " + NeedMarker(data, model),
         model.macs ? Thousands(*model.macs) : "?"});
  }
  doc.Table(std::move(fits));
}

void Memory(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "memory", "Memory: model needs against device budgets");
  for (bool ram : {true, false}) {
    std::string alt;
    std::string svg = MemoryChartSvg(data, ram, &alt);
    if (svg.empty()) continue;
    doc.Figure(ram ? "figure-ram" : "figure-flash", std::move(svg),
               std::string(ram ? "RAM" : "Flash") +
                   ": device budgets [P] as blue diamonds on shaded rows, model needs [E] as vermillion circles, "
                   "largest first. A model fits a device's " +
                   (ram ? "RAM" : "flash") + " when it is listed below that device.",
               alt);
  }
}

void Matrix(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "matrix", "Compatibility matrix");
  std::string letters;
  for (const FailKind& k : kFailKindTable)
    letters += std::string(letters.empty() ? "" : ", ") + k.letter + " " + k.word;
  if (!data.Aggregated()) {
    doc.Paragraph(
        "Each cell: \u2713 fits, with the RAM headroom (free RAM minus the model's need); \u2713* fits, "
        "but a float model on a core without FPU (runs slowed); \u2717 does not fit, with the checks that "
        "fail: " +
        letters + ". `tinykg explain --model M --device D` gives every number.");
    DocTable t;
    t.id = "matrix";
    t.caption = "Models (rows) on devices (columns)";
    t.vertical_headers = true;
    t.table.columns = {"model"};
    for (const auto& d : data.devices) t.table.columns.push_back(d.entity.name);
    for (std::size_t m = 0; m < data.models.size(); ++m) {
      std::vector<std::string> row{data.models[m].entity.name}, classes{""};
      for (std::size_t d = 0; d < data.devices.size(); ++d) {
        row.push_back(CellText(data.At(m, d)));
        classes.push_back(CellClass(data.At(m, d)));
      }
      t.table.rows.push_back(std::move(row));
      t.cell_class.push_back(std::move(classes));
    }
    doc.Table(std::move(t));
    return;
  }
  doc.Paragraph("Aggregated: " + Thousands(static_cast<std::int64_t>(data.Pairs())) +
                " cells are too many to draw, so each model gets one row with the number of devices it fits and "
                "the number of devices failing each check (a device can fail several): " +
                letters + ".");
  DocTable t;
  t.id = "matrix";
  t.caption = "Models on the fleet of " + Thousands(static_cast<std::int64_t>(data.devices.size())) + " devices";
  t.table.columns = {"model", "\u2713 fits"};
  for (const FailKind& k : kFailKindTable) t.table.columns.push_back(std::string("\u2717 ") + k.letter);
  t.table.columns.push_back("tightest fit (RAM headroom)");
  t.numeric.assign(t.table.columns.size() - 1, true);
  t.numeric[0] = false;
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    std::size_t count[kFailKinds] = {};
    std::optional<std::size_t> tightest;
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      const PairCell& c = data.At(m, d);
      for (int k = 0; k < kFailKinds; ++k) count[k] += (c.failures & kFailKindTable[k].bit) != 0;
      if (c.fits && c.ram_margin &&
          (!tightest || *c.ram_margin < data.At(m, *tightest).ram_margin.value_or(INT64_MAX))) {
        tightest = d;
      }
    }
    std::vector<std::string> row{data.models[m].entity.name,
                                 Thousands(static_cast<std::int64_t>(data.fits_per_model[m]))};
    for (std::size_t k : count) row.push_back(Thousands(static_cast<std::int64_t>(k)));
    row.push_back(tightest ? data.devices[*tightest].entity.name + " (" + Margin(data.At(m, *tightest).ram_margin) + ")"
                           : "-");
    t.table.rows.push_back(std::move(row));
  }
  doc.Table(std::move(t));
}

// Per task, each model's best accuracy record against what it costs (MACs,
// RAM, flash) and how many devices it fits; a model no other model of the
// task beats on accuracy while costing no more MACs is on the trade-off front.
void AccuracyAgainstCost(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "accuracy", "Accuracy against cost");
  std::map<std::string, std::vector<std::size_t>> by_task;
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    if (!data.models[m].task.empty()) by_task[data.models[m].task].push_back(m);
  }
  if (by_task.empty()) {
    doc.Paragraph("No model states its task.", "note");
    return;
  }
  doc.Paragraph(
      "Per task, every model's best accuracy record against its cost, most accurate first. \u2605 marks the "
      "trade-off front: no other model of the task is more accurate for the same or fewer MACs. Accuracies of "
      "different datasets are not comparable across tasks.");
  DocTable t;
  t.id = "accuracy-cost";
  t.table.columns = {"task", "model", "accuracy", "MACs", "RAM need", "flash need", "fits on", "front"};
  t.numeric = {false, false, true, true, true, true, true, false};
  for (auto& [task, models] : by_task) {
    std::stable_sort(models.begin(), models.end(), [&](std::size_t a, std::size_t b) {
      return data.models[a].accuracy.value_or(-1) > data.models[b].accuracy.value_or(-1);
    });
    for (std::size_t m : models) {
      const ModelFacts& model = data.models[m];
      bool front = model.accuracy.has_value();
      for (std::size_t o : models) {
        const ModelFacts& other = data.models[o];
        if (o == m || !front || !other.accuracy) continue;
        const bool cheaper = other.macs.value_or(INT64_MAX) <= model.macs.value_or(INT64_MAX);
        if (*other.accuracy > *model.accuracy && cheaper) front = false;
      }
      t.table.rows.push_back({LocalName(task), model.entity.name, model.accuracy ? Pct(*model.accuracy) : "-",
                              model.macs ? Thousands(*model.macs) : "?",
                              Bytes(model.ram_need) + " " + NeedMarker(data, model),
                              Bytes(model.flash_need) + " " + NeedMarker(data, model),
                              Of(data.fits_per_model[m], data.devices.size()), front ? "\u2605" : ""});
    }
  }
  doc.Table(std::move(t));
}

void LatencyView(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "latency", "Latency per device");
  doc.Paragraph(
      "Latency of one inference of each fitting model, fastest first. [E] estimated from MACs and the "
      "core's cycles per MAC; [C] calibrated with the engine's kernel cost measured on the emulator for "
      "that core (float models); [M] measured on the emulator for this very pair. Estimates are lower "
      "bounds within about 2x.");
  if (data.Aggregated()) {
    DocTable t;
    t.id = "latency";
    t.caption = "Fastest fitting model per device";
    t.table.columns = {"device", "core, clock", "models that fit", "fastest model", "its latency", "median latency"};
    t.numeric = {false, false, true, false, true, true};
    for (std::size_t d = 0; d < data.devices.size(); ++d) {
      std::vector<std::size_t> fitting;
      for (std::size_t m = 0; m < data.models.size(); ++m) {
        if (data.At(m, d).fits && data.At(m, d).latency_ms) fitting.push_back(m);
      }
      std::sort(fitting.begin(), fitting.end(),
                [&](std::size_t a, std::size_t b) { return *data.At(a, d).latency_ms < *data.At(b, d).latency_ms; });
      const DeviceFacts& dev = data.devices[d];
      t.table.rows.push_back({dev.entity.name,
                              (dev.core.empty() ? "?" : LocalName(dev.core)) + ", " + Mhz(dev.clock_hz),
                              Thousands(static_cast<std::int64_t>(data.fits_per_device[d])),
                              fitting.empty() ? "-" : data.models[fitting.front()].entity.name,
                              fitting.empty() ? "-" : Latency(data.At(fitting.front(), d)),
                              fitting.empty() ? "-" : Latency(data.At(fitting[fitting.size() / 2], d))});
    }
    doc.Table(std::move(t));
    return;
  }
  for (std::size_t d = 0; d < data.devices.size(); ++d) {
    const DeviceFacts& dev = data.devices[d];
    DocTable t;
    t.id = "latency-" + std::to_string(d + 1);
    t.caption = dev.entity.name + " (" + (dev.core.empty() ? "?" : LocalName(dev.core)) + ", " + Mhz(dev.clock_hz) +
                "): " + Of(data.fits_per_device[d], data.models.size()) + " models fit";
    t.table.columns = {"model", "latency", "basis", "RAM headroom", "flash headroom"};
    t.numeric = {false, true, false, true, true};
    std::vector<std::size_t> fitting;
    for (std::size_t m = 0; m < data.models.size(); ++m) {
      if (data.At(m, d).fits) fitting.push_back(m);
    }
    std::stable_sort(fitting.begin(), fitting.end(), [&](std::size_t a, std::size_t b) {
      return data.At(a, d).latency_ms.value_or(1e300) < data.At(b, d).latency_ms.value_or(1e300);
    });
    if (fitting.empty()) {
      doc.Paragraph(t.caption + ".", "note");
      continue;
    }
    for (std::size_t m : fitting) {
      const PairCell& c = data.At(m, d);
      t.table.rows.push_back({data.models[m].entity.name, Latency(c), TextOf(c.basis).words, Margin(c.ram_margin),
                              Margin(c.flash_margin)});
    }
    doc.Table(std::move(t));
  }
}

void ModelSections(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "models", "Models");
  doc.Paragraph(
      "Per model: what it needs, the devices it fits and why not elsewhere, and its layers with MACs, "
      "weights in flash and activations in RAM (as `tinykg import model` read them from the model file).");
  for (std::size_t m = 0; m < data.models.size(); ++m) {
    const ModelFacts& model = data.models[m];
    doc.Heading(3, "model-" + std::to_string(m + 1), model.entity.name);
    std::string facts = "Task " + (model.task.empty() ? std::string("-") : LocalName(model.task)) + "; input " +
                        Names(model.sensors) + "; " + (model.dtype.empty() ? "?" : LocalName(model.dtype)) +
                        "; RAM need " + Bytes(model.ram_need) + " " + NeedMarker(data, model) + "; flash need " +
                        Bytes(model.flash_need) + " " + NeedMarker(data, model) + "; " +
                        (model.macs ? Thousands(*model.macs) : std::string("?")) + " MACs; best accuracy record " +
                        (model.accuracy ? Pct(*model.accuracy) : std::string("-"));
    doc.Paragraph(facts + ".");
    std::vector<std::size_t> fit, misfit;
    for (std::size_t d = 0; d < data.devices.size(); ++d) (data.At(m, d).fits ? fit : misfit).push_back(d);
    std::sort(fit.begin(), fit.end(), [&](std::size_t a, std::size_t b) {
      return data.At(m, a).ram_margin.value_or(INT64_MAX) < data.At(m, b).ram_margin.value_or(INT64_MAX);
    });
    std::string fits_text = "Fits on " + Of(fit.size(), data.devices.size()) + " devices";
    if (!fit.empty()) {
      fits_text += fit.size() > kTopEntries ? " (the " + std::to_string(kTopEntries) + " tightest): " : ": ";
      for (std::size_t i = 0; i < fit.size() && i < kTopEntries; ++i) {
        const PairCell& c = data.At(m, fit[i]);
        fits_text += (i ? "; " : "") + data.devices[fit[i]].entity.name + " (" + Margin(c.ram_margin) + " RAM, " +
                     (c.latency_ms ? Latency(c) : "latency unknown") + ")";
      }
    }
    doc.Paragraph(fits_text + ".");
    if (!misfit.empty() && !data.Aggregated()) {
      std::vector<std::string> items;
      for (std::size_t d : misfit) items.push_back(data.devices[d].entity.name + ": " + FitNotes(data.Explain(m, d)));
      doc.Paragraph("Does not fit:");
      doc.List(std::move(items));
    } else if (!misfit.empty()) {
      std::string counts;
      for (const FailKind& k : kFailKindTable) {
        std::size_t n = 0;
        for (std::size_t d : misfit) n += (data.At(m, d).failures & k.bit) != 0;
        if (n)
          counts += (counts.empty() ? "" : ", ") + std::string(k.word) + " " + Thousands(static_cast<std::int64_t>(n));
      }
      doc.Paragraph("Does not fit on " + Thousands(static_cast<std::int64_t>(misfit.size())) + " devices (" + counts +
                    ").");
    }
    auto layers = data.layers.find(model.entity.iri);
    if (layers == data.layers.end()) {
      doc.Paragraph("No layers described for this model.", "note");
      continue;
    }
    DocTable t;
    t.id = "layers-" + std::to_string(m + 1);
    t.caption = "Layers of " + model.entity.name;
    t.table.columns = {"#", "operator", "input shape", "output shape", "MACs", "weights (flash)", "activations (RAM)"};
    t.numeric = {true, false, false, false, true, true, true};
    std::int64_t macs = 0, weights = 0, peak = 0;
    bool memory_known = false;
    for (const LayerRow& l : layers->second) {
      macs += l.macs.value_or(0);
      weights += l.weight_bytes.value_or(0);
      peak = std::max(peak, l.activation_bytes.value_or(0));
      memory_known |= l.weight_bytes.has_value();
      t.table.rows.push_back({std::to_string(l.index), l.op, l.shape_in, l.shape_out, l.macs ? Thousands(*l.macs) : "?",
                              Bytes(l.weight_bytes), Bytes(l.activation_bytes)});
    }
    t.table.rows.push_back({"all", Plural(layers->second.size(), "layer", "layers"), "", "", Thousands(macs),
                            memory_known ? FormatBytes(static_cast<double>(weights)) + " total" : "?",
                            memory_known ? FormatBytes(static_cast<double>(peak)) + " largest" : "?"});
    doc.Table(std::move(t));
  }
}

// A section's heading, and when it has nothing to show, the note saying how
// to get something there; true when the section is done (empty).
bool EmptySection(ReportDoc& doc, const char* id, const char* title, bool empty, const std::string& note) {
  doc.Heading(2, id, title);
  if (empty) doc.Paragraph(note, "note");
  return empty;
}

void Runs(const ReportData& data, ReportDoc& doc) {
  if (EmptySection(doc, "runs", "Emulator runs", data.runs.empty(),
                   "No emulator runs in the store. `tinykg train --on emulator --device D --data F --label L` "
                   "measures a model on an emulated MCU and writes the run here.")) {
    return;
  }
  doc.Paragraph(
      "What `tinykg train --on emulator` measured on QEMU and wrote back into the graph [M]; latency "
      "assumes 1 cycle per instruction at the device's clock. " +
      (data.runs.size() > kMaxRuns
           ? "The newest " + std::to_string(kMaxRuns) + " of " + std::to_string(data.runs.size()) + " runs."
           : std::string()));
  auto figure = [](const EmulatorRun& r, const char* metric) -> std::optional<double> {
    auto it = r.figures.find(metric);
    return it == r.figures.end() ? std::nullopt : std::optional<double>(it->second);
  };
  for (std::size_t i = 0; i < data.runs.size() && i < kMaxRuns; ++i) {
    const EmulatorRun& r = data.runs[i];
    DocTable t;
    t.id = "run-" + std::to_string(i + 1);
    t.caption = (r.label.empty() ? LocalName(r.iri) : r.label) + " (" + r.date + ")";
    t.table.columns = {"figure", "value"};
    auto add = [&](const std::string& name, const std::string& value) { t.table.rows.push_back({name, value}); };
    add("device", r.device_name);
    add("emulated machine", r.target.empty() ? "?" : r.target);
    add("model", r.model_name);
    add("kind", r.training.empty() ? "?" : r.training);
    if (r.steps) add("training steps", Thousands(*r.steps));
    if (auto v = figure(r, "Accuracy")) add("accuracy on the evaluation data", Pct(*v) + " [M]");
    if (auto v = figure(r, "InstructionsPerInference")) {
      add("instructions per inference", Thousands(static_cast<std::int64_t>(*v)) + " [M]");
      std::optional<std::int64_t> clock;
      for (const auto& d : data.devices) {
        if (d.entity.iri == r.device_iri) clock = d.clock_hz;
      }
      if (clock && *clock > 0) {
        add("latency at " + Mhz(clock),
            FormatMs(*v * kCyclesPerInstruction / static_cast<double>(*clock) * 1000.0) + " [M]");
      }
    }
    if (auto v = figure(r, "InstructionsPerTrainingStep")) {
      add("instructions per training step", Thousands(static_cast<std::int64_t>(*v)) + " [M]");
    }
    if (auto v = figure(r, "PeakRamBytes")) add("peak RAM", FormatBytes(*v) + " [M]");
    if (auto v = figure(r, "FlashBytes")) add("flash", FormatBytes(*v) + " [M]");
    for (const auto& [kernel, v] : r.kernel_instructions_per_mac) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", v);
      add("instructions per MAC, kernel " + (kernel.empty() ? std::string("?") : kernel), std::string(buf) + " [M]");
    }
    add("toolchain", r.toolchain.empty() ? "?" : r.toolchain);
    add("commit", r.commit.empty() ? "?" : r.commit);
    doc.Table(std::move(t));
  }
}

void Deployments(const ReportData& data, ReportDoc& doc) {
  if (EmptySection(doc, "deployments", "Deployments", data.deployments.empty(),
                   "Nothing deployed yet. `tinykg deploy --model M --device D -o DIR` generates the device project "
                   "for a matched pair and records it here.")) {
    return;
  }
  doc.Paragraph("What runs where: the projects `tinykg deploy` generated, newest first, with the memory they reserve.");
  DocTable t;
  t.id = "deployments";
  t.table.columns = {
      "model",          "device",          "date", "tinykg", "kind", "tensor arena (reserved / measured)",
      "model in flash", "emulated target", "note"};
  t.numeric = {false, false, false, false, false, true, true, false, false};
  for (const DeploymentRow& d : data.deployments) {
    auto bytes = [](const std::optional<std::int64_t>& v) {
      return v ? FormatBytes(static_cast<double>(*v)) : std::string("?");
    };
    t.table.rows.push_back({d.model_name, d.device_name, d.date.empty() ? "?" : d.date,
                            d.version.empty() ? "?" : d.version, d.online ? "online learning" : "inference",
                            bytes(d.arena_reserved) + " / " + bytes(d.arena_measured), bytes(d.model_array),
                            d.target.empty() ? "none (PlatformIO / Arduino only)" : d.target,
                            d.forced ? "forced: the matchmaker found it does not fit" : ""});
  }
  doc.Table(std::move(t));
}

void Unevaluated(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "unevaluated", "Devices that could not be evaluated");
  if (data.unevaluated.empty()) {
    doc.Paragraph("Every described device was evaluated with all its checks.");
    return;
  }
  DocTable t;
  t.id = "unevaluated";
  t.caption = "Devices left out of the matrix, or evaluated with gaps";
  t.table.columns = {"device", "in the matrix", "why"};
  for (const auto& u : data.unevaluated) t.table.rows.push_back({u.name, u.skipped ? "no" : "yes, with gaps", u.why});
  doc.Table(std::move(t));
}

void Devices(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "devices", "Devices");
  DocTable t;
  t.id = "devices";
  t.caption = "Hardware as the graph states it [P]";
  t.table.columns = {"device", "core", "clock", "free RAM", "free flash", "sensors", "runtimes", "models that fit"};
  t.numeric = {false, false, true, true, true, false, false, true};
  for (std::size_t d = 0; d < data.devices.size(); ++d) {
    const DeviceFacts& dev = data.devices[d];
    t.table.rows.push_back({dev.entity.name, dev.core.empty() ? "?" : LocalName(dev.core), Mhz(dev.clock_hz),
                            Bytes(dev.free_ram), Bytes(dev.free_flash), Names(dev.sensors), Names(dev.runtimes),
                            Of(data.fits_per_device[d], data.models.size())});
  }
  doc.Table(std::move(t));
}

void Winners(const ReportData& data, ReportDoc& doc) {
  doc.Heading(2, "winners", "Benchmark winners per device and task");
  doc.Paragraph(
      "Per device and task, the fitting model with the best accuracy record (published or measured); tasks "
      "without any accuracy figure go to the lowest latency.");
  DocTable t;
  t.id = "winners";
  t.table.columns = {"device", "task", "best model", "why", "RAM to spare", "latency"};
  t.numeric = {false, false, false, false, true, true};
  const std::size_t limit = data.Aggregated() ? kTopEntries * 10 : data.winners.size();
  for (std::size_t i = 0; i < data.winners.size() && i < limit; ++i) {
    const ReportWinner& w = data.winners[i];
    const PairCell& c = data.At(w.model, w.device);
    t.table.rows.push_back({data.devices[w.device].entity.name, LocalName(w.task), data.models[w.model].entity.name,
                            w.basis, Margin(c.ram_margin), Latency(c)});
  }
  if (data.winners.size() > limit) {
    t.caption =
        "The first " + std::to_string(limit) + " of " + Thousands(static_cast<std::int64_t>(data.winners.size()));
  }
  doc.Table(std::move(t));
}

}  // namespace

ReportDoc BuildReportDoc(const ReportData& data) {
  ReportDoc doc;
  doc.title = "tinykg matchmaking report";
  Header(data, doc);
  FleetSummary(data, doc);
  Memory(data, doc);
  Matrix(data, doc);
  LatencyView(data, doc);
  AccuracyAgainstCost(data, doc);
  ModelSections(data, doc);
  Runs(data, doc);
  Deployments(data, doc);
  Unevaluated(data, doc);
  Devices(data, doc);
  Winners(data, doc);
  doc.Paragraph("Explain any pair with `tinykg explain --model M --device D`.", "note");
  return doc;
}

}  // namespace tinykg::match
