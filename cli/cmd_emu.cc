// tinykg train --on emulator --device D[,D...] --data TRAIN.csv --label COLUMN ...:
// online learning (or with --infer, inference only) of a dense head on the
// emulated MCU standing for each device's core, limited to the device's
// (free) RAM and flash from the knowledge graph; prints the summary with the
// emulator's measurements and writes the run back: the head as a model, and
// per device a tkg:TrainingRun with its benchmark records (named graph, kind
// "benchmark"). Several devices run in parallel, at most --jobs QEMU
// processes at once. --model takes a file or a model of the graph by name
// (its bytes kept by `import model`); a run on an imported model's bytes is
// written back as a run of that model, so `explain` uses what it measured.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "cli.h"
#include "store_access.h"
#include "summary.h"
#include "tinykg/base/file.h"
#include "tinykg/base/text.h"
#include "tinykg/emu/device.h"
#include "tinykg/emu/model_source.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/engine/graph_blob.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/model/model_files.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/vocab.h"
#include "tinykg/train/audio_frontend.h"
#include "tinykg/train/dataset.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::cli {
namespace {

using emu::DeviceFacts;

std::string Tkg(const char* local) { return std::string(vocab::kTkg) + local; }

std::string Number(double v) {
  std::ostringstream text;
  text.precision(17);
  text << v;
  return text.str();
}

std::string Basename(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// The frozen part of a --model run: its forward MACs (operators [0, cut] of
// the model summary, one per engine node) and operator names, so the head's
// model description covers what the MCU runs; the file it came from, what to
// call it, and the imported models with those bytes (the models the run
// measured).
struct BackboneFacts {
  std::int64_t macs = 0;
  std::vector<std::string> ops;
  emu::ModelSource source;
  std::string label;  // the model's name, else the file's name
};

// What one emulator run wrote: the head it trained as a model (its own named
// graph, kind "model", replaced by the next run of the same head), and the
// run with its benchmark records (one named graph, kind "benchmark").
struct RunDocuments {
  std::string model_iri, run_iri;
  rdf::GraphDocument model, run;
};

// The dense head the firmware trains, described as a model so matchmaking
// and `bench select` can use what was measured: its RAM and flash need are
// the measured peak RAM and flash, its MACs the head's forward MACs.
rdf::GraphDocument HeadModelDocument(const std::string& iri, const std::string& label, const emu::Workload& w,
                                     const emu::Measurement& m, const EmulatorTrainArgs& args,
                                     const BackboneFacts& backbone) {
  const std::string xsd = vocab::kXsd;
  const std::string op = std::string(vocab::kTkgResource).substr(0, std::string(vocab::kTkgResource).size() - 3) + "op/";
  rdf::GraphDocument doc;
  doc.iri = iri;
  doc.kind = rdf::kKindModel;
  doc.source = "tinykg train --on emulator";
  doc.label = label;
  auto add = [&](const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(iri), rdf::Term::Iri(p), std::move(o)});
  };
  auto integer = [&](std::uint64_t v) { return rdf::Term::Literal(std::to_string(v), xsd + "integer"); };
  add(std::string(vocab::kRdf) + "type", rdf::Term::Iri(std::string(vocab::kNnet) + "NeuralNetwork"));
  add(std::string(vocab::kRdfs) + "label", rdf::Term::Literal(label));
  std::string description = "Dense head trained online by tinykg's engine on an emulated MCU (train --on emulator)";
  if (args.model.empty()) {
    description += "; RAM and flash need are the figures measured there.";
  } else {
    description += " on the frozen part of " + backbone.label +
                   " (in flash); MACs, operators, RAM and flash need cover backbone and head, RAM and flash as "
                   "measured there.";
  }
  add(std::string(vocab::kSchema) + "description", rdf::Term::Literal(description));
  add(std::string(vocab::kNnet) + "hasCategory", rdf::Term::Iri(std::string(vocab::kNnet) + "Classification"));
  add(Tkg("inputDtype"), rdf::Term::Iri(std::string(vocab::kNnet) + "Float32"));
  const auto macs = static_cast<std::uint64_t>(m.head_macs + backbone.macs);
  add(std::string(vocab::kNnet) + "hasMultiplyAccumulateOps", integer(macs));
  add(Tkg("macsAll"), integer(macs));
  add(Tkg("ramNeedBytes"), integer(m.peak_ram_bytes));
  add(Tkg("flashNeedBytes"), integer(m.flash_bytes));
  add(Tkg("dataset"), rdf::Term::Literal(Basename(args.data)));
  for (const char* name : {"FULLY_CONNECTED", "SOFTMAX"}) add(Tkg("usesOperator"), rdf::Term::Iri(op + name));
  if (w.hidden_units > 0) add(Tkg("usesOperator"), rdf::Term::Iri(op + "RELU"));
  for (const std::string& name : backbone.ops) {
    if (name != "FULLY_CONNECTED" && name != "SOFTMAX" && !(name == "RELU" && w.hidden_units > 0)) {
      add(Tkg("usesOperator"), rdf::Term::Iri(op + name));
    }
  }
  if (!args.task.empty()) add(Tkg("task"), rdf::Term::Iri(match::TaskIri(args.task)));
  for (const std::string& sensor : args.sensors) add(Tkg("inputSensor"), rdf::Term::Iri(match::SensorIri(sensor)));
  return doc;
}

