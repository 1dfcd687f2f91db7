// A fleet of emulated microcontrollers meta-learning together: a federated
// server (train/federated_server.h: TinyReptile, FedAvg or TinyMetaFed) on
// the host over a task family (train/task_family.h: sine, a tabular dataset
// split over the devices, keyword speakers), every simulated device an
// emulated MCU under QEMU.
//
// Each round the server hands out visits (a device, the parameters it starts
// from, its task's samples). A visit is one QEMU process running firmware
// mode 3 (firmware/fleet_device.h): it receives the parameters and the
// samples through the semihosted sample file, runs K SGD steps with the
// engine, and returns its adapted weights as float bit patterns; the server
// updates from them. After every round the initialisation is meta-tested on
// the host (TaskFamily::Evaluate), and so is the random initialisation it
// started from: training from scratch.
#ifndef TINYKG_EMU_FLEET_H_
#define TINYKG_EMU_FLEET_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/train/federated_server.h"
#include "tinykg/train/method.h"
#include "tinykg/train/task_family.h"

namespace tinykg::emu {

// One simulated device: the knowledge-graph device it stands for (several
// simulated devices may copy one), the target for its core, and its limits.
struct FleetDevice {
  std::string name;                // "Arduino-Nano-BLE-33_1", "... #2" for a further copy
  std::string template_iri;        // the device in the graph
  const Target* target = nullptr;  // static storage (Targets())
  DeviceLimits limits;
};

enum class FleetAggregation {
  kMean,        // a round: every device adapts from the same initialisation, in
                // parallel; the server moves towards the mean of their weights
  kSequential,  // TinyReptile as published: one device at a time, each from the
                // initialisation the previous visit left (no parallelism)
};

struct FleetOptions {
  train::Method method = train::Method::kReptile;  // reptile, fedavg or tinymetafed
  int rounds = 3;                                  // every device is visited once per round
  FleetAggregation aggregation = FleetAggregation::kMean;  // reptile, tinymetafed
  float meta_learning_rate = 1.0f;  // annealed linearly to 0 over the run
  double top_p = 1.0;               // tinymetafed
  bool local_head = true;           // tinymetafed
  std::uint64_t seed = 1;
  // The device steps run in this process on the host engine instead of under
  // QEMU (same server, same samples): the reference the emulated run is
  // compared with. No instruction counts then.
  bool on_host = false;
  RunOptions run;  // firmware cache; jobs bounds the parallel QEMU processes (0: cores)
};

// One device visit of one round.
struct FleetVisit {
  int device = 0;                           // index into the devices
  std::uint64_t instructions = 0;           // the whole QEMU run: boot, transfer in and out, K steps
  std::uint64_t training_instructions = 0;  // instructions minus the device's 0-step run
  std::vector<float> losses;                // mean batch loss of each local step, from the MCU
};

struct FleetRound {
  int round = 0;          // 1-based
  train::MetaTest test;   // the meta-initialisation after this round
  train::Traffic traffic;  // bytes sent so far (whole run up to this round)
  std::vector<FleetVisit> visits;
  double seconds = 0;  // wall time of the round's visits
};

// Per simulated device: memory and the cost of the transfers alone.
struct FleetDeviceCost {
  std::uint64_t baseline_instructions = 0;  // a visit with 0 steps (boot, weights in and out)
  double instructions_per_step = 0;         // mean over its visits of (visit - baseline) / K
  std::uint64_t static_ram_bytes = 0;
  std::uint64_t arena_high_water_bytes = 0;
  std::uint64_t stack_high_water_bytes = 0;
  std::uint64_t peak_ram_bytes = 0;  // static + arena + stack high-water marks
};

struct FleetResult {
  train::MetaTest scratch;  // the random initialisation the run starts from
  std::vector<FleetRound> rounds;
  std::vector<FleetDeviceCost> devices;  // empty when on_host
  std::size_t parameters = 0;
  std::string toolchain;  // cross compilers and versions: "riscv64-unknown-elf-gcc 12.2.0"; empty on the host
  double seconds = 0;
};

// Runs `options.rounds` rounds over `devices` (at least one, as many as
// `family.devices()`; device d of the family runs on devices[d]). `work_dir`
// (created if missing) gets one folder per linked image and per device;
// the caller removes it. `on_round` (may be empty) is called after each
// round, e.g. for progress. Errors: the first failing visit's, e.g.
// InvalidData "does not fit" when a device's RAM does not hold the network,
// Unsupported when the cross tools or QEMU are missing or the family's
// network is not the firmware's (TaskFamily::FirmwareTask).
Result<FleetResult> RunFleet(std::span<const FleetDevice> devices, train::TaskFamily& family,
                             const FleetOptions& options, const std::string& work_dir,
                             const std::function<void(const FleetRound&)>& on_round = {});

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_FLEET_H_
