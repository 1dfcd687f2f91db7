// tinykg infer --model M.tflite --input CLIP.wav [--frontend micro|mfcc]
//              [--frontend-model P.tflite] [--labels a,b,...] [--format table|json|csv|tsv|md]
// Keyword spotting on one clip with the embedded engine: the front end turns
// the audio into features, the model scores them.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "summary.h"
#include "tinykg/train/audio_frontend.h"
#include "tinykg/train/model_loader.h"
#include "tinykg/train/wav.h"

namespace tinykg::cli {
namespace {

struct InferArgs {
  std::string model, input, frontend, frontend_model, format = "table";
  std::vector<std::string> labels;
};

int RunInfer(const InferArgs& args) {
  auto format = match::TableFormatFromName(args.format);
  if (!format.ok()) return ReportError(format.status());
  train::FrontendKind kind = train::FrontendKind::kMicro;
  if (args.frontend == "mfcc") {
    kind = train::FrontendKind::kMfcc;
  } else if (!args.frontend.empty() && args.frontend != "micro") {
    return ReportError(InvalidArgument("unknown --frontend '" + args.frontend + "' (micro, mfcc)"));
  }
  auto model = train::LoadedModel::Load(args.model);
  if (!model.ok()) return ReportError(model.status());
  const int input_elements = (*model)->graph().input().Elements();
  if (args.frontend.empty() && input_elements == 49 * 10) kind = train::FrontendKind::kMfcc;
  std::string frontend_model = args.frontend_model;
  if (kind == train::FrontendKind::kMicro && frontend_model.empty()) {
    frontend_model = (std::filesystem::path(args.model).parent_path() / "audio_preprocessor_int8.tflite").string();
    if (!std::filesystem::exists(frontend_model)) {
      return ReportError(InvalidArgument("--frontend micro needs the preprocessor model: give --frontend-model "
                                         "(no audio_preprocessor_int8.tflite beside " + args.model + ")"));
    }
  }
  auto clip = train::ReadWav(args.input, train::kKwsSampleRate);
  if (!clip.ok()) return ReportError(clip.status());
  auto r = train::InferClip(**model, clip->samples, kind, frontend_model);
  if (!r.ok()) return ReportError(r.status().WithContext(args.input));
  std::vector<std::string> labels = args.labels;
  if (labels.empty()) labels = train::BuiltInKeywordLabels(input_elements, static_cast<int>(r->scores.size()));
  if (!labels.empty() && labels.size() != r->scores.size()) {
    return ReportError(InvalidArgument("--labels names " + std::to_string(labels.size()) + " classes, the model has " +
                                       std::to_string(r->scores.size())));
  }
  const char* frontend = kind == train::FrontendKind::kMicro ? "micro" : "mfcc";
  if (*format == match::TableFormat::kJson) {
    nlohmann::json out = {{"model", args.model}, {"input", args.input}, {"frontend", frontend},
                          {"frames", r->frames}, {"top", r->top},       {"scores", r->scores}};
    if (!labels.empty()) {
      out["label"] = labels[static_cast<std::size_t>(r->top)];
      out["labels"] = labels;
    }
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  // The other formats: one field per class score (score.<label>), in the
  // model's class order.
  nlohmann::ordered_json row = {
      {"model", args.model}, {"input", args.input}, {"frontend", frontend}, {"frames", r->frames}, {"top", r->top}};
  if (!labels.empty()) row["label"] = labels[static_cast<std::size_t>(r->top)];
  for (std::size_t i = 0; i < r->scores.size(); ++i) {
    row["score." + (labels.empty() ? std::to_string(i) : labels[i])] = r->scores[i];
  }
  std::cout << RenderSummaries({row}, *format);
  return kExitOk;
}

}  // namespace

void AddInferCommand(CLI::App& app, GlobalOptions&, Runner& run) {
  auto* cmd = app.add_subcommand("infer", "Run a keyword-spotting model on a WAV clip with the embedded engine");
  auto args = std::make_shared<InferArgs>();
  cmd->add_option("--model", args->model, "The keyword model (.tflite)")->required();
  cmd->add_option("--input", args->input, "A 16 kHz 16-bit PCM WAV clip (1 s is scored)")->required();
  cmd->add_option("--frontend", args->frontend,
                  "micro (micro_speech's preprocessor) or mfcc (MLPerf Tiny KWS); default from the model's input");
  cmd->add_option("--frontend-model", args->frontend_model,
                  "The micro front end's preprocessor model (default: audio_preprocessor_int8.tflite beside --model)");
  cmd->add_option("--labels", args->labels, "Class names in output order (built in for micro_speech and MLPerf KWS)")
      ->delimiter(',');
  cmd->add_option("--format", args->format,
                  "table|json|csv|tsv|md (csv, tsv, md: one row per clip, a score.LABEL column per class)");
  cmd->callback([&run, args] {
    run = [args]() -> int { return RunInfer(*args); };
  });
}

}  // namespace tinykg::cli