// The run as a tkg:TrainingRun with commit, toolchain, target and date, and
// one tkg:BenchmarkRecord per figure (tkg:partOfRun the run), all in one
// named graph: the head's figures (tkg:benchmarkedModel the head) and the
// engine's float kernel cost per MAC on the core the target stands for
// (tkg:KernelInstructionsPerMac, tkg:standsForCore), which calibrates
// matchmaking's cycles per MAC.
RunDocuments BuildRunDocuments(const DeviceFacts& device, const emu::Workload& w, const emu::Measurement& m,
                               const emu::Measurement* model_only,
                               const std::vector<std::pair<std::string, emu::KernelCost>>& kernels,
                               const EmulatorTrainArgs& args, const BackboneFacts& backbone, const std::string& date) {
  const std::string xsd = vocab::kXsd;
  const std::string om = vocab::kOm;
  std::string stamp = date;
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  const std::string device_slug = device.iri.substr(device.iri.find_last_of("#/:") + 1);
  std::string shape = std::to_string(w.features) + "-" + (w.hidden_units > 0 ? std::to_string(w.hidden_units) + "-" : "") +
                      std::to_string(w.classes);
  RunDocuments out;
  std::string head_key = Basename(args.data) + "\n" + args.label + "\n" + shape;
  if (!args.model.empty()) head_key += "\n" + backbone.label + "\n" + args.head;
  out.model_iri = std::string(vocab::kTkgResource) + "model/emu-head-" + Fnv1aHex(head_key);
  const std::string label = "online head " + shape + " (" + Basename(args.data) + ", " + args.label + ")" +
                            (args.model.empty() ? "" : " on the frozen " + backbone.label);
  out.model = HeadModelDocument(out.model_iri, label, w, m, args, backbone);

  rdf::GraphDocument& doc = out.run;
  // The process id keeps two runs within one second apart.
  doc.iri = std::string(vocab::kTkgResource) + "run/emu/" + m.target + "/" + device_slug + "/" + stamp + "-" +
            std::to_string(getpid());
  out.run_iri = doc.iri;
  doc.kind = rdf::kKindBenchmark;
  doc.source = "tinykg train --on emulator";
  doc.label = std::string(m.infer_only ? "inference" : "training") + " run on " + m.target + " for " + device_slug;
  auto add = [&](const std::string& s, const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(s), rdf::Term::Iri(p), std::move(o)});
  };
  const rdf::Term when = rdf::Term::Literal(date, xsd + "dateTime");
  const std::string& run = doc.iri;
  add(run, std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("TrainingRun")));
  add(run, std::string(vocab::kRdfs) + "label", rdf::Term::Literal(doc.label));
  add(run, Tkg("onDevice"), rdf::Term::Iri(device.iri));
  // The model whose head was trained: the imported model when the backbone
  // is one (the head stays reachable through its records), else the head.
  if (backbone.source.models.empty()) add(run, Tkg("trainedModel"), rdf::Term::Iri(out.model_iri));
  for (const match::Entity& model : backbone.source.models) add(run, Tkg("trainedModel"), rdf::Term::Iri(model.iri));
  add(run, Tkg("trainingMethod"), rdf::Term::Iri(Tkg(m.infer_only ? "InferenceOnly" : "OnlineLearning")));
  add(run, Tkg("method"), rdf::Term::Iri(Tkg("MeasuredOnEmulator")));
  add(run, Tkg("target"), rdf::Term::Literal(m.target));
  add(run, Tkg("standsForCore"), rdf::Term::Iri(device.core_iri));
  add(run, Tkg("toolchain"), rdf::Term::Literal(m.toolchain));
  add(run, Tkg("commit"), rdf::Term::Literal(m.commit));
  add(run, Tkg("firmwareHash"), rdf::Term::Literal(m.firmware_key));
  // Where --save-head wrote this run's head, so --load-head RUN_IRI finds it.
  if (!args.save_head.empty()) {
    std::error_code ignored;
    const std::filesystem::path head = std::filesystem::absolute(args.save_head, ignored);
    add(run, Tkg("headFile"), rdf::Term::Literal(head.string()));
  }
  add(run, Tkg("dataset"), rdf::Term::Literal(args.data));
  add(run, Tkg("steps"), rdf::Term::Literal(std::to_string(m.losses.size()), xsd + "integer"));
  add(run, Tkg("seed"), rdf::Term::Literal(std::to_string(args.seed), xsd + "integer"));
  add(run, Tkg("learningRate"), rdf::Term::Literal(Number(w.learning_rate), xsd + "double"));
  add(run, Tkg("trainingMemoryBytes"), rdf::Term::Literal(std::to_string(m.peak_ram_bytes), xsd + "integer"));
  if (!w.eval_y.empty()) add(run, Tkg("resultAccuracy"), rdf::Term::Literal(Number(m.accuracy), xsd + "double"));
  add(run, std::string(vocab::kDcterms) + "date", when);

  auto record = [&](const std::string& suffix, const char* metric, double value, const char* unit) {
    const std::string r = run + "#" + suffix;
    add(r, std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("BenchmarkRecord")));
    add(r, Tkg("partOfRun"), rdf::Term::Iri(run));
    add(r, Tkg("metric"), rdf::Term::Iri(Tkg(metric)));
    add(r, Tkg("value"), rdf::Term::Literal(Number(value), xsd + "double"));
    add(r, Tkg("unit"), rdf::Term::Iri(om + unit));
    add(r, Tkg("method"), rdf::Term::Iri(Tkg("MeasuredOnEmulator")));
    add(r, Tkg("benchmarkedDevice"), rdf::Term::Iri(device.iri));
    add(r, Tkg("target"), rdf::Term::Literal(m.target));
    add(r, Tkg("toolchain"), rdf::Term::Literal(m.toolchain));
    add(r, Tkg("commit"), rdf::Term::Literal(m.commit));
    add(r, Tkg("dataset"), rdf::Term::Literal(args.data));
    add(r, std::string(vocab::kDcterms) + "date", when);
    add(r, std::string(vocab::kDcterms) + "source", rdf::Term::Literal("tinykg train --on emulator (" + m.target + ")"));
    return r;
  };
  auto model_record = [&](const std::string& suffix, const char* metric, double value, const char* unit) {
    const std::string r = record(suffix, metric, value, unit);
    add(r, Tkg("benchmarkedModel"), rdf::Term::Iri(out.model_iri));
    return r;
  };
  if (!m.infer_only) {
    model_record("instructions-per-step", "InstructionsPerTrainingStep", m.instructions_per_step, "one");
    if (w.model_blob.empty()) {
      model_record("instructions-per-mac", "InstructionsPerMac", m.instructions_per_mac_step, "one");
    }
  }
  if (!w.eval_y.empty()) {
    // Also a figure of the imported model: its layers up to the cut, then a
    // head of the same kind as its classifier, ran on the device's target.
    const std::string r =
        model_record("instructions-per-inference", "InstructionsPerInference", m.instructions_per_inference, "one");
    for (const match::Entity& model : backbone.source.models)
      add(r, Tkg("benchmarkedModel"), rdf::Term::Iri(model.iri));
    // An untrained network's accuracy says nothing about the model; a
    // saved head's (--load-head) is that head's.
    if (!m.infer_only || !args.load_head.empty()) model_record("accuracy", "Accuracy", m.accuracy, "one");
  }
  if (model_only != nullptr) {
    // --frontend mfcc: the inference split into the device's front end and
    // the model (+ head), the latter measured fed the host's MFCC.
    const double model = model_only->instructions_per_inference;
    const std::string f = model_record("instructions-per-inference-frontend", "InstructionsPerInference",
                                       m.instructions_per_inference - model, "one");
    add(f, std::string(vocab::kRdfs) + "comment",
        rdf::Term::Literal("the MLPerf Tiny KWS MFCC front end of one 1 s clip (49 frames) on the device: an "
                           "inference from PCM minus one from MFCC"));
    const std::string b = model_record("instructions-per-inference-model", "InstructionsPerInference", model, "one");
    add(b, std::string(vocab::kRdfs) + "comment",
        rdf::Term::Literal("the model and head of one inference without the front end (fed the MFCC)"));
  }
  model_record("peak-ram", "PeakRamBytes", static_cast<double>(m.peak_ram_bytes), "byte");
  model_record("flash", "FlashBytes", static_cast<double>(m.flash_bytes), "byte");
  for (const auto& [kernel, cost] : kernels) {
    const std::string r = record("kernel-" + kernel, "KernelInstructionsPerMac", cost.forward_per_mac, "one");
    add(r, Tkg("kernel"), rdf::Term::Literal(kernel));
    add(r, Tkg("standsForCore"), rdf::Term::Iri(device.core_iri));
  }
  return out;
}

