// tinykg match (--model M | --device D | --all) and tinykg explain --model M --device D
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/match/render.h"
#include "tinykg/rdf/known_names.h"

namespace tinykg::cli {
namespace {

struct MatchArgs {
  std::string model, device, format = "table", task, sensor, runtime;
  bool all = false, misfits = false;
  double max_latency_ms = -1;
  int limit = 0;
};

Result<match::Filters> FiltersOf(const MatchArgs& a) {
  match::Filters f;
  if (!a.task.empty()) {
    TINYKG_ASSIGN_OR_RETURN(f.task, rdf::ResolveName(rdf::NameKind::kTask, a.task));
  }
  if (!a.sensor.empty()) {
    TINYKG_ASSIGN_OR_RETURN(f.sensor, rdf::ResolveName(rdf::NameKind::kSensor, a.sensor));
  }
  if (!a.runtime.empty()) {
    TINYKG_ASSIGN_OR_RETURN(f.runtime, rdf::ResolveName(rdf::NameKind::kRuntime, a.runtime));
  }
  if (a.max_latency_ms >= 0) f.max_latency_ms = a.max_latency_ms;
  f.include_misfits = a.misfits;
  return f;
}

using FitStream = std::function<Status(const std::function<bool(const match::Fit&)>& emit)>;

// match --all and match --model in json, csv, tsv or md: written as the
// pairs come (a fleet's matrix has tens of millions of them, a model fits
// hundreds of thousands of its devices), in parts of about 1 MB.
int StreamFits(const GlobalOptions& options, rdf::Store& store, match::FitView view, const FitStream& fits,
               const MatchArgs& a) {
  const match::TableFormat format = *match::TableFormatFromName(a.format);
  const bool json = format == match::TableFormat::kJson;
  match::TextTable part;
  part.columns = match::FitsTableColumns(view, format);
  std::string out = json ? "[" : match::RenderTableRows(part, format, true);
  std::int64_t count = 0;
  std::vector<std::string> row;  // one row's cells, reused
  Status s = fits([&](const match::Fit& fit) {
    ++count;
    if (json) {
      out += (count > 1 ? ",\n " : "\n ") + match::FitJson(fit, false);
    } else if (format != match::TableFormat::kMarkdown) {
      match::FitsTableRowInto(fit, view, count, format, row);
      match::AppendDelimitedRow(out, row, format);
    } else {
      part.rows.assign(1, match::FitsTableRow(fit, view, count, format));
      out += match::RenderTableRows(part, format, false);
    }
    if (out.size() > (1 << 20)) {
      std::cout << out;
      out.clear();
    }
    return a.limit <= 0 || count < a.limit;
  });
  if (!s.ok()) {
    if (count > 0) std::cout << out << std::flush;  // the rows so far, not a header alone
    return ReportError(s);
  }
  if (json) out += count > 0 ? "\n]\n" : "]\n";
  std::cout << out;
  FlushWarnings(options, store);
  if (count == 0 && !options.quiet) std::cerr << "tinykg: no match\n";
  return count == 0 ? kExitFailure : kExitOk;
}

int RunMatch(const GlobalOptions& options, const MatchArgs& a) {
  int modes = !a.model.empty() + !a.device.empty() + a.all;
  if (modes != 1) return ReportError(InvalidArgument("give one of --model M, --device D or --all"));
  auto format = match::TableFormatFromName(a.format);
  if (!format.ok()) return ReportError(format.status());
  auto parsed = FiltersOf(a);
  if (!parsed.ok()) return ReportError(parsed.status());
  const match::Filters filters = std::move(parsed).value();
  auto store = OpenStore(options);
  if (!store.ok()) return ReportError(store.status());
  match::Matchmaker mm(**store);
  Result<std::vector<match::Fit>> fits = std::vector<match::Fit>{};
  match::FitView view = match::FitView::kMatrix;
  if (!a.model.empty()) {
    auto m = mm.ResolveModel(a.model);
    if (!m.ok()) return ReportError(m.status());
    view = match::FitView::kDevicesForModel;
    if (*format != match::TableFormat::kTable) {
      return StreamFits(options, **store, view, [&](const auto& emit) { return mm.StreamDevicesFor(*m, filters, emit); },
                        a);
    }
    fits = mm.DevicesFor(*m, filters);
  } else if (!a.device.empty()) {
    auto d = mm.ResolveDevice(a.device);
    if (!d.ok()) return ReportError(d.status());
    fits = mm.ModelsFor(*d, filters);
    view = match::FitView::kModelsForDevice;
  } else if (*format != match::TableFormat::kTable) {
    return StreamFits(options, **store, view, [&](const auto& emit) { return mm.StreamMatrix(filters, emit); }, a);
  } else {
    fits = mm.Matrix(filters);
  }
  if (!fits.ok()) return ReportError(fits.status());
  if (a.limit > 0 && fits->size() > static_cast<std::size_t>(a.limit)) fits->resize(static_cast<std::size_t>(a.limit));
  FlushWarnings(options, **store);
  if (*format == match::TableFormat::kJson) {
    std::cout << match::FitsJson(*fits, false);
  } else {
    std::cout << match::RenderTable(match::FitsTable(*fits, view, *format), *format);
  }
  if (fits->empty() && !options.quiet) std::cerr << "tinykg: no match\n";
  return fits->empty() ? kExitFailure : kExitOk;
}

}  // namespace

void AddMatchCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand(
      "match", "Devices that can run a model, models that fit a device, or the compatibility matrix");
  auto a = std::make_shared<MatchArgs>();
  cmd->add_option("--model", a->model, "Model IRI, name or unique prefix: list the devices it fits");
  cmd->add_option("--device", a->device, "Device IRI, name or unique prefix: list the models that fit it");
  cmd->add_flag("--all", a->all, "Every (model, device) pair that fits");
  cmd->add_option("--task", a->task, "Only models for this task (e.g. keyword-spotting)");
  cmd->add_option("--sensor", a->sensor, "Only models that take this sensor kind (e.g. microphone)");
  cmd->add_option("--runtime", a->runtime, "Only devices offering this runtime (tflm, cmsis-nn)");
  cmd->add_option("--max-latency-ms", a->max_latency_ms, "Estimated latency bound in ms")
      ->check(FinitePositive());
  cmd->add_flag("--include-misfits", a->misfits, "Also list pairs that do not fit, with the reason");
  cmd->add_option("--limit", a->limit, "Print at most N rows (after ranking)")
      ->check(AtLeast(0));
  cmd->add_option("--format", a->format, "table|json|csv|tsv|md");
  cmd->footer(
      "Ranking: devices for a model - fitting first, tightest RAM fit, lowest latency; models for a "
      "device - fitting first, best accuracy, lowest latency. Exit 1 when nothing matches.");
  cmd->callback([&options, &run, a] { run = [&options, a] { return RunMatch(options, *a); }; });
}

void AddExplainCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("explain", "Every fit constraint of one model on one device, with its numbers");
  auto a = std::make_shared<MatchArgs>();
  cmd->add_option("--model", a->model, "Model IRI, name or unique prefix")->required();
  cmd->add_option("--device", a->device, "Device IRI, name or unique prefix")->required();
  cmd->add_option("--max-latency-ms", a->max_latency_ms, "Estimated latency bound in ms")
      ->check(FinitePositive());
  cmd->add_option("--format", a->format,
                  "table|json|csv|tsv|md (json: the pair with its constraints; csv, tsv: one row per constraint)");
  cmd->callback([&options, &run, a] {
    run = [&options, a]() -> int {
      auto format = match::TableFormatFromName(a->format);
      if (!format.ok()) return ReportError(format.status());
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      match::Matchmaker mm(**store);
      auto m = mm.ResolveModel(a->model);
      if (!m.ok()) return ReportError(m.status());
      auto d = mm.ResolveDevice(a->device);
      if (!d.ok()) return ReportError(d.status());
      std::optional<double> bound;
      if (a->max_latency_ms >= 0) bound = a->max_latency_ms;
      auto fit = mm.Explain(*m, *d, bound);
      if (!fit.ok()) return ReportError(fit.status());
      FlushWarnings(options, **store);
      switch (*format) {
        case match::TableFormat::kJson: std::cout << match::FitJson(*fit, true) << "\n"; break;
        case match::TableFormat::kTable: std::cout << match::ExplainText(*fit); break;
        case match::TableFormat::kMarkdown:
          std::cout << fit->model.name << " on " << fit->device.name << ": "
                    << (fit->fits ? "fits" : "does not fit") << "\n\n"
                    << match::RenderTable(match::ConstraintsTable(*fit, *format), *format);
          break;
        default: std::cout << match::RenderTable(match::ConstraintsTable(*fit, *format), *format);
      }
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
