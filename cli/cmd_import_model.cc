// `tinykg import model FILE...`: .tflite / .onnx files into the store, one
// named graph per file (see tinykg/model/graph.h for IRIs and metadata).
//
// Each file's bytes are kept beside a directory store (model::PutModels),
// so commands can later run the model by name; the copies are written before
// the graph and taken back when the graph write fails.
//
// --dry-run prints the summaries instead of writing: with --format json one
// JSON object for a single file, a JSON array of objects for several; with
// --format table one row per file.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli.h"
#include "store_access.h"
#include "tinykg/match/table.h"
#include "tinykg/model/graph.h"
#include "tinykg/model/model_files.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/known_names.h"
#include "tinykg/rdf/reserved.h"

namespace tinykg::cli {
namespace {

struct ImportModelOptions {
  std::vector<std::string> files;
  bool dry_run = false;
  std::string format = "table";
  std::string metadata_csv;
  std::string name;
  std::string task;
  std::vector<std::string> sensors;
  std::string dataset;
  std::vector<std::string> metrics;
  std::string creator;
  std::string description;
  std::string category;
};

Result<model::ModelMetadata> FlagMetadata(const ImportModelOptions& o) {
  model::ModelMetadata m;
  if (!o.name.empty()) m.name = o.name;
  if (!o.task.empty()) {
    TINYKG_ASSIGN_OR_RETURN(std::string task, rdf::ResolveName(rdf::NameKind::kTask, o.task));
    m.task = std::move(task);
  }
  if (!o.dataset.empty()) m.dataset = o.dataset;
  if (!o.creator.empty()) m.creator = o.creator;
  if (!o.description.empty()) m.description = o.description;
  if (!o.category.empty()) m.category = o.category;
  for (const std::string& sensor : o.sensors) {
    TINYKG_ASSIGN_OR_RETURN(std::string iri, rdf::ResolveName(rdf::NameKind::kSensor, sensor));
    m.sensors.push_back(std::move(iri));
  }
  for (const std::string& metric : o.metrics) {
    const auto eq = metric.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--metric wants NAME=VALUE, got \"" + metric + "\"");
    }
    try {
      std::size_t used = 0;
      const double value = std::stod(metric.substr(eq + 1), &used);
      if (used != metric.size() - eq - 1) throw std::invalid_argument("trailing text");
      m.metrics.emplace_back(metric.substr(0, eq), value);
    } catch (const std::exception&) {
      return InvalidArgument("--metric value is not a number: \"" + metric + "\"");
    }
  }
  return m;
}

// The dry run's rows: raw integers in every format (they are counts and
// bytes already).
match::TextTable SummaryTable(const std::vector<model::ModelSummary>& summaries) {
  match::TextTable t;
  t.columns = {"name", "format", "macs", "params", "arena", "flash", "file", "layers"};
  for (const model::ModelSummary& s : summaries) {
    t.rows.push_back({s.name, s.format, std::to_string(s.macs), std::to_string(s.params),
                      std::to_string(s.arena_bytes), std::to_string(s.flash_bytes), std::to_string(s.file_bytes),
                      std::to_string(s.layers.size())});
  }
  return t;
}

