#include "tinykg/train/federated_server.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/federated.h"

namespace tinykg::train {
namespace {

constexpr std::uint64_t kFloatBytes = 4;

// Bytes of `k` of `n` entries in the smallest of three encodings: dense,
// (index, value) pairs, or a bitmap of the n entries followed by the k values.
std::uint64_t SparseBytes(std::size_t k, std::size_t n) {
  const std::uint64_t index = n <= 65536 ? 2 : 4;
  return std::min({std::uint64_t{n} * kFloatBytes, std::uint64_t{k} * (index + kFloatBytes),
                   (std::uint64_t{n} + 7) / 8 + std::uint64_t{k} * kFloatBytes});
}

// The indices of the `k` largest |delta[i]|, ties by lower index.
std::vector<std::size_t> TopK(std::span<const float> delta, std::size_t k) {
  std::vector<std::size_t> order(delta.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  k = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      const float fa = std::fabs(delta[a]), fb = std::fabs(delta[b]);
                      return fa != fb ? fa > fb : a < b;
                    });
  order.resize(k);
  return order;
}

class ReptileServer final : public FederatedServer {
 public:
  ReptileServer(TaskFamily& family, const ServerOptions& options) : FederatedServer(family, options) {}

  std::vector<DeviceVisit> NextRound() override {
    std::vector<DeviceVisit> round = DrawRound(options_.round_size, VisitKind::kTask);
    SendWhole(round);
    return round;
  }

  Status Update(const std::vector<std::vector<float>>& adapted) override {
    if (adapted.size() != pending_) return InvalidArgument("one adapted vector per visit expected");
    pending_ = 0;
    for (const auto& a : adapted) traffic_.up_bytes += a.size() * kFloatBytes;
    traffic_.visits += adapted.size();
    return ReptileMeanStep(meta_, adapted, AnnealedStep());
  }

  std::size_t state_bytes() const override {
    return meta_.size() * sizeof(float) * (options_.round_size > 1 ? 2 : 1);
  }
};

class FedAvgServer final : public FederatedServer {
 public:
  FedAvgServer(TaskFamily& family, const ServerOptions& options) : FederatedServer(family, options) {
    const int devices = family_.devices();
    options_.visits = std::max(1, options_.visits / devices) * devices;
    memory_.resize(meta_.size() * sizeof(float) + 64);
    engine::Arena arena(memory_);
    (void)averager_.Init(meta_.size(), arena);  // sized above: cannot fail
  }

  // Every device once (visits is a whole number of rounds: device d = visit % devices).
  std::vector<DeviceVisit> NextRound() override {
    std::vector<DeviceVisit> round = DrawRound(family_.devices(), VisitKind::kMixture);
    SendWhole(round);
    return round;
  }

  Status Update(const std::vector<std::vector<float>>& adapted) override {
    if (adapted.size() != pending_ || adapted.empty()) return InvalidArgument("one adapted vector per visit expected");
    pending_ = 0;
    averager_.Reset();
    for (const auto& a : adapted) {
      if (a.size() != meta_.size()) return InvalidArgument("adapted parameters have the wrong size");
      averager_.Add(a);
      traffic_.up_bytes += a.size() * kFloatBytes;
    }
    traffic_.visits += adapted.size();
    (void)averager_.Mean(meta_);
    return Status::Ok();
  }

  std::size_t state_bytes() const override { return meta_.size() * sizeof(float) + averager_.state_bytes(); }

