// tinykg train --data TRAIN.csv|sine [--eval TEST.csv] [--label COLUMN] [--features a,b]
//              [--method online|reptile|scratch|fedavg] [--format table|json|csv|tsv|md] ...
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "summary.h"
#include "tinykg/match/table.h"
#include "tinykg/train/dataset.h"
#include "tinykg/train/keyword_learning.h"
#include "tinykg/train/omniglot.h"
#include "tinykg/train/sine.h"
#include "tinykg/train/tabular.h"

namespace tinykg::cli {
namespace {

struct TrainArgs {
  std::string data, eval, label, model, head, method, format = "table", optimizer;
  std::vector<std::string> features;
  std::vector<int> hidden;
  int epochs = 1, steps = 0, devices = 0, local_steps = 0, batch = 0, ways = 5, shots = 1, round_size = 0;
  std::vector<int> more_shots;  // omniglot: --shots 1,5 -> 5
  float lr = 0.0f, meta_lr = 0.0f, momentum = 0.0f;
  double top_p = 100.0;      // tinymetafed, percent
  bool shared_head = false;  // tinymetafed
  int channels = 0, conv_layers = 0, eval_tasks = 0;  // omniglot; 0 = the default
  int eval_steps = -1;  // omniglot; -1 = the default (0 scores the initialisation itself)
  float eval_lr = 0;       // omniglot; 0 = the inner learning rate
  int eval_augment = -1;   // omniglot: shifted copies of each support drawing at evaluation; -1 = the default
  int shift = -1;          // omniglot; -1 = the default
  float tilt = 0, zoom = 0;  // omniglot: training drawings' random turn (degrees) and scale (+-)
  std::string head_init;   // omniglot: zero|meta; empty = the default
  bool drift = false;  // CSV, online: the drift experiment on --eval
  bool no_normalize = false;  // omniglot
  std::string one_shot_runs;  // omniglot: Lake's 20-way runs ("default": the shared zip)
  int windows = 10;
  std::uint64_t seed = 1;
  std::string on;                   // --on emulator --device D (cmd_emu.cc)
  std::vector<std::string> device;  // repeated --device
  bool infer = false, outputs = false;
  std::string save_head, load_head;  // --on emulator: the trained head's state file
  std::string frontend;              // --on emulator: mfcc (PCM clips in)
  unsigned jobs = 0;
  std::string task;
  std::vector<std::string> sensors;
  std::vector<std::string> keywords;  // --data kws|DIR
  int test_speakers = 0, episodes = 8, adapt_epochs = 4;
};


nlohmann::json MemoryJson(const engine::MemoryReport& m) {
  return {{"weights", m.weights},           {"frozen_weights", m.frozen_weights},
          {"gradients", m.gradients},       {"optimizer_state", m.optimizer_state},
          {"activations", m.activations},   {"scratch", m.scratch},
          {"other", m.other},               {"total", m.Total()}};
}

nlohmann::json TrafficJson(const train::Traffic& t) {
  return {{"down_bytes", t.down_bytes}, {"up_bytes", t.up_bytes}, {"total_bytes", t.total()}, {"visits", t.visits}};
}

// What every federated run reports.
nlohmann::json FederatedJson(const train::FederatedResult& r) {
  return {{"method", train::MethodName(r.method)},
          {"steps", r.device_steps},
          {"traffic", TrafficJson(r.traffic)},
          {"seed", r.seed},
          {"memory_bytes", MemoryJson(r.memory)},
          {"server_bytes", r.server_bytes},
          {"seconds", r.seconds}};
}

// A meta-test's metric before adaptation ("0") and after each reported step count.
nlohmann::json StepsJson(const train::MetaTest& t) {
  nlohmann::json j = {{"0", t.before}};
  for (std::size_t i = 0; i < t.steps.size() && i < t.after.size(); ++i) j[std::to_string(t.steps[i])] = t.after[i];
  return j;
}

// --data kws or a folder: keywords learned on the device (keyword_learning.h).
int RunKeywords(const TrainArgs& args, match::TableFormat format) {
  train::KeywordOptions o;
  o.data = args.data;
  if (args.data == "kws") {
    const char* env = std::getenv("TINYKG_KWS_DATA");
    o.data = env != nullptr && *env != '\0' ? env : "kws-voices";
    if (!std::filesystem::is_directory(o.data)) {
      return ReportError(NotFound("--data kws reads the synthesized speakers in '" + o.data +
                                  "' ($TINYKG_KWS_DATA), which do not exist: make them with "
                                  "'bash scripts/kws_voices.sh " + o.data + "'"));
    }
  }
  if (args.model.empty()) {
    return ReportError(InvalidArgument("--data " + args.data + " needs --model: the keyword backbone "
                                       "(MLPerf Tiny's kws_ref_model.tflite, cut before its classifier)"));
  }
  o.backbone = args.model;
  if (!args.keywords.empty()) o.keywords = args.keywords;
  o.method = args.method.empty() ? "reptile" : args.method;
  o.shots = args.shots;
  o.test_speakers = args.test_speakers;
  o.episodes = args.episodes;
  o.adapt_epochs = args.adapt_epochs;
  if (args.steps > 0) o.visits = args.steps;
  if (args.lr > 0) o.lr = args.lr;
  if (args.meta_lr > 0) o.meta_lr = args.meta_lr;
  o.seed = args.seed;
  auto r = train::RunKeywordLearning(o);
  if (!r.ok()) return ReportError(r.status());
  nlohmann::json out = {{"method", r->method},
                        {"data", o.data},
                        {"classes", r->classes},
                        {"shots", o.shots},
                        {"seed", o.seed},
                        {"accuracy", r->accuracy},
                        {"accuracy_before", r->accuracy_before},
                        {"clips", r->clips},
                        {"speakers", r->speakers},
                        {"train_speakers", r->train_speakers},
                        {"test_speakers", r->test_speakers},
                        {"features", r->features},
                        {"memory_bytes", MemoryJson(r->memory)},
                        {"backbone_flash_bytes", r->backbone_constant_bytes},
                        {"seconds", r->seconds}};
  std::cout << RenderSummaries({nlohmann::ordered_json(out)}, format);
  return kExitOk;
}

// The drift experiment's windows: json the experiment with its windows;
// table the windows for people; csv, tsv, md one row per window (chart-ready).
int PrintDrift(const TrainArgs& args, const train::DriftResult& r, match::TableFormat format) {
  if (format == match::TableFormat::kJson) {
    nlohmann::json windows = nlohmann::json::array();
    for (const train::DriftWindow& w : r.windows) {
      windows.push_back({{"begin", w.begin},
                         {"end", w.end},
                         {"positives", w.positives},
                         {"static_accuracy", w.static_accuracy},
                         {"online_accuracy", w.online_accuracy},
                         {"static_cumulative", w.static_cumulative},
                         {"online_cumulative", w.online_cumulative}});
    }
    const nlohmann::json out = {{"method", "online"},
                                {"experiment", "drift"},
                                {"dataset", args.data},
                                {"later", args.eval},
                                {"first_period_prequential", r.first_period_prequential},
                                {"static_accuracy", r.static_accuracy},
                                {"online_accuracy", r.online_accuracy},
                                {"updates", r.updates},
                                {"seed", args.seed},
                                {"memory_bytes", MemoryJson(r.memory)},
                                {"windows", windows},
                                {"seconds", r.seconds}};
    std::cout << out.dump() << "\n";
    return kExitOk;
  }
  if (format != match::TableFormat::kTable) {
    match::TextTable t;
    t.columns = {
        "window",           "begin", "end", "positives", "static_accuracy", "online_accuracy", "static_cumulative",
        "online_cumulative"};
    for (std::size_t i = 0; i < r.windows.size(); ++i) {
      const train::DriftWindow& w = r.windows[i];
      t.rows.push_back({std::to_string(i + 1), std::to_string(w.begin), std::to_string(w.end),
                        std::to_string(w.positives), match::RawNumber(w.static_accuracy),
                        match::RawNumber(w.online_accuracy), match::RawNumber(w.static_cumulative),
                        match::RawNumber(w.online_cumulative)});
    }
    std::cout << match::RenderTable(t, format);
    return kExitOk;
  }
  char line[256];
  std::cout << "drift: learned " << args.data << " online (prequential " << r.first_period_prequential
            << "), then streamed " << args.eval << "\n";
  std::cout << "window\trows\tclass 1\tstatic\tonline\tstatic so far\tonline so far\n";
  for (std::size_t i = 0; i < r.windows.size(); ++i) {
    const train::DriftWindow& w = r.windows[i];
    std::snprintf(line, sizeof line, "%zu\t%zu-%zu\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\n", i + 1, w.begin, w.end, w.positives,
                  w.static_accuracy, w.online_accuracy, w.static_cumulative, w.online_cumulative);
    std::cout << line;
  }
  std::snprintf(line, sizeof line, "all\t\t\t%.4f\t%.4f\n", r.static_accuracy, r.online_accuracy);
  std::cout << line;
  return kExitOk;
}

int RunTrain(const GlobalOptions& options, const TrainArgs& args) {
  auto format = match::TableFormatFromName(args.format);
  if (!format.ok()) return ReportError(format.status());
  if (args.on == "emulator") {
    return RunTrainOnEmulator(
        options, {args.device,  args.data,  args.eval,    args.label,     args.model,     args.format,  args.features,
                  args.hidden,  args.steps, args.lr,      args.seed,      args.infer,     args.jobs,    args.task,
                  args.sensors, args.head,  args.outputs, args.save_head, args.load_head, args.frontend});
  }
  if (!args.frontend.empty()) return ReportError(InvalidArgument("--frontend needs --on emulator"));
  if (!args.on.empty() && args.on != "host") {
    return ReportError(InvalidArgument("unknown --on '" + args.on + "' (host, emulator)"));
  }
  if (args.data == "kws" || std::filesystem::is_directory(args.data)) return RunKeywords(args, *format);
  const bool is_omniglot = args.data == "omniglot" ||
                           (args.data.size() > 4 && args.data.compare(args.data.size() - 4, 4, ".zip") == 0);
  if ((!args.model.empty() || !args.head.empty()) && (args.data == "sine" || is_omniglot)) {
    return ReportError(InvalidArgument("--model/--head apply to CSV data with --method online"));
  }
  const bool progress = isatty(STDERR_FILENO) != 0 && !options.quiet;
  engine::OptimizerKind optimizer = engine::OptimizerKind::kSgd;
  if (args.optimizer == "adam") {
    optimizer = engine::OptimizerKind::kAdam;
  } else if (!args.optimizer.empty() && args.optimizer != "sgd") {
    return ReportError(InvalidArgument("unknown --optimizer '" + args.optimizer + "' (sgd, adam)"));
  }
  nlohmann::json out;
  // The server's options from the command line (sine, omniglot).
  auto server_options = [&args](train::ServerOptions& server) {
    if (args.steps > 0) server.visits = args.steps;
    if (args.meta_lr > 0) server.meta_learning_rate = args.meta_lr;
    if (args.round_size > 0) server.round_size = args.round_size;
    server.top_p = args.top_p / 100.0;
    server.local_head = !args.shared_head;
    server.seed = args.seed;
  };
  if (is_omniglot) {
    train::OmniglotOptions o;
    auto method = train::ParseMethod(args.method.empty() ? "reptile" : args.method);
    if (!method.ok()) return ReportError(method.status());
    o.method = *method;
    server_options(o.server);
    o.ways = args.ways;
    o.shots = args.shots;
    o.more_shots = args.more_shots;
    if (args.local_steps > 0) o.inner_steps = args.local_steps;
    if (args.batch > 0) o.inner_batch = args.batch;
    if (args.lr > 0) o.inner_learning_rate = args.lr;
    if (!args.optimizer.empty()) o.inner_optimizer = optimizer;
    if (args.channels > 0) o.channels = args.channels;
    if (args.conv_layers > 0) o.conv_layers = args.conv_layers;
    o.normalize = !args.no_normalize;
    if (args.eval_steps >= 0) o.eval_steps = args.eval_steps;
    if (args.eval_tasks > 0) o.eval_tasks = args.eval_tasks;
    if (args.eval_lr > 0) o.eval_learning_rate = args.eval_lr;
    if (args.eval_augment >= 0) o.eval_augment = args.eval_augment;
    if (args.head_init == "zero") {
      o.head_init = train::HeadInit::kZero;
    } else if (args.head_init == "meta") {
      o.head_init = train::HeadInit::kMeta;
    } else if (args.head_init == "proto" || args.head_init == "proto-raw") {
      o.head_init = train::HeadInit::kProto;
      o.proto_scaled = args.head_init == "proto";
    } else if (!args.head_init.empty()) {
      return ReportError(InvalidArgument("unknown --head-init '" + args.head_init + "' (zero, meta, proto, proto-raw)"));
    }
    if (args.shift >= 0) o.shift = args.shift;
    if (args.tilt < 0 || args.zoom < 0 || args.zoom >= 1) {
      return ReportError(InvalidArgument("--tilt must be >= 0 and --zoom in [0, 1)"));
    }
    o.tilt_degrees = args.tilt;
    o.zoom = args.zoom;
    const std::string zip = args.data == "omniglot" ? train::DefaultOmniglotZip() : args.data;
    if (progress) std::cerr << "tinykg: loading " << zip << "...\n";
    auto data = train::LoadOmniglot(zip);
    if (!data.ok()) return ReportError(data.status());
    std::vector<train::OneShotRun> runs;
    if (!args.one_shot_runs.empty()) {
      auto loaded = train::LoadOneShotRuns(args.one_shot_runs == "default" ? train::DefaultOneShotRunsZip()
                                                                           : args.one_shot_runs);
      if (!loaded.ok()) return ReportError(loaded.status());
      runs = std::move(*loaded);
    }
    if (progress) std::cerr << "tinykg: training omniglot (" << train::MethodName(o.method) << ")...\n";
    auto r = train::RunOmniglot(*data, o, runs.empty() ? nullptr : &runs);
    if (!r.ok()) return ReportError(r.status());
    out = FederatedJson(r->run);
    out["dataset"] = "omniglot";
    out["ways"] = r->ways;
    out["shots"] = r->shots;
    nlohmann::json by_shots = {{std::to_string(r->shots), r->accuracy()}};
    // Accuracy after each reported number of adaptation steps, per shots.
    nlohmann::json by_steps = {{std::to_string(r->shots), StepsJson(r->run.test)}};
    for (const auto& [shots, test] : r->more_shots) {
      by_shots[std::to_string(shots)] = test.Final();
      by_steps[std::to_string(shots)] = StepsJson(test);
    }
    out["accuracy_by_shots"] = by_shots;
    out["accuracy_after_steps"] = by_steps;
    out["accuracy"] = r->accuracy();
    out["accuracy_before"] = r->run.test.before;
    out["devices"] = r->devices;
    out["train_characters"] = r->train_characters;
    out["local_steps"] = o.inner_steps;
    out["eval_augment"] = o.eval_augment;
    if (o.method == train::Method::kReptile || o.method == train::Method::kTinyMetaFed) {
      out["meta_lr"] = o.server.meta_learning_rate;
    }
    out["test_characters"] = r->test_characters;
    if (r->one_shot_runs_accuracy >= 0) out["one_shot_runs_accuracy"] = r->one_shot_runs_accuracy;
  } else if (args.data == "sine") {
    train::SineOptions o;
    auto method = train::ParseMethod(args.method.empty() ? "reptile" : args.method);
    if (!method.ok()) return ReportError(method.status());
    o.method = *method;
    server_options(o.server);
    if (args.devices > 0) o.devices = args.devices;
    if (args.local_steps > 0) o.local_steps = args.local_steps;
    if (args.batch > 0) o.batch = args.batch;
    if (args.lr > 0) o.inner_learning_rate = args.lr;
    if (!args.hidden.empty()) o.hidden = args.hidden[0];
    if (progress) std::cerr << "tinykg: training sine (" << train::MethodName(o.method) << ")...\n";
    auto r = train::RunSine(o);
    if (!r.ok()) return ReportError(r.status());
    nlohmann::json by_steps = {{"0", r->test.before}};
    for (std::size_t i = 0; i < r->test.steps.size(); ++i) by_steps[std::to_string(r->test.steps[i])] = r->test.after[i];
    out = FederatedJson(*r);
    out["dataset"] = "sine";
    out["mse"] = r->test.Final();
    out["mse_after_steps"] = by_steps;
    out["devices"] = o.devices;
    out["local_steps"] = o.local_steps;
    out["round_size"] = o.server.round_size;
  } else {
    if (args.label.empty()) return ReportError(InvalidArgument("--label COLUMN is required for CSV data"));
    auto method = train::ParseMethod(args.method.empty() ? "online" : args.method);
    if (!method.ok()) return ReportError(method.status());
    const train::CsvOptions csv{args.label, args.features};
    auto train_data = train::ReadCsv(args.data, csv);
    if (!train_data.ok()) return ReportError(train_data.status());
    train::Dataset eval_data;
    if (args.eval.empty()) {
      Warn(options, "no --eval file: reporting accuracy on the training data");
      eval_data = *train_data;
    } else {
      train::CsvOptions eval_csv = csv;
      eval_csv.features = train_data->feature_names;
      auto e = train::ReadCsv(args.eval, eval_csv);
      if (!e.ok()) return ReportError(e.status());
      eval_data = std::move(e).value();
    }
    train::TabularOptions o;
    o.method = *method;
    o.epochs = args.epochs;
    o.steps = args.steps;
    if (args.batch > 0) o.batch = args.batch;
    if (args.devices > 0) o.devices = args.devices;
    if (args.local_steps > 0) o.local_steps = args.local_steps;
    if (args.lr > 0) o.learning_rate = args.lr;
    if (args.meta_lr > 0) o.meta_learning_rate = args.meta_lr;
    o.optimizer = optimizer;
    o.momentum = args.momentum;
    o.hidden = args.hidden;
    o.seed = args.seed;
    o.model = args.model;
    o.head = args.head;
    o.top_p = args.top_p / 100.0;
    o.local_head = !args.shared_head;
    if (!o.model.empty() && o.method != train::Method::kOnline) {
      return ReportError(InvalidArgument("--model needs --method online"));
    }
    if (args.drift) {
      if (o.method != train::Method::kOnline || args.eval.empty() || !o.model.empty()) {
        return ReportError(InvalidArgument("--drift needs --method online, --eval LATER.csv and no --model"));
      }
      train::DriftOptions d;
      d.online = o;
      d.windows = args.windows;
      auto r = train::RunDrift(*train_data, eval_data, d);
      if (!r.ok()) return ReportError(r.status());
      return PrintDrift(args, *r, *format);
    }
    if (progress) {
      std::cerr << "tinykg: training on " << train_data->rows << " rows, " << train_data->feature_count()
                << " features (" << train::MethodName(o.method) << ")...\n";
    }
    auto r = train::RunTabular(*train_data, eval_data, o);
    if (!r.ok()) return ReportError(r.status());
    out = {{"method", train::MethodName(r->method)},
           {"dataset", args.data},
           {"accuracy", r->accuracy},
           {"eval_rows", r->eval_rows},
           {"classes", r->classes},
           {"features", train_data->feature_names},
           {"steps", r->steps},
           {"samples", r->samples},
           {"seed", r->seed},
           {"memory_bytes", MemoryJson(r->memory)},
           {"server_bytes", r->server_bytes},
           {"seconds", r->seconds}};
    if (r->prequential_accuracy >= 0) out["prequential_accuracy"] = r->prequential_accuracy;
    if (r->accuracy_before >= 0) {
      out["accuracy_before"] = r->accuracy_before;
      out["eval_windows"] = r->eval_windows;
      out["traffic"] = TrafficJson(r->traffic);
    }
  }
  std::cout << RenderSummaries({nlohmann::ordered_json(out)}, *format);
  return kExitOk;
}

}  // namespace

void AddTrainCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* cmd = app.add_subcommand("train", "Train on the host with the embedded engine (online, reptile, fedavg, scratch)");
  auto args = std::make_shared<TrainArgs>();
  cmd->add_option("--data", args->data,
                  "Training data: a CSV file with a header row, 'sine', 'omniglot' (or an Omniglot .zip), 'kws' "
                  "(synthesized speakers, scripts/kws_voices.sh) or a folder of WORD/SPEAKER_nohash_N.wav clips")
      ->required();
  cmd->add_option("--eval", args->eval, "CSV file to evaluate accuracy on (same columns)");
  cmd->add_option("--label", args->label, "Label column (class indices 0, 1, ...)");
  cmd->add_option("--features", args->features, "Feature columns (default: every numeric column)")
      ->delimiter(',');
  cmd->add_option("--method", args->method,
                  "online|reptile|scratch|fedavg|tinymetafed (default: online; reptile for sine and omniglot)");
  cmd->add_option("--top-p", args->top_p,
                  "tinymetafed: percent of the shared parameters sent each way per visit (default 100)")
      ->check(CLI::Range(0.001, 100.0));
  cmd->add_flag("--shared-head", args->shared_head,
                "tinymetafed: send the output layer through the server too (default: it stays on the device)");
  cmd->add_flag("--drift", args->drift,
                "CSV, online: learn --data, then stream --eval (a later period) with a static and an online-updated "
                "copy; prequential accuracy per window (--format csv, tsv, md: one row per window)");
  cmd->add_option("--windows", args->windows, "With --drift: windows of the later stream (default 10)")
      ->check(AtLeast(1));
  cmd->add_option("--channels", args->channels, "Omniglot: conv channels (default 20)")
      ->check(AtLeast(1));
  cmd->add_option("--conv-layers", args->conv_layers, "Omniglot: conv 3x3 stride-2 layers (default 4)")
      ->check(AtLeast(1));
  cmd->add_option("--one-shot-runs", args->one_shot_runs,
                  "Omniglot: also evaluate on Lake et al.'s 20-way one-shot runs (a zip in one_shot_all_runs "
                  "layout, or 'default' for the shared one; needs --ways 20)");
  cmd->add_flag("--no-normalize", args->no_normalize, "Omniglot: no layer normalisation after the convolutions");
  cmd->add_option("--eval-steps", args->eval_steps, "Omniglot: adaptation steps on the support set (default 20)")
      ->check(AtLeast(0));
  cmd->add_option("--eval-tasks", args->eval_tasks, "Omniglot: evaluation tasks (default 200)")
      ->check(AtLeast(1));
  cmd->add_option("--eval-lr", args->eval_lr, "Omniglot: learning rate on the support set (default: --lr's)")
      ->check(FinitePositive());
  cmd->add_option("--eval-augment", args->eval_augment,
                  "Omniglot: the support set at evaluation also holds N copies of each drawing, each shifted by up "
                  "to --shift pixels (default 4; 0: the support as drawn)")
      ->check(CLI::Range(0, 16));
  cmd->add_option("--head-init", args->head_init,
                  "Omniglot: output layer at each adaptation: zero (reset; the default), proto (support class "
                  "means, logits shrunk by their spread), proto-raw (unscaled) or meta (meta-learned)");
  cmd->add_option("--shift", args->shift, "Omniglot: training drawings shifted by up to N pixels (default 2)")
      ->check(CLI::Range(0, 14));
  cmd->add_option("--tilt", args->tilt, "Omniglot: training drawings turned by up to N degrees, bilinear (default 0)");
  cmd->add_option("--zoom", args->zoom, "Omniglot: training drawings scaled by 1 +- up to F, bilinear (default 0)");
  cmd->add_option("--model", args->model,
                  "A .tflite model used as frozen backbone (CSV, online); with --on emulator also its name or IRI "
                  "in the graph (the file kept by import model)");
  cmd->add_option("--frontend", args->frontend,
                  "--on emulator with --model: 'mfcc': the data's rows are 1 s clips of 16-bit PCM (16000 "
                  "columns, scripts/kws_features.py --pcm) and the device computes their MLPerf Tiny KWS MFCC "
                  "for the model (front end, backbone and head on the device)")
      ->check(CLI::IsMember({"mfcc"}));
  cmd->add_option("--head", args->head,
                  "Cut the backbone after this operator (index or output tensor name; default: before the classifier)");
  cmd->add_option("--round-size", args->round_size,
                  "Reptile / TinyMetaFed: device visits per meta-update (sine default 1 = one device at a time; omniglot 5)")
      ->check(AtLeast(1));
  cmd->add_option("--ways", args->ways, "Omniglot: classes per task (default 5)")
      ->check(AtLeast(1));
  cmd->add_option("--shots", args->shots, "Omniglot, keywords: examples per class (default 1)")
      ->check(AtLeast(1));
  cmd->add_option("--keywords", args->keywords, "Keywords: the words to learn (default red,green,blue,seven); "
                  "other words are 'unknown'")->delimiter(',');
  cmd->add_option("--test-speakers", args->test_speakers, "Keywords: speakers held out for the meta-test (default a quarter)")
      ->check(AtLeast(1));
  cmd->add_option("--episodes", args->episodes, "Keywords: support draws per held-out speaker (default 8)")
      ->check(AtLeast(1));
  cmd->add_option("--adapt-epochs", args->adapt_epochs, "Keywords: passes over the shots, one step per sample (default 4)")
      ->check(AtLeast(1));
  cmd->add_option("--also-shots", args->more_shots,
                  "Omniglot: meta-test the same initialisation with these shots too, e.g. 5")
      ->delimiter(',')
      ->check(AtLeast(1));
  cmd->add_option("--epochs", args->epochs, "Passes over the training rows (default 1)")
      ->check(AtLeast(1));
  cmd->add_option("--steps", args->steps, "Optimizer steps (CSV) or device visits (sine 3000, omniglot 7500)")
      ->check(AtLeast(1));
  cmd->add_option("--lr", args->lr, "Learning rate (device / inner loop; omniglot default 0.1)")
      ->check(FinitePositive());
  cmd->add_option("--meta-lr", args->meta_lr, "Reptile / TinyMetaFed meta step size, annealed to 0 (default 1; omniglot 2)")
      ->check(FinitePositive());
  cmd->add_option("--momentum", args->momentum, "SGD momentum")
      ->check(CLI::Range(0.0, 0.999));
  cmd->add_option("--optimizer", args->optimizer, "sgd|adam (default: sgd)");
  cmd->add_option("--hidden", args->hidden, "Hidden layer widths, e.g. 16,8")->delimiter(',')
      ->check(AtLeast(1));
  cmd->add_option("--batch", args->batch, "Mini-batch size (not online)")
      ->check(AtLeast(1));
  cmd->add_option("--devices", args->devices, "Simulated devices (fedavg, reptile)")
      ->check(AtLeast(1));
  cmd->add_option("--local-steps", args->local_steps, "Local steps per device visit (default 8; omniglot 16)")
      ->check(AtLeast(1));
  cmd->add_option("--seed", args->seed, "Random seed (default 1)");
  cmd->add_option("--format", args->format,
                  "table|json|csv|tsv|md (csv, tsv, md: one row per run, nested fields as parent.child columns; "
                  "with --drift one row per window)");
  cmd->add_option("--on", args->on, "host|emulator (default host; emulator: the device's MCU under QEMU)");
  cmd->add_option("--device", args->device,
                  "With --on emulator: device IRI, title, label or unambiguous prefix; repeat for several (run in parallel)");
  cmd->add_flag("--infer", args->infer, "With --on emulator: inference only (no training) on the --eval (or --data) rows");
  cmd->add_flag("--outputs", args->outputs,
                "With --on emulator --model: print per evaluated sample the predicted class, its probability and "
                "the backbone's outputs (from one more, uncounted QEMU run)");
  cmd->add_option("--save-head", args->save_head,
                  "With --on emulator: write the trained head (its parameters and input statistics, bit-exact "
                  "from the MCU) to FILE (JSON), for --load-head");
  cmd->add_option("--load-head", args->load_head,
                  "With --on emulator: start from the head a --save-head FILE holds (or the run IRI of the run that "
                  "saved it); with --infer, evaluate it");
  cmd->add_option("--jobs", args->jobs, "With --on emulator: parallel QEMU processes (default: the host's cores)")
      ->check(AtLeast(1));
  cmd->add_option("--task", args->task, "With --on emulator: the task the trained head is for (e.g. presence-detection)");
  cmd->add_option("--sensor", args->sensors, "With --on emulator: sensor kinds the head's inputs come from")
      ->delimiter(',');
  cmd->callback([&options, &run, args] {
    run = [&options, args]() -> int { return RunTrain(options, *args); };
  });
}

}  // namespace tinykg::cli
