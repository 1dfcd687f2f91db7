// tinykg import td PATH... | tinykg import board FILE... | tinykg export td ID
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <unordered_map>

#include "cli.h"
#include "output_spool.h"
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
    if (p == "-") {
      files.push_back(p);  // standard input, even beside a directory named "-"
    } else if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        const std::string ext = Extension(e.path().string());
        if (e.is_regular_file() && (ext == "json" || ext == "jsonld")) found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);  // a file or a pipe; reading refuses a device with its kind
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
  options.keep_quads = false;  // the statements are read from document.triples
  // Printed as N-Quads only: written as text by the reader (no rdf::Term per
  // statement), unless device facts have to be added to the triples first.
  options.nquads_text = args.dry_run && args.format == "nquads" && args.device.empty();
  return td::TdReader::Create(options);
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

// One import: each file is read, checked, converted and handed to the
// store's batch before the next is read, so the command holds one document
// (10,000 TDs took 3.1 GB when all were gathered before the write). The
// batch is one write: without --keep-going any rejected document means
// nothing is written (the other files are still read, to report their
// problems too). With --dry-run nothing is opened; the output is kept until
// the end (N-Quads in an OutputSpool), since a later rejection or a later
// file with the same id changes what is printed.
class ImportRun {
 public:
  using TextOf = std::function<Result<std::string>(const std::string& file)>;

  ImportRun(const ImportArgs& args, const GlobalOptions& global) : args_(args), global_(global) {}

  // `board_text`: the dry-run summary is the generated TD (import board).
  int Run(td::TdReader& reader, const std::vector<std::string>& files, const TextOf& text_of, bool board_text) {
    const bool print_quads = args_.dry_run && args_.format == "nquads";
    if (!args_.dry_run) {
      auto store = OpenStore(global_);
      if (!store.ok()) {
        ReportError(store.status());
        return kExitStore;
      }
      store_ = std::move(store).value();
      auto batch = store_->BeginBatch();
      if (!batch.ok()) {
        ReportError(batch.status());
        return kExitStore;
      }
      batch_ = std::move(batch).value();
    }
    if (print_quads) spool_ = std::make_unique<OutputSpool>();
    ProgressLine progress(global_, args_.dry_run ? "reading" : "importing", "documents", files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string& file = files[i];
      auto text = text_of(file);
      if (!text.ok()) {
        progress.Clear();
        Reject(text.status());
        continue;
      }
      td::TdReadResult r = reader.Read(*text, file);
      if (!r.warnings.empty() || !r.ok()) progress.Clear();
      for (const Status& w : r.warnings) Warn(global_, w.ToString());
      progress.Update(i + 1);
      if (!r.ok()) {
        ++rejected_;
        for (const Status& problem : r.problems) ReportError(problem);
        continue;
      }
      if (Status reserved = rdf::CheckUserGraphIri(r.document.iri); !reserved.ok()) {
        Reject(reserved.WithContext(file));
        continue;
      }
      if (Status added = td::AddDeviceFacts(r.document, args_.device); !added.ok()) {
        Reject(added);
        continue;
      }
      if (!Admit(r.document, progress)) continue;
      if (args_.dry_run) {
        Entry& e = entries_.back();
        if (print_quads) {
          // As written (device facts given with --free-ram ... included).
          // The reader wrote the document's statements as text when it could.
          std::string& statements = r.nquads;
          if (!r.document.triples.empty()) {
            const std::string graph = rdf::NQuadsGraphSuffix(r.document.iri);
            statements.reserve(statements.size() + r.document.triples.size() * (96 + graph.size()));
            for (const rdf::Triple& t : r.document.triples) {
              t.AppendNTriplesTerms(statements);
              statements += graph;
            }
          }
          e.spooled = spool_->Append(statements);
        } else if (board_text) {
          e.output = r.document.original_text;
        } else {
          e.output = r.document.iri + "\t" + r.document.kind + "\t" + std::to_string(r.document.triples.size()) +
                     " triples\t" + r.document.source + "\n";
        }
        continue;
      }
      if (rejected_ > 0 && !args_.keep_going) continue;  // nothing will be written
      if (Status put = batch_->Put(std::move(r.document)); !put.ok()) {
        progress.Clear();
        ReportError(put);
        FlushWarnings(global_, *store_);
        return kExitStore;
      }
    }
    progress.Clear();
    if (rejected_ > 0 && !args_.keep_going) {
      std::cerr << "tinykg: " << rejected_ << " document(s) rejected; nothing imported"
                << " (use --keep-going to import the valid ones)\n";
      return kExitFailure;
    }
    if (args_.dry_run) {
      if (!TableLines(args_)) {
        PrintRows();
      } else if (spool_) {
        std::vector<OutputSpool::Piece> pieces;
        for (const Entry& e : entries_) {
          if (!e.superseded) pieces.push_back(e.spooled);
        }
        if (!spool_->Print(pieces, std::cout)) {
          return ReportError(IoError("cannot write the N-Quads to standard output"));
        }
      } else {
        for (const Entry& e : entries_) {
          if (!e.superseded) std::cout << e.output;
        }
      }
      return rejected_ > 0 ? kExitFailure : kExitOk;
    }
    Status committed = batch_->Commit();
    FlushWarnings(global_, *store_);
    if (!committed.ok()) {
      ReportError(committed);
      return kExitStore;
    }
    size_t count = 0, replaced = 0;
    for (const Entry& e : entries_) {
      if (e.superseded) continue;
      if (TableLines(args_)) std::cout << e.iri << "\t" << e.kind << "\t" << e.source << "\n";
      ++count;
      replaced += e.replaces;
    }
    if (!TableLines(args_)) PrintRows();
    if (!global_.quiet) {
      std::cerr << "tinykg: imported " << count << " document(s): " << count - replaced << " created, " << replaced
                << " replaced, " << rejected_ << " rejected";
      if (superseded_ > 0) std::cerr << ", " << superseded_ << " superseded by a later file with the same id";
      std::cerr << "\n";
    }
    return rejected_ > 0 ? kExitFailure : kExitOk;
  }

