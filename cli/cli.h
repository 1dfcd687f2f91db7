// Shared pieces of the `tinykg` command: global options, exit codes, and the
// registration functions of the subcommands (one cmd_*.cc file each).
#ifndef TINYKG_CLI_CLI_H_
#define TINYKG_CLI_CLI_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tinykg/base/status.h"

namespace CLI {
class App;
class Validator;
}

namespace tinykg::cli {

// Fixed exit codes (documented in the README).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,   // the command ran but something failed (bad file, no match)
  kExitUsage = 2,     // bad command line or query syntax
  kExitStore = 3,     // the store could not be opened or written
  kExitInternal = 4,  // a bug
};

struct GlobalOptions {
  std::string store_spec;  // --store, else $TINYKG_STORE, else ./.tinykg
  bool quiet = false;      // --quiet: no warnings on stderr
  // --lock-timeout: how long a write waits for another process's write, in
  // ms (< 0: as long as it takes). Readers never wait.
  std::int64_t lock_timeout_ms = -1;
};

// A CLI11 check for rates (--lr, --meta-lr, ...): a finite number above 0
// that a float holds (FLT_MIN..FLT_MAX). NaN, inf and -1 were taken and
// trained into NaN weights, exit 0.
const CLI::Validator& FinitePositive();
// A CLI11 check for counts: a whole number >= `min` (CLI11's PositiveNumber
// prints its range up to 1.8e308 in full).
CLI::Validator AtLeast(long long min);

// The store spec in force: --store, else $TINYKG_STORE, else "./.tinykg".
std::string ResolveStoreSpec(const GlobalOptions& options);

// Prints "tinykg: error: <status>" on stderr and returns the exit code for it.
int ReportError(const Status& status);
// Prints "tinykg: warning: <text>" on stderr unless quiet.
void Warn(const GlobalOptions& options, const std::string& text);

// OK when `task` (may be empty) and every sensor name is one the one alias
// table knows (rdf::ResolveName); kInvalidArgument with "did you mean"
// otherwise. For commands that record the names as given.
Status CheckKnownNames(const std::string& task, const std::vector<std::string>& sensors);

// A subcommand sets `run` to what executes it after parsing.
using Runner = std::function<int()>;

// Each cmd_*.cc defines one of these; main.cc calls them all.
void AddVersionCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddInitCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddLoadCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddQueryCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddGraphsCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddExportCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddStatsCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddCompactCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddTrainCommand(CLI::App& app, GlobalOptions& options, Runner& run);
// `infer`: a keyword model on a WAV clip (cmd_infer.cc).
void AddInferCommand(CLI::App& app, GlobalOptions& options, Runner& run);
// Matchmaking, benchmark records, search and reports (cmd_match.cc, cmd_bench.cc,
// cmd_search.cc, cmd_report.cc).
void AddMatchCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddExplainCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddBenchCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddSearchCommand(CLI::App& app, GlobalOptions& options, Runner& run);
void AddReportCommand(CLI::App& app, GlobalOptions& options, Runner& run);
// `import model` (cmd_import_model.cc); `import` is the parent subcommand.
void AddImportModelCommand(CLI::App& import, GlobalOptions& options, Runner& run);
// cmd_import_td.cc: `import td`, `import board` (under the `import` command)
// and `export td` (under the `export` command).
void AddImportTdCommand(CLI::App& import, GlobalOptions& options, Runner& run);
void AddImportBoardCommand(CLI::App& import, GlobalOptions& options, Runner& run);
void AddExportTdCommand(CLI::App& export_cmd, GlobalOptions& options, Runner& run);
// `train --on emulator` (cmd_emu.cc): called by cmd_train.cc.
struct EmulatorTrainArgs {
  std::vector<std::string> devices;  // --device, repeated: one name each (never split at commas)
  std::string data, eval, label, model, format = "table";
  std::vector<std::string> features;
  std::vector<int> hidden;
  int steps = 0;
  float lr = 0.0f;
  std::uint64_t seed = 1;
  bool infer = false;                // --infer: inference only, no training
  unsigned jobs = 0;                 // parallel QEMU processes (0: cores)
  std::string task;                  // the trained head's task (tkg:task)
  std::vector<std::string> sensors;  // its input sensor kinds
  std::string head;                  // --head: where --model's backbone is cut
  bool outputs = false;              // --outputs: per evaluated sample, prediction and backbone outputs
  std::string save_head;             // --save-head FILE: the trained head's state, as JSON
  std::string load_head;             // --load-head FILE: start from (with --infer: evaluate) a saved head
  std::string frontend;              // --frontend mfcc: rows are 1 s PCM clips, the device computes the MFCC
};
int RunTrainOnEmulator(const GlobalOptions& options, const EmulatorTrainArgs& args);

// `serve`: the Thing Description Directory API over HTTP (cmd_serve.cc).
void AddServeCommand(CLI::App& app, GlobalOptions& options, Runner& run);
// `deploy`: the device project for a matched pair (cmd_deploy.cc).
void AddDeployCommand(CLI::App& app, GlobalOptions& options, Runner& run);
// `fleet train`: TinyReptile over emulated MCUs (cmd_fleet.cc).
void AddFleetCommand(CLI::App& app, GlobalOptions& options, Runner& run);

}  // namespace tinykg::cli

#endif  // TINYKG_CLI_CLI_H_
