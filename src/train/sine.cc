#include "tinykg/train/sine.h"

#include <algorithm>
#include <array>

#include "host_device.h"
#include "tinykg/engine/loss.h"

namespace tinykg::train {

using internal::HostDevice;

std::vector<SineTaskDistribution> SineDeviceDistributions(int devices) {
  std::vector<SineTaskDistribution> distributions(static_cast<std::size_t>(std::max(0, devices)));
  for (int d = 0; d < devices; ++d) {
    SineTaskDistribution& dist = distributions[static_cast<std::size_t>(d)];
    const float width = 3.14159265f / static_cast<float>(devices);
    dist.phase_min = width * static_cast<float>(d);
    dist.phase_max = width * static_cast<float>(d + 1);
  }
  return distributions;
}

struct SineFamily::State {
  HostDevice device{1 << 20};
  std::vector<SineTaskDistribution> distributions;
};

SineFamily::SineFamily(const SineOptions& options, std::unique_ptr<State> state)
    : options_(options), state_(std::move(state)) {}
SineFamily::~SineFamily() = default;

Result<std::unique_ptr<SineFamily>> SineFamily::Create(const SineOptions& options) {
  if (options.hidden < 1) return InvalidArgument("the sine network needs a hidden width of at least 1");
  if (options.devices < 1 || options.local_steps < 0 || options.batch < 1 || options.shots < 1) {
    return InvalidArgument("devices, batch and shots must be positive");
  }
  auto state = std::make_unique<State>();
  state->distributions = SineDeviceDistributions(options.devices);
  const std::array layers{engine::LayerSpec::Dense(options.hidden, engine::Activation::kTanh),
                          engine::LayerSpec::Dense(options.hidden, engine::Activation::kTanh),
                          engine::LayerSpec::Dense(1)};
  const engine::OptimizerConfig sgd{engine::OptimizerKind::kSgd, options.inner_learning_rate};
  TINYKG_RETURN_IF_ERROR(state->device.Build(engine::Shape{1}, layers, sgd));
  return std::unique_ptr<SineFamily>(new SineFamily(options, std::move(state)));
}

std::size_t SineFamily::parameter_count() const { return state_->device.net.parameters().size(); }
std::size_t SineFamily::head_parameter_count() const { return static_cast<std::size_t>(options_.hidden) + 1; }

std::vector<float> SineFamily::Initialize(engine::Pcg32& rng) {
  state_->device.net.Initialize(rng);
  return state_->device.Parameters();
}

std::vector<float> SineFamily::VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const {
  const SineTaskDistribution dist = device >= 0 && device < options_.devices
                                        ? state_->distributions[static_cast<std::size_t>(device)]
                                        : SineTaskDistribution{};
  // The order of the draws is the one the published figures were made with.
  const std::uint64_t seed = rng.NextU32();
  const SineTask task = dist.Sample(rng);
  SineStream stream(dist, task, seed, kind == VisitKind::kMixture);
  const std::size_t pairs = static_cast<std::size_t>(std::max(0, options_.local_steps)) *
                            static_cast<std::size_t>(options_.batch);
  std::vector<float> samples(2 * pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    (void)stream.Next(std::span<float>(&samples[2 * i], 1), std::span<float>(&samples[2 * i + 1], 1));
  }
  return samples;
}

Result<std::vector<float>> SineFamily::Adapt(std::span<const float> init, std::span<const float> samples,
                                             std::vector<float>* losses) {
  HostDevice& device = state_->device;
  if (init.size() != parameter_count()) return InvalidArgument("initialisation size mismatch");
  device.Load(init);
  std::vector<float> xs(samples.size() / 2), ys(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    xs[i] = samples[2 * i];
    ys[i] = samples[2 * i + 1];
  }
  if (xs.empty() && options_.local_steps > 0) return InvalidArgument("a visit needs samples");
  FixedStream stream(std::move(xs), std::move(ys), 1, 1);
  return internal::TrainLocally(device, stream, options_.local_steps, options_.batch, engine::LossKind::kMse,
                                options_.max_gradient_norm, losses);
}

MetaTest SineFamily::Evaluate(std::span<const float> init) {
  HostDevice& device = state_->device;
  const SineTaskDistribution family;
  engine::Pcg32 eval_rng(options_.server.seed ^ 0x5eed5eedULL);
  const int max_steps =
      options_.eval_steps.empty() ? 0 : *std::max_element(options_.eval_steps.begin(), options_.eval_steps.end());
  MetaTest result;
  result.metric = "mse";
  result.steps = options_.eval_steps;
  result.after.assign(options_.eval_steps.size(), 0.0);
  constexpr int kQueryPoints = 50;
  auto query_mse = [&](const SineTask& task) {
    double sum = 0;
    for (int q = 0; q < kQueryPoints; ++q) {
      const float x = -5.0f + 10.0f * static_cast<float>(q) / static_cast<float>(kQueryPoints - 1);
      const float e = device.net.Forward(std::span<const float>(&x, 1))[0] - task.Value(x);
      sum += static_cast<double>(e) * e;
    }
    return sum / kQueryPoints;
  };
  for (int t = 0; t < options_.eval_tasks; ++t) {
    const SineTask task = family.Sample(eval_rng);
    std::vector<float> xs(static_cast<std::size_t>(options_.shots)), ys(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      xs[i] = eval_rng.Uniform(family.x_min, family.x_max);
      ys[i] = task.Value(xs[i]);
    }
    FixedStream support(xs, ys, 1, 1);
    device.Load(init);
    result.before += query_mse(task);
    for (int s = 1; s <= max_steps; ++s) {
      (void)engine::TrainSteps(device.net, device.optimizer, support, engine::LossKind::kMse, 1, options_.shots,
                               device.arena, nullptr, options_.max_gradient_norm);
      for (std::size_t i = 0; i < options_.eval_steps.size(); ++i) {
        if (options_.eval_steps[i] == s) result.after[i] += query_mse(task);
      }
    }
  }
  if (options_.eval_tasks > 0) {
    result.before /= options_.eval_tasks;
    for (double& m : result.after) m /= options_.eval_tasks;
  }
  return result;
}

engine::MemoryReport SineFamily::Memory() const { return state_->device.Memory(); }

Result<FirmwareNetworkTask> SineFamily::FirmwareTask() const {
  return FirmwareNetworkTask{1, 1, options_.hidden, options_.local_steps, options_.batch,
                           options_.inner_learning_rate, options_.max_gradient_norm};
}

Result<FederatedResult> RunSine(const SineOptions& options) {
  if (options.method == Method::kOnline) {
    return InvalidArgument("the sine benchmark runs reptile, fedavg, tinymetafed or scratch");
  }
  if (options.local_steps < 1) return InvalidArgument("local steps must be positive");
  TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<SineFamily> family, SineFamily::Create(options));
  return RunFederated(*family, options.method, options.server);
}

}  // namespace tinykg::train