 private:
  std::vector<std::byte> memory_;
  engine::ParameterAverager averager_;
};

class TinyMetaFedServer final : public FederatedServer {
 public:
  TinyMetaFedServer(TaskFamily& family, const ServerOptions& options) : FederatedServer(family, options) {
    const std::size_t head = options_.local_head ? std::min(family_.head_parameter_count(), meta_.size()) : 0;
    global_ = meta_.size() - head;
    keep_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(options_.top_p * static_cast<double>(global_))));
    copies_.resize(static_cast<std::size_t>(family_.devices()));
    residuals_.resize(copies_.size());
  }

  std::vector<DeviceVisit> NextRound() override {
    std::vector<DeviceVisit> round = DrawRound(options_.round_size, VisitKind::kTask);
    for (DeviceVisit& v : round) {
      std::vector<float>& copy = copies_[static_cast<std::size_t>(v.device)];
      if (copy.empty()) {
        // First visit: the whole initialisation, the head included (the
        // device's local head starts from it).
        copy = meta_;
        traffic_.down_bytes += meta_.size() * kFloatBytes;
      } else {
        std::vector<float> delta(global_);
        for (std::size_t i = 0; i < global_; ++i) delta[i] = meta_[i] - copy[i];
        for (std::size_t i : TopK(delta, keep_)) copy[i] = meta_[i];
        traffic_.down_bytes += SparseBytes(keep_, global_);
      }
      v.init = copy;
    }
    return round;
  }

  Status Update(const std::vector<std::vector<float>>& adapted) override {
    if (adapted.size() != pending_) return InvalidArgument("one adapted vector per visit expected");
    pending_ = 0;
    // phi += eps * mean of the changes the devices sent (the entries they
    // did not send count as unchanged, not as their stale copies).
    std::vector<std::vector<float>> received;
    for (std::size_t v = 0; v < adapted.size(); ++v) {
      if (adapted[v].size() != meta_.size()) return InvalidArgument("adapted parameters have the wrong size");
      const auto d = static_cast<std::size_t>(pending_devices_[v]);
      std::vector<float>& copy = copies_[d];
      std::vector<float>& residual = residuals_[d];
      if (residual.empty()) residual.assign(global_, 0.0f);
      // The device's change plus what it could not send last time.
      std::vector<float> delta(global_);
      for (std::size_t i = 0; i < global_; ++i) delta[i] = adapted[v][i] - copy[i] + residual[i];
      std::vector<float> theta(meta_.begin(), meta_.end());
      residual = delta;
      for (std::size_t i : TopK(delta, keep_)) {
        theta[i] += delta[i];
        residual[i] = 0.0f;
      }
      traffic_.up_bytes += SparseBytes(keep_, global_);
      // The head stays on the device, as trained.
      std::copy(adapted[v].begin() + static_cast<std::ptrdiff_t>(global_), adapted[v].end(),
                copy.begin() + static_cast<std::ptrdiff_t>(global_));
      received.push_back(std::move(theta));
    }
    traffic_.visits += adapted.size();
    return ReptileMeanStep(meta_, received, AnnealedStep(), global_);
  }

  // phi, and per device its copy (the server's record of what it holds).
  std::size_t state_bytes() const override {
    std::size_t bytes = meta_.size() * sizeof(float);
    for (const auto& c : copies_) bytes += global_ * sizeof(float) * (c.empty() ? 0 : 1);
    return bytes;
  }

 private:
  std::size_t global_ = 0;  // leading parameters shared through the server
  std::size_t keep_ = 0;    // entries sent per direction and visit
  std::vector<std::vector<float>> copies_;  // per device: what it holds
  // Per device, kept on the device (simulated here): the part of its
  // changes not sent yet (error feedback), added to the next visit's.
  std::vector<std::vector<float>> residuals_;
};

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

FederatedServer::FederatedServer(TaskFamily& family, const ServerOptions& options)
    : family_(family), options_(options), rng_(options.seed) {
  meta_ = family_.Initialize(rng_);
}

std::vector<DeviceVisit> FederatedServer::DrawRound(int size, VisitKind kind) {
  std::vector<DeviceVisit> round;
  pending_devices_.clear();
  while (static_cast<int>(round.size()) < std::max(1, size) && !done()) {
    DeviceVisit v;
    v.device = visits_ % family_.devices();
    v.samples = family_.VisitSamples(v.device, kind, rng_);
    pending_devices_.push_back(v.device);
    round.push_back(std::move(v));
    ++visits_;
  }
  pending_ = round.size();
  return round;
}

