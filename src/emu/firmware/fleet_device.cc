#include "fleet_device.h"

#include <cstddef>
#include <new>
#include <span>

#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/platform.h"
#include "tinykg/engine/trainer.h"

extern "C" std::uint32_t StackHighWater();

namespace tinykg::emu_firmware {
namespace {

using namespace tinykg::engine;

// The visit's samples as they arrive through the platform's sample stream,
// one record (inputs, then targets) read into `record` (arena memory).
class PlatformStream final : public SampleStream {
 public:
  PlatformStream(std::span<float> record, std::size_t inputs) : record_(record), inputs_(inputs) {}
  Status Next(std::span<float> input, std::span<float> target) override {
    std::int32_t label = 0;
    const Status s = PlatformReadSample(record_, &label);
    if (s != Status::kOk) return s;
    for (std::size_t i = 0; i < inputs_; ++i) input[i] = record_[i];
    for (std::size_t i = inputs_; i < record_.size(); ++i) target[i - inputs_] = record_[i];
    return Status::kOk;
  }

 private:
  std::span<float> record_;
  std::size_t inputs_;
};

// The network and its optimizer live in the arena, not on the stack: the
// Network's fixed-capacity layer tables would not fit the 4 KiB stack on
// top of the driver's own frame.
struct VisitState {
  Network network;
  Optimizer sgd;
};

int Fail(const char* message, int code) {
  PlatformLog(message);
  return code;
}

}  // namespace

int RunReptileVisit(Arena& arena, const float* config, StatLogger log_stat) {
  const auto inputs = static_cast<std::size_t>(config[0]);
  const auto outputs = static_cast<std::int32_t>(config[1]);
  const auto hidden = static_cast<std::int32_t>(config[2]);
  const auto steps = static_cast<std::int32_t>(config[3]);
  const auto batch = static_cast<std::int32_t>(config[4]);
  float net_config[7] = {};
  std::int32_t marker = 0;
  if (PlatformReadSample(std::span<float>(net_config, 7), &marker) != Status::kOk || marker != -4) {
    return Fail("error: the stream has no network record", 1);
  }
  const auto hidden_layers = static_cast<std::int32_t>(net_config[0]);
  const bool cross_entropy = net_config[1] == 1.0f;
  const auto side = static_cast<std::int32_t>(net_config[2]);
  const auto conv_layers = static_cast<std::int32_t>(net_config[3]);
  const auto channels = static_cast<std::int32_t>(net_config[4]);
  const bool normalize = net_config[5] == 1.0f;
  const bool zero_head = net_config[6] == 1.0f;
  const bool image = side > 0;
  if (inputs < 1 || outputs < 1 || (hidden_layers != 0 && hidden_layers != 2) || (hidden_layers > 0 && hidden < 1) ||
      steps < 0 || batch < 1 || (!cross_entropy && net_config[1] != 0.0f) ||
      (image && (hidden_layers != 0 || conv_layers < 1 || conv_layers > 6 || channels < 1 ||
                 inputs != static_cast<std::size_t>(side) * static_cast<std::size_t>(side)))) {
    return Fail("error: bad reptile visit config", 1);
  }
  // Dense: [tanh, tanh,] output. Image: the family's strided CNN (at most 6 conv layers).
  LayerSpec layers[2 * 6 + 1] = {};
  std::size_t count = 0;
  if (image) {
    count = StridedConvNet(conv_layers, channels, normalize, outputs, layers);
  } else {
    for (std::int32_t l = 0; l < hidden_layers; ++l) layers[count++] = LayerSpec::Dense(hidden, Activation::kTanh);
    layers[count++] = LayerSpec::Dense(outputs);
  }
  const std::span<const LayerSpec> net_layers(layers, count);
  const Shape input_shape = image ? Shape{side, side, 1} : Shape{static_cast<std::int32_t>(inputs)};
  void* state_memory = arena.AllocatePersistent(sizeof(VisitState), alignof(VisitState));
  if (state_memory == nullptr) return Fail("error: out of memory: the device's RAM does not hold the training state", 2);
  VisitState& state = *new (state_memory) VisitState();
  Network& network = state.network;
  Optimizer& sgd = state.sgd;
  const std::size_t targets = cross_entropy ? 1 : static_cast<std::size_t>(outputs);
  std::span<float> record = arena.Persistent<float>(inputs + targets);
  if (record.data() == nullptr ||
      network.Build(input_shape, net_layers, arena) != Status::kOk ||
      sgd.Init(OptimizerConfig{OptimizerKind::kSgd, config[5], 0.0f}, network.parameters().size(), arena) !=
          Status::kOk) {
    return Fail("error: out of memory: the device's RAM does not hold the training state", 2);
  }
  log_stat("parameters", static_cast<std::uint32_t>(network.parameters().size()));
  if (PlatformReadSample(network.parameters(), &marker) != Status::kOk || marker != -3) {
    return Fail("error: the stream has no initialisation record", 1);
  }
  if (zero_head) {
    const int last = network.layer_count() - 1;
    for (float& w : network.layer_weights(last)) w = 0.0f;
    for (float& b : network.layer_bias(last)) b = 0.0f;
  }
  PlatformStream stream(record, inputs);
  const LossKind loss_kind = cross_entropy ? LossKind::kCrossEntropy : LossKind::kMse;
  for (std::int32_t step = 0; step < steps; ++step) {
    float loss = 0.0f;
    const Status s = TrainSteps(network, sgd, stream, loss_kind, 1, batch, arena, &loss, config[6]);
    if (s == Status::kOutOfMemory) return Fail("error: out of memory: no room for the step's buffers", 2);
    if (s != Status::kOk) return Fail("error: stream ended early", 1);
    PlatformReportResult("loss", loss);
  }
  for (float v : network.parameters()) PlatformReportResult("param", v);
  log_stat("arena_high_water", static_cast<std::uint32_t>(arena.persistent_used() + arena.scratch_high_water()));
  log_stat("stack_high_water", StackHighWater());
  return 0;
}

}  // namespace tinykg::emu_firmware
