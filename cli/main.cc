// tinykg: manage TinyML devices and models in one knowledge graph.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "cli.h"
#include "tinykg/base/utf8.h"

namespace tinykg::cli {

void AddVersionCommand(CLI::App& app, GlobalOptions&, Runner& run) {
  auto* cmd = app.add_subcommand("version", "Print the tinykg version");
  cmd->callback([&run] {
    run = [] {
      std::cout << "tinykg " << TINYKG_VERSION << "\n";
      return kExitOk;
    };
  });
}

// CLI11 lets an option of vector type take every following word, so
// `--ignore-context IRI a.json b.json` swallowed the files as more IRIs. Every
// non-positional option takes one value per occurrence instead (repeat the
// option, or use commas where the option has a delimiter); positionals keep
// taking the rest. Applied to the whole tree so new commands get it too.
void OneValuePerOption(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (!option->get_positional() && option->get_items_expected_max() > 1) {
      option->allow_extra_args(false);
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) OneValuePerOption(*sub);
}

// Every argument is text tinykg may store, print or match (a search word, a
// graph IRI, a name), so it must be UTF-8: `search $'a\xffb'` matched
// nothing without a word, `query` ran literals with bad bytes. A path is
// taken as it is (Linux file names are bytes): one that exists, and the
// value of an option that names a file or folder to create or open.
bool ArgumentsAreText(int argc, char** argv) {
  static constexpr std::string_view kPathOptions[] = {"--store", "-o", "--output", "-f", "--file",
                                                      "--model-file", "--data", "--eval", "--context-dir",
                                                      "--schema-dir"};
  const auto is_path_option = [](std::string_view option) {
    for (const std::string_view p : kPathOptions) {
      if (option == p) return true;
    }
    return false;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (IsValidUtf8(arg)) continue;
    if (i > 1 && is_path_option(argv[i - 1])) continue;
    const size_t equals = arg.starts_with("--") ? arg.find('=') : std::string_view::npos;
    if (equals != std::string_view::npos && is_path_option(arg.substr(0, equals))) continue;
    if (arg.starts_with("-o") || arg.starts_with("-f")) continue;  // -oPATH
    std::error_code ec;
    if (std::filesystem::exists(std::string(arg), ec)) continue;
    size_t at = 0;
    for (size_t n; at < arg.size() && (n = Utf8SequenceLength(arg, at)) > 0;) at += n;
    std::cerr << "tinykg: error: argument " << i << " (" << ToValidUtf8(arg) << ") is not valid UTF-8 at byte "
              << at << "\n";
    return false;
  }
  return true;
}

}  // namespace tinykg::cli

int main(int argc, char** argv) {
  using namespace tinykg::cli;
  CLI::App app{"tinykg: TinyML devices and models in one knowledge graph", "tinykg"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions options;
  app.add_option("--store", options.store_spec,
                 "Store spec: DIR (the embedded LMDB engine; default ./.tinykg or $TINYKG_STORE), "
                 "memory:, hashes:DIR or virtuoso://HOST:SQL_PORT/NAME?http=HTTP_PORT");
  app.add_option("--lock-timeout", options.lock_timeout_ms,
                 "Milliseconds a write waits while another process writes the store (default: as long as "
                 "it takes; 0: fail at once). Reads never wait");
  app.add_flag("-q,--quiet", options.quiet, "Print no warnings");

  Runner run;
  AddVersionCommand(app, options, run);
  AddInitCommand(app, options, run);
  AddLoadCommand(app, options, run);
  AddQueryCommand(app, options, run);
  AddGraphsCommand(app, options, run);
  AddExportCommand(app, options, run);
  AddStatsCommand(app, options, run);
  AddCompactCommand(app, options, run);
  AddTrainCommand(app, options, run);
  AddInferCommand(app, options, run);
  AddSearchCommand(app, options, run);
  AddReportCommand(app, options, run);
  AddBenchCommand(app, options, run);
  AddMatchCommand(app, options, run);
  AddExplainCommand(app, options, run);
  AddServeCommand(app, options, run);
  AddFleetCommand(app, options, run);
  AddDeployCommand(app, options, run);

  // `tinykg import td|board|model ...`: each importer adds its own subcommand.
  auto* import = app.add_subcommand("import", "Import Thing Descriptions, boards and models");
  import->require_subcommand(1);
  AddImportModelCommand(*import, options, run);
  AddImportTdCommand(*import, options, run);
  AddImportBoardCommand(*import, options, run);
  AddExportTdCommand(*app.get_subcommand("export"), options, run);

  OneValuePerOption(app);

  if (!ArgumentsAreText(argc, argv)) return kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tinykg: error: " << e.what() << "\n";
    std::cerr << "run 'tinykg --help' for usage\n";
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  return run();
}
