// tinykg train --on emulator --device D --data TRAIN.csv --label COLUMN ...:
// online learning of a dense head on the emulated MCU standing for the
// device's core, limited to the device's (free) RAM and flash from the
// knowledge graph; prints the training summary with the emulator's
// measurements and writes them back as benchmark records (named graph, kind
// "benchmark").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "store_access.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/rdf/vocab.h"
#include "tinykg/train/dataset.h"

namespace tinykg::cli {
namespace {

struct DeviceFacts {
  std::string iri;
  std::string core;  // local name of the core IRI, e.g. "CortexM4F"
  emu::DeviceLimits limits;
};

std::string Tkg(const char* local) { return std::string(vocab::kTkg) + local; }

std::optional<std::uint64_t> IntegerOf(const std::optional<rdf::Term>& t) {
  if (!t || !t->is_literal()) return std::nullopt;
  try {
    return static_cast<std::uint64_t>(std::stod(t->value));
  } catch (...) {
    return std::nullopt;
  }
}

// The device by IRI or td:title, with its core and memory (free figures win).
Result<DeviceFacts> FindDevice(rdf::Store& store, const std::string& device) {
  if (device.find_first_of("\"<>\\\n") != std::string::npos) {
    return InvalidArgument("--device: not a device IRI or title: " + device);
  }
  const std::string query = "PREFIX tkg: <" + std::string(vocab::kTkg) + ">\nPREFIX td: <" + vocab::kTd +
                            ">\nSELECT ?device ?core ?ram ?flash WHERE {\n"
                            "  ?device tkg:coreType ?core ; tkg:ramBytes ?ram ; tkg:flashBytes ?flash ; td:title ?title .\n"
                            "  FILTER(STR(?device) = \"" + device + "\" || STR(?title) = \"" + device + "\")\n}";
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult rows, store.Query(query));
  if (rows.rows.empty() || !rows.rows[0][0]) {
    return NotFound("no device '" + device + "' with a core, RAM and flash in the knowledge graph");
  }
  DeviceFacts facts;
  facts.iri = rows.rows[0][0]->value;
  const std::string core = rows.rows[0][1] ? rows.rows[0][1]->value : "";
  facts.core = core.substr(core.find_last_of("#/") + 1);
  facts.limits.ram_bytes = IntegerOf(rows.rows[0][2]).value_or(0);
  facts.limits.flash_bytes = IntegerOf(rows.rows[0][3]).value_or(0);
  for (const char* free_property : {"freeRamBytes", "freeFlashBytes"}) {
    const std::string q = "SELECT ?v WHERE { <" + facts.iri + "> <" + Tkg(free_property) + "> ?v }";
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult free, store.Query(q));
    if (free.rows.empty()) continue;
    if (auto v = IntegerOf(free.rows[0][0]); v && *v > 0) {
      (std::string(free_property) == "freeRamBytes" ? facts.limits.ram_bytes : facts.limits.flash_bytes) = *v;
    }
  }
  return facts;
}

// "CortexM4F" -> the emulated target standing for it.
const emu::Target* TargetForCore(const std::string& core) {
  std::string name;
  for (char c : core) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.rfind("cortexm", 0) == 0) name = "cortex-m" + name.substr(7);
  if (name == "cortex-m0plus") name = "cortex-m0";
  return emu::FindTarget(name);
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// One tkg:BenchmarkRecord per figure, all in one named graph.
rdf::GraphDocument BenchmarkDocument(const DeviceFacts& device, const emu::Measurement& m,
                                     const std::string& dataset, const std::string& date) {
  const std::string xsd_double = std::string(vocab::kXsd) + "double";
  std::string stamp = date;
  for (char& c : stamp) {
    if (c == ':') c = '-';
  }
  std::string device_slug = device.iri.substr(device.iri.find_last_of("#/:") + 1);
  rdf::GraphDocument doc;
  doc.iri = std::string(vocab::kTkgResource) + "benchmark/emu/" + m.target + "/" + device_slug + "/" + stamp;
  doc.kind = rdf::kKindBenchmark;
  doc.source = "tinykg train --on emulator";
  doc.label = "measured on " + m.target + " for " + device_slug;
  auto add = [&](const std::string& s, const std::string& p, rdf::Term o) {
    doc.triples.push_back({rdf::Term::Iri(s), rdf::Term::Iri(p), std::move(o)});
  };
  const struct {
    const char* suffix;
    const char* metric;
    double value;
  } figures[] = {
      {"instructions-per-step", "InstructionsPerTrainingStep", m.instructions_per_step},
      {"instructions-per-inference", "InstructionsPerInference", m.instructions_per_inference},
      {"instructions-per-mac", "InstructionsPerMac", m.instructions_per_mac_step},
      {"peak-ram", "PeakRamBytes", static_cast<double>(m.peak_ram_bytes)},
      {"flash", "FlashBytes", static_cast<double>(m.flash_bytes)},
      {"accuracy", "Accuracy", m.accuracy},
  };
  for (const auto& f : figures) {
    const std::string record = doc.iri + "#" + f.suffix;
    add(record, std::string(vocab::kRdf) + "type", rdf::Term::Iri(Tkg("BenchmarkRecord")));
    add(record, Tkg("metric"), rdf::Term::Iri(Tkg(f.metric)));
    std::ostringstream value;
    value.precision(17);
    value << f.value;
    add(record, Tkg("value"), rdf::Term::Literal(value.str(), xsd_double));
    add(record, Tkg("method"), rdf::Term::Iri(Tkg("MeasuredOnEmulator")));
    add(record, Tkg("benchmarkedDevice"), rdf::Term::Iri(device.iri));
    add(record, Tkg("target"), rdf::Term::Literal(m.target));
    add(record, Tkg("toolchain"), rdf::Term::Literal(m.toolchain));
    add(record, Tkg("dataset"), rdf::Term::Literal(dataset));
    add(record, std::string(vocab::kDcterms) + "date",
        rdf::Term::Literal(date, std::string(vocab::kXsd) + "dateTime"));
  }
  return doc;
}