Result<emu::Workload> LoadWorkload(const EmulatorTrainArgs& args, BackboneFacts* backbone) {
  if (args.label.empty()) return InvalidArgument("--label COLUMN is required for CSV data");
  if (!args.frontend.empty() && args.model.empty()) {
    return InvalidArgument("--frontend mfcc needs --model: the keyword model the MFCC feed");
  }
  const train::CsvOptions csv{args.label, args.features};
  TINYKG_ASSIGN_OR_RETURN(train::Dataset data, train::ReadCsv(args.data, csv));
  train::Dataset eval = data;
  if (!args.eval.empty()) {
    train::CsvOptions eval_csv = csv;
    eval_csv.features = data.feature_names;
    TINYKG_ASSIGN_OR_RETURN(eval, train::ReadCsv(args.eval, eval_csv));
  }
  emu::Workload w;
  w.features = static_cast<std::int32_t>(data.feature_count());
  w.classes = std::max(data.ClassCount(), eval.ClassCount());
  if (args.hidden.size() > 1) return Unsupported("--hidden: the emulator firmware has at most one hidden layer");
  w.hidden_units = args.hidden.empty() ? 0 : args.hidden[0];
  if (args.lr > 0) w.learning_rate = args.lr;
  w.seed = static_cast<std::uint32_t>(args.seed);
  if (!args.model.empty()) {
    // The frozen part as a flat blob the firmware reads in place from flash.
    const std::string& file = backbone->source.file;
    TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<train::LoadedModel> model, train::LoadedModel::Load(file));
    TINYKG_ASSIGN_OR_RETURN(int cut, model->FindCut(args.head));
    const auto inputs = static_cast<std::size_t>(model->graph().input().Elements());
    if (args.frontend == "mfcc") {
      // The device turns each 1 s clip into the 49 x 10 MFCC the model takes.
      if (inputs != 490 || data.feature_count() != 16000) {
        return InvalidArgument("--frontend mfcc needs a model taking 49 x 10 MFCC (it takes " + std::to_string(inputs) +
                               ") and rows of 16000 PCM samples (the data has " + std::to_string(data.feature_count()) +
                               " columns; scripts/kws_features.py --pcm)");
      }
      w.mfcc_clips = true;
    } else if (inputs != data.feature_count()) {
      return InvalidArgument("the model takes " + std::to_string(inputs) + " inputs but the data has " +
                             std::to_string(data.feature_count()) + " features");
    }
    std::size_t size = 0;
    if (engine::SerializeGraph(model->graph(), cut, {}, &size) != engine::Status::kOk) {
      return Internal("cannot serialise the backbone of " + backbone->label);
    }
    TINYKG_ASSIGN_OR_RETURN(model::ModelSummary summary, model::SummarizeFile(file));
    for (const model::LayerSummary& layer : summary.layers) {
      if (layer.index > cut) continue;
      backbone->macs += layer.macs;
      if (std::find(backbone->ops.begin(), backbone->ops.end(), layer.op) == backbone->ops.end()) {
        backbone->ops.push_back(layer.op);
      }
    }
    w.model_blob.resize(size);
    if (engine::SerializeGraph(model->graph(), cut, w.model_blob, &size) != engine::Status::kOk) {
      return Internal("cannot serialise the backbone of " + backbone->label);
    }
  }
  if (args.infer) {
    w.eval_x = eval.features;
    for (float y : eval.labels) w.eval_y.push_back(static_cast<std::int32_t>(y));
    return w;
  }
  const std::size_t rows = args.steps > 0 ? std::min<std::size_t>(data.rows, static_cast<std::size_t>(args.steps))
                                          : data.rows;
  w.train_x.assign(data.features.begin(), data.features.begin() + static_cast<std::ptrdiff_t>(rows * data.feature_count()));
  for (std::size_t r = 0; r < rows; ++r) w.train_y.push_back(static_cast<std::int32_t>(data.labels[r]));
  w.eval_x = eval.features;
  for (float y : eval.labels) w.eval_y.push_back(static_cast<std::int32_t>(y));
  return w;
}