int Run(const ImportModelOptions& o, const GlobalOptions& global) {
  auto format = match::TableFormatFromName(o.format);
  if (!format.ok()) return ReportError(format.status());
  auto flags = FlagMetadata(o);
  if (!flags.ok()) return ReportError(flags.status());
  std::map<std::string, model::ModelMetadata> csv;
  if (!o.metadata_csv.empty()) {
    auto rows = model::ReadMetadataCsv(o.metadata_csv);
    if (!rows.ok()) return ReportError(rows.status());
    csv = std::move(rows).value();
  }

  std::vector<model::ModelSummary> summaries;
  std::vector<rdf::GraphDocument> docs;
  for (const std::string& file : o.files) {
    auto summary = model::SummarizeFile(file);
    if (!summary.ok()) return ReportError(summary.status());
    for (const std::string& note : summary->notes) Warn(global, file + ": " + note);
    model::ModelMetadata metadata;
    const std::string base = std::filesystem::path(file).filename().string();
    if (auto it = csv.find(base); it != csv.end()) {
      metadata.MergeFrom(it->second);
    } else if (!o.metadata_csv.empty()) {
      Warn(global, file + ": no row for \"" + base + "\" in " + o.metadata_csv);
    }
    auto sidecar = model::ReadSidecar(file);
    if (!sidecar.ok()) return ReportError(sidecar.status());
    if (sidecar->has_value()) metadata.MergeFrom(**sidecar);
    metadata.MergeFrom(*flags);
    if (metadata.name) summary->name = *metadata.name;
    docs.push_back(model::ModelToGraph(*summary, metadata, file));
    if (Status reserved = rdf::CheckUserGraphIri(docs.back().iri); !reserved.ok()) return ReportError(reserved);
    summaries.push_back(std::move(summary).value());
  }

  if (o.dry_run) {
    if (*format != match::TableFormat::kJson) {
      std::cout << match::RenderTable(SummaryTable(summaries), *format);
    } else if (summaries.size() == 1) {
      std::cout << model::SummaryToJson(summaries.front()) << "\n";
    } else {
      std::cout << "[\n";
      for (std::size_t i = 0; i < summaries.size(); ++i) {
        std::cout << model::SummaryToJson(summaries[i]) << (i + 1 < summaries.size() ? ",\n" : "\n");
      }
      std::cout << "]\n";
    }
    return kExitOk;
  }

  auto files = model::ModelFiles::ForStore(ResolveStoreSpec(global));
  if (!files.ok()) return ReportError(files.status());
  auto store = OpenStore(global);
  if (!store.ok()) return ReportError(store.status());
  if (auto spec = rdf::ParseStoreSpec(ResolveStoreSpec(global));
      !files->keeps() && spec.ok() && spec->kind == rdf::StoreSpec::Kind::kVirtuoso) {
    // A memory: store is gone with the process; a server store is not, so
    // its user must know that the files were not kept.
    Warn(global, files->why_not() +
                     ": the model files are not kept; train --on emulator and deploy need them "
                     "given again (--model FILE, --model-file FILE)");
  }
  std::vector<model::ModelToPut> models;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    models.push_back({o.files[i], summaries[i].sha256, summaries[i].format, std::move(docs[i])});
  }
  auto kept = model::PutModels(**store, *files, models);
  FlushWarnings(global, **store);
  if (!kept.ok()) return ReportError(kept.status());
  if (*format == match::TableFormat::kJson) {
    std::cout << "[";
    for (std::size_t i = 0; i < docs.size(); ++i) {
      std::cout << (i ? "," : "") << "\n  {\"file\": \"" << rdf::EscapeLiteral(o.files[i]) << "\", \"graph\": \""
                << models[i].graph.iri << "\", \"triples\": " << models[i].graph.triples.size()
                << ", \"kept\": " << ((*kept)[i].empty() ? "null" : "\"" + rdf::EscapeLiteral((*kept)[i]) + "\"")
                << "}";
    }
    std::cout << "\n]\n";
  } else if (*format != match::TableFormat::kTable) {
    match::TextTable t;
    t.columns = {"file", "graph", "triples", "kept"};
    for (std::size_t i = 0; i < docs.size(); ++i) {
      t.rows.push_back({o.files[i], models[i].graph.iri, std::to_string(models[i].graph.triples.size()), (*kept)[i]});
    }
    std::cout << match::RenderTable(t, *format);
  } else {
    for (std::size_t i = 0; i < docs.size(); ++i) {
      std::cout << "imported " << o.files[i] << " as <" << models[i].graph.iri << "> ("
                << models[i].graph.triples.size() << " triples"
                << ((*kept)[i].empty() ? "" : "; file kept as " + (*kept)[i]) << ")\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddImportModelCommand(CLI::App& import, GlobalOptions& options, Runner& run) {
  auto o = std::make_shared<ImportModelOptions>();
  auto* cmd = import.add_subcommand("model", "Import .tflite/.onnx models (layers, MACs, flash, arena)");
  cmd->add_option("files", o->files, "Model files (.tflite, .onnx)")->required();
  cmd->add_flag("--dry-run", o->dry_run, "Print the summary, write nothing");
  cmd->add_option("--format", o->format, "table|json|csv|tsv|md");
  cmd->add_option("--metadata-csv", o->metadata_csv,
                  "CSV of metadata keyed by file name (columns of seloc-ml/models_metadata.csv)");
  cmd->add_option("--name", o->name, "Model name (default: file stem)");
  cmd->add_option("--task", o->task, "Task, e.g. KeywordSpotting or keyword-spotting (tkg:Task)");
  cmd->add_option("--sensor", o->sensors, "Input sensor, e.g. Microphone (repeatable)");
  cmd->add_option("--dataset", o->dataset, "Training dataset (URL or name)");
  cmd->add_option("--metric", o->metrics, "NAME=VALUE, e.g. accuracy=0.92 (repeatable)");
  cmd->add_option("--creator", o->creator, "Creator");
  cmd->add_option("--description", o->description, "Description");
  cmd->add_option("--category", o->category, "nnet category, e.g. Classification");
  cmd->callback([o, &options, &run] { run = [o, &options] { return Run(*o, options); }; });
}

}  // namespace tinykg::cli