Result<emu::Workload> LoadWorkload(const EmulatorTrainArgs& args) {
  if (args.label.empty()) return InvalidArgument("--label COLUMN is required for CSV data");
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
  const std::size_t rows = args.steps > 0 ? std::min<std::size_t>(data.rows, static_cast<std::size_t>(args.steps))
                                          : data.rows;
  w.train_x.assign(data.features.begin(), data.features.begin() + static_cast<std::ptrdiff_t>(rows * data.feature_count()));
  for (std::size_t r = 0; r < rows; ++r) w.train_y.push_back(static_cast<std::int32_t>(data.labels[r]));
  w.eval_x = eval.features;
  for (float y : eval.labels) w.eval_y.push_back(static_cast<std::int32_t>(y));
  return w;
}

}  // namespace

int RunTrainOnEmulator(const GlobalOptions& options, const EmulatorTrainArgs& args) {
  if (args.device.empty()) return ReportError(InvalidArgument("--on emulator needs --device DEVICE"));
  if (!args.model.empty()) {
    return ReportError(Unsupported("--model backbones do not run on the emulator yet (dense heads on CSV data only)"));
  }
  auto store = OpenStore(options);
  if (!store.ok()) {
    ReportError(store.status());
    return kExitStore;
  }
  auto device = FindDevice(**store, args.device);
  if (!device.ok()) return ReportError(device.status());
  const emu::Target* target = TargetForCore(device->core);
  if (target == nullptr) {
    return ReportError(Unsupported("no emulated target stands for core " + device->core + " of " + device->iri));
  }
  auto workload = LoadWorkload(args);
  if (!workload.ok()) return ReportError(workload.status());
  if (isatty(STDERR_FILENO)) {
    std::cerr << "tinykg: training on " << target->name << " (" << device->limits.ram_bytes << " B RAM, "
              << device->limits.flash_bytes << " B flash)...\n";
  }
  const std::string work_dir = std::string(P_tmpdir) + "/tinykg-emu-" + std::to_string(getpid());
  auto m = emu::RunOnEmulator(*target, device->limits, *workload, work_dir);
  std::error_code ignored;
  std::filesystem::remove_all(work_dir, ignored);
  if (!m.ok()) return ReportError(m.status());

  const std::string date = UtcNow();
  Status put = (*store)->Put(BenchmarkDocument(*device, *m, args.data, date));
  FlushWarnings(options, **store);
  if (!put.ok()) {
    ReportError(put);
    return kExitStore;
  }
  const nlohmann::json out = {{"method", "online"},
                              {"on", "emulator"},
                              {"device", device->iri},
                              {"target", m->target},
                              {"toolchain", m->toolchain},
                              {"dataset", args.data},
                              {"accuracy", m->accuracy},
                              {"steps", m->losses.size()},
                              {"seed", args.seed},
                              {"final_loss", m->losses.empty() ? 0.0f : m->losses.back()},
                              {"instructions", m->instructions},
                              {"instructions_per_step", m->instructions_per_step},
                              {"instructions_per_inference", m->instructions_per_inference},
                              {"instructions_per_mac_step", m->instructions_per_mac_step},
                              {"peak_ram_bytes", m->peak_ram_bytes},
                              {"static_ram_bytes", m->static_ram_bytes},
                              {"arena_high_water_bytes", m->arena_high_water_bytes},
                              {"stack_high_water_bytes", m->stack_high_water_bytes},
                              {"flash_bytes", m->flash_bytes},
                              {"ram_limit_bytes", device->limits.ram_bytes},
                              {"flash_limit_bytes", device->limits.flash_bytes},
                              {"recorded_at", date}};
  if (args.format == "json") {
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& [key, value] : out.items()) {
      std::cout << key << "\t" << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace tinykg::cli