constexpr char kHeadFormat[] = "tinykg-head/1";

// --save-head: the trained head's state (emu::HeadState, bit-exact from the
// MCU: JSON numbers print a float's double exactly) with what it fits: the
// workload's shape, the backbone's bytes, the data and the run.
Status WriteHeadFile(const std::string& path, const emu::Workload& w, const emu::Measurement& m,
                     const BackboneFacts& backbone, const std::string& run_iri) {
  if (m.head_state.empty()) return Internal("the firmware reported no head state");
  const nlohmann::json j = {{"format", kHeadFormat},
                            {"features", w.features},
                            {"classes", w.classes},
                            {"hidden_units", w.hidden_units},
                            {"backbone_sha256", backbone.source.sha256},
                            {"run", run_iri},
                            {"target", m.target},
                            {"accuracy", m.accuracy},
                            {"samples_seen", m.head_state.samples_seen},
                            {"mean", m.head_state.mean},
                            {"m2", m.head_state.m2},
                            {"params", m.head_state.params}};
  return WriteFileAtomic(path, j.dump() + "\n").WithContext("--save-head");
}

// --load-head: the state of a --save-head FILE, checked against the
// workload (shape, backbone bytes); errors name the file and the reason.
Result<emu::HeadState> ReadHeadFile(const std::string& path, const emu::Workload& w, const BackboneFacts& backbone) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto bad = [&path](const std::string& why) { return InvalidArgument("--load-head " + path + ": " + why); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kHeadFormat) {
    return bad(std::string("not a head file (") + kHeadFormat + " JSON written by --save-head)");
  }
  try {
    const auto shape = [](std::int64_t f, std::int64_t c, std::int64_t h) {
      return std::to_string(f) + " inputs, " + std::to_string(c) + " classes, " + std::to_string(h) + " hidden units";
    };
    const auto features = j.at("features").get<std::int64_t>(), classes = j.at("classes").get<std::int64_t>(),
               hidden = j.at("hidden_units").get<std::int64_t>();
    if (features != w.features || classes != w.classes || hidden != w.hidden_units) {
      return bad("the head has " + shape(features, classes, hidden) + ", this run's has " +
                 shape(w.features, w.classes, w.hidden_units));
    }
    const std::string sha = j.value("backbone_sha256", "");
    if (sha != backbone.source.sha256) {
      return bad(sha.empty() ? "the head was trained without --model" : "the head was trained on the model with "
                 "SHA-256 " + sha + (backbone.source.sha256.empty() ? ", this run has no --model" : ", not this one"));
    }
    emu::HeadState state;
    state.samples_seen = j.at("samples_seen").get<std::int64_t>();
    state.mean = j.at("mean").get<std::vector<float>>();
    state.m2 = j.at("m2").get<std::vector<float>>();
    state.params = j.at("params").get<std::vector<float>>();
    if (state.params.empty() || state.mean.size() != state.m2.size()) {
      return bad("its parameters or statistics are missing or of different sizes");
    }
    return state;
  } catch (const nlohmann::json::exception& e) {
    return bad(std::string("malformed: ") + e.what());
  }
}

