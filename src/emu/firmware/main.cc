// The emulator firmware: online learning of a dense head from the platform's
// sample stream, then inference, reporting what the host measures against.
//
// Stream protocol (all records are PlatformReadSample records):
//   1 config record of kConfigFloats floats, label -2:
//     features, classes, hidden units (0: none), train steps, inferences,
//     learning rate, seed, mode
//   mode 0 (online learning): `train steps` labelled samples, then
//   `inferences` labelled samples.
//   mode 1 (kernel cost): nothing more; one layer (hidden units 0: dense
//   features -> classes; 1: 3x3 same convolution on 8x8xfeatures -> classes
//   channels) runs `train steps` forwards, then `inferences` forward +
//   backward (weight and bias gradients) passes on a fixed input.
//   mode 2 (int8 check): the int8_check.h problem for `seed`, one
//   "result int8 <bits>" line per output.
//   mode 3 (reptile visit): fleet_device.h.
//   mode 4 (online learning on a frozen backbone): as mode 0, but the
//   samples are the inputs of the graph blob linked in as
//   `tinykg_model_blob` (graph_blob.h; read in place from flash), whose
//   output feeds the head; `features` must equal the graph's input size.
//   mode 5: mode 4, and after each inference the predicted class, its
//   probability and the backbone's features of that sample as "result
//   predicted|confidence|feature <bits>" lines (host == MCU checks, and
//   what `tinykg deploy`'s project must reproduce).
//   mode 6 (7: with mode 5's reports): as mode 0, but each sample is a 30 ms
//   frame of raw audio (`features` = 480 int16 values as floats) and the
//   head learns from its MLPerf Tiny KWS MFCC (engine/mfcc.h, gain 1/32768):
//   the audio front end on the device. With a model blob linked, each
//   sample is a 1 s clip (`features` = 16000 int16 values as floats): its
//   49 x 10 MFCC (gain 1 / the clip's largest sample) feed the blob's graph
//   (MLPerf Tiny's DS-CNN), whose output feeds the head: the whole keyword
//   pipeline on the device (engine MfccClipBackbone).
//   modes 8, 12, 13, 14, 15: modes 0, 4, 5, 6, 7 with a saved head state
//   right after the config record, each part one record, label -3: the
//   samples seen (1 float), the features' running mean and M2 (features
//   floats each, only when the learner normalises) and the head's
//   parameters.
// Output: "result loss <bits>" per step, "result accuracy <bits>", then the
// head's state ("result head_seen|head_mean|head_m2|head_param <bits>"), then
// "log stat <name> <decimal>" lines for the memory figures. Exit code 0,
// 1 for a bad stream, 2 when the arena is too small.
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>

#include "fleet_device.h"
#include "int8_check.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/graph.h"
#include "tinykg/engine/graph_blob.h"
#include "tinykg/engine/mfcc.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/platform.h"
#include "tinykg/engine/random.h"

extern "C" {
extern std::byte __arena_start, __arena_end, __data_start, __bss_end;
std::uint32_t StackHighWater();
// The frozen backbone, linked in per model (the C array of
// emu::WriteModelArray, in .rodata); absent (null) in an image without a
// model.
extern const unsigned char tinykg_model_blob[] __attribute__((weak));
extern const unsigned int tinykg_model_blob_bytes __attribute__((weak));
}

namespace {

using namespace tinykg::engine;

constexpr std::size_t kConfigFloats = 8;

void LogStat(const char* name, std::uint32_t value) { PlatformLogStat(name, value); }

int Fail(const char* message, int code) {
  PlatformLog(message);
  return code;
}

// Mode 1: the cost of one layer's forward and training passes.
int KernelCost(Arena& arena, std::size_t features, std::int32_t units, std::int32_t kind, std::int32_t forwards,
               std::int32_t trainings) {
  const auto c = static_cast<std::int32_t>(features);
  const LayerSpec layer =
      kind == 0 ? LayerSpec::Dense(units) : LayerSpec::Conv(units, 3, 1, Padding::kSame, Activation::kNone);
  const Shape input = kind == 0 ? Shape{c} : Shape{8, 8, c};
  Network network;
  if (network.Build(input, std::span<const LayerSpec>(&layer, 1), arena) != Status::kOk) {
    return Fail("error: out of memory: the device's RAM does not hold the layer", 2);
  }
  Pcg32 rng(1);
  network.Initialize(rng);
  std::span<float> x = arena.Persistent<float>(network.input_size());
  std::span<float> dy = arena.Persistent<float>(network.output_size());
  if (x.data() == nullptr || dy.data() == nullptr) return Fail("error: out of memory", 2);
  for (float& v : x) v = rng.Uniform(-1.0f, 1.0f);
  for (float& v : dy) v = rng.Uniform(-1.0f, 1.0f);
  LogStat("head_macs", static_cast<std::uint32_t>(network.macs()));
  float sink = 0.0f;
  for (std::int32_t i = 0; i < forwards; ++i) sink += network.Forward(x)[0];
  for (std::int32_t i = 0; i < trainings; ++i) {
    sink += network.Forward(x)[0];
    network.Backward(dy);
  }
  PlatformReportResult("checksum", sink + network.gradients()[0]);
  return 0;
}

}  // namespace

