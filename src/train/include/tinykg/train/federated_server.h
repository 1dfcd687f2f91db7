// The federated servers of the meta-learning experiments, one per method,
// each serving every TaskFamily (task_family.h):
//  - Reptile (TinyReptile, Ren et al.): visits go round-robin over the
//    devices; a device adapts the meta-initialisation phi to one task of its
//    own and the server moves phi towards the adapted parameters (towards
//    their mean when a round has several visits): phi += eps (theta - phi),
//    eps annealed linearly to 0 over the run.
//  - FedAvg: rounds of every device, each training on its data as a whole
//    (VisitKind::kMixture); phi becomes the round's mean.
//  - TinyMetaFed (Ren et al., 2023): Reptile's update with (a) partial
//    local reconstruction: the output layer (TaskFamily::head_parameter_count)
//    stays on the device, never sent; each device keeps and re-trains its own;
//    (b) top-P % selective communication both ways: a device keeps the copy
//    of phi's global part it last received; the server sends only the P % of
//    entries where phi differs most from that copy, the device sends only
//    the P % of entries its training changed most plus what it could not
//    send before (error feedback, kept on the device). The server keeps the
//    devices' copies to know what they hold, and steps phi along the
//    changes it received: phi += eps * mean(sent changes).
// Every server counts the bytes it sends and receives (Traffic): a dense
// vector is 4 B per float; a sparse one the smallest of dense, (index,
// value) pairs (2 B indices while the global part has at most 65,536
// entries, else 4 B) and a bitmap of the global part followed by the values.
// A device's first download is always the whole dense vector.
// The devices' own TinyMetaFed state (copy, head, error feedback) is kept
// by the server object on their behalf: the simulation's bookkeeping, not
// bytes sent.
#ifndef TINYKG_TRAIN_FEDERATED_SERVER_H_
#define TINYKG_TRAIN_FEDERATED_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/train/method.h"
#include "tinykg/train/task_family.h"

namespace tinykg::train {

struct ServerOptions {
  int visits = 3000;      // device visits in all (FedAvg: rounded down to whole rounds)
  int round_size = 1;     // Reptile / TinyMetaFed: visits per server update (1: sequential)
  float meta_learning_rate = 1.0f;  // eps of Reptile / TinyMetaFed, annealed linearly to 0
  double top_p = 1.0;     // TinyMetaFed: fraction of the global parameters sent each way, (0, 1]
  bool local_head = true;  // TinyMetaFed: the output layer is reconstructed on the device
  std::uint64_t seed = 1;  // the initialisation and every visit's data
};

// Bytes between server and devices, summed over the run.
struct Traffic {
  std::uint64_t down_bytes = 0;  // server -> devices
  std::uint64_t up_bytes = 0;    // devices -> server
  std::uint64_t visits = 0;
  std::uint64_t total() const { return down_bytes + up_bytes; }
};

// One device visit: where it starts and what it trains on.
struct DeviceVisit {
  int device = 0;
  std::vector<float> init;     // parameter_count() floats, as the device holds them
  std::vector<float> samples;  // TaskFamily::VisitSamples
};

class FederatedServer {
 public:
  virtual ~FederatedServer() = default;
  // The initialisation a new device would start from (what is meta-tested).
  std::span<const float> meta() const { return meta_; }
  bool done() const { return visits_ >= options_.visits; }
  int visits() const { return visits_; }
  // The next round's visits (empty when done). The family's VisitSamples
  // draw from the server's random stream, so the run is one sequence.
  virtual std::vector<DeviceVisit> NextRound() = 0;
  // The adapted parameters, one vector per visit of the last NextRound in
  // order. kInvalidArgument on a count or size mismatch.
  virtual Status Update(const std::vector<std::vector<float>>& adapted) = 0;
  const Traffic& traffic() const { return traffic_; }
  // Memory the server keeps (floats of the initialisation, averages, the
  // devices' copies).
  virtual std::size_t state_bytes() const = 0;

 protected:
  FederatedServer(TaskFamily& family, const ServerOptions& options);
  // eps for the update after visit number visits_ (annealed to 0).
  float AnnealedStep() const;
  // The next `size` visits (fewer at the end), round-robin over the devices,
  // with their samples; sets pending_ and pending_devices_.
  std::vector<DeviceVisit> DrawRound(int size, VisitKind kind);
  // Every visit starts from the whole initialisation, counted as sent.
  void SendWhole(std::vector<DeviceVisit>& round);
  TaskFamily& family_;
  ServerOptions options_;
  engine::Pcg32 rng_;
  std::vector<float> meta_;
  int visits_ = 0;
  std::size_t pending_ = 0;                // visits of the last round not yet updated
  std::vector<int> pending_devices_;       // their devices
  Traffic traffic_;
};

// The server of `method` (reptile, fedavg, tinymetafed) over `family`,
// starting from the family's initialisation drawn from Pcg32(options.seed).
// kInvalidArgument for another method or options out of range.
Result<std::unique_ptr<FederatedServer>> MakeServer(Method method, TaskFamily& family, const ServerOptions& options);

// phi += eps * (mean of `adapted` - phi) over meta's first `count` entries
// (all when count exceeds meta). kInvalidArgument when `adapted` is empty or
// a vector's size differs from meta's.
Status ReptileMeanStep(std::vector<float>& meta, const std::vector<std::vector<float>>& adapted, float eps,
                       std::size_t count = static_cast<std::size_t>(-1));

// A whole run on the host: the server of `method` over `family` with the
// family's host device adapting every visit, then the meta-test of the
// result; kScratch meta-tests the random initialisation.
struct FederatedResult {
  Method method = Method::kReptile;
  MetaTest test;
  std::vector<float> meta;        // the initialisation that was meta-tested
  std::int64_t device_steps = 0;  // optimizer steps over all visits
  Traffic traffic;
  engine::MemoryReport memory;    // one device's training state
  std::size_t server_bytes = 0;
  std::uint64_t seed = 0;
  double seconds = 0.0;
};
Result<FederatedResult> RunFederated(TaskFamily& family, Method method, const ServerOptions& options);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_FEDERATED_SERVER_H_
