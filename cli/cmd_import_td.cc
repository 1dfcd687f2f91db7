// tinykg import td PATH... | tinykg import board FILE... | tinykg export td ID
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "cli.h"
#include "progress.h"
#include "store_access.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/known_names.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/match/table.h"
#include "tinykg/td/board.h"
#include "tinykg/td/device_facts.h"
#include "tinykg/td/thing_description.h"

namespace tinykg::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> paths;
  std::vector<std::string> context_dirs;
  std::vector<std::string> ignored_contexts;
  std::string schema_dir;
  std::string format = "summary";
  bool keep_going = false;
  bool dry_run = false;
  // Device facts the source does not state (--free-ram ...), as typed.
  std::string free_ram, free_flash;
  std::vector<std::string> sensors, runtimes;
  td::StatedDeviceFacts device;  // the same, parsed by ParseDeviceFacts
};

// "172000", "172kB" / "172 kB" (1000 B), "168KiB" (1024 B), "1MB", "1MiB".
Result<std::int64_t> ParseBytes(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
  }
  std::string unit = text.substr(std::min(used, text.size()));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  static const std::pair<const char*, std::int64_t> kUnits[] = {
      {"", 1}, {"B", 1}, {"kB", 1000}, {"KB", 1000}, {"KiB", 1024}, {"MB", 1000000}, {"MiB", 1048576}};
  for (const auto& [name, scale] : kUnits) {
    if (n >= 0 && used > 0 && unit == name) return static_cast<std::int64_t>(n) * scale;
  }
  return InvalidArgument(option + ": not a size in bytes: '" + text + "' (e.g. 172000, 172kB, 168KiB)");
}

Status ParseDeviceFacts(ImportArgs& args) {
  if (!args.free_ram.empty()) {
    TINYKG_ASSIGN_OR_RETURN(std::int64_t v, ParseBytes("--free-ram", args.free_ram));
    args.device.free_ram_bytes = v;
  }
  if (!args.free_flash.empty()) {
    TINYKG_ASSIGN_OR_RETURN(std::int64_t v, ParseBytes("--free-flash", args.free_flash));
    args.device.free_flash_bytes = v;
  }
  for (const auto& s : args.sensors) {
    TINYKG_ASSIGN_OR_RETURN(std::string iri, rdf::ResolveName(rdf::NameKind::kSensor, s));
    args.device.sensor_kinds.push_back(std::move(iri));
  }
  for (const auto& r : args.runtimes) {
    TINYKG_ASSIGN_OR_RETURN(std::string iri, rdf::ResolveName(rdf::NameKind::kRuntime, r));
    args.device.runtimes.push_back(std::move(iri));
  }
  return Status::Ok();
}

void AddCommonOptions(CLI::App* cmd, ImportArgs& args) {
  cmd->add_option("--context-dir", args.context_dirs,
                  "Extra directory of JSON-LD contexts (well-known names or index.json)");
  cmd->add_option("--ignore-context", args.ignored_contexts,
                  "Treat this context IRI as empty instead of failing (e.g. https://webthings.io/schemas)");
  cmd->add_option("--schema-dir", args.schema_dir, "Directory of the TD/TM JSON Schemas");
  cmd->add_flag("--keep-going", args.keep_going, "Import the valid documents, report the rest");
  cmd->add_flag("--dry-run", args.dry_run, "Check and convert only; write nothing");
  cmd->add_option("--format", args.format,
                  "table|json|csv|tsv|md: one row per document (graph, kind, triples, source); nquads with "
                  "--dry-run: the statements (summary: another name for table)");
  cmd->add_option("--free-ram", args.free_ram,
                  "RAM left for a model (bytes, or 172kB / 168KiB); default: RAM total - 12 kB runtime reserve");
  cmd->add_option("--free-flash", args.free_flash,
                  "Flash left for a model; default: flash total - 64 kB runtime reserve");
  cmd->add_option("--sensor", args.sensors, "Sensor kind the device has (repeat for several), e.g. accelerometer");
  cmd->add_option("--runtime", args.runtimes, "Runtime the device offers (repeat), e.g. tflm, cmsis-nn");
}