extern "C" int FirmwareMain() {
  Arena arena(std::span<std::byte>(&__arena_start, static_cast<std::size_t>(&__arena_end - &__arena_start)));
  LogStat("arena_capacity", static_cast<std::uint32_t>(arena.capacity()));
  LogStat("static_ram", static_cast<std::uint32_t>(&__bss_end - &__data_start));

  float config[kConfigFloats];
  std::int32_t marker = 0;
  if (PlatformReadSample(config, &marker) != Status::kOk || marker != -2) {
    return Fail("error: the sample stream has no config record", 1);
  }
  // Modes 8, 12-15: modes 0, 4-7 starting from a saved head state (below).
  const bool load_state = config[7] >= 8.0f;
  if (load_state) config[7] -= 8.0f;
  const auto features = static_cast<std::size_t>(config[0]);
  const auto classes = static_cast<std::int32_t>(config[1]);
  const auto hidden_units = static_cast<std::int32_t>(config[2]);
  const auto train_steps = static_cast<std::int32_t>(config[3]);
  const auto inferences = static_cast<std::int32_t>(config[4]);

  if (config[7] == 2.0f) {
    std::array<std::int8_t, tinykg::emu_firmware::kInt8Out> out{};
    if (tinykg::emu_firmware::RunInt8Check(static_cast<std::uint64_t>(config[6]), out) != Status::kOk) {
      return Fail("error: int8 kernel failed", 1);
    }
    for (std::int8_t v : out) PlatformReportResult("int8", static_cast<float>(v));
    return 0;
  }
  if (config[7] == 1.0f) return KernelCost(arena, features, classes, hidden_units, train_steps, inferences);
  if (config[7] == 3.0f) return tinykg::emu_firmware::RunReptileVisit(arena, config, LogStat);

  // Mode 4: the backbone graph lives in the arena (its tables are too big for
  // the stack), its constants stay in the blob in flash, its activations are
  // planned in the arena.
  Backbone* backbone = nullptr;
  const bool report_features = config[7] == 5.0f || config[7] == 7.0f;
  const bool audio = config[7] == 6.0f || config[7] == 7.0f;
  const bool has_blob =
      tinykg_model_blob != nullptr && &tinykg_model_blob_bytes != nullptr && tinykg_model_blob_bytes != 0;
  Mfcc* mfcc = nullptr;
  if (audio) {
    void* mfcc_memory = arena.AllocatePersistent(sizeof(Mfcc), alignof(Mfcc));
    if (mfcc_memory == nullptr) return Fail("error: out of memory: the device's RAM does not hold the MFCC", 2);
    mfcc = new (mfcc_memory) Mfcc;
    if (mfcc->Init(MfccConfig{}, arena) != Status::kOk) {
      return Fail("error: out of memory: the device's RAM does not hold the MFCC tables", 2);
    }
    LogStat("frontend_table_bytes", static_cast<std::uint32_t>(mfcc->table_bytes()));
    if (!has_blob) {
      void* backbone_memory = arena.AllocatePersistent(sizeof(MfccBackbone), alignof(MfccBackbone));
      if (backbone_memory == nullptr) return Fail("error: out of memory", 2);
      backbone = new (backbone_memory) MfccBackbone(*mfcc, arena, 480, 1.0f / 32768.0f);
      if (backbone->input_size() != features) return Fail("error: MFCC frames are 480 samples", 1);
    }
  }
  if (config[7] == 4.0f || config[7] == 5.0f || (audio && has_blob)) {
    if (!has_blob) return Fail("error: no model blob linked", 1);
    const auto blob_bytes = static_cast<std::size_t>(tinykg_model_blob_bytes);
    const auto* blob = reinterpret_cast<const std::byte*>(tinykg_model_blob);
    void* graph_memory = arena.AllocatePersistent(sizeof(Graph), alignof(Graph));
    if (graph_memory == nullptr) return Fail("error: out of memory: the device's RAM does not hold the graph", 2);
    Graph* graph = new (graph_memory) Graph;
    int cut = 0;
    if (LoadGraphBlob(std::span<const std::byte>(blob, blob_bytes), *graph, &cut) != Status::kOk) {
      return Fail("error: the model blob is not a graph", 1);
    }
    if (graph->Plan(arena) != Status::kOk) {
      return Fail("error: out of memory: the device's RAM does not hold the backbone's activations", 2);
    }
    LogStat("graph_bytes", static_cast<std::uint32_t>(sizeof(Graph)));
    LogStat("backbone_activation_bytes", static_cast<std::uint32_t>(graph->activation_bytes()));
    LogStat("backbone_constant_bytes", static_cast<std::uint32_t>(graph->constant_bytes()));
    static_assert(alignof(GraphBackbone) <= 16);
    void* backbone_memory = arena.AllocatePersistent(sizeof(GraphBackbone), alignof(GraphBackbone));
    if (backbone_memory == nullptr) return Fail("error: out of memory: the device's RAM does not hold the graph", 2);
    backbone = new (backbone_memory) GraphBackbone(*graph, cut);
    if (audio) {
      // The whole pipeline: a clip's MFCC on the device feed the graph.
      void* clip_memory = arena.AllocatePersistent(sizeof(MfccClipBackbone), alignof(MfccClipBackbone));
      if (clip_memory == nullptr) return Fail("error: out of memory", 2);
      if (backbone->input_size() != static_cast<std::size_t>(mfcc->frames() * mfcc->coefficients())) {
        return Fail("error: the model does not take the MFCC of a clip (49 x 10)", 1);
      }
      backbone = new (clip_memory) MfccClipBackbone(*mfcc, *backbone, arena);
    }
    if (backbone->input_size() != features) return Fail("error: the samples do not match the model's input", 1);
  }

  const LayerSpec hidden[1] = {LayerSpec::Dense(hidden_units, Activation::kRelu)};
  OnlineConfig online;
  online.input_size = features;
  online.max_classes = classes;
  online.initial_classes = classes;
  online.hidden = std::span<const LayerSpec>(hidden, hidden_units > 0 ? 1 : 0);
  online.optimizer = OptimizerConfig{OptimizerKind::kSgd, config[5], 0.0f};
  online.seed = static_cast<std::uint64_t>(config[6]);

  OnlineLearner learner;
  std::span<float> sample = arena.Persistent<float>(features);
  if (sample.data() == nullptr || learner.Build(online, arena, backbone) != Status::kOk) {
    return Fail("error: out of memory: the device's RAM does not hold the training state", 2);
  }
  LogStat("head_macs", static_cast<std::uint32_t>(learner.head().macs()));
  LogStat("head_layers", static_cast<std::uint32_t>(learner.head().layer_count()));
  if (load_state) {
    // Read into the learner's own storage: no buffer of its own.
    float seen = 0.0f;
    std::int32_t state_marker = 0;
    if (PlatformReadSample(std::span<float>(&seen, 1), &state_marker) != Status::kOk || state_marker != -3) {
      return Fail("error: the stream has no head state", 1);
    }
    learner.set_samples_seen(static_cast<std::int64_t>(seen));
    for (std::span<float> part : {learner.feature_mean(), learner.feature_m2(), learner.head().parameters()}) {
      if (part.empty()) continue;
      if (PlatformReadSample(part, &state_marker) != Status::kOk || state_marker != -3) {
        return Fail("error: the head state does not match the head", 1);
      }
    }
  }

  std::int32_t label = 0;
  for (std::int32_t step = 0; step < train_steps; ++step) {
    if (PlatformReadSample(sample, &label) != Status::kOk) return Fail("error: stream ended early", 1);
    float loss = 0.0f;
    if (learner.Learn(sample, label, &loss) != Status::kOk) return Fail("error: bad label", 1);
    PlatformReportResult("loss", loss);
  }
  std::int32_t correct = 0;
  for (std::int32_t i = 0; i < inferences; ++i) {
    if (PlatformReadSample(sample, &label) != Status::kOk) return Fail("error: stream ended early", 1);
    std::int32_t predicted = -1;
    float confidence = 0.0f;
    if (learner.Predict(sample, &predicted, report_features ? &confidence : nullptr) != Status::kOk) {
      return Fail("error: predict failed", 1);
    }
    if (predicted == label) ++correct;
    if (report_features) {
      PlatformReportResult("predicted", static_cast<float>(predicted));
      PlatformReportResult("confidence", confidence);
      std::span<float> features_out = arena.Scratch<float>(backbone->feature_count());
      if (features_out.data() == nullptr || backbone->Extract(sample, features_out) != Status::kOk) {
        return Fail("error: out of memory", 2);
      }
      for (float f : features_out) PlatformReportResult("feature", f);
      arena.ResetScratch();
    }
  }
  if (inferences > 0) {
    PlatformReportResult("accuracy", static_cast<float>(correct) / static_cast<float>(inferences));
  }
  // The head's state, so the host can save the trained head. Every run of
  // a measurement reports it once, so it cancels out of the per-step and
  // per-inference counts (they are differences between runs).
  PlatformReportResult("head_seen", static_cast<float>(learner.samples_seen()));
  for (float v : learner.feature_mean()) PlatformReportResult("head_mean", v);
  for (float v : learner.feature_m2()) PlatformReportResult("head_m2", v);
  for (float v : learner.head().parameters()) PlatformReportResult("head_param", v);
  LogStat("arena_high_water", static_cast<std::uint32_t>(arena.persistent_used() + arena.scratch_high_water()));
  LogStat("stack_high_water", StackHighWater());
  return 0;
}