// One device's run: the workload on its target, then the kernel probes on
// the same target (what one MAC costs there; calibrates matchmaking's cycles
// per MAC for the core).
struct DeviceRun {
  DeviceFacts device;
  const emu::Target* target = nullptr;
  std::optional<emu::Measurement> measurement;
  // --frontend mfcc: the same model and head fed the host's MFCC of the
  // evaluated clips, inference only: what the model costs without the
  // device's front end (the difference is the front end's).
  std::optional<emu::Measurement> model_only;
  std::vector<std::pair<std::string, emu::KernelCost>> kernels;
  Status status = Status::Ok();
};

void RunDevice(DeviceRun& run, const emu::Workload& workload, const std::string& work_dir,
               const emu::RunOptions& options) {
  auto m = emu::RunOnEmulator(*run.target, run.device.limits, workload, work_dir, options);
  if (!m.ok()) {
    run.status = m.status().WithContext(run.device.iri);
    return;
  }
  run.measurement = std::move(m).value();
  if (workload.mfcc_clips && !workload.eval_y.empty()) {
    emu::Workload rows = workload;
    rows.mfcc_clips = false;
    rows.features = 490;
    rows.train_x.clear();
    rows.train_y.clear();
    rows.head_state = {};
    rows.eval_x.clear();
    for (std::size_t i = 0; i < workload.eval_y.size(); ++i) {
      std::vector<std::int16_t> clip(16000);
      for (std::size_t j = 0; j < clip.size(); ++j) {
        const float v = std::clamp(workload.eval_x[i * 16000 + j], -32768.0f, 32767.0f);
        clip[j] = static_cast<std::int16_t>(v < 0 ? v - 0.5f : v + 0.5f);
      }
      auto mfcc = train::MfccFeatures(clip);
      if (!mfcc.ok()) {
        run.status = mfcc.status();
        return;
      }
      rows.eval_x.insert(rows.eval_x.end(), mfcc->begin(), mfcc->end());
    }
    emu::RunOptions model_options = options;
    model_options.infer_only = true;
    model_options.report_outputs = false;
    auto only = emu::RunOnEmulator(*run.target, run.device.limits, rows, work_dir + "/model-only", model_options);
    if (!only.ok()) {
      run.status = only.status().WithContext(run.device.iri + " (model without the front end)");
      return;
    }
    run.model_only = std::move(only).value();
  }
  const struct {
    const char* name;
    emu::KernelKind kind;
    std::int32_t in, out;
  } probes[] = {{"dense-32x16", emu::KernelKind::kDense, 32, 16}, {"conv3x3-8x8x4x4", emu::KernelKind::kConv2D, 4, 4}};
  for (const auto& p : probes) {
    auto cost = emu::MeasureKernel(*run.target, p.kind, p.in, p.out, work_dir + "/kernel-" + p.name, options);
    if (!cost.ok()) {
      run.status = cost.status().WithContext(std::string("kernel ") + p.name);
      return;
    }
    run.kernels.emplace_back(p.name, *cost);
  }
}

