#include "tinykg/deploy/deploy.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/tinykg_app.h"
#include "project.h"
#include "tinykg/base/file.h"
#include "tinykg/base/text.h"
#include "tinykg/emu/device.h"
#include "tinykg/emu/model_source.h"
#include "tinykg/emu/run.h"
#include "tinykg/engine/graph_blob.h"
#include "tinykg/match/render.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/vocab.h"
#include "tinykg/train/model_loader.h"

namespace tinykg::deploy {
namespace {

namespace fs = std::filesystem;

std::string Tkg(const char* local) { return std::string(vocab::kTkg) + local; }

// The first literal (or IRI) of (subject, tkg:property), empty when none.
Result<std::string> FirstObject(rdf::Store& store, const std::string& subject, const char* property) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<rdf::Term> values, store.Objects(rdf::Term::Iri(subject), Tkg(property)));
  return values.empty() ? std::string() : values.front().value;
}

Result<std::vector<std::string>> LocalNames(rdf::Store& store, const std::string& subject, const char* property) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<rdf::Term> values, store.Objects(rdf::Term::Iri(subject), Tkg(property)));
  std::vector<std::string> names;
  for (const rdf::Term& t : values) names.push_back(match::LocalName(t.value));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// The output folder must be new or empty; its parent must exist.
Status CheckOutDir(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("-o DIR is required");
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return InvalidArgument("-o " + dir + ": exists and is not a folder");
    if (!fs::is_empty(dir, ec)) return InvalidArgument("-o " + dir + ": folder is not empty (choose a new one)");
    if (access(dir.c_str(), W_OK) != 0) return IoError("-o " + dir + ": folder is not writable");
    return Status::Ok();
  }
  const fs::path parent = fs::absolute(dir, ec).parent_path();
  if (!fs::is_directory(parent, ec))
    return InvalidArgument("-o " + dir + ": parent folder " + parent.string() + " does not exist");
  if (access(parent.c_str(), W_OK) != 0)
    return IoError("-o " + dir + ": cannot create it, " + parent.string() + " is not writable");
  return Status::Ok();
}

// The model: a graph model by name or IRI (its kept file, or --model-file,
// checked against the graph's tkg:contentHash), or a file whose hash names
// a graph model.
Result<match::Entity> ResolveModel(rdf::Store& store, const Request& r, std::string* file) {
  TINYKG_ASSIGN_OR_RETURN(emu::ModelSource source,
                          emu::FindModelSource(store, r.model_files, r.model, r.model_file, "--model-file FILE"));
  if (source.models.empty()) {
    return NotFound("no model in the knowledge graph has the content hash of " + r.model + " (sha256:" + source.sha256 +
                    "); import it first: tinykg import model " + r.model);
  }
  *file = source.file;
  return source.models.front();
}

// Runs the project's start-up and one sample (and one learning step) on the
// host engine: the arena it used is the estimate.
Result<std::uint64_t> MeasureArena(const app::AppConfig& config, std::span<const std::byte> blob, Deployment* d) {
  constexpr std::size_t kHostArena = 64u << 20;
  auto memory = std::make_unique<std::byte[]>(kHostArena);
  engine::Arena arena(std::span<std::byte>(memory.get(), kHostArena));
  app::App app;
  if (app.Setup(config, blob, arena) != engine::Status::kOk) {
    return Unsupported(std::string("the engine cannot set up the model (") + app.failed_part() + ")");
  }
  d->inputs = static_cast<std::int32_t>(app.input_size());
  std::vector<float> sample(app.input_size(), 0.0f);
  app::Outcome outcome;
  if (const engine::Status s = app.Process(sample, -1, &outcome); s != engine::Status::kOk) {
    return Unsupported(std::string("the engine cannot run the model: ") + engine::StatusName(s));
  }
  if (config.learn_online) {
    if (const engine::Status s = app.Process(sample, 0, &outcome); s != engine::Status::kOk) {
      return Unsupported(std::string("the engine cannot train the head: ") + engine::StatusName(s));
    }
  }
  if (!config.learn_online) d->outputs = static_cast<std::int32_t>(outcome.outputs.size());
  return static_cast<std::uint64_t>(arena.persistent_used() + arena.scratch_high_water());
}

