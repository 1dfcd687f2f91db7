// tinykg fleet train --device-class D --count N --method reptile ...:
// TinyReptile over N simulated devices, each an emulated MCU (QEMU) standing
// for a device of the knowledge graph, the server on the host. Prints the
// meta-test loss of the initialisation per round next to training from
// scratch, the instructions of every device visit, and writes the run back
// into the store (a tkg:TrainingRun with its tkg:BenchmarkRecords).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/base/text.h"
#include "tinykg/emu/device.h"
#include "tinykg/emu/fleet.h"
#include "tinykg/emu/target.h"
#include "tinykg/match/table.h"
#include "tinykg/rdf/vocab.h"
#include "tinykg/train/keyword_learning.h"
#include "tinykg/train/method.h"
#include "tinykg/train/omniglot.h"
#include "tinykg/train/sine.h"
#include "tinykg/train/tabular.h"

namespace tinykg::cli {
namespace {

struct FleetArgs {
  std::string device_class, method = "reptile", data = "sine", aggregate = "mean", on = "emulator";
  std::string format = "table", eval, label;  // eval, label: --data FILE only
  std::string model;                          // --data kws|DIR: the keyword backbone
  // 0 / empty: the family's default (inner steps 8, omniglot 16; eval tasks
  // 100, omniglot 200; eval steps 1,8,32, omniglot 20 (the meta-test also
  // reports 5 and 10); lr 0.05, omniglot 0.1; shots 10 rows, 5 clips per
  // class (kws), 1 drawing per class (omniglot); channels 20 (omniglot): the
  // omniglot ones are train::OmniglotOptions' defaults).
  int count = 0, rounds = 3, inner_steps = 0, batch = 10, hidden = 40, eval_tasks = 0;
  int shots = 0;
  int channels = 0;
  int adapt_epochs = 4;
  std::vector<int> eval_steps;
  float lr = 0.0f, meta_lr = 1.0f;
  double top_p = 100.0;  // tinymetafed, percent
  bool shared_head = false;  // tinymetafed: the output layer goes through the server too
  unsigned jobs = 0;
  std::uint64_t seed = 1;
  bool no_record = false;
};

std::string Tkg(const char* local) { return std::string(vocab::kTkg) + local; }

std::string LocalName(const std::string& iri) { return iri.substr(iri.find_last_of("#/") + 1); }

// Lower case without '-', '_', ' ', '+': "Cortex-M4F" and "CortexM4F" agree.
std::string Normal(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ' || c == '+') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// --device-class: a device (IRI, title, label or unambiguous prefix, as
// every command resolves names) is a template for N copies; a core type
// ("CortexM4F", "cortex-m4f") or an emulated target ("mps2-an386") selects
// the graph's devices with that core (or standing for that target), sorted
// by name, reused round-robin when N exceeds them.
Result<std::vector<emu::FleetDevice>> SelectDevices(rdf::Store& store, const std::string& cls, int count,
                                                    std::string* core_iri) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<emu::DeviceFacts> graph, emu::EmulatableDevices(store));
  std::vector<emu::DeviceFacts> chosen;
  auto one = emu::FindDevice(store, cls);
  if (one.ok()) {
    chosen = {*one};
  } else if (one.status().code() != StatusCode::kNotFound) {
    return one.status();  // ambiguous, or a device the emulator cannot run
  }
  std::string want = Normal(cls);
  if (want.rfind("tkg:", 0) == 0) want.erase(0, 4);
  if (chosen.empty()) {
    for (const auto& d : graph) {
      if (Normal(d.core) == want) chosen.push_back(d);
    }
  }
  if (const emu::Target* target = emu::FindTarget(cls); chosen.empty() && target != nullptr) {
    for (const auto& d : graph) {
      if (d.target == target) chosen.push_back(d);
    }
  }
  if (chosen.empty()) {
    std::string cores;
    for (const auto& d : graph) {
      if (cores.find(d.core) == std::string::npos) cores += (cores.empty() ? "" : ", ") + d.core;
    }
    return NotFound("--device-class: " + one.status().message() + ", and no core type or emulated target '" + cls +
                    "' (core types with devices: " + cores + ")");
  }
  *core_iri = chosen.front().core_iri;
  std::vector<emu::FleetDevice> fleet;
  for (int i = 0; i < count; ++i) {
    const emu::DeviceFacts& d = chosen[static_cast<std::size_t>(i) % chosen.size()];
    if (d.target == nullptr) {
      return Unsupported("no emulated target stands for core " + d.core + " of " + d.name);
    }
    const std::size_t copy = static_cast<std::size_t>(i) / chosen.size();
    emu::FleetDevice f;
    f.name = copy == 0 ? d.name : d.name + " #" + std::to_string(copy + 1);
    f.template_iri = d.iri;
    f.target = d.target;
    f.limits = d.limits;
    fleet.push_back(std::move(f));
  }
  return fleet;
}

nlohmann::json EvalJson(const train::MetaTest& e) {
  nlohmann::json after = nlohmann::json::object();
  for (std::size_t i = 0; i < e.steps.size(); ++i) after[std::to_string(e.steps[i])] = e.after[i];
  return {{std::string(e.metric) + "_before", e.before}, {std::string(e.metric) + "_after_steps", after}};
}

// Bytes as JSON: down, up, total, per visit.
nlohmann::json TrafficJson(const train::Traffic& t) {
  return {{"down_bytes", t.down_bytes},
          {"up_bytes", t.up_bytes},
          {"total_bytes", t.total()},
          {"visits", t.visits},
          {"bytes_per_visit", t.visits == 0 ? 0.0 : static_cast<double>(t.total()) / static_cast<double>(t.visits)}};
}

nlohmann::json ResultJson(const FleetArgs& args, const std::vector<emu::FleetDevice>& devices,
                          const train::TabularFamily* tabular, const train::KeywordFamily* kws,
                          const train::OmniglotFamily* omniglot, const emu::FleetResult& r) {
  nlohmann::json out = {{"method", args.method},
                        {"on", args.on},
                        {"dataset", args.data},
                        {"aggregation", args.aggregate},
                        {"device_class", args.device_class},
                        {"count", devices.size()},
                        {"rounds", args.rounds},
                        {"inner_steps", args.inner_steps},
                        {"batch", args.batch},
                        {"lr", args.lr},
                        {"meta_lr", args.meta_lr},
                        {"hidden", args.hidden},
                        {"parameters", r.parameters},
                        {"seed", args.seed},
                        {"toolchain", r.toolchain},
                        {"seconds", r.seconds},
                        {"scratch", EvalJson(r.scratch)}};
  if (!r.rounds.empty()) out["traffic"] = TrafficJson(r.rounds.back().traffic);
  if (args.method == "tinymetafed") {
    out["top_p"] = args.top_p;
    out["local_head"] = !args.shared_head;
  }
  if (tabular != nullptr) {
    out["label"] = args.label;
    out["eval"] = args.eval;
    out["shots"] = args.shots;
    out["eval_tasks"] = args.eval_tasks;
  }
  if (kws != nullptr) {
    out["model"] = args.model;
    out["classes"] = kws->classes();
    out["shots"] = args.shots;
    out["adapt_epochs"] = args.adapt_epochs;
    out["features"] = kws->features();
    out["speakers"] = kws->speakers();
    out["test_speakers"] = kws->test_speakers();
  }
  if (omniglot != nullptr) {
    out["ways"] = omniglot->options().ways;
    out["shots"] = args.shots;
    out["channels"] = omniglot->options().channels;
    out["eval_tasks"] = args.eval_tasks;
    out["eval_augment"] = omniglot->options().eval_augment;
    out["train_characters"] = omniglot->train_characters();
    out["test_characters"] = omniglot->test_characters();
    out["memory_bytes"] = omniglot->Memory().Total();
  }
  nlohmann::json devs = nlohmann::json::array();
  for (std::size_t d = 0; d < devices.size(); ++d) {
    nlohmann::json j = {{"name", devices[d].name},
                        {"device", devices[d].template_iri},
                        {"target", devices[d].target != nullptr ? std::string(devices[d].target->name) : ""},
                        {"ram_limit_bytes", devices[d].limits.ram_bytes},
                        {"flash_limit_bytes", devices[d].limits.flash_bytes}};
    if (tabular != nullptr) {
      j["window_rows"] = tabular->device_rows(static_cast<int>(d));
      j["window_positives"] = tabular->device_positives(static_cast<int>(d));
    }
    if (kws != nullptr) j["speaker"] = kws->device_speaker(static_cast<int>(d));
    if (d < r.devices.size()) {
      const emu::FleetDeviceCost& c = r.devices[d];
      j["baseline_instructions"] = c.baseline_instructions;
      j["instructions_per_step"] = c.instructions_per_step;
      j["peak_ram_bytes"] = c.peak_ram_bytes;
      j["static_ram_bytes"] = c.static_ram_bytes;
      j["arena_high_water_bytes"] = c.arena_high_water_bytes;
      j["stack_high_water_bytes"] = c.stack_high_water_bytes;
    }
    devs.push_back(std::move(j));
  }
  out["devices"] = std::move(devs);
  nlohmann::json rounds = nlohmann::json::array();
  for (const emu::FleetRound& round : r.rounds) {
    nlohmann::json j = EvalJson(round.test);
    j["round"] = round.round;
    j["traffic"] = TrafficJson(round.traffic);
    j["seconds"] = round.seconds;
    nlohmann::json visits = nlohmann::json::array();
    for (const emu::FleetVisit& v : round.visits) {
      visits.push_back({{"device", devices[static_cast<std::size_t>(v.device)].name},
                        {"instructions", v.instructions},
                        {"training_instructions", v.training_instructions},
                        {"first_loss", v.losses.empty() ? 0.0f : v.losses.front()},
                        {"last_loss", v.losses.empty() ? 0.0f : v.losses.back()}});
    }
    j["visits"] = std::move(visits);
    rounds.push_back(std::move(j));
  }
  out["rounds"] = std::move(rounds);
  return out;
}

std::string Fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

void PrintTable(const FleetArgs& args, const std::vector<emu::FleetDevice>& devices,
                const train::TabularFamily* tabular, const train::KeywordFamily* kws,
                const train::OmniglotFamily* omniglot, const emu::FleetResult& r) {
  std::cout << "fleet: " << devices.size() << " devices, " << args.method << " (" << args.aggregate << "), " << args.rounds
            << " rounds x " << args.inner_steps << " inner steps of " << args.batch << ", " << r.parameters
            << " parameters, on " << args.on << "\n\n";
  if (tabular != nullptr) {
    std::cout << "data: " << args.data << " (label " << args.label << "), device d trains on window d of its rows:";
    for (int d = 0; d < tabular->devices(); ++d) {
      std::cout << (d == 0 ? " " : ", ") << tabular->device_rows(d) << " rows (" << tabular->device_positives(d)
                << " of class 1)";
    }
    std::cout << "\nmeta-test accuracy (" << args.eval_tasks << " held-out windows of " << args.eval << ", "
              << args.shots << " rows each to adapt, accuracy on the rest)\n";
  } else if (kws != nullptr) {
    std::cout << "data: " << args.data << ", device d is one speaker:";
    for (int d = 0; d < kws->devices(); ++d) std::cout << (d == 0 ? " " : ", ") << kws->device_speaker(d);
    std::cout << "\nmeta-test accuracy (held-out speakers";
    for (const std::string& s : kws->test_speakers()) std::cout << " " << s;
    std::cout << "; " << args.shots << " clips per class to adapt, " << args.adapt_epochs
              << " passes, one step per clip; accuracy on their other clips)\n";
  } else if (omniglot != nullptr) {
    std::cout << "data: " << args.data << ", device d learns the characters of training alphabet d ("
              << omniglot->train_characters() << " characters in all; " << omniglot->options().channels
              << "-channel CNN, " << omniglot->Memory().Total() << " B of training state)\n";
    std::cout << "meta-test accuracy (" << args.eval_tasks << " " << omniglot->options().ways << "-way " << args.shots
              << "-shot tasks of the " << omniglot->test_characters() << " held-out characters)\n";
  } else {
    std::cout << "meta-test MSE (" << args.eval_tasks << " new sine tasks, adapted from the initialisation)\n";
  }
  std::cout << "round\tbefore";
  for (int s : r.scratch.steps) std::cout << "\tafter " << s;
  std::cout << "\tbytes sent\n";
  auto row = [&](const std::string& name, const train::MetaTest& e, const emu::FleetRound* round) {
    std::cout << name << "\t" << Fixed(e.before, 3);
    for (double m : e.after) std::cout << "\t" << Fixed(m, 3);
    std::cout << "\t" << (round != nullptr ? std::to_string(round->traffic.total()) : "") << "\n";
  };
  row("scratch", r.scratch, nullptr);
  for (const emu::FleetRound& round : r.rounds) row(std::to_string(round.round), round.test, &round);
  if (r.devices.empty()) return;
  std::cout << "\ninstructions per device visit (QEMU, whole run incl. boot and weight transfer)\n";
  std::cout << "device\ttarget";
  for (const emu::FleetRound& round : r.rounds) std::cout << "\tround " << round.round;
  std::cout << "\tper step\tpeak RAM\n";
  for (std::size_t d = 0; d < devices.size(); ++d) {
    std::cout << devices[d].name << "\t" << devices[d].target->name;
    for (const emu::FleetRound& round : r.rounds) {
      std::uint64_t sum = 0;
      for (const emu::FleetVisit& v : round.visits) {
        if (static_cast<std::size_t>(v.device) == d) sum += v.instructions;
      }
      std::cout << "\t" << sum;
    }
    std::cout << "\t" << static_cast<std::uint64_t>(r.devices[d].instructions_per_step + 0.5) << "\t"
              << r.devices[d].peak_ram_bytes << " B\n";
  }
}

// One row per round (the first is scratch): the meta-test and the round's
// instructions summed over its visits, in csv, tsv or md (the one output
// layer's table writer).
void PrintRows(const emu::FleetResult& r, match::TableFormat format) {
  const train::MetaTest& scratch = r.scratch;
  match::TextTable t;
  t.columns = {"round", scratch.metric + "_before"};
  for (int s : scratch.steps) t.columns.push_back(scratch.metric + "_after_" + std::to_string(s));
  for (const char* c : {"visits", "instructions", "bytes"}) t.columns.push_back(c);
  auto row = [&](const std::string& name, const train::MetaTest& e, const emu::FleetRound* round) {
    std::vector<std::string> cells = {name, Fixed(e.before, 6)};
    for (double m : e.after) cells.push_back(Fixed(m, 6));
    std::uint64_t instructions = 0;
    if (round != nullptr) {
      for (const emu::FleetVisit& v : round->visits) instructions += v.instructions;
    }
    cells.push_back(std::to_string(round != nullptr ? round->visits.size() : 0));
    cells.push_back(std::to_string(instructions));
    cells.push_back(std::to_string(round != nullptr ? round->traffic.total() : 0));
    t.rows.push_back(std::move(cells));
  };
  row("scratch", scratch, nullptr);
  for (const emu::FleetRound& round : r.rounds) row(std::to_string(round.round), round.test, &round);
  std::cout << match::RenderTable(t, format);
}

// The run written back the way `train --on emulator` writes its runs
// (cmd_emu.cc): a named graph of kind benchmark whose IRI is the
// tkg:TrainingRun (method tkg:Reptile, one tkg:onDevice per device of the
// graph the fleet copied, target, core, commit, toolchain), with
// tkg:BenchmarkRecords (tkg:partOfRun): the meta-test MSE of the final
// initialisation and of scratch per evaluation step count, and per device
// instructions per local step and peak RAM. The sine network is a benchmark
// network, not a deployable model, so it is not described as one and the
// records have no tkg:benchmarkedModel (matchmaking would otherwise offer
// it for every device).
rdf::GraphDocument RunDocument(const FleetArgs& args, const std::vector<emu::FleetDevice>& devices,
                               const std::string& core_iri, const emu::FleetResult& r, const std::string& date) {
  const std::string xsd = vocab::kXsd;
  const std::string om = vocab::kOm;
  std::string stamp = date;
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  const std::string target = std::string(devices.front().target->name);
  const std::string commit(emu::TinykgCommit());
  rdf::GraphDocument doc;
  doc.iri = std::string(vocab::kTkgResource) + "run/fleet/" + target + "/" + stamp;
  doc.kind = rdf::kKindBenchmark;
  doc.source = "tinykg fleet train";
  doc.label = args.method + " fleet of " + std::to_string(devices.size()) + " on " + target;
  const std::string& run = doc.iri;
  auto add = [&](const std::string& s, const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(s), rdf::Term::Iri(p), std::move(o)});
  };
  auto number = [&](double v) {
    std::ostringstream text;
    text.precision(17);
    text << v;
    return rdf::Term::Literal(text.str(), xsd + "double");
  };
  auto integer = [&](std::uint64_t v) { return rdf::Term::Literal(std::to_string(v), xsd + "integer"); };
  const rdf::Term when = rdf::Term::Literal(date, xsd + "dateTime");
  std::uint64_t peak_ram = 0;
  for (const emu::FleetDeviceCost& c : r.devices) peak_ram = std::max(peak_ram, c.peak_ram_bytes);
  add(run, std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("TrainingRun")));
  add(run, std::string(vocab::kRdfs) + "label", rdf::Term::Literal(doc.label));
  add(run, Tkg("trainingMethod"),
      rdf::Term::Iri(Tkg(args.method == "fedavg" ? "FedAvg" : args.method == "tinymetafed" ? "TinyMetaFed" : "Reptile")));
  add(run, Tkg("method"), rdf::Term::Iri(Tkg("MeasuredOnEmulator")));
  add(run, Tkg("target"), rdf::Term::Literal(target));
  if (!core_iri.empty()) add(run, Tkg("standsForCore"), rdf::Term::Iri(core_iri));
  if (!r.toolchain.empty()) add(run, Tkg("toolchain"), rdf::Term::Literal(r.toolchain));
  add(run, Tkg("commit"), rdf::Term::Literal(commit));
  add(run, Tkg("dataset"), rdf::Term::Literal(args.data));
  add(run, Tkg("steps"), integer(static_cast<std::uint64_t>(args.rounds) * static_cast<std::uint64_t>(args.inner_steps) *
                                 devices.size()));
  add(run, Tkg("seed"), integer(args.seed));
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", static_cast<double>(args.lr));
  add(run, Tkg("learningRate"), rdf::Term::Literal(lr, xsd + "double"));
  add(run, Tkg("trainingMemoryBytes"), integer(peak_ram));
  add(run, std::string(vocab::kDcterms) + "date", when);
  std::vector<std::string> templates;
  for (const emu::FleetDevice& d : devices) {
    if (std::find(templates.begin(), templates.end(), d.template_iri) == templates.end()) {
      templates.push_back(d.template_iri);
    }
  }
  for (const std::string& t : templates) add(run, Tkg("onDevice"), rdf::Term::Iri(t));

  auto record = [&](const std::string& suffix, const char* metric, double value, const char* unit,
                    const std::string& device, const std::string& comment) {
    const std::string rec = run + "#" + suffix;
    add(rec, std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("BenchmarkRecord")));
    add(rec, Tkg("partOfRun"), rdf::Term::Iri(run));
    add(rec, Tkg("metric"), rdf::Term::Iri(Tkg(metric)));
    add(rec, Tkg("value"), number(value));
    add(rec, Tkg("unit"), rdf::Term::Iri(om + unit));
    add(rec, Tkg("method"), rdf::Term::Iri(Tkg("MeasuredOnEmulator")));
    add(rec, Tkg("target"), rdf::Term::Literal(target));
    if (!r.toolchain.empty()) add(rec, Tkg("toolchain"), rdf::Term::Literal(r.toolchain));
    add(rec, Tkg("commit"), rdf::Term::Literal(commit));
    add(rec, Tkg("dataset"), rdf::Term::Literal(args.data));
    if (!device.empty()) add(rec, Tkg("benchmarkedDevice"), rdf::Term::Iri(device));
    if (!comment.empty()) add(rec, std::string(vocab::kRdfs) + "comment", rdf::Term::Literal(comment));
    add(rec, std::string(vocab::kDcterms) + "date", when);
    add(rec, std::string(vocab::kDcterms) + "source", rdf::Term::Literal("tinykg fleet train (" + target + ")"));
  };
  const train::MetaTest& last = r.rounds.back().test;
  const train::MetaTest& scratch = r.scratch;
  const bool accuracy = last.metric == "accuracy";
  const std::string what = accuracy ? "accuracy" : "MSE";
  const char* metric = accuracy ? "Accuracy" : "Mse";
  for (std::size_t i = 0; i < last.steps.size(); ++i) {
    const std::string steps = std::to_string(last.steps[i]);
    record(std::string(last.metric) + "-after-" + steps, metric, last.after[i], "one", "",
           "meta-test " + what + " of the meta-learned initialisation after " + steps + " adaptation steps");
    record("scratch-" + std::string(last.metric) + "-after-" + steps, metric, scratch.after[i], "one", "",
           "meta-test " + what + " from the random initialisation (training from scratch) after " + steps +
               " adaptation steps");
  }
  for (std::size_t d = 0; d < r.devices.size() && d < templates.size(); ++d) {
    const std::string slug = LocalName(devices[d].template_iri);
    record("instructions-per-step-" + slug, "InstructionsPerTrainingStep", r.devices[d].instructions_per_step, "one",
           devices[d].template_iri, "");
    record("peak-ram-" + slug, "PeakRamBytes", static_cast<double>(r.devices[d].peak_ram_bytes), "byte",
           devices[d].template_iri, "");
  }
  return doc;
}

