// tinykg init | load | graphs | export | stats
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli.h"
#include "store_access.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/export.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/rdf/results.h"
#include "tinykg/rdf/syntax.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::cli {
namespace {

namespace fs = std::filesystem;

// An RDF document looks like an ontology when it declares vocabulary.
bool DeclaresVocabulary(const std::vector<rdf::Triple>& triples) {
  const std::string type = std::string(vocab::kRdf) + "type";
  for (const auto& t : triples) {
    if (t.predicate.value != type || !t.object.is_iri()) continue;
    const std::string& o = t.object.value;
    if (o == std::string(vocab::kOwl) + "Ontology" || o == std::string(vocab::kOwl) + "Class" ||
        o == std::string(vocab::kRdfs) + "Class" || o == std::string(vocab::kRdf) + "Property" ||
        o == std::string(vocab::kOwl) + "ObjectProperty" ||
        o == std::string(vocab::kOwl) + "DatatypeProperty")
      return true;
  }
  return false;
}

struct LoadOptions {
  std::vector<std::string> files;
  std::string format;
  std::string graph;
  std::string kind;
};

// Triples per part of a file read in parts (about 130 MB of parsed triples):
// a load's memory does not grow with the file (one 11M-triple file took
// 8.3 GB when read whole).
constexpr size_t kLoadPartTriples = 256 * 1024;

// Parses every file; the ones that parse are written in one transaction, a
// file at a time, read in parts. A file that fails after some of its parts
// were written makes the load start over without it (the transaction is
// dropped, so nothing of it stays). Returns the number of files that failed.
Result<int> LoadFiles(const GlobalOptions& options, rdf::Store& store, const LoadOptions& load) {
  std::vector<bool> refused(load.files.size(), false);
  for (;;) {
    TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<rdf::Store::Batch> batch, store.BeginBatch());
    size_t files = 0, triples = 0;
    bool again = false;
    for (size_t i = 0; i < load.files.size() && !again; ++i) {
      if (refused[i]) continue;
      const std::string& path = load.files[i];
      auto refuse = [&](const Status& why) {
        ReportError(why);
        refused[i] = true;
      };
      Result<rdf::Syntax> syntax = load.format.empty() ? rdf::SyntaxForPath(path)
                                                       : rdf::SyntaxFromName(load.format);
      if (!syntax.ok()) {
        refuse(syntax.status());
        continue;
      }
      std::string iri = load.graph.empty() ? FileIri(path) : load.graph;
      if (Status reserved = rdf::CheckUserGraphIri(iri); !reserved.ok()) {
        refuse(reserved);
        continue;
      }
      rdf::GraphDocument doc;
      doc.iri = iri;
      doc.source = path;
      doc.label = fs::path(path).filename().string();
      bool put = false;
      Status written;  // the store's error, which ends the load
      Status parsed = rdf::ParseRdfFile(
          path, *syntax, iri, kLoadPartTriples,
          [&](std::vector<rdf::Triple>&& part) -> Status {
            triples += part.size();
            rdf::GraphDocument next;
            next.iri = iri;
            next.prefixes = doc.prefixes;
            next.triples = std::move(part);
            if (!put) {
              put = true;
              // The first part decides (an ontology declares its vocabulary at the top).
              next.kind = !load.kind.empty() ? load.kind
                          : DeclaresVocabulary(next.triples) ? rdf::kKindOntology
                                                             : rdf::kKindKg;
              next.source = doc.source;
              next.label = doc.label;
              written = batch->Put(std::move(next));
            } else {
              written = batch->Append(std::move(next));
              // Append leaves the triples where they were: the parser
              // fills the same buffer with the next part.
              part = std::move(next.triples);
            }
            return written;
          },
          &doc.prefixes);
      if (!written.ok()) return written;
      if (!parsed.ok()) {
        refuse(parsed);
        again = put;  // parts of it are in the batch: start over without it
        continue;
      }
      ++files;
    }
    if (again) {  // the batch is dropped unwritten
      for (size_t i = 0; i < load.files.size(); ++i) {
        // Standard input cannot be read a second time: nothing is loaded.
        if (!refused[i] && load.files[i] == "-") {
          return InvalidArgument("nothing loaded: another file failed after standard input was read");
        }
      }
      continue;
    }
    if (files == 0) return static_cast<int>(std::count(refused.begin(), refused.end(), true));
    TINYKG_RETURN_IF_ERROR(batch->Commit());
    FlushWarnings(options, store);
    if (!options.quiet) {
      std::cerr << "tinykg: loaded " << files << (files == 1 ? " file, " : " files, ") << triples << " triples\n";
    }
    return static_cast<int>(std::count(refused.begin(), refused.end(), true));
  }
}

