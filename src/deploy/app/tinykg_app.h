// The application `tinykg deploy` puts on a device, in the project it writes
// (this file is copied there unchanged) and in the host library, where the
// same code sizes the project's tensor arena (deploy.cc). Freestanding like
// the engine: no heap, no exceptions, no RTTI; I/O only through the engine's
// platform functions (tinykg/engine/platform.h), which the project's board
// layer implements.
//
// The model is an engine graph blob (engine::SerializeGraph) read in place
// from flash. Without online learning the whole model runs and each sample
// gives the model's outputs, the most likely class and its score; with
// online learning the blob holds the model's frozen part and a dense head
// on top learns from labelled samples one at a time (as `tinykg train --on
// emulator` does) and predicts unlabelled ones.
#ifndef TINYKG_APP_H_
#define TINYKG_APP_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "tinykg/engine/arena.h"
#include "tinykg/engine/graph.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/status.h"

namespace tinykg::app {

struct AppConfig {
  bool learn_online = false;
  std::int32_t classes = 2;  // online learning: the head's classes
  float learning_rate = 0.05f;
  std::uint64_t seed = 1;
};

// What one sample gave.
struct Outcome {
  bool learned = false;            // a labelled sample was learned (online learning)
  float loss = 0.0f;               // ... with this loss
  std::int32_t predicted = -1;     // else: the most likely class
  float confidence = 0.0f;         // ... and its probability
  std::span<const float> outputs;  // without online learning: the model's outputs (valid until the next Process)
};

class App {
 public:
  App() = default;
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Everything is allocated here, once, from `arena`: the graph's tables,
  // its planned activations, the sample buffer and, with online learning,
  // the head's weights, gradients and statistics. `blob` is borrowed (it
  // stays in flash) and must outlive the App. kOutOfMemory when the arena is
  // too small (failed_part() names what did not fit), kInvalidArgument for a
  // blob that is not a graph.
  engine::Status Setup(const AppConfig& config, std::span<const std::byte> blob, engine::Arena& arena);
  const char* failed_part() const { return failed_part_; }

  std::size_t input_size() const;
  std::span<float> sample() { return sample_; }

  // One sample: learned when online learning and `label` >= 0, else
  // predicted. Never allocates beyond the arena's scratch, which it resets.
  engine::Status Process(std::span<const float> sample, std::int32_t label, Outcome* outcome);

 private:
  AppConfig config_;
  engine::Arena* arena_ = nullptr;
  engine::Graph* graph_ = nullptr;
  engine::GraphBackbone* backbone_ = nullptr;
  engine::OnlineLearner* learner_ = nullptr;
  std::span<float> sample_;
  std::span<float> outputs_;
  const char* failed_part_ = "";
};

// The device loop on the platform: Setup (on failure logs "FATAL: ..." with
// the arena size and what did not fit, and returns 2; 1 for a bad model),
// logs the arena figures ("stat arena_bytes|arena_used ..."), then reads
// samples with PlatformReadSample until the end of the stream and reports
// each outcome with PlatformReportResult: "loss" for a learned sample, else
// "output" per model output (without online learning), "predicted" and
// "confidence". Returns 0 at the end of the stream. `arena_memory` is the
// caller's (static) tensor arena.
int RunApp(const AppConfig& config, std::span<const std::byte> blob, std::span<std::byte> arena_memory);

// The same in two halves for boards whose framework owns the loop (Arduino
// setup() / loop()): SetUpApp returns RunApp's start-up exit code (0: ready),
// StepApp processes one sample and returns false at the end of the stream.
int SetUpApp(App& app, const AppConfig& config, std::span<const std::byte> blob, engine::Arena& arena);
bool StepApp(App& app);

}  // namespace tinykg::app

#endif  // TINYKG_APP_H_