int RunFleetTrain(const GlobalOptions& options, const FleetArgs& args_in) {
  FleetArgs args = args_in;
  auto format = match::TableFormatFromName(args.format);
  if (!format.ok()) return ReportError(format.status());
  std::error_code fs_error;
  const bool keywords = args.data == "kws" || std::filesystem::is_directory(args.data, fs_error);
  const bool omniglot = args.data == "omniglot" || (args.data.size() > 4 && args.data.ends_with(".zip"));
  const bool tabular = args.data != "sine" && !keywords && !omniglot;
  const train::OmniglotOptions omniglot_defaults;  // `train --data omniglot`'s
  if (args.shots == 0) args.shots = keywords ? 5 : omniglot ? omniglot_defaults.shots : 10;
  if (args.inner_steps == 0) args.inner_steps = omniglot ? omniglot_defaults.inner_steps : 8;
  if (args.eval_tasks == 0) args.eval_tasks = omniglot ? omniglot_defaults.eval_tasks : 100;
  if (args.lr <= 0.0f) args.lr = omniglot ? omniglot_defaults.inner_learning_rate : 0.05f;
  if (args.eval_steps.empty()) {
    args.eval_steps = omniglot ? std::vector<int>{omniglot_defaults.eval_steps} : std::vector<int>{1, 8, 32};
  }
  if (args.channels == 0) args.channels = omniglot_defaults.channels;
  if (keywords) {
    if (args.data == "kws") {
      const char* env = std::getenv("TINYKG_KWS_DATA");
      args.data = env != nullptr && *env != '\0' ? env : "kws-voices";
      if (!std::filesystem::is_directory(args.data, fs_error)) {
        return ReportError(NotFound("--data kws reads the synthesized speakers in '" + args.data +
                                    "' ($TINYKG_KWS_DATA), which do not exist: make them with "
                                    "'bash scripts/kws_voices.sh " +
                                    args.data + "'"));
      }
    }
    if (args.model.empty()) {
      std::cerr << "tinykg: error: --data kws needs --model: the keyword backbone (MLPerf Tiny's "
                   "kws_ref_model.tflite, cut before its classifier)\n";
      return kExitUsage;
    }
  }
  if (tabular && (args.label.empty() || args.eval.empty())) {
    std::cerr << "tinykg: error: --data FILE needs --label COLUMN and --eval FILE (held-out rows for the "
                 "meta-test)\n";
    return kExitUsage;
  }
  const bool steps_ok = std::all_of(args.eval_steps.begin(), args.eval_steps.end(), [](int s) { return s >= 1; });
  if (args.count < 1 || args.rounds < 1 || args.inner_steps < 1 || args.batch < 1 || args.hidden < 1 ||
      args.eval_tasks < 1 || args.shots < 1 || args.adapt_epochs < 1 || args.channels < 1 || !steps_ok) {
    std::cerr << "tinykg: error: --count, --rounds, --inner-steps, --batch, --hidden, --eval-tasks, --shots, "
                 "--adapt-epochs and --eval-steps must be positive\n";
    return kExitUsage;
  }
  auto store = OpenStore(options);
  if (!store.ok()) {
    ReportError(store.status());
    return kExitStore;
  }
  std::string core_iri;
  auto devices = SelectDevices(**store, args.device_class, args.count, &core_iri);
  if (!devices.ok()) return ReportError(devices.status());

  train::Dataset train_rows, eval_rows;
  if (tabular) {
    auto train_data = train::ReadCsv(args.data, {args.label, {}});
    if (!train_data.ok()) return ReportError(train_data.status());
    auto eval_data = train::ReadCsv(args.eval, {args.label, {}});
    if (!eval_data.ok()) return ReportError(eval_data.status());
    train_rows = std::move(*train_data);
    eval_rows = std::move(*eval_data);
  }

  // The task family: the sine one, or the CSV rows split over the devices.
  std::unique_ptr<train::TaskFamily> family;
  const train::TabularFamily* tabular_family = nullptr;
  const train::KeywordFamily* kws_family = nullptr;
  const train::OmniglotFamily* omniglot_family = nullptr;
  train::Omniglot omniglot_data;  // outlives the family, which reads it
  const int n = static_cast<int>(devices->size());
  // Both families' options name the device network and the meta-test alike.
  const auto common = [&](auto& o) {
    o.devices = n;
    o.local_steps = args.inner_steps;
    o.batch = args.batch;
    o.inner_learning_rate = args.lr;
    o.hidden = args.hidden;
    o.shots = args.shots;
    o.eval_tasks = args.eval_tasks;
    o.eval_steps = args.eval_steps;
  };
  if (keywords) {
    train::KeywordFamilyOptions k;
    k.data = args.data;
    k.backbone = args.model;
    k.devices = n;
    k.shots = args.shots;
    k.adapt_epochs = args.adapt_epochs;
    k.lr = args.lr;
    k.seed = args.seed;
    auto created = train::KeywordFamily::Create(k);
    if (!created.ok()) return ReportError(created.status());
    kws_family = created->get();
    family = std::move(*created);
    // What the devices run, for the output and the record: one SGD step
    // per clip of the visit, a linear head.
    args.inner_steps = kws_family->local_steps();
    args.batch = 1;
    args.hidden = 0;
  } else if (omniglot) {
    auto loaded = train::LoadOmniglot(args.data == "omniglot" ? train::DefaultOmniglotZip() : args.data);
    if (!loaded.ok()) return ReportError(loaded.status());
    omniglot_data = std::move(*loaded);
    train::OmniglotOptions o;
    o.shots = args.shots;
    o.inner_steps = args.inner_steps;
    o.inner_batch = args.batch;
    o.inner_learning_rate = args.lr;
    o.channels = args.channels;
    o.eval_tasks = args.eval_tasks;
    o.eval_steps = *std::max_element(args.eval_steps.begin(), args.eval_steps.end());
    o.server.seed = args.seed;
    auto created = train::OmniglotFamily::Create(omniglot_data, o);
    if (!created.ok()) return ReportError(created.status());
    omniglot_family = created->get();
    family = std::move(*created);
    if (family->devices() != n) {
      std::cerr << "tinykg: error: --data " << args.data << " has " << family->devices()
                << " training alphabets, one per device: use --count " << family->devices() << "\n";
      return kExitUsage;
    }
    args.hidden = 0;
  } else if (tabular) {
    train::TabularFamilyOptions t;
    common(t);
    auto created = train::TabularFamily::Create(train_rows, eval_rows, t);
    if (!created.ok()) return ReportError(created.status());
    tabular_family = created->get();
    family = std::move(*created);
  } else {
    train::SineOptions sine;
    common(sine);
    sine.server.seed = args.seed;
    auto created = train::SineFamily::Create(sine);
    if (!created.ok()) return ReportError(created.status());
    family = std::move(*created);
  }
  auto method = train::ParseMethod(args.method);
  if (!method.ok()) return ReportError(method.status());

  emu::FleetOptions fleet;
  fleet.method = *method;
  fleet.meta_learning_rate = args.meta_lr;
  fleet.top_p = args.top_p / 100.0;
  fleet.local_head = !args.shared_head;
  fleet.seed = args.seed;
  fleet.rounds = args.rounds;
  fleet.aggregation = args.aggregate == "sequential" ? emu::FleetAggregation::kSequential : emu::FleetAggregation::kMean;
  fleet.on_host = args.on == "host";
  fleet.run.jobs = args.jobs;

  const bool progress = isatty(STDERR_FILENO) != 0;
  const std::string work_dir = std::string(P_tmpdir) + "/tinykg-fleet-" + std::to_string(getpid());
  auto result = emu::RunFleet(*devices, *family, fleet, work_dir, [&](const emu::FleetRound& round) {
    if (!progress) return;
    std::cerr << "tinykg: round " << round.round << "/" << args.rounds << " (" << Fixed(round.seconds, 1) << " s)\n";
  });
  std::error_code ignored;
  std::filesystem::remove_all(work_dir, ignored);
  if (!result.ok()) return ReportError(result.status());

  if (!args.no_record && !fleet.on_host) {
    Status put = (*store)->Put(RunDocument(args, *devices, core_iri, *result, NowUtc()));
    FlushWarnings(options, **store);
    if (!put.ok()) {
      ReportError(put);
      return kExitStore;
    }
  }
  if (*format == match::TableFormat::kJson) {
    std::cout << ResultJson(args, *devices, tabular_family, kws_family, omniglot_family, *result).dump() << "\n";
  } else if (*format != match::TableFormat::kTable) {
    PrintRows(*result, *format);
  } else {
    PrintTable(args, *devices, tabular_family, kws_family, omniglot_family, *result);
  }
  return kExitOk;
}

}  // namespace

