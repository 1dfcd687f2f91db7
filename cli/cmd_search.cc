// tinykg search TEXT [--limit N] [--format table|json|csv|tsv|md]
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/match/search.h"
#include "tinykg/match/table.h"

namespace tinykg::cli {

void AddSearchCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("search", "Find devices and models by name, title or description (ranked)");
  auto text = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("table");
  auto limit = std::make_shared<int>(20);
  cmd->add_option("text", *text, "Words that must all occur (case-insensitive)")->required();
  cmd->add_option("--limit", *limit, "At most N hits (0 = all; default 20)")
      ->check(AtLeast(0));
  cmd->add_option("--format", *format, "table|json|csv|tsv|md");
  cmd->callback([&options, &run, text, format, limit] {
    run = [&options, text, format, limit]() -> int {
      if (*format != "json" && !match::TableFormatFromName(*format).ok()) {
        return ReportError(match::TableFormatFromName(*format).status());
      }
      std::string joined;
      for (const auto& w : *text) joined += (joined.empty() ? "" : " ") + w;
      auto store = OpenStore(options);
      if (!store.ok()) return ReportError(store.status());
      auto hits = match::Search(**store, joined, *limit);
      if (!hits.ok()) return ReportError(hits.status());
      if (*format == "json") {
        std::cout << "[";
        for (std::size_t i = 0; i < hits->size(); ++i) {
          const auto& h = (*hits)[i];
          std::cout << (i ? ",\n " : "\n ") << "{\"name\": " << match::JsonString(h.name)
                    << ", \"kind\": " << match::JsonString(h.kind) << ", \"iri\": " << match::JsonString(h.iri)
                    << ", \"score\": " << h.score << ", \"field\": " << match::JsonString(h.field)
                    << ", \"text\": " << match::JsonString(h.text) << "}";
        }
        std::cout << (hits->empty() ? "]\n" : "\n]\n");
      } else {
        match::TextTable t;
        t.columns = {"rank", "name", "kind", "score", "matched", "text"};
        int rank = 0;
        for (const auto& h : *hits) {
          // People get an excerpt; programs (csv, tsv) the whole text.
          const bool cut = !rdf::IsMachineFormat(*match::TableFormatFromName(*format)) && h.text.size() > 80;
          std::string excerpt = cut ? h.text.substr(0, 77) + "..." : h.text;
          t.rows.push_back({std::to_string(++rank), h.name, h.kind, std::to_string(h.score), h.field, excerpt});
        }
        std::cout << match::RenderTable(t, *match::TableFormatFromName(*format));
      }
      return hits->empty() ? kExitFailure : kExitOk;
    };
  });
}

}  // namespace tinykg::cli