nlohmann::json MeasuredModels(const BackboneFacts& backbone) {
  nlohmann::json models = nlohmann::json::array();
  for (const match::Entity& m : backbone.source.models) models.push_back({{"iri", m.iri}, {"name", m.name}});
  return models;
}

nlohmann::json Summary(const EmulatorTrainArgs& args, const DeviceRun& run, const RunDocuments& docs,
                       const BackboneFacts& backbone, const std::string& date) {
  const emu::Measurement& m = *run.measurement;
  nlohmann::json kernel_json = nlohmann::json::object();
  for (const auto& [name, cost] : run.kernels) kernel_json[name] = cost.forward_per_mac;
  return {{"method", args.infer ? "infer" : "online"},
          {"on", "emulator"},
          {"device", run.device.iri},
          {"target", m.target},
          {"toolchain", m.toolchain},
          {"commit", m.commit},
          {"dataset", args.data},
          {"accuracy", m.accuracy},
          {"steps", m.losses.size()},
          {"seed", args.seed},
          {"final_loss", m.losses.empty() ? 0.0f : m.losses.back()},
          {"instructions", m.instructions},
          {"instructions_per_step", m.instructions_per_step},
          {"instructions_per_inference", m.instructions_per_inference},
          {"instructions_per_mac_step", m.instructions_per_mac_step},
          {"frontend", args.frontend.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.frontend)},
          {"kernel_instructions_per_mac", kernel_json},
          {"peak_ram_bytes", m.peak_ram_bytes},
          {"static_ram_bytes", m.static_ram_bytes},
          {"arena_high_water_bytes", m.arena_high_water_bytes},
          {"stack_high_water_bytes", m.stack_high_water_bytes},
          {"flash_bytes", m.flash_bytes},
          {"backbone", args.model.empty() ? nlohmann::json(nullptr)
                                          : nlohmann::json{{"model", args.model},
                                                           {"file", backbone.source.file},
                                                           {"sha256", backbone.source.sha256},
                                                           {"kept", backbone.source.kept},
                                                           {"measured_models", MeasuredModels(backbone)},
                                                           {"macs", backbone.macs},
                                                           {"blob_bytes", m.model_blob_bytes},
                                                           {"graph_bytes", m.graph_bytes},
                                                           {"activation_bytes", m.backbone_activation_bytes}}},
          {"ram_limit_bytes", run.device.limits.ram_bytes},
          {"flash_limit_bytes", run.device.limits.flash_bytes},
          {"firmware_cached", m.firmware_cached},
          {"firmware_key", m.firmware_key},
          {"model", docs.model_iri},
          {"run", docs.run_iri},
          {"recorded_at", date}};
}

