#include "tinykg/emu/fleet.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>

#include "bounded.h"

namespace tinykg::emu {
namespace {

namespace fs = std::filesystem;

constexpr float kReptileVisitMode = 3.0f;  // firmware/fleet_device.h

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The sample stream of one visit: config, initialisation, the task's
// records of `inputs` + `outputs` floats.
Status WriteVisitStream(const train::SineOptions& o, int inputs, int outputs, int steps, std::span<const float> init,
                        std::span<const float> samples, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  auto put = [&](std::span<const float> values, std::int32_t label) {
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
    out.write(reinterpret_cast<const char*>(&label), sizeof label);
  };
  const float config[8] = {static_cast<float>(inputs), static_cast<float>(outputs), static_cast<float>(o.hidden),
                           static_cast<float>(steps),
                           static_cast<float>(o.batch), o.inner_learning_rate, o.max_gradient_norm,
                           kReptileVisitMode};
  put(config, -2);
  put(init, -3);
  const auto record = static_cast<std::size_t>(inputs + outputs);
  for (std::size_t i = 0; i + record <= samples.size() && i / record < static_cast<std::size_t>(steps * o.batch);
       i += record) {
    put(samples.subspan(i, record), -1);
  }
  if (!out) return IoError("cannot write the sample stream " + path);
  return Status::Ok();
}

struct VisitOutput {
  std::uint64_t instructions = 0;
  std::vector<float> losses;
  std::vector<float> params;
  std::map<std::string, std::uint64_t> stats;
};

float FromBits(const std::string& hex) {
  const auto bits = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
  float f = 0;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string LastLine(const std::string& text) {
  std::stringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  if (last.rfind("log ", 0) == 0) last.erase(0, 4);
  return last;
}

// Runs one visit on `device` in its folder and reads what the MCU answered.
Result<VisitOutput> RunVisit(const FleetDevice& device, const std::string& image, const std::string& run_dir,
                             const train::SineOptions& o, std::pair<int, int> shape, int steps,
                             std::span<const float> init, std::span<const float> samples) {
  TINYKG_RETURN_IF_ERROR(
      WriteVisitStream(o, shape.first, shape.second, steps, init, samples, run_dir + "/tinykg-samples.bin"));
  TINYKG_ASSIGN_OR_RETURN(FirmwareRun run, RunFirmware(*device.target, image, run_dir));
  if (run.exit_code == 2) {
    return InvalidData(device.name + ": the training state does not fit the device's RAM (" +
                       std::to_string(std::min(device.limits.ram_bytes, device.target->ram_max)) +
                       " B): " + LastLine(run.output));
  }
  if (run.exit_code != 0) {
    return Internal(device.name + ": the firmware failed (exit " + std::to_string(run.exit_code) +
                    "): " + LastLine(run.output));
  }
  VisitOutput v;
  v.instructions = run.instructions;
  std::stringstream lines(run.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::stringstream fields(line);
    std::string kind, name, value;
    if (!(fields >> kind >> name >> value)) continue;
    try {  // runs on a worker thread: nothing may escape
      if (kind == "result" && name == "param") v.params.push_back(FromBits(value));
      if (kind == "result" && name == "loss") v.losses.push_back(FromBits(value));
      std::string stat;
      if (kind == "log" && name == "stat" && fields >> stat) v.stats[value] = std::stoull(stat);
    } catch (const std::exception&) {
      return Internal(device.name + ": unreadable firmware output line: " + line);
    }
  }
  if (v.params.size() != init.size()) {
    return Internal(device.name + ": the firmware returned " + std::to_string(v.params.size()) + " of " +
                    std::to_string(init.size()) + " parameters");
  }
  return v;
}

// The cross compiler of `target` and its version for the records, as
// `train --on emulator` names it ("riscv64-unknown-elf-gcc 12.2.0"); empty
// when the compiler does not answer.
std::string Toolchain(const Target& target, const std::string& work_dir) {
  const std::string compiler = std::string(target.tools) + "-gcc";
  const std::string out = work_dir + "/toolchain-" + std::string(target.name) + ".txt";
  const std::string command = compiler + " -dumpversion > '" + out + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) return {};
  std::ifstream in(out);
  std::string version;
  std::getline(in, version);
  return version.empty() ? std::string() : compiler + " " + version;
}

// The toolchains of the fleet's targets, in device order, each once.
std::string FleetToolchain(std::span<const FleetDevice> devices, const std::string& work_dir) {
  std::vector<std::string_view> seen;
  std::string names;
  for (const FleetDevice& d : devices) {
    if (std::find(seen.begin(), seen.end(), d.target->tools) != seen.end()) continue;
    seen.push_back(d.target->tools);
    const std::string name = Toolchain(*d.target, work_dir);
    if (name.empty()) continue;
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

// The task family a fleet meta-learns: the sine family's server and host
// device, or train::TabularReptile. `shape` is the network's inputs and
// outputs (the firmware's record layout).
struct Family {
  std::pair<int, int> shape{1, 1};
  std::size_t parameters = 0;
  std::function<std::span<const float>()> meta;
  // The next server round: (device, samples) per visit.
  std::function<std::vector<std::pair<int, std::vector<float>>>()> next_round;
  std::function<Status(const std::vector<std::vector<float>>&)> update;
  std::function<Result<std::vector<float>>(std::span<const float>, std::span<const float>, std::vector<float>*)> adapt;
  // Meta-tests an initialisation into a round's evaluation fields.
  std::function<void(std::span<const float>, train::SineEvaluation&, train::TabularEvaluation&)> evaluate;
};

// Keeps the objects a Family's functions refer to.
struct FamilyState {
  std::unique_ptr<train::SineHostDevice> sine_host;
  std::unique_ptr<train::SineReptileServer> sine_server;
  std::unique_ptr<train::TabularReptile> tabular;
};

Result<Family> MakeFamily(const FleetOptions& options, const train::SineOptions& sine, FamilyState& state) {
  Family f;
  if (options.tabular_train != nullptr && options.tabular_eval != nullptr) {
    train::TabularReptileOptions t;
    t.devices = sine.devices;
    t.rounds = sine.rounds;
    t.round_size = sine.round_size;
    t.local_steps = sine.local_steps;
    t.batch = sine.batch;
    t.inner_learning_rate = sine.inner_learning_rate;
    t.meta_learning_rate = sine.meta_learning_rate;
    t.max_gradient_norm = sine.max_gradient_norm;
    t.hidden = sine.hidden;
    t.shots = sine.shots;
    t.eval_tasks = sine.eval_tasks;
    t.eval_steps = sine.eval_steps;
    t.seed = sine.seed;
    TINYKG_ASSIGN_OR_RETURN(state.tabular,
                            train::TabularReptile::Create(*options.tabular_train, *options.tabular_eval, t));
    train::TabularReptile* tab = state.tabular.get();
    if (tab->inputs() + tab->classes() > 16) {  // firmware/fleet_device.cc kMaxRecord
      return Unsupported("the fleet firmware takes at most 16 features + classes per sample");
    }
    f.shape = {tab->inputs(), tab->classes()};
    f.parameters = tab->parameter_count();
    f.meta = [tab] { return tab->meta(); };
    f.next_round = [tab] {
      std::vector<std::pair<int, std::vector<float>>> out;
      for (const train::TabularVisit& v : tab->NextRound()) out.emplace_back(v.device, tab->VisitSamples(v));
      return out;
    };
    f.update = [tab](const std::vector<std::vector<float>>& adapted) { return tab->Update(adapted); };
    f.adapt = [tab](std::span<const float> init, std::span<const float> samples, std::vector<float>* losses) {
      return tab->Adapt(init, samples, losses);
    };
    f.evaluate = [tab](std::span<const float> init, train::SineEvaluation&, train::TabularEvaluation& accuracy) {
      accuracy = tab->Evaluate(init);
    };
    return f;
  }
  TINYKG_ASSIGN_OR_RETURN(state.sine_host, train::SineHostDevice::Create(sine));
  state.sine_server = std::make_unique<train::SineReptileServer>(sine, *state.sine_host);
  train::SineHostDevice* host = state.sine_host.get();
  train::SineReptileServer* server = state.sine_server.get();
  f.parameters = host->parameter_count();
  f.meta = [server] { return server->meta(); };
  f.next_round = [server, sine] {
    std::vector<std::pair<int, std::vector<float>>> out;
    for (const train::SineVisit& v : server->NextRound()) out.emplace_back(v.device, train::SineVisitSamples(sine, v));
    return out;
  };
  f.update = [server](const std::vector<std::vector<float>>& adapted) { return server->Update(adapted); };
  f.adapt = [host](std::span<const float> init, std::span<const float> samples, std::vector<float>* losses) {
    return host->Adapt(init, samples, losses);
  };
  f.evaluate = [host](std::span<const float> init, train::SineEvaluation& eval, train::TabularEvaluation&) {
    eval = host->Evaluate(init);
  };
  return f;
}

}  // namespace

Result<FleetResult> RunReptileFleet(std::span<const FleetDevice> devices, const FleetOptions& options,
                                    const std::string& work_dir,
                                    const std::function<void(const FleetRound&)>& on_round) {
  const auto start = std::chrono::steady_clock::now();
  const int n = static_cast<int>(devices.size());
  if (n < 1) return InvalidArgument("a fleet needs at least one device");
  if (options.rounds < 1) return InvalidArgument("--rounds must be at least 1");
  if (options.sine.method != train::Method::kReptile) return Unsupported("the fleet trains with reptile only");
  train::SineOptions sine = options.sine;
  sine.devices = n;
  sine.rounds = options.rounds * n;  // device visits
  sine.round_size = options.aggregation == FleetAggregation::kMean ? n : 1;
  if (sine.local_steps < 1 || sine.batch < 1 || sine.hidden < 1) {
    return InvalidArgument("inner steps, batch and hidden width must be positive");
  }

  FamilyState family_state;
  TINYKG_ASSIGN_OR_RETURN(Family family, MakeFamily(options, sine, family_state));
  FleetResult result;
  result.tabular = family_state.tabular != nullptr;
  result.parameters = family.parameters;
  family.evaluate(family.meta(), result.scratch, result.scratch_accuracy);
  if (result.tabular) {
    for (int d = 0; d < n; ++d) {
      result.window_rows.push_back(family_state.tabular->device_rows(d));
      result.window_positives.push_back(family_state.tabular->device_positives(d));
    }
  }

  // One image per distinct (target, limits); one folder per device.
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  if (ec) return IoError("cannot create " + work_dir + ": " + ec.message());
  std::vector<std::string> images(devices.size());
  std::vector<std::string> run_dirs(devices.size());
  if (!options.on_host) {
    std::map<std::tuple<std::string, std::uint64_t, std::uint64_t, std::uint64_t>, std::string> linked;
    for (std::size_t d = 0; d < devices.size(); ++d) {
      const FleetDevice& dev = devices[d];
      if (dev.target == nullptr) return InvalidArgument(dev.name + ": no emulated target");
      const auto key = std::make_tuple(std::string(dev.target->name), dev.limits.ram_bytes, dev.limits.flash_bytes,
                                       dev.limits.stack_bytes);
      if (!linked.contains(key)) {
        const std::string dir = work_dir + "/image-" + std::to_string(linked.size());
        Result<std::string> image = LinkFirmware(*dev.target, dev.limits, dir, options.run);
        if (!image.ok()) return image.status().WithContext(dev.name);
        linked[key] = *image;
      }
      images[d] = linked[key];
      run_dirs[d] = work_dir + "/device-" + std::to_string(d);
      fs::create_directories(run_dirs[d], ec);
      if (ec) return IoError("cannot create " + run_dirs[d] + ": " + ec.message());
    }
    result.toolchain = FleetToolchain(devices, work_dir);
    // The 0-step visit: boot and the weights in and out, without training.
    result.devices.resize(devices.size());
    std::vector<std::optional<Result<VisitOutput>>> base(devices.size());
    internal::ForEachBounded(devices.size(), options.run.jobs, [&](std::size_t d) {
      base[d] = RunVisit(devices[d], images[d], run_dirs[d], sine, family.shape, 0, family.meta(), {});
    });
    for (std::size_t d = 0; d < devices.size(); ++d) {
      if (!base[d]->ok()) return base[d]->status();
      result.devices[d].baseline_instructions = (*base[d])->instructions;
    }
  }

  std::vector<double> step_instructions(devices.size(), 0.0);
  std::vector<int> device_visits(devices.size(), 0);
  for (int r = 1; r <= options.rounds; ++r) {
    const auto round_start = std::chrono::steady_clock::now();
    FleetRound round;
    round.round = r;
    // Mean: one server round of n parallel visits. Sequential: n server
    // rounds of one visit each, in device order.
    for (int server_rounds = options.aggregation == FleetAggregation::kMean ? 1 : n; server_rounds > 0;
         --server_rounds) {
      const std::vector<std::pair<int, std::vector<float>>> visits = family.next_round();
      std::vector<std::optional<Result<VisitOutput>>> outputs(visits.size());
      if (options.on_host) {
        for (std::size_t i = 0; i < visits.size(); ++i) {
          VisitOutput out;
          Result<std::vector<float>> adapted = family.adapt(family.meta(), visits[i].second, &out.losses);
          if (adapted.ok()) out.params = std::move(*adapted);
          outputs[i] = adapted.ok() ? Result<VisitOutput>(std::move(out)) : Result<VisitOutput>(adapted.status());
        }
      } else {
        internal::ForEachBounded(visits.size(), options.run.jobs, [&](std::size_t i) {
          const auto d = static_cast<std::size_t>(visits[i].first);
          outputs[i] = RunVisit(devices[d], images[d], run_dirs[d], sine, family.shape, sine.local_steps,
                                family.meta(), visits[i].second);
        });
      }
      std::vector<std::vector<float>> adapted;
      for (std::size_t i = 0; i < visits.size(); ++i) {
        if (!outputs[i]->ok()) return outputs[i]->status();
        VisitOutput& out = **outputs[i];
        const auto d = static_cast<std::size_t>(visits[i].first);
        FleetVisit visit;
        visit.device = visits[i].first;
        visit.instructions = out.instructions;
        visit.losses = std::move(out.losses);
        if (!options.on_host) {
          FleetDeviceCost& cost = result.devices[d];
          visit.training_instructions = out.instructions - std::min(out.instructions, cost.baseline_instructions);
          step_instructions[d] += static_cast<double>(visit.training_instructions) / sine.local_steps;
          ++device_visits[d];
          cost.instructions_per_step = step_instructions[d] / device_visits[d];
          cost.static_ram_bytes = out.stats["static_ram"];
          cost.arena_high_water_bytes = std::max(cost.arena_high_water_bytes, out.stats["arena_high_water"]);
          cost.stack_high_water_bytes = std::max(cost.stack_high_water_bytes, out.stats["stack_high_water"]);
          cost.peak_ram_bytes = cost.static_ram_bytes + cost.arena_high_water_bytes + cost.stack_high_water_bytes;
        }
        round.visits.push_back(std::move(visit));
        adapted.push_back(std::move(out.params));
      }
      TINYKG_RETURN_IF_ERROR(family.update(adapted));
    }
    round.seconds = Seconds(round_start);
    family.evaluate(family.meta(), round.eval, round.accuracy);
    if (on_round) on_round(round);
    result.rounds.push_back(std::move(round));
  }
  result.seconds = Seconds(start);
  return result;
}

}  // namespace tinykg::emu