// Files named by PATH (a file, a directory searched recursively for .json and
// .jsonld, or "-" for standard input), sorted within each directory.
Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (p == "-" || fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        const std::string ext = Extension(e.path().string());
        if (e.is_regular_file() && (ext == "json" || ext == "jsonld")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      return NotFound("no such file or directory: " + p);
    }
  }
  return files;
}

Result<std::unique_ptr<td::TdReader>> MakeReader(const ImportArgs& args) {
  td::TdReaderOptions options;
  options.context_dirs.push_back(OntologyDir() + "/contexts");
  if (const char* env = std::getenv("TINYKG_CONTEXT_DIR"); env != nullptr && *env != '\0') {
    options.context_dirs.push_back(env);
  }
  for (const auto& d : args.context_dirs) options.context_dirs.push_back(d);
  options.ignored_contexts = args.ignored_contexts;
  options.schema_dir = args.schema_dir.empty() ? OntologyDir() + "/schemas" : args.schema_dir;
  return td::TdReader::Create(options);
}

// Reads every document; returns the accepted ones, reporting problems and
// warnings on stderr. `rejected` counts the rest. A TD's quads and its
// GraphDocument's triples are the same statements; only the copy the command
// prints or writes is kept (5,000 TDs held both: 916 MB).
std::vector<td::TdReadResult> ReadAll(
    td::TdReader& reader, const std::vector<std::pair<std::string, std::string>>& texts,
    const ImportArgs& args, const GlobalOptions& global, int& rejected) {
  const bool print_quads = args.dry_run && args.format == "nquads";
  std::vector<td::TdReadResult> accepted;
  ProgressLine progress(global, "reading", "documents", texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& [source, text] = texts[i];
    td::TdReadResult r = reader.Read(text, source);
    if (!r.warnings.empty() || !r.ok()) progress.Clear();
    for (const Status& w : r.warnings) Warn(global, w.ToString());
    progress.Update(i + 1);
    if (!r.ok()) {
      ++rejected;
      for (const Status& p : r.problems) ReportError(p);
      continue;
    }
    if (Status reserved = rdf::CheckUserGraphIri(r.document.iri); !reserved.ok()) {
      ++rejected;
      ReportError(reserved.WithContext(source));
      continue;
    }
    if (Status added = td::AddDeviceFacts(r.document, args.device); !added.ok()) {
      ++rejected;
      ReportError(added);
      continue;
    }
    if (print_quads) {
      r.document.triples = {};
    } else {
      r.quads = {};
    }
    accepted.push_back(std::move(r));
  }
  return accepted;
}

// Two documents of one batch with the same graph IRI (the TD "id") would
// replace each other silently. Without --keep-going the later one is
// rejected, naming both files (and the batch then writes nothing); with it,
// the later one wins with a warning and the earlier one is dropped from the
// batch. Returns how many were superseded; adds the rejected to `rejected`.
int ResolveDuplicateIds(std::vector<td::TdReadResult>& accepted, const ImportArgs& args,
                        const GlobalOptions& global, int& rejected) {
  std::unordered_map<std::string, size_t> first_by_iri;
  std::vector<bool> keep(accepted.size(), true);
  int superseded = 0;
  for (size_t i = 0; i < accepted.size(); ++i) {
    const rdf::GraphDocument& doc = accepted[i].document;
    auto [it, inserted] = first_by_iri.emplace(doc.iri, i);
    if (inserted) continue;
    const std::string& earlier = accepted[it->second].document.source;
    if (args.keep_going) {
      Warn(global, doc.source + ": id <" + doc.iri + "> is also the id of " + earlier +
                       " in this batch; " + doc.source + " replaces it");
      keep[it->second] = false;
      it->second = i;
      ++superseded;
    } else {
      ReportError(Status(StatusCode::kAlreadyExists,
                         "id <" + doc.iri + "> is already the id of " + earlier +
                             " in this batch (a graph holds one TD; use --keep-going to let the "
                             "later file win)",
                         SourceLocation(doc.source, 0, 0, "/id")));
      keep[i] = false;
      ++rejected;
    }
  }
  std::vector<td::TdReadResult> kept;
  kept.reserve(accepted.size());
  for (size_t i = 0; i < accepted.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(accepted[i]));
  }
  accepted = std::move(kept);
  return superseded;
}

