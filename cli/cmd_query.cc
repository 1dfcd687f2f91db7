// tinykg query (QUERY | -f FILE) [--format table|json|csv|tsv|md|turtle|ntriples] [--timeout MS]
// [--allow-service]
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli.h"
#include "tinykg/base/input_check.h"
#include "store_access.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/results.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::cli {

void AddQueryCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("query", "Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)");
  struct Args {
    std::string query, file, format = "table";
    bool raw = false, explain = false, allow_service = false;
    std::int64_t timeout_ms = 0;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("query", args->query, "SPARQL text");
  cmd->add_option("-f,--file", args->file, "Read the query from FILE ('-' for stdin)");
  cmd->add_option("--format", args->format,
                  "table|json|csv|tsv|md for SELECT/ASK (json, csv, tsv: the W3C SPARQL results formats); "
                  "turtle|ntriples for CONSTRUCT/DESCRIBE");
  cmd->add_flag("--raw", args->raw, "Run the query as written (no Rasqal guard rewrites)");
  cmd->add_flag("--show-rewrite", args->explain, "Print the query that runs, then run it");
  cmd->add_option("--timeout", args->timeout_ms,
                  "Stop the query after MS milliseconds (exit 1, 'deadline exceeded'); 0: no bound")
      ->check(AtLeast(0));
  cmd->add_flag("--allow-service", args->allow_service,
                "Let SERVICE <url> fetch from other endpoints (trusted queries only; refused otherwise)");
  cmd->callback([&options, &run, args] {
    run = [&options, args]() -> int {
      if (args->query.empty() == args->file.empty()) {
        return ReportError(InvalidArgument("give a query or -f FILE (one of them)"));
      }
      std::string text = args->query;
      if (!args->file.empty()) {
        auto r = ReadFile(args->file);
        if (!r.ok()) return ReportError(r.status());
        text = std::move(r).value();
        // A query file is text: bad bytes went to the engine as they were.
        if (Status utf8 = CheckUtf8Text(text, args->file); !utf8.ok()) return ReportError(utf8);
      }
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      (*store)->SetQueryTimeout(args->timeout_ms);
      Result<rdf::QueryResult> result = Internal("query not run");
      if (Status local = rdf::CheckStaysInStore(text, args->allow_service); !local.ok()) {
        return ReportError(local);
      }
      if (args->raw) {
        if (args->explain) std::cerr << text << "\n";
        result = (*store)->Query(text);
      } else {
        rdf::GuardedQuery guarded;
        result = rdf::RunQuery(**store, text, &guarded, args->allow_service);
        if (!guarded.added_prefixes.empty() && !options.quiet) {
          std::string list;
          for (const auto& p : guarded.added_prefixes) list += (list.empty() ? "" : ", ") + p;
          std::cerr << "tinykg: note: the query uses prefixes it does not declare; added PREFIX " << list << "\n";
        }
        for (const auto& caveat : guarded.caveats) Warn(options, caveat);
        if (args->explain) {
          for (const auto& note : guarded.notes) std::cerr << "tinykg: note: " << note << "\n";
          std::cerr << guarded.text << "\n";
        }
      }
      if (!result.ok()) return ReportError(result.status());
      if (result->kind == rdf::QueryResult::Kind::kGraph) {
        std::string f = args->format == "table" ? "turtle" : args->format;
        auto syntax = rdf::SyntaxFromName(f);
        if (!syntax.ok()) return ReportError(syntax.status());
        auto out = rdf::WriteRdf(result->triples, *syntax, rdf::DefaultPrefixes());
        if (!out.ok()) return ReportError(out.status());
        std::cout << *out;
        return kExitOk;
      }
      auto fmt = rdf::ResultsFormatFromName(args->format);
      if (!fmt.ok()) return ReportError(fmt.status());
      auto out = rdf::WriteResults(*result, *fmt);
      if (!out.ok()) return ReportError(out.status());
      std::cout << *out;
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