void AddFleetCommand(CLI::App& app, GlobalOptions& options, Runner& run) {
  auto* fleet = app.add_subcommand("fleet", "Fleets of emulated devices: federated meta-learning (TinyReptile, FedAvg, TinyMetaFed)");
  fleet->require_subcommand(1);
  auto args = std::make_shared<FleetArgs>();
  auto* cmd = fleet->add_subcommand("train", "Meta-learn over N emulated MCUs (the federated server on the host)");
  cmd->add_option("--device-class", args->device_class,
                  "A device (IRI or title: N copies of it), a core type (CortexM4F) or an emulated target "
                  "(mps2-an386): the graph's devices with that core")
      ->required();
  cmd->add_option("--count", args->count, "Simulated devices N")->required();
  cmd->add_option("--method", args->method,
                  "reptile (TinyReptile; default), fedavg or tinymetafed (partial local reconstruction, top-P % "
                  "selective communication)")
      ->check(CLI::IsMember({"reptile", "fedavg", "tinymetafed"}));
  cmd->add_option("--top-p", args->top_p,
                  "tinymetafed: percent of the shared parameters sent each way per visit (default 100)")
      ->check(CLI::Range(0.001, 100.0));
  cmd->add_flag("--shared-head", args->shared_head,
                "tinymetafed: send the output layer through the server too (default: it stays on the device)");
  cmd->add_option("--rounds", args->rounds, "Rounds (default 3); every device is visited once per round")
      ->check(AtLeast(1));
  cmd->add_option("--inner-steps", args->inner_steps, "Local SGD steps K per device visit (default 8; omniglot 16)")
      ->check(AtLeast(1));
  cmd->add_option("--batch", args->batch, "Samples per local step (default 10)")
      ->check(AtLeast(1));
  cmd->add_option("--lr", args->lr, "Device (inner) learning rate (default 0.05; omniglot 0.1)")
      ->check(FinitePositive());
  cmd->add_option("--meta-lr", args->meta_lr, "Server step epsilon, annealed linearly to 0 (default 1)")
      ->check(FinitePositive());
  cmd->add_option("--hidden", args->hidden, "Width of the two tanh hidden layers (default 40)")
      ->check(AtLeast(1));
  cmd->add_option("--aggregate", args->aggregate,
                  "mean (devices in parallel, server moves to their mean; default) or sequential "
                  "(TinyReptile one device at a time)")
      ->check(CLI::IsMember({"mean", "sequential"}));
  cmd->add_option("--data", args->data,
                  "Task family: sine (each device its own phase range; default), a CSV file whose rows are "
                  "split in time windows over the devices (needs --label and --eval), or kws (synthesized "
                  "speakers, $TINYKG_KWS_DATA) or a folder of WORD/SPEAKER_nohash_N.wav clips: each device a "
                  "speaker learning keywords on a frozen backbone (needs --model), or omniglot (or an Omniglot "
                  "background FILE.zip): each device an alphabet, the 5-way CNN trained on the MCU");
  cmd->add_option("--label", args->label, "--data FILE: the class column (class indices 0, 1, ...)");
  cmd->add_option("--eval", args->eval,
                  "--data FILE: held-out CSV for the meta-test, split in --eval-tasks windows");
  cmd->add_option("--shots", args->shots,
                  "Meta-test rows a task adapts on (default 10); --data kws: clips per class of a visit and of "
                  "the meta-test (default 5); omniglot: drawings per class (default 1)")
      ->check(AtLeast(1));
  cmd->add_option("--model", args->model, "--data kws|DIR: the keyword backbone (kws_ref_model.tflite)");
  cmd->add_option("--adapt-epochs", args->adapt_epochs,
                  "--data kws|DIR: passes over the shots, one SGD step per clip (default 4)")
      ->check(AtLeast(1));
  cmd->add_option("--on", args->on, "emulator (default) or host (the same run on the host engine)")
      ->check(CLI::IsMember({"emulator", "host"}));
  cmd->add_option("--jobs", args->jobs, "Parallel QEMU processes (default: the host's cores)");
  cmd->add_option("--channels", args->channels, "--data omniglot: conv channels (default 20)")->check(AtLeast(1));
  cmd->add_option("--eval-tasks", args->eval_tasks, "Meta-test tasks per evaluation (default 100; omniglot 200)")
      ->check(AtLeast(1));
  cmd->add_option("--eval-steps", args->eval_steps,
                  "Adaptation steps to report, e.g. 1,8,32 (default; omniglot: 5 and 10 up to the largest, "
                  "default 20)")
      ->delimiter(',')
      ->check(AtLeast(1));
  cmd->add_option("--seed", args->seed, "Random seed (default 1)");
  cmd->add_flag("--no-record", args->no_record, "Do not write the run into the store");
  cmd->add_option("--format", args->format, "table|json|csv|tsv|md (csv, tsv, md: one row per round)");
  cmd->callback([&options, &run, args] { run = [&options, args] { return RunFleetTrain(options, *args); }; });
}

}  // namespace tinykg::cli