// Moves out of `accepted` the documents whose IRI names a graph of another
// kind in the store (an ontology, a kg file, a model): a TD import replaces
// TDs and TMs only, as PUT /things answers 409 for the rest.
int RejectKindConflicts(rdf::Store& store, std::vector<td::TdReadResult>& accepted) {
  int rejected = 0;
  std::vector<td::TdReadResult> kept;
  for (auto& r : accepted) {
    auto existing = store.Get(r.document.iri, false);
    if (existing.ok() && existing->kind != rdf::kKindTd && existing->kind != rdf::kKindTm) {
      ReportError(Status(StatusCode::kAlreadyExists,
                         "graph <" + r.document.iri + "> exists and is not a Thing Description (kind " +
                             existing->kind + "); drop it first to replace it",
                         SourceLocation(r.document.source)));
      ++rejected;
      continue;
    }
    kept.push_back(std::move(r));
  }
  accepted = std::move(kept);
  return rejected;
}

// table (summary): the tab-separated lines scripts already read (nquads
// prints them too when it imports); json, csv, tsv, md: the one output
// layer's forms.
bool TableLines(const ImportArgs& args) {
  return args.format == "summary" || args.format == "table" || args.format == "nquads";
}

Status CheckFormat(const ImportArgs& args) {
  if (args.format == "summary" || args.format == "nquads") return Status::Ok();
  return match::TableFormatFromName(args.format).status();
}

void PrintRows(const ImportArgs& args, const std::vector<const rdf::GraphDocument*>& docs) {
  match::TextTable t;
  t.columns = {"graph", "kind", "triples", "source"};
  t.kinds = {match::ColumnKind::kText, match::ColumnKind::kText, match::ColumnKind::kNumber, match::ColumnKind::kText};
  for (const rdf::GraphDocument* d : docs) t.rows.push_back({d->iri, d->kind, std::to_string(d->triples.size()), d->source});
  std::cout << match::RenderTable(t, *match::TableFormatFromName(args.format));
}

