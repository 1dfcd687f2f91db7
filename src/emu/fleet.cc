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
Status WriteVisitStream(const train::FirmwareNetworkTask& o, int steps, std::span<const float> init,
                        std::span<const float> samples, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  auto put = [&](std::span<const float> values, std::int32_t label) {
    out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size_bytes()));
    out.write(reinterpret_cast<const char*>(&label), sizeof label);
  };
  const float config[8] = {static_cast<float>(o.inputs), static_cast<float>(o.outputs), static_cast<float>(o.hidden),
                           static_cast<float>(steps),
                           static_cast<float>(o.batch), o.learning_rate, o.max_gradient_norm,
                           kReptileVisitMode};
  put(config, -2);
  const float network[7] = {static_cast<float>(o.hidden_layers), o.cross_entropy ? 1.0f : 0.0f,
                            static_cast<float>(o.image_size),    static_cast<float>(o.conv_layers),
                            static_cast<float>(o.channels),      o.normalize ? 1.0f : 0.0f,
                            o.zero_head ? 1.0f : 0.0f};
  put(network, -4);
  put(init, -3);
  const auto record = static_cast<std::size_t>(o.record_floats());
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
                             const train::FirmwareNetworkTask& o, int steps, std::span<const float> init,
                             std::span<const float> samples) {
  TINYKG_RETURN_IF_ERROR(WriteVisitStream(o, steps, init, samples, run_dir + "/tinykg-samples.bin"));
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

}  // namespace

Result<FleetResult> RunFleet(std::span<const FleetDevice> devices, train::TaskFamily& family,
                             const FleetOptions& options, const std::string& work_dir,
                             const std::function<void(const FleetRound&)>& on_round) {
  const auto start = std::chrono::steady_clock::now();
  const int n = static_cast<int>(devices.size());
  if (n < 1) return InvalidArgument("a fleet needs at least one device");
  if (family.devices() != n) {
    return InvalidArgument("the task family has " + std::to_string(family.devices()) + " devices, the fleet " +
                           std::to_string(n));
  }
  if (options.rounds < 1) return InvalidArgument("--rounds must be at least 1");
  TINYKG_ASSIGN_OR_RETURN(const train::FirmwareNetworkTask task, family.FirmwareTask());
  if (task.local_steps < 1 || task.batch < 1 || (task.hidden_layers > 0 && task.hidden < 1)) {
    return InvalidArgument("inner steps, batch and hidden width must be positive");
  }
  if (task.image_size > 0 && (task.hidden_layers != 0 || task.conv_layers < 1 || task.conv_layers > 6 ||
                              task.channels < 1 || task.inputs != task.image_size * task.image_size)) {
    return InvalidArgument("a convolutional firmware network needs 1-6 conv layers, channels and no hidden layers");
  }
  train::ServerOptions server_options;
  server_options.visits = options.rounds * n;
  server_options.round_size = options.aggregation == FleetAggregation::kMean ? n : 1;
  server_options.meta_learning_rate = options.meta_learning_rate;
  server_options.top_p = options.top_p;
  server_options.local_head = options.local_head;
  server_options.seed = options.seed;
  TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<train::FederatedServer> server,
                          train::MakeServer(options.method, family, server_options));

  FleetResult result;
  result.parameters = family.parameter_count();
  result.scratch = family.Evaluate(server->meta());

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
      base[d] = RunVisit(devices[d], images[d], run_dirs[d], task, 0, server->meta(), {});
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
    // Every device once: one server round of n parallel visits (mean,
    // FedAvg), or n server rounds of one visit each, in device order.
    for (int visited = 0; visited < n && !server->done();) {
      const std::vector<train::DeviceVisit> visits = server->NextRound();
      if (visits.empty()) break;
      visited += static_cast<int>(visits.size());
      std::vector<std::optional<Result<VisitOutput>>> outputs(visits.size());
      if (options.on_host) {
        for (std::size_t i = 0; i < visits.size(); ++i) {
          VisitOutput out;
          Result<std::vector<float>> adapted = family.Adapt(visits[i].init, visits[i].samples, &out.losses);
          if (adapted.ok()) out.params = std::move(*adapted);
          outputs[i] = adapted.ok() ? Result<VisitOutput>(std::move(out)) : Result<VisitOutput>(adapted.status());
        }
      } else {
        internal::ForEachBounded(visits.size(), options.run.jobs, [&](std::size_t i) {
          const auto d = static_cast<std::size_t>(visits[i].device);
          outputs[i] =
              RunVisit(devices[d], images[d], run_dirs[d], task, task.local_steps, visits[i].init, visits[i].samples);
        });
      }
      std::vector<std::vector<float>> adapted;
      for (std::size_t i = 0; i < visits.size(); ++i) {
        if (!outputs[i]->ok()) return outputs[i]->status();
        VisitOutput& out = **outputs[i];
        const auto d = static_cast<std::size_t>(visits[i].device);
        FleetVisit visit;
        visit.device = visits[i].device;
        visit.instructions = out.instructions;
        visit.losses = std::move(out.losses);
        if (!options.on_host) {
          FleetDeviceCost& cost = result.devices[d];
          visit.training_instructions = out.instructions - std::min(out.instructions, cost.baseline_instructions);
          step_instructions[d] += static_cast<double>(visit.training_instructions) / task.local_steps;
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
      TINYKG_RETURN_IF_ERROR(server->Update(adapted));
    }
    round.seconds = Seconds(round_start);
    round.test = family.Evaluate(server->meta());
    round.traffic = server->traffic();
    if (on_round) on_round(round);
    result.rounds.push_back(std::move(round));
  }
  result.seconds = Seconds(start);
  return result;
}

}  // namespace tinykg::emu