 private:
  struct Entry {
    std::string iri, kind, source;
    std::size_t triples = 0;
    bool replaces = false;    // the graph existed before the import
    bool superseded = false;  // a later file of the batch has the same id (--keep-going)
    std::string output;       // --dry-run
    OutputSpool::Piece spooled;  // --dry-run --format nquads: the statements
  };

  // One row per document (graph, kind, triples, source) in the one output
  // layer's forms.
  void PrintRows() const {
    match::TextTable t;
    t.columns = {"graph", "kind", "triples", "source"};
    t.kinds = {match::ColumnKind::kText, match::ColumnKind::kText, match::ColumnKind::kNumber,
               match::ColumnKind::kText};
    for (const Entry& e : entries_) {
      if (!e.superseded) t.rows.push_back({e.iri, e.kind, std::to_string(e.triples), e.source});
    }
    std::cout << match::RenderTable(t, *match::TableFormatFromName(args_.format));
  }

  void Reject(const Status& why) {
    ReportError(why);
    ++rejected_;
  }

  // Two documents of one batch with the same graph IRI (the TD "id") would
  // replace each other silently: without --keep-going the later one is
  // rejected, naming both files; with it, the later one wins with a warning
  // (the batch writes it over the earlier one). A TD import replaces TDs and
  // TMs only: an IRI naming another kind of graph in the store (an
  // ontology, a kg file, a model) is refused, as PUT /things answers 409.
  // Adds the document's entry when it is admitted.
  bool Admit(const rdf::GraphDocument& doc, ProgressLine& progress) {
    auto [it, fresh] = entry_of_.emplace(doc.iri, entries_.size());
    if (!fresh) {
      Entry& earlier = entries_[it->second];
      progress.Clear();
      if (!args_.keep_going) {
        Reject(Status(StatusCode::kAlreadyExists,
                      "id <" + doc.iri + "> is already the id of " + earlier.source +
                          " in this batch (a graph holds one TD; use --keep-going to let the later file win)",
                      SourceLocation(doc.source, 0, 0, "/id")));
        return false;
      }
      Warn(global_, doc.source + ": id <" + doc.iri + "> is also the id of " + earlier.source + " in this batch; " +
                        doc.source + " replaces it");
      earlier.superseded = true;
      ++superseded_;
    }
    Entry e;
    e.iri = doc.iri;
    e.kind = doc.kind;
    e.source = doc.source;
    e.triples = doc.triples.size();
    if (store_) {
      auto existing = store_->Get(doc.iri, false);
      if (existing.ok() && existing->kind != rdf::kKindTd && existing->kind != rdf::kKindTm) {
        if (fresh) entry_of_.erase(it);
        Reject(Status(StatusCode::kAlreadyExists,
                      "graph <" + doc.iri + "> exists and is not a Thing Description (kind " + existing->kind +
                          "); drop it first to replace it",
                      SourceLocation(doc.source)));
        return false;
      }
      // An earlier file of the batch may have written it: it existed before
      // the import when the earlier entry says so.
      e.replaces = fresh ? existing.ok() : entries_[it->second].replaces;
    }
    it->second = entries_.size();
    entries_.push_back(std::move(e));
    return true;
  }

  const ImportArgs& args_;
  const GlobalOptions& global_;
  std::unique_ptr<rdf::Store> store_;
  std::unique_ptr<rdf::Store::Batch> batch_;
  std::unique_ptr<OutputSpool> spool_;  // --dry-run --format nquads
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> entry_of_;  // graph IRI -> its latest entry
  int rejected_ = 0;
  int superseded_ = 0;
};

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
      ImportRun run_import(*args, options);
      return run_import.Run(**reader, *files, [](const std::string& f) { return ReadFile(f); }, false);
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
      ImportRun run_import(*args, options);
      auto text_of = [](const std::string& f) -> Result<std::string> {
        TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(f));
        TINYKG_ASSIGN_OR_RETURN(td::BoardHardware hw, td::ReadBoard(text, f));
        return td::BoardToTdText(hw);
      };
      return run_import.Run(**reader, *files, text_of,
                            args->dry_run && (args->format == "summary" || args->format == "table"));
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