int WriteOrPrint(const ImportArgs& args, const GlobalOptions& global,
                 std::vector<td::TdReadResult>& accepted, int rejected) {
  const int superseded = ResolveDuplicateIds(accepted, args, global, rejected);
  auto refuse = [&] {
    std::cerr << "tinykg: " << rejected << " document(s) rejected; nothing imported"
              << " (use --keep-going to import the valid ones)\n";
    return kExitFailure;
  };
  if (rejected > 0 && !args.keep_going) return refuse();
  if (args.dry_run && !TableLines(args)) {
    std::vector<const rdf::GraphDocument*> rows;
    for (const auto& r : accepted) rows.push_back(&r.document);
    PrintRows(args, rows);
    return rejected > 0 ? kExitFailure : kExitOk;
  }
  if (args.dry_run) {
    for (const auto& r : accepted) {
      if (args.format == "nquads") {
        std::string out;
        const std::string graph = " <" + rdf::EscapeIri(r.document.iri) + "> .\n";
        for (const td::Quad& q : r.quads) {
          out += q.triple.ToNTriples();
          out.resize(out.size() - 2);  // " ." of the triple
          out += graph;
        }
        std::cout << out;
      } else {
        std::cout << r.document.iri << "\t" << r.document.kind << "\t" << r.document.triples.size()
                  << " triples\t" << r.document.source << "\n";
      }
    }
    return rejected > 0 ? kExitFailure : kExitOk;
  }
  auto store = OpenStore(global);
  if (!store.ok()) {
    ReportError(store.status());
    return kExitStore;
  }
  rejected += RejectKindConflicts(**store, accepted);
  if (rejected > 0 && !args.keep_going) return refuse();
  // Which graphs exist before the batch, to tell created from replaced.
  auto graphs = (*store)->Graphs();
  if (!graphs.ok()) {
    ReportError(graphs.status());
    return kExitStore;
  }
  std::unordered_set<std::string> existing;
  for (const rdf::GraphInfo& g : *graphs) existing.insert(g.iri);
  std::vector<rdf::GraphDocument> docs;
  docs.reserve(accepted.size());
  for (auto& r : accepted) docs.push_back(std::move(r.document));
  Status put = (*store)->PutAll(docs);
  FlushWarnings(global, **store);
  if (!put.ok()) {
    ReportError(put);
    return kExitStore;
  }
  size_t replaced = 0;
  std::vector<const rdf::GraphDocument*> rows;
  for (const auto& d : docs) {
    if (TableLines(args)) std::cout << d.iri << "\t" << d.kind << "\t" << d.source << "\n";
    rows.push_back(&d);
    replaced += existing.count(d.iri);
  }
  if (!TableLines(args)) PrintRows(args, rows);
  if (!global.quiet) {
    std::cerr << "tinykg: imported " << docs.size() << " document(s): " << docs.size() - replaced
              << " created, " << replaced << " replaced, " << rejected << " rejected";
    if (superseded > 0) std::cerr << ", " << superseded << " superseded by a later file with the same id";
    std::cerr << "\n";
  }
  return rejected > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void AddImportTdCommand(CLI::App& import, GlobalOptions& options, Runner& run) {
  auto* cmd = import.add_subcommand("td", "Import W3C Thing Descriptions / Thing Models (files, directories, -)");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("paths", args->paths, "TD/TM files or directories ('-' for stdin)")->required();
  AddCommonOptions(cmd, *args);
  cmd->callback([&options, &run, args] {
    run = [&options, args]() -> int {
      if (Status format = CheckFormat(*args); !format.ok()) return ReportError(format);
      if (Status parsed = ParseDeviceFacts(*args); !parsed.ok()) return ReportError(parsed);
      auto files = ExpandPaths(args->paths);
      if (!files.ok()) return ReportError(files.status());
      auto reader = MakeReader(*args);
      if (!reader.ok()) return ReportError(reader.status());
      std::vector<std::pair<std::string, std::string>> texts;
      int rejected = 0;
      for (const auto& f : *files) {
        auto text = ReadFile(f);
        if (!text.ok()) {
          ReportError(text.status());
          ++rejected;
          continue;
        }
        texts.emplace_back(f, std::move(text).value());
      }
      auto accepted = ReadAll(**reader, texts, *args, options, rejected);
      return WriteOrPrint(*args, options, accepted, rejected);
    };
  });
}

void AddImportBoardCommand(CLI::App& import, GlobalOptions& options, Runner& run) {
  auto* cmd = import.add_subcommand("board", "Import PlatformIO board definitions as device TDs");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("files", args->paths, "PlatformIO board JSON files or directories")->required();
  AddCommonOptions(cmd, *args);
  cmd->callback([&options, &run, args] {
    run = [&options, args]() -> int {
      if (Status format = CheckFormat(*args); !format.ok()) return ReportError(format);
      if (Status parsed = ParseDeviceFacts(*args); !parsed.ok()) return ReportError(parsed);
      auto files = ExpandPaths(args->paths);
      if (!files.ok()) return ReportError(files.status());
      auto reader = MakeReader(*args);
      if (!reader.ok()) return ReportError(reader.status());
      std::vector<std::pair<std::string, std::string>> texts;
      int rejected = 0;
      for (const auto& f : *files) {
        auto text = ReadFile(f);
        auto hw = text.ok() ? td::ReadBoard(*text, f) : Result<td::BoardHardware>(text.status());
        if (!hw.ok()) {
          ReportError(hw.status());
          ++rejected;
          continue;
        }
        texts.emplace_back(f, td::BoardToTdText(*hw));
      }
      auto accepted = ReadAll(**reader, texts, *args, options, rejected);
      if (args->dry_run && (args->format == "summary" || args->format == "table")) {
        for (const auto& r : accepted) std::cout << r.document.original_text;
        return rejected > 0 ? kExitFailure : kExitOk;
      }
      return WriteOrPrint(*args, options, accepted, rejected);
    };
  });
}

void AddExportTdCommand(CLI::App& export_cmd, GlobalOptions& options, Runner& run) {
  auto* cmd = export_cmd.add_subcommand("td", "Print a Thing Description exactly as it was imported");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "Graph IRI of the TD (its id)")->required();
  cmd->callback([&options, &run, id] {
    run = [&options, id]() -> int {
      auto store = OpenStore(options);
      if (!store.ok()) {
        ReportError(store.status());
        return kExitStore;
      }
      auto text = td::ExportTdText(**store, *id);
      if (!text.ok()) return ReportError(text.status());
      std::cout << *text;
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