void FederatedServer::SendWhole(std::vector<DeviceVisit>& round) {
  for (DeviceVisit& v : round) {
    v.init = meta_;
    traffic_.down_bytes += meta_.size() * kFloatBytes;
  }
}

float FederatedServer::AnnealedStep() const {
  return options_.meta_learning_rate *
         (1.0f - static_cast<float>(visits_ - 1) / static_cast<float>(std::max(1, options_.visits)));
}

Result<std::unique_ptr<FederatedServer>> MakeServer(Method method, TaskFamily& family, const ServerOptions& options) {
  if (family.devices() < 1) return InvalidArgument("a federated run needs at least one device");
  if (options.visits < 1) return InvalidArgument("a federated run needs at least one device visit");
  switch (method) {
    case Method::kReptile: return std::unique_ptr<FederatedServer>(new ReptileServer(family, options));
    case Method::kFedAvg: return std::unique_ptr<FederatedServer>(new FedAvgServer(family, options));
    case Method::kTinyMetaFed:
      if (!(options.top_p > 0.0 && options.top_p <= 1.0)) {
        return InvalidArgument("TinyMetaFed's top-P must be in (0, 100] %");
      }
      return std::unique_ptr<FederatedServer>(new TinyMetaFedServer(family, options));
    default: break;
  }
  return InvalidArgument(std::string("no federated server for method ") + MethodName(method) +
                         " (reptile, fedavg, tinymetafed)");
}

Status ReptileMeanStep(std::vector<float>& meta, const std::vector<std::vector<float>>& adapted, float eps,
                       std::size_t count) {
  if (adapted.empty()) return InvalidArgument("one adapted vector per visit expected");
  for (const std::vector<float>& a : adapted) {
    if (a.size() != meta.size()) return InvalidArgument("adapted parameters have the wrong size");
  }
  count = std::min(count, meta.size());
  const std::span<float> part(meta.data(), count);
  if (adapted.size() == 1) {
    engine::ReptileUpdate(part, std::span<const float>(adapted[0].data(), count), eps);
    return Status::Ok();
  }
  engine::ParameterAverager averager;
  std::vector<std::byte> memory(count * sizeof(float) + 64);
  engine::Arena arena(memory);
  if (averager.Init(count, arena) != engine::Status::kOk) return Internal("server arena too small");
  for (const std::vector<float>& a : adapted) averager.Add(std::span<const float>(a.data(), count));
  std::vector<float> mean(count);
  (void)averager.Mean(mean);
  engine::ReptileUpdate(part, mean, eps);
  return Status::Ok();
}

Result<FederatedResult> RunFederated(TaskFamily& family, Method method, const ServerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  FederatedResult result;
  result.method = method;
  result.seed = options.seed;
  std::vector<float> meta;
  if (method == Method::kScratch) {
    engine::Pcg32 rng(options.seed);
    meta = family.Initialize(rng);
    result.server_bytes = meta.size() * sizeof(float);
  } else {
    TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<FederatedServer> server, MakeServer(method, family, options));
    while (!server->done()) {
      std::vector<DeviceVisit> round = server->NextRound();
      std::vector<std::vector<float>> adapted;
      for (const DeviceVisit& v : round) {
        TINYKG_ASSIGN_OR_RETURN(std::vector<float> a, family.Adapt(v.init, v.samples, nullptr));
        adapted.push_back(std::move(a));
        result.device_steps += family.local_steps();
      }
      TINYKG_RETURN_IF_ERROR(server->Update(adapted));
    }
    meta.assign(server->meta().begin(), server->meta().end());
    result.traffic = server->traffic();
    result.server_bytes = server->state_bytes();
  }
  result.test = family.Evaluate(meta);
  result.meta = std::move(meta);
  result.memory = family.Memory();
  result.seconds = Seconds(start);
  return result;
}

}  // namespace tinykg::train
