// A fleet of emulated microcontrollers meta-learning together: TinyReptile
// (federated Reptile) with the server on the host and every simulated device
// an emulated MCU under QEMU.
//
// The server is train::SineReptileServer (the one `tinykg train --data sine
// --method reptile` uses), or train::TabularReptile for a real dataset split
// over the devices: it holds the meta-initialisation, gives each
// device a new task of its own task distribution per round, and moves the
// initialisation towards the adapted weights, theta += eps * (phi - theta).
// A device visit is one QEMU process running firmware mode 3
// (firmware/fleet_device.h): it receives the current initialisation and its
// task's samples through the semihosted sample file, runs K SGD steps with
// the engine, and returns its adapted weights as float bit patterns.
// After every round the initialisation is meta-tested on the host (new
// tasks, a few adaptation steps; train::SineHostDevice::Evaluate), and so is
// the random initialisation it started from: training from scratch.
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
#include "tinykg/train/experiments.h"

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
  // The network (hidden), local steps K (local_steps), batch, inner learning
  // rate, gradient clipping, meta learning rate (annealed linearly to 0 over
  // the run), evaluation (shots, eval_tasks, eval_steps) and seed. devices,
  // rounds and round_size are set from the fleet; method must be kReptile.
  train::SineOptions sine;
  // A real-data task family instead of the sine one (tinykg fleet train
  // --data FILE): when both are set (not owned; they must outlive the call)
  // the fleet runs train::TabularReptile on them, with sine's local_steps,
  // batch, inner and meta learning rates, clipping, hidden, shots,
  // eval_tasks, eval_steps and seed, and meta-tests accuracy on windows of
  // `tabular_eval`.
  const train::Dataset* tabular_train = nullptr;
  const train::Dataset* tabular_eval = nullptr;
  int rounds = 3;
  FleetAggregation aggregation = FleetAggregation::kMean;
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
  int round = 0;                      // 1-based
  train::SineEvaluation eval;         // the meta-initialisation after this round (sine)
  train::TabularEvaluation accuracy;  // the same with tabular data
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
  bool tabular = false;           // the tabular family ran: accuracy fields, not eval
  train::SineEvaluation scratch;  // the random initialisation the run starts from
  train::TabularEvaluation scratch_accuracy;
  std::vector<std::size_t> window_rows, window_positives;  // tabular: per device, its window of the data
  std::vector<FleetRound> rounds;
  std::vector<FleetDeviceCost> devices;  // empty when on_host
  std::size_t parameters = 0;
  std::string toolchain;  // cross compilers and versions: "riscv64-unknown-elf-gcc 12.2.0"; empty on the host
  double seconds = 0;
};

// Runs `options.rounds` rounds over `devices` (at least one). `work_dir`
// (created if missing) gets one folder per linked image and per device;
// the caller removes it. `on_round` (may be empty) is called after each
// round, e.g. for progress. Errors: the first failing visit's, e.g.
// InvalidData "does not fit" when a device's RAM does not hold the network,
// Unsupported when the cross tools or QEMU are missing.
Result<FleetResult> RunReptileFleet(std::span<const FleetDevice> devices, const FleetOptions& options,
                                    const std::string& work_dir,
                                    const std::function<void(const FleetRound&)>& on_round = {});

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_FLEET_H_
