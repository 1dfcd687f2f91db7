// tinykg deploy --model M --device D [--learn online] [--task T] [--force] -o DIR:
// writes the project for a matched pair (src/deploy) and records the
// deployment in the graph; prints a summary (table, json, csv, tsv or md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "store_access.h"
#include "summary.h"
#include "tinykg/deploy/deploy.h"
#include "tinykg/model/model_files.h"

namespace tinykg::cli {
namespace {

struct DeployArgs {
  deploy::Request request;
  std::string learn, format = "table";
};

int RunDeploy(const GlobalOptions& options, DeployArgs& args) {
  auto format = match::TableFormatFromName(args.format);
  if (!format.ok()) return ReportError(format.status());
  if (!args.learn.empty() && args.learn != "online") {
    return ReportError(InvalidArgument("unknown --learn '" + args.learn + "' (online)"));
  }
  if (Status named = CheckKnownNames(args.request.task, {}); !named.ok()) return ReportError(named);
  args.request.learn_online = args.learn == "online";
  args.request.tinykg_version = TINYKG_VERSION;
  auto files = model::ModelFiles::ForStore(ResolveStoreSpec(options));
  if (!files.ok()) return ReportError(files.status());
  args.request.model_files = std::move(files).value();
  auto store = OpenStore(options);
  if (!store.ok()) {
    ReportError(store.status());
    return kExitStore;
  }
  auto deployed = deploy::Deploy(**store, args.request);
  FlushWarnings(options, **store);
  if (!deployed.ok()) return ReportError(deployed.status());
  for (const std::string& note : deployed->notes) std::cerr << "tinykg: note: " << note << "\n";
  nlohmann::ordered_json out = nlohmann::ordered_json::parse(deploy::DeploymentJson(*deployed));
  if (*format == match::TableFormat::kJson) {
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  // For people, the count and folder of the files; for programs, the count
  // (the list is in json and on disk).
  const std::size_t file_count = out["files"].size();
  out["files"] = *format == match::TableFormat::kTable || *format == match::TableFormat::kMarkdown
                     ? nlohmann::ordered_json(std::to_string(file_count) + " written to " + args.request.out_dir)
                     : nlohmann::ordered_json(file_count);
  std::cout << RenderSummaries({out}, *format);
  return kExitOk;
}

}  // namespace

void AddDeployCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto args = std::make_shared<DeployArgs>();
  auto* cmd = app.add_subcommand("deploy", "Generate the device project for a matched model and device");
  cmd->add_option("--model", args->request.model,
                  "The model: name or IRI in the graph (its file as kept by import model), or its .tflite file "
                  "(found by its SHA-256)")
      ->required();
  cmd->add_option("--model-file", args->request.model_file,
                  "The model's .tflite when --model is a name, in place of the kept copy (checked against the "
                  "graph's content hash)");
  cmd->add_option("--device", args->request.device, "The device: name or IRI in the graph")->required();
  cmd->add_option("--learn", args->learn, "online: a trainable head learns on the device (as train --on emulator)");
  cmd->add_option("--head", args->request.head, "With --learn online: the layer the model is cut at");
  cmd->add_option("--task", args->request.task, "What the deployment is for (recorded as tkg:task)");
  cmd->add_option("--lr", args->request.learning_rate, "With --learn online: the head's learning rate (0.05)")
      ->check(FinitePositive());
  cmd->add_option("--seed", args->request.seed, "With --learn online: the head's random seed (1)");
  cmd->add_flag("--force", args->request.force, "Deploy a pair that does not fit");
  cmd->add_option("-o,--output", args->request.out_dir, "The project folder (new, or empty)")->required();
  cmd->add_option("--format", args->format, "table|json|csv|tsv|md (csv, tsv, md: one row, files as their count)");
  cmd->callback([&options, &run, args] { run = [&options, args] { return RunDeploy(options, *args); }; });
}

}  // namespace tinykg::cli