// A graph IRI as `graphs` prints it in a table or TSV (<iri>) or bare.
std::string GraphIriArgument(std::string iri) {
  if (iri.size() >= 2 && iri.front() == '<' && iri.back() == '>') iri = iri.substr(1, iri.size() - 2);
  return iri;
}

std::vector<std::string> RdfFilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string ext = Extension(e.path().string());
    if (ext == "ttl" || ext == "nt" || ext == "nq" || ext == "rdf" || ext == "owl") {
      files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

void AddInitCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("init", "Create the store and load the ontology and the shipped graph");
  cmd->callback([&options, &run] {
    run = [&options]() -> int {
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      LoadOptions onto;
      onto.files = RdfFilesUnder(OntologyDir());
      onto.kind = rdf::kKindOntology;
      if (onto.files.empty()) {
        return ReportError(NotFound("no ontology files in " + OntologyDir() + " (set TINYKG_HOME)"));
      }
      auto failed = LoadFiles(options, **store, onto);
      if (!failed.ok()) return ReportError(failed.status());
      LoadOptions kg;
      kg.files = RdfFilesUnder(KgDir());
      kg.kind = rdf::kKindKg;
      auto failed_kg = LoadFiles(options, **store, kg);
      if (!failed_kg.ok()) return ReportError(failed_kg.status());
      return (*failed + *failed_kg) > 0 ? kExitFailure : kExitOk;
    };
  });
}

void AddLoadCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("load", "Load RDF files (Turtle, N-Triples, N-Quads, RDF/XML), each into its own named graph");
  auto load = std::make_shared<LoadOptions>();
  cmd->add_option("files", load->files, "RDF files")->required();
  cmd->add_option("--format", load->format, "turtle|ntriples|nquads|rdfxml|trig (default: by extension)");
  cmd->add_option("--graph", load->graph, "Named graph IRI (one file only; default: the file's IRI)");
  cmd->add_option("--kind", load->kind, "ontology|kg (default: ontology when the file declares classes or properties)");
  cmd->callback([&options, &run, load] {
    run = [&options, load]() -> int {
      if (!load->graph.empty() && load->files.size() > 1) {
        return ReportError(InvalidArgument("--graph takes one file"));
      }
      if (!load->graph.empty()) {
        if (Status refused = rdf::CheckUserGraphIri(load->graph); !refused.ok()) return ReportError(refused);
      }
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto failed = LoadFiles(options, **store, *load);
      if (!failed.ok()) return ReportError(failed.status());
      return *failed > 0 ? kExitFailure : kExitOk;
    };
  });
}

void AddGraphsCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("graphs", "List the named graphs, or drop one");
  auto drop = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--drop", *drop, "Remove this graph (IRI, bare or as <IRI>)");
  cmd->add_option("--format", *format, "table|json|csv|tsv|md");
  cmd->callback([&options, &run, drop, format] {
    run = [&options, drop, format]() -> int {
      *drop = GraphIriArgument(*drop);
      if (Status reserved = rdf::CheckDroppableGraphIri(*drop); !reserved.ok()) return ReportError(reserved);
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      if (!drop->empty()) {
        Status s = (*store)->Drop(*drop);
        if (!s.ok()) return ReportError(s);
        if (!options.quiet) std::cerr << "tinykg: dropped <" << *drop << ">\n";
        return kExitOk;
      }
      auto fmt = rdf::ResultsFormatFromName(*format);
      if (!fmt.ok()) return ReportError(fmt.status());
      auto graphs = (*store)->Graphs();
      if (!graphs.ok()) return ReportError(graphs.status());
      rdf::QueryResult table;
      table.variables = {"graph", "kind", "triples", "label", "loaded"};
      for (const auto& g : *graphs) {
        table.rows.push_back({rdf::Term::Iri(g.iri), rdf::Term::Literal(g.kind),
                              rdf::Term::Literal(std::to_string(g.triples), std::string(vocab::kXsd) + "integer"),
                              rdf::Term::Literal(g.label), rdf::Term::Literal(g.loaded_at)});
      }
      // Full IRIs (no prefixed names): what `export` and `graphs --drop` take.
      auto text = rdf::WriteResults(table, *fmt, rdf::PrefixList{});
      if (!text.ok()) return ReportError(text.status());
      std::cout << *text;
      return kExitOk;
    };
  });
}

void AddExportCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd =
      app.add_subcommand("export", "Write the graph (or one named graph) as Turtle, TriG, N-Triples or N-Quads");
  auto format = std::make_shared<std::string>("turtle");
  auto args = std::make_shared<std::vector<std::string>>();
  auto inferred = std::make_shared<bool>(false);
  cmd->add_option("--format", *format, "turtle|trig|ntriples|nquads (trig, nquads: with the graph names)");
  cmd->add_flag("--inferred", *inferred, "Include the materialised RDFS inferences");
  cmd->add_option("graph", *args, "GRAPH IRI, bare or as <IRI> (as `graphs` prints it; default: every graph)");
  cmd->callback([cmd, &options, &run, format, args, inferred] {
    if (!cmd->get_subcommands().empty()) return;  // `export td ID` set run already
    run = [&options, format, args, inferred]() -> int {
      auto syntax = rdf::SyntaxFromName(*format);
      if (!syntax.ok() || *syntax == rdf::Syntax::kRdfXml) {
        return ReportError(
            InvalidArgument("unknown export format '" + *format + "' (expected turtle, trig, ntriples or nquads)"));
      }
      if (args->size() > 1) return ReportError(InvalidArgument("export takes at most one graph"));
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      rdf::ExportOptions export_options;
      export_options.syntax = *syntax;
      export_options.graph = args->empty() ? "" : GraphIriArgument(args->front());
      export_options.inferred = *inferred;
      Status exported = rdf::ExportStore(**store, export_options, [](std::string_view text) {
        std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
        return std::cout ? Status::Ok() : IoError("cannot write the export to standard output");
      });
      if (!exported.ok()) return ReportError(exported);
      std::cout.flush();
      if (!std::cout) return ReportError(IoError("cannot write the export to standard output"));
      return kExitOk;
    };
  });
}

void AddStatsCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("stats", "Count triples, graphs, devices and models");
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--format", *format, "table|json|csv|tsv|md");
  cmd->callback([&options, &run, format] {
    run = [&options, format]() -> int {
      auto fmt = rdf::ResultsFormatFromName(*format);
      if (!fmt.ok()) return ReportError(fmt.status());
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto stats = (*store)->Stats();
      if (!stats.ok()) return ReportError(stats.status());
      auto count = [&](const std::string& cls) -> std::int64_t {
        auto n = (*store)->Count(std::nullopt, rdf::Term::Iri(std::string(vocab::kRdf) + "type"), rdf::Term::Iri(cls));
        return n.ok() ? *n : 0;
      };
      const std::string integer = std::string(vocab::kXsd) + "integer";
      rdf::QueryResult table;
      table.variables = {"triples", "graphs", "devices", "models"};
      table.rows.push_back({rdf::Term::Literal(std::to_string(stats->triples), integer),
                            rdf::Term::Literal(std::to_string(stats->graphs), integer),
                            rdf::Term::Literal(std::to_string(count(std::string(vocab::kTkg) + "Device")), integer),
                            rdf::Term::Literal(std::to_string(count(std::string(vocab::kNnet) + "NeuralNetwork")), integer)});
      auto text = rdf::WriteResults(table, *fmt);
      if (!text.ok()) return ReportError(text.status());
      std::cout << *text;
      return kExitOk;
    };
  });
}

void AddCompactCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand(
      "compact", "Rewrite the embedded store's file with full pages and no free ones (no other process may have it open)");
  cmd->footer(
      "Loads into a large store leave index pages half full and free pages behind (the 1M-device fleet: "
      "3.7 GB); compact writes a compacted copy beside the store and swaps it in atomically. The store "
      "stays as it was if anything fails or another process (a reader, tinykg serve) has it open.");
  cmd->callback([&options, &run] {
    run = [&options]() -> int {
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto done = (*store)->Compact();
      if (!done.ok()) return ReportError(done.status());
      if (!options.quiet) {
        auto mb = [](std::int64_t bytes) { return std::to_string((bytes + (1 << 19)) >> 20) + " MB"; };
        std::cerr << "tinykg: compacted the store: " << mb(done->bytes_before) << " -> " << mb(done->bytes_after)
                  << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