// --outputs: per evaluated sample, the class, its probability and the
// backbone's outputs, bit-exact as the MCU computed them.
void AddOutputs(const emu::Measurement& m, nlohmann::json& summary) {
  nlohmann::json outputs = nlohmann::json::array();
  const std::size_t samples = m.predictions.size();
  const std::size_t width = samples == 0 ? 0 : m.eval_features.size() / samples;
  for (std::size_t i = 0; i < samples; ++i) {
    outputs.push_back(std::vector<float>(m.eval_features.begin() + static_cast<std::ptrdiff_t>(i * width),
                                         m.eval_features.begin() + static_cast<std::ptrdiff_t>((i + 1) * width)));
  }
  summary["predictions"] = m.predictions;
  summary["confidences"] = m.confidences;
  summary["outputs"] = outputs;
}

}  // namespace

int RunTrainOnEmulator(const GlobalOptions& options, const EmulatorTrainArgs& args) {
  auto format = match::TableFormatFromName(args.format);
  if (!format.ok()) return ReportError(format.status());
  const std::vector<std::string>& names = args.devices;
  if (names.empty()) return ReportError(InvalidArgument("--on emulator needs --device DEVICE (repeat for several)"));
  // Without a model the whole network is the head, and an --infer run has
  // never trained it: its accuracy would be that of random weights, recorded
  // as a benchmark. Refused before the store is opened.
  if (args.infer && args.model.empty() && args.load_head.empty()) {
    return ReportError(InvalidArgument(
        "--infer without --model would evaluate an untrained head: give the head a training run saved "
        "(train --on emulator --device D --data TRAIN.csv --label L --save-head head.json, then --infer "
        "--load-head head.json), or give --model MODEL to measure a model's inference"));
  }
  if (Status named = CheckKnownNames(args.task, args.sensors); !named.ok()) return ReportError(named);
  auto store = OpenStore(options);
  if (!store.ok()) {
    ReportError(store.status());
    return kExitStore;
  }
  // The model first: a store that cannot hold model files says so before
  // anything else is looked up.
  BackboneFacts backbone;
  if (!args.model.empty()) {
    auto files = model::ModelFiles::ForStore(ResolveStoreSpec(options));
    if (!files.ok()) return ReportError(files.status());
    auto source = emu::FindModelSource(**store, *files, args.model, "", "--model FILE");
    if (!source.ok()) return ReportError(source.status());
    backbone.source = std::move(source).value();
    backbone.label = backbone.source.kept ? backbone.source.models.front().name : Basename(backbone.source.file);
  }
  std::vector<DeviceRun> runs(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto device = emu::FindDevice(**store, names[i]);
    if (!device.ok()) return ReportError(device.status());
    runs[i].device = std::move(device).value();
    runs[i].target = runs[i].device.target;
    if (runs[i].target == nullptr) {
      return ReportError(Unsupported("no emulated target stands for core " + runs[i].device.core + " of " +
                                     runs[i].device.iri));
    }
  }
  auto workload = LoadWorkload(args, &backbone);
  if (!workload.ok()) return ReportError(workload.status());
  if (!args.load_head.empty()) {
    // A run IRI stands for the head file its run recorded (tkg:headFile).
    std::string head_file = args.load_head;
    if (args.load_head.find("://") != std::string::npos) {
      if (args.load_head.find_first_of("<>\"{}|^`\\ \t\n") != std::string::npos) {
        return ReportError(InvalidArgument("--load-head: '" + args.load_head + "' is not an IRI"));
      }
      auto recorded = rdf::RunQuery(**store, "SELECT ?file WHERE { <" + args.load_head + "> <" + Tkg("headFile") + "> ?file }");
      if (!recorded.ok()) return ReportError(recorded.status());
      if (recorded->rows.empty() || !recorded->rows.front().front()) {
        return ReportError(InvalidArgument("--load-head <" + args.load_head +
                                           ">: no run with a saved head (a training run records tkg:headFile "
                                           "when given --save-head FILE)"));
      }
      head_file = recorded->rows.front().front()->value;
    }
    auto state = ReadHeadFile(head_file, *workload, backbone);
    if (!state.ok()) return ReportError(state.status());
    workload->head_state = std::move(state).value();
  }
  if (isatty(STDERR_FILENO)) {
    for (const DeviceRun& r : runs) {
      std::cerr << "tinykg: " << (args.infer ? "inference" : "training") << " on " << r.target->name << " ("
                << r.device.limits.ram_bytes << " B RAM, " << r.device.limits.flash_bytes << " B flash)...\n";
    }
  }
  // One device: its QEMU runs in parallel up to --jobs. Several: the devices
  // in parallel, up to --jobs at once, each running its QEMU processes one at
  // a time, so no more than --jobs processes run at any moment either way.
  unsigned jobs = args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  emu::RunOptions run_options;
  run_options.infer_only = args.infer;
  run_options.report_outputs = args.outputs;
  if (args.outputs && args.model.empty()) return ReportError(InvalidArgument("--outputs needs --model"));
  run_options.jobs = runs.size() == 1 ? jobs : 1;
  const std::string work_dir = std::string(P_tmpdir) + "/tinykg-emu-" + std::to_string(getpid());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < runs.size(); i = next++) {
      RunDevice(runs[i], *workload, work_dir + "/device" + std::to_string(i), run_options);
    }
  };
  {
    std::vector<std::thread> workers;
    const std::size_t parallel = runs.size() == 1 ? 1 : std::min<std::size_t>(runs.size(), jobs);
    for (std::size_t w = 1; w < parallel; ++w) workers.emplace_back(work);
    work();
    for (std::thread& t : workers) t.join();
  }
  std::error_code ignored;
  std::filesystem::remove_all(work_dir, ignored);
  for (const DeviceRun& r : runs) {
    if (!r.status.ok()) return ReportError(r.status);
  }

  const std::string date = NowUtc();
  std::vector<rdf::GraphDocument> writes;
  std::vector<RunDocuments> docs;
  for (const DeviceRun& r : runs) {
    docs.push_back(BuildRunDocuments(r.device, *workload, *r.measurement, r.model_only ? &*r.model_only : nullptr,
                                     r.kernels, args, backbone, date));
  }
  // The head file before the store: a file that cannot be written leaves
  // the store as it was.
  if (!args.save_head.empty()) {
    Status saved = WriteHeadFile(args.save_head, *workload, *runs.front().measurement, backbone, docs.front().run_iri);
    if (!saved.ok()) return ReportError(saved);
  }
  // The head is described once, from the first device's run; an
  // inference-only run describes it only when no training run did.
  bool write_model = !args.infer;
  if (!write_model) write_model = !(*store)->Get(docs.front().model_iri, false).ok();
  if (write_model) writes.push_back(docs.front().model);
  for (const RunDocuments& d : docs) writes.push_back(d.run);
  Status put = (*store)->PutAll(writes);
  FlushWarnings(options, **store);
  if (!put.ok()) {
    ReportError(put);
    return kExitStore;
  }
  std::vector<nlohmann::ordered_json> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    nlohmann::json summary = Summary(args, runs[i], docs[i], backbone, date);
    if (runs[i].model_only) {
      const double model = runs[i].model_only->instructions_per_inference;
      summary["model_instructions_per_inference"] = model;
      summary["frontend_instructions_per_inference"] = runs[i].measurement->instructions_per_inference - model;
    }
    if (!args.save_head.empty() && i == 0) summary["head_saved"] = args.save_head;
    if (!args.load_head.empty()) summary["head_loaded"] = args.load_head;
    if (args.outputs) AddOutputs(*runs[i].measurement, summary);
    out.emplace_back(std::move(summary));
  }
  std::cout << RenderSummaries(out, *format);
  return kExitOk;
}

}  // namespace tinykg::cli