rdf::GraphDocument Record(const Deployment& d, const Request& r, const std::string& out_dir) {
  const std::string xsd = vocab::kXsd;
  std::string stamp = d.date;
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  rdf::GraphDocument doc;
  doc.iri = d.graph_iri;
  doc.kind = rdf::kKindDeployment;
  doc.source = "tinykg deploy";
  doc.label = d.fit.model.name + " on " + d.fit.device.name;
  auto add = [&](const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(doc.iri), rdf::Term::Iri(p), std::move(o)});
  };
  auto integer = [&](std::uint64_t v) { return rdf::Term::Literal(std::to_string(v), xsd + "integer"); };
  auto boolean = [&](bool v) { return rdf::Term::Literal(v ? "true" : "false", xsd + "boolean"); };
  add(std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("Deployment")));
  add(std::string(vocab::kRdfs) + "label", rdf::Term::Literal(doc.label));
  add(Tkg("deployedModel"), rdf::Term::Iri(d.fit.model.iri));
  add(Tkg("deployedOn"), rdf::Term::Iri(d.fit.device.iri));
  add(std::string(vocab::kDcterms) + "date", rdf::Term::Literal(d.date, xsd + "dateTime"));
  add(Tkg("tinykgVersion"), rdf::Term::Literal(r.tinykg_version));
  add(Tkg("commit"), rdf::Term::Literal(std::string(emu::TinykgCommit())));
  add(Tkg("onlineLearning"), boolean(r.learn_online));
  add(Tkg("arenaReservedBytes"), integer(d.arena_bytes));
  add(Tkg("arenaMeasuredBytes"), integer(d.arena_measured_bytes));
  add(Tkg("modelArrayBytes"), integer(d.model_array_bytes));
  for (const match::Constraint& c : d.fit.constraints) {
    if (c.name == "flash" && c.need) add(Tkg("flashNeedEstimateBytes"), integer(static_cast<std::uint64_t>(*c.need)));
  }
  add(Tkg("forcedMisfit"), boolean(!d.fit.fits));
  add(Tkg("outputDirectory"), rdf::Term::Literal(out_dir));
  if (!d.target.empty()) add(Tkg("target"), rdf::Term::Literal(d.target));
  if (!r.task.empty()) add(Tkg("task"), rdf::Term::Iri(match::TaskIri(r.task)));
  return doc;
}

}  // namespace

