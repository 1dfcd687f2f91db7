// tinykg report [--format table|json|csv|tsv|md|html] [-o FILE]
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/match/report.h"

namespace tinykg::cli {

void AddReportCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand(
      "report", "Matchmaking report: fleet summary, memory, matrix, latency, per-model layers, emulator runs");
  auto format = std::make_shared<std::string>("md");
  auto output = std::make_shared<std::string>();
  cmd->add_option("--format", *format,
                  "table|json|csv|tsv|md|html (table: the same as md; csv, tsv: the matrix, one row per pair)");
  cmd->add_option("-o,--output", *output, "Write to FILE instead of stdout");
  cmd->callback([&options, &run, format, output] {
    run = [&options, format, output]() -> int {
      auto fmt = match::ReportFormatFromName(*format);
      if (!fmt.ok()) return ReportError(fmt.status());
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto text = match::RenderReport(**store, *fmt, {TINYKG_VERSION, ResolveStoreSpec(options), ""});
      if (!text.ok()) return ReportError(text.status());
      FlushWarnings(options, **store);
      if (output->empty()) {
        std::cout << *text;
        return kExitOk;
      }
      std::ofstream out(*output, std::ios::binary);
      out << *text;
      out.close();
      if (!out) return ReportError(IoError("cannot write " + *output));
      if (!options.quiet) std::cerr << "tinykg: wrote " << *output << "\n";
      return kExitOk;
    };
  });
}

}  // namespace tinykg::cli
