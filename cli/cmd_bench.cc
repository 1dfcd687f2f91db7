// tinykg bench list | add | select: benchmark records in the graph.
#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/match/bench.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/match/table.h"
#include "tinykg/rdf/known_names.h"

namespace tinykg::cli {
namespace {

std::string Value(double v) { return match::RawNumber(v); }

void AddList(CLI::App& bench, GlobalOptions& options, Runner& run) {
  auto* cmd = bench.add_subcommand("list", "List benchmark records");
  auto method = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--method", *method, "Only records of this method (published, estimated, measured-on-emulator or emulated, measured-on-device)");
  cmd->add_option("--format", *format, "table|json|csv|tsv|md");
  cmd->callback([&options, &run, method, format] {
    run = [&options, method, format]() -> int {
      std::optional<std::string> method_iri;
      if (!method->empty()) {
        auto m = match::MethodIri(*method);
        if (!m.ok()) return ReportError(m.status());
        method_iri = *m;
      }
      if (*format != "json" && !match::TableFormatFromName(*format).ok()) {
        return ReportError(match::TableFormatFromName(*format).status());
      }
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto records = match::ListRecords(**store, method_iri);
      if (!records.ok()) return ReportError(records.status());
      if (*format == "json") {
        std::cout << "[";
        for (std::size_t i = 0; i < records->size(); ++i) {
          std::cout << (i ? ",\n " : "\n ") << match::RecordJson((*records)[i]);
        }
        std::cout << (records->empty() ? "]\n" : "\n]\n");
        return kExitOk;
      }
      match::TextTable t;
      t.columns = {"model", "device", "metric", "value", "unit", "method", "date", "source"};
      for (const auto& r : *records) {
        t.rows.push_back({r.model.name, r.device ? r.device->name : "-", match::LocalName(r.metric), Value(r.value),
                          r.unit.empty() ? "" : match::LocalName(r.unit), match::LocalName(r.method), r.date,
                          r.source});
      }
      std::cout << match::RenderTable(t, *match::TableFormatFromName(*format));
      return kExitOk;
    };
  });
}

struct AddArgs {
  std::string model, device, metric, method, unit, source, date, dataset;
  double value = 0;
};

void AddAdd(CLI::App& bench, GlobalOptions& options, Runner& run) {
  auto* cmd = bench.add_subcommand("add", "Record a benchmark result (its own named graph, kind 'benchmark')");
  auto a = std::make_shared<AddArgs>();
  cmd->add_option("--model", a->model, "Model IRI, name or unique prefix")->required();
  cmd->add_option("--device", a->device, "Device the figure was obtained on (omit for accuracy)");
  cmd->add_option("--metric", a->metric, "accuracy|latency|ram|flash|instructions|mse or an IRI")->required();
  cmd->add_option("--value", a->value, "The figure (accuracy as a fraction in [0, 1])")->required();
  cmd->add_option("--unit", a->unit, "Unit IRI (default by metric: om:one, om:millisecond, om:byte)");
  cmd->add_option("--method", a->method, "published|estimated|measured-on-emulator|measured-on-device")->required();
  cmd->add_option("--source", a->source, "Where the figure comes from (paper, URL, tool)");
  cmd->add_option("--date", a->date, "Date, YYYY-MM-DD");
  cmd->add_option("--dataset", a->dataset, "Dataset (URL or name)");
  cmd->callback([&options, &run, a] {
    run = [&options, a]() -> int {
      auto metric = match::MetricIri(a->metric);
      if (!metric.ok()) return ReportError(metric.status());
      auto method = match::MethodIri(a->method);
      if (!method.ok()) return ReportError(method.status());
      if (!std::isfinite(a->value) || a->value < 0) {
        return ReportError(InvalidArgument("--value must be a finite number >= 0"));
      }
      if (match::LocalName(*metric) == "Accuracy" && a->value > 1) {
        return ReportError(InvalidArgument("accuracy is a fraction in [0, 1] (give 0.921, not 92.1)"));
      }
      if (!a->date.empty() && (a->date.size() != 10 || a->date[4] != '-' || a->date[7] != '-')) {
        return ReportError(InvalidArgument("--date wants YYYY-MM-DD"));
      }
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      match::Matchmaker mm(**store);
      auto model = mm.ResolveModel(a->model);
      if (!model.ok()) return ReportError(model.status());
      match::BenchmarkRecord r;
      r.model = *model;
      if (!a->device.empty()) {
        auto device = mm.ResolveDevice(a->device);
        if (!device.ok()) return ReportError(device.status());
        r.device = *device;
      }
      r.metric = *metric;
      r.value = a->value;
      r.unit = a->unit;
      r.method = *method;
      r.source = a->source;
      r.date = a->date;
      r.dataset = a->dataset;
      rdf::GraphDocument doc = match::RecordDocument(r);
      Status s = (*store)->Put(doc);
      if (!s.ok()) return ReportError(s);
      FlushWarnings(options, **store);
      std::cout << doc.iri << "\n";
      return kExitOk;
    };
  });
}

struct SelectArgs {
  std::string device, task, metric = "accuracy", format = "table";
};

void AddSelect(CLI::App& bench, GlobalOptions& options, Runner& run) {
  auto* cmd = bench.add_subcommand("select", "The best model that fits a device for a task, with the record it relied on");
  auto a = std::make_shared<SelectArgs>();
  cmd->add_option("--device", a->device, "Device IRI, name or unique prefix")->required();
  cmd->add_option("--task", a->task, "Task, e.g. keyword-spotting or PersonDetection")->required();
  cmd->add_option("--metric", a->metric, "accuracy (highest), latency or ram (lowest); default accuracy");
  cmd->add_option("--format", a->format, "table|json|csv|tsv|md (csv, tsv, md: one row)");
  cmd->callback([&options, &run, a] {
    run = [&options, a]() -> int {
      auto format = match::TableFormatFromName(a->format);
      if (!format.ok()) return ReportError(format.status());
      auto resolved = rdf::ResolveName(rdf::NameKind::kTask, a->task);
      if (!resolved.ok()) return ReportError(resolved.status());
      const std::string task = *resolved;
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      match::Matchmaker mm(**store);
      auto device = mm.ResolveDevice(a->device);
      if (!device.ok()) return ReportError(device.status());
      auto sel = match::SelectBest(**store, mm, *device, task, a->metric);
      if (!sel.ok()) return ReportError(sel.status());
      if (*format == match::TableFormat::kJson) {
        std::cout << match::SelectionJson(*sel, task, a->metric) << "\n";
        return kExitOk;
      }
      if (*format != match::TableFormat::kTable) {
        const bool raw = rdf::IsMachineFormat(*format);
        match::TextTable t;
        t.columns = {"device", "task", "metric", "model", "value", "unit", "basis", "record",
                     raw ? "ram_margin_bytes" : "ram_margin", raw ? "latency_ms" : "latency", "candidates"};
        const auto& margin = sel->fit.ram_margin_bytes;
        const auto& latency = sel->fit.latency_ms;
        t.rows.push_back({device->name, match::LocalName(task), a->metric, sel->fit.model.name, Value(sel->value),
                          sel->unit, sel->basis, sel->record ? sel->record->iri : "",
                          !margin ? "" : raw ? std::to_string(*margin) : match::FormatBytes(static_cast<double>(*margin)),
                          !latency ? "" : raw ? match::RawNumber(*latency) : match::FormatMs(*latency),
                          std::to_string(sel->candidates.size())});
        std::cout << match::RenderTable(t, *format);
        return kExitOk;
      }
      std::cout << "best " << match::LocalName(task) << " model for " << device->name << " by " << a->metric
                << ": " << sel->fit.model.name << " (" << Value(sel->value) << " " << sel->unit << ", "
                << sel->basis << ")\n";
      if (sel->record) {
        const auto& r = *sel->record;
        std::cout << "record: " << r.iri << "\n  " << match::LocalName(r.metric) << " = " << Value(r.value)
                  << ", method " << match::LocalName(r.method) << (r.date.empty() ? "" : ", " + r.date)
                  << (r.source.empty() ? "" : "\n  source: " + r.source) << "\n";
      }
      std::cout << "fits: RAM " << (sel->fit.ram_margin_bytes ? match::FormatBytes(static_cast<double>(*sel->fit.ram_margin_bytes)) : "?")
                << " to spare, latency about "
                << (sel->fit.latency_ms ? match::FormatMs(*sel->fit.latency_ms) : "unknown") << "; "
                << sel->candidates.size() << " fitting " << match::LocalName(task) << " models compared\n";
      return kExitOk;
    };
  });
}

}  // namespace

void AddBenchCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* bench = app.add_subcommand("bench", "Benchmark records: list, add, select the best model for a device");
  bench->require_subcommand(1);
  AddList(*bench, options, run);
  AddAdd(*bench, options, run);
  AddSelect(*bench, options, run);
}

}  // namespace tinykg::cli