Result<Deployment> Deploy(rdf::Store& store, const Request& r) {
  if (r.model.empty() || r.device.empty()) return InvalidArgument("--model and --device are required");
  TINYKG_RETURN_IF_ERROR(CheckOutDir(r.out_dir));
  match::Matchmaker mm(store);
  Deployment d;
  TINYKG_ASSIGN_OR_RETURN(const match::Entity model, ResolveModel(store, r, &d.model_file));
  TINYKG_ASSIGN_OR_RETURN(const match::Entity device, mm.ResolveDevice(r.device));
  TINYKG_ASSIGN_OR_RETURN(d.fit, mm.Explain(model, device));
  if (!d.fit.fits && !r.force) {
    return InvalidData("refused: " + model.name + " does not fit " + device.name + " (--force deploys it anyway)\n" +
                       match::ExplainText(d.fit));
  }
  if (!d.fit.fits) d.notes.push_back("forced: the matchmaker found that the pair does not fit (see README)");

  // The device's core, memory, board and sensors.
  Result<emu::DeviceFacts> facts = emu::FindDevice(store, device.iri);
  if (facts.ok()) {
    d.core = facts->core;
    d.ram_bytes = facts->limits.ram_bytes;
    d.flash_bytes = facts->limits.flash_bytes;
    if (facts->target != nullptr) d.target = std::string(facts->target->name);
  }
  if (d.target.empty()) {
    d.notes.push_back("no emulated target stands for " +
                      (d.core.empty() ? std::string("this device's core (none stated)") : "core " + d.core) +
                      ": the project has the PlatformIO and Arduino routes only, no plain CMake/QEMU route");
  }
  TINYKG_ASSIGN_OR_RETURN(d.board_id, FirstObject(store, device.iri, "board"));
  TINYKG_ASSIGN_OR_RETURN(d.platformio_platform, FirstObject(store, device.iri, "platformioPlatform"));
  TINYKG_ASSIGN_OR_RETURN(d.framework, FirstObject(store, device.iri, "framework"));
  if (d.board_id.empty()) {
    d.notes.push_back("the device names no PlatformIO board (tkg:board): set board and platform in platformio.ini");
  }
  if (d.framework.empty()) d.framework = "arduino";
  TINYKG_ASSIGN_OR_RETURN(std::vector<std::string> needs, LocalNames(store, model.iri, "inputSensor"));
  TINYKG_ASSIGN_OR_RETURN(std::vector<std::string> has, LocalNames(store, device.iri, "hasSensorKind"));
  for (const std::string& kind : needs) {
    if (kind == "OtherSensor" || kind == "Sensor") continue;
    d.sensor_kinds.push_back(kind);
  }
  if (d.sensor_kinds.empty()) d.sensor_kinds = has.empty() ? std::vector<std::string>{"Sensor"} : has;
  TINYKG_ASSIGN_OR_RETURN(std::vector<rdf::Term> info,
                          store.Objects(rdf::Term::Iri(model.iri), std::string(vocab::kNnet) + "hasInputInfo"));
  if (!info.empty()) d.input_info = info.front().value;
  TINYKG_ASSIGN_OR_RETURN(std::string tflm, FirstObject(store, model.iri, "arenaBytes"));
  if (!tflm.empty()) d.tflm_arena_bytes = static_cast<std::uint64_t>(std::stod(tflm));

  // The model as the engine reads it, cut before its classifier for online
  // learning, whole otherwise.
  TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<train::LoadedModel> loaded, train::LoadedModel::Load(d.model_file));
  if (r.learn_online) {
    TINYKG_ASSIGN_OR_RETURN(d.cut, loaded->FindCut(r.head));
  } else {
    d.cut = loaded->graph().node_count() - 1;
  }
  std::size_t size = 0;
  if (engine::SerializeGraph(loaded->graph(), d.cut, {}, &size) != engine::Status::kOk) {
    return Unsupported("cannot serialise " + d.model_file + " for the engine");
  }
  std::vector<std::byte> blob(size);
  if (engine::SerializeGraph(loaded->graph(), d.cut, blob, &size) != engine::Status::kOk) {
    return Internal("cannot serialise " + d.model_file);
  }
  d.model_array_bytes = blob.size();
  d.classes = static_cast<std::int32_t>(loaded->graph().output().Elements());

  app::AppConfig config;
  config.learn_online = r.learn_online;
  config.classes = std::max<std::int32_t>(2, d.classes);
  config.learning_rate = r.learning_rate;
  config.seed = r.seed;
  TINYKG_ASSIGN_OR_RETURN(d.arena_measured_bytes, MeasureArena(config, blob, &d));
  d.arena_bytes = (d.arena_measured_bytes * (100 + kArenaMarginPercent) / 100 + kArenaMarginBytes + 63) / 64 * 64;
  if (d.ram_bytes > 0 && d.arena_bytes > d.ram_bytes) {
    if (!r.force) {
      return InvalidData("refused: the engine's tensor arena for " + model.name + " (" +
                         match::FormatBytes(static_cast<double>(d.arena_bytes)) + " with the margin) exceeds " +
                         device.name + "'s " + match::FormatBytes(static_cast<double>(d.ram_bytes)) +
                         " of RAM (--force deploys it anyway)\n" + match::ExplainText(d.fit));
    }
    d.notes.push_back("forced: the tensor arena exceeds the device's RAM");
  }

  d.date = NowUtc();
  std::string stamp = d.date;
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  d.graph_iri = std::string(vocab::kTkgResource) + "deployment/" + match::LocalName(device.iri) + "/" +
                Fnv1aHex(model.iri) + "/" + stamp + "-" + std::to_string(getpid());

  ProjectSpec spec{d, r, config, blob};
  Result<std::vector<std::string>> files = WriteProject(spec, r.out_dir);
  if (!files.ok()) return files.status();
  d.files = std::move(files).value();
  std::error_code ec;
  TINYKG_RETURN_IF_ERROR(store.Put(Record(d, r, fs::absolute(r.out_dir, ec).string())));
  return d;
}

std::string DeploymentJson(const Deployment& d) {
  nlohmann::json j = {
      {"model", d.fit.model.name},
      {"model_iri", d.fit.model.iri},
      {"model_file", d.model_file},
      {"device", d.fit.device.name},
      {"device_iri", d.fit.device.iri},
      {"fits", d.fit.fits},
      {"core", d.core},
      {"target", d.target},
      {"board", d.board_id},
      {"platformio_platform", d.platformio_platform},
      {"framework", d.framework},
      {"sensor_kinds", d.sensor_kinds},
      {"ram_bytes", d.ram_bytes},
      {"flash_bytes", d.flash_bytes},
      {"model_array_bytes", d.model_array_bytes},
      {"arena_measured_bytes", d.arena_measured_bytes},
      {"arena_bytes", d.arena_bytes},
      {"arena_margin", std::to_string(kArenaMarginPercent) + " % + " + std::to_string(kArenaMarginBytes) + " B"},
      {"tflm_arena_bytes", d.tflm_arena_bytes},
      {"inputs", d.inputs},
      {"outputs", d.outputs},
      {"classes", d.classes},
      {"cut", d.cut},
      {"deployment", d.graph_iri},
      {"date", d.date},
      {"notes", d.notes},
      {"files", d.files}};
  return j.dump();
}

}  // namespace tinykg::deploy
