// Runs the training engine's online-learning firmware on an emulated MCU and
// measures it: exact executed-instruction counts (our TCG plugin), peak RAM
// (static data + arena high-water + painted stack high-water) and flash
// (`size` of the linked image).
//
// The firmware library for a target is cross-built by the main CMake build
// (src/emu/firmware, the engine's own sources); RunOnEmulator links it for
// one device with a linker script generated from the device's RAM and flash,
// so a pair that does not fit fails at link time or at arena allocation with
// a message saying which.
#ifndef TINYKG_EMU_RUN_H_
#define TINYKG_EMU_RUN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/emu/target.h"

namespace tinykg::emu {

// The device's memory as the knowledge graph gives it (free figures where
// given). The firmware gets exactly this much flash and RAM.
struct DeviceLimits {
  std::uint64_t ram_bytes = 0;
  std::uint64_t flash_bytes = 0;
  std::uint64_t stack_bytes = 4096;  // reserved at the top of RAM
};

// A trained head's state as the firmware reports it after a run (bit-exact):
// samples seen, the running mean and M2 of each head input (empty when the
// learner does not normalise) and the head's parameters
// (engine::OnlineLearner's state).
struct HeadState {
  std::int64_t samples_seen = 0;
  std::vector<float> mean, m2, params;
  bool empty() const { return params.empty(); }
};

// An online-learning run: a dense head (optionally one ReLU hidden layer)
// trained with SGD on `train` samples one by one, then evaluated on `eval`.
// Features are row-major, features floats per sample.
//
// With a `model_blob` (engine::SerializeGraph of a model's frozen part) the
// blob is linked into the image's .rodata, so it counts against the
// device's flash and is read in place there; the samples are then the
// graph's inputs (`features` = its input size) and the head learns on its
// output. Only the head, the graph's tables and its planned activations
// take RAM.
struct Workload {
  std::int32_t features = 0;
  std::int32_t classes = 2;
  std::int32_t hidden_units = 0;
  float learning_rate = 0.05f;
  std::uint32_t seed = 1;
  std::vector<float> train_x;
  std::vector<std::int32_t> train_y;
  std::vector<float> eval_x;
  std::vector<std::int32_t> eval_y;
  std::vector<std::byte> model_blob;  // empty: the head sees the samples
  // The samples are 30 ms frames of raw audio (480 int16 values as floats)
  // and the head learns from their MLPerf Tiny KWS MFCC computed on the
  // device (firmware modes 6/7, engine/mfcc.h at gain 1/32768); exclusive
  // with model_blob.
  bool mfcc_frames = false;
  // The samples are 1 s clips of raw audio (16000 int16 values as floats):
  // the device computes their 49 x 10 MLPerf Tiny KWS MFCC (gain 1 / the
  // clip's largest sample) and feeds them to model_blob's graph, whose
  // output the head learns from: the whole keyword pipeline on the device
  // (firmware mode 6/7 with a model blob). Needs model_blob taking 490.
  bool mfcc_clips = false;
  // Start from this state (an earlier run's Measurement::head_state) instead
  // of a freshly initialised head; its sizes must be the head's.
  HeadState head_state;
};

struct Measurement {
  std::string target;                           // Target::name
  std::string toolchain;                        // "arm-none-eabi-gcc 12.2.1"
  std::string commit;                           // TinykgCommit() of the build that ran it
  bool infer_only = false;                      // RunOptions::infer_only: no training steps ran
  bool firmware_cached = false;                 // the linked image came from the cache (no link)
  std::string firmware_key;                     // SHA-256 (hex) of the image's inputs, the cache key
  std::uint64_t instructions = 0;               // the whole run (boot, training, inference)
  double instructions_per_step = 0;             // one Learn (forward, backward, SGD)
  double instructions_per_inference = 0;        // one Predict
  std::int64_t head_macs = 0;                   // forward MACs of the head
  std::uint64_t model_blob_bytes = 0;           // the frozen backbone in flash (0: none)
  std::uint64_t graph_bytes = 0;                // the backbone Graph's tables in the arena
  std::uint64_t backbone_activation_bytes = 0;  // its planned activation block in the arena
  double instructions_per_mac_step = 0;         // per step / training MACs (forward + weight grads + input grads)
  std::uint64_t static_ram_bytes = 0;
  std::uint64_t arena_high_water_bytes = 0;
  std::uint64_t stack_high_water_bytes = 0;
  std::uint64_t peak_ram_bytes = 0;
  std::uint64_t flash_bytes = 0;     // text + data of the image
  std::vector<float> losses;         // per training step, bit-exact from the MCU
  float accuracy = 0;                // on eval (0 without eval samples)
  std::vector<float> eval_features;  // report_features / report_outputs: per eval sample, bit-exact
  // RunOptions::report_features / report_outputs: per eval sample, the
  // predicted class and its softmax probability, bit-exact.
  std::vector<std::int32_t> predictions;
  std::vector<float> confidences;
  HeadState head_state;  // after the last counted run: the trained head
};

// How a run is carried out (none of this changes the figures).
struct RunOptions {
  // Linked images are kept here, one file per SHA-256 of everything that
  // goes into the link (target and its flags, the filled-in linker script,
  // i.e. the device's limits, the firmware library's bytes, the link
  // command), so a second run with the same inputs does not relink. Empty:
  // DefaultCacheDir(). `use_cache = false` always links afresh.
  std::string cache_dir;
  bool use_cache = true;
  // QEMU processes run at most this many at once; 0: the host's cores
  // (std::thread::hardware_concurrency). Counts do not depend on it: every
  // run is its own process on its own copy of the inputs.
  unsigned jobs = 0;
  // Inference only: no training step; the eval samples are classified by the
  // freshly initialised network (two QEMU runs: empty and inference). The
  // workload needs no training samples.
  bool infer_only = false;
  // With a model blob: the firmware also reports the backbone's features of
  // every evaluated sample (Measurement::eval_features), to compare with the
  // host. Adds their output to the inference count; for tests.
  bool report_features = false;
  // With a model blob or MFCC frames: one more QEMU run (not counted) that reports, per
  // evaluated sample, the predicted class, its probability and the
  // backbone's outputs (Measurement::predictions, confidences,
  // eval_features). The counts stay those of the ordinary runs.
  bool report_outputs = false;
};

// $XDG_CACHE_HOME/tinykg/firmware, else $HOME/.cache/tinykg/firmware; empty
// when neither variable is set (then nothing is cached).
std::string DefaultCacheDir();

// The git commit of the tinykg sources this library was built from, taken
// at build time ("<sha>-dirty" when the checkout had uncommitted changes,
// "unknown" outside a git checkout). Static storage.
std::string_view TinykgCommit();

// Checks that the cross tools, QEMU, the firmware for `target` and the
// counting plugin are there; the error says what to install or build.
Status CheckTools(const Target& target);

// Links (or takes from the cache), runs and measures `workload` on `target`
// limited to `limits`. `work_dir` (created if missing) receives the linker
// script, image and one folder per QEMU run with its sample stream. Runs
// QEMU three times (empty, training only, training and inference), in
// parallel up to options.jobs, so the per-step and per-inference counts are
// exact differences; with options.infer_only twice (empty, inference).
// Errors: InvalidData "does not fit ..." (at link or at arena allocation),
// InvalidArgument for an inconsistent workload, Unsupported/IoError for tools.
Result<Measurement> RunOnEmulator(const Target& target, const DeviceLimits& limits, const Workload& workload,
                                  const std::string& work_dir, const RunOptions& options = {});

// Counts the instructions of one already-linked image run once, either with
// the plugin or (slowly) from `-singlestep -d exec,nochain` trace lines.
Result<std::uint64_t> CountInstructions(const Target& target, const std::string& image, const std::string& work_dir,
                                        bool use_exec_trace);

enum class KernelKind { kDense, kConv2D };

// Instructions per MAC of one float layer's kernels on `target`: forward, and
// a training pass (forward + weight/bias gradients, counted as 2x the MACs;
// no optimizer). Dense: in -> out; conv: 3x3 same on 8x8xin -> out channels.
struct KernelCost {
  std::int64_t macs = 0;  // forward MACs of the layer
  double forward_per_mac = 0;
  double training_per_mac = 0;
};
Result<KernelCost> MeasureKernel(const Target& target, KernelKind kind, std::int32_t in, std::int32_t out,
                                 const std::string& work_dir, const RunOptions& options = {});

// Runs the fixed int8 FULLY_CONNECTED problem of firmware/int8_check.h
// (inputs from `seed`) on `target`; returns its int8 outputs.
Result<std::vector<std::int8_t>> RunInt8Check(const Target& target, std::uint32_t seed, const std::string& work_dir);

// Building blocks for drivers that run one image many times with different
// sample streams (the fleet, emu/fleet.h). LinkFirmware links (or takes from
// the cache) the firmware for `limits` into `work_dir` and returns the
// image's absolute path; errors as RunOnEmulator's link step.
Result<std::string> LinkFirmware(const Target& target, const DeviceLimits& limits, const std::string& work_dir,
                                 const RunOptions& options = {});
// The same with a model blob linked into .rodata (Workload::model_blob).
Result<std::string> LinkFirmware(const Target& target, const DeviceLimits& limits,
                                 std::span<const std::byte> model_blob, const std::string& work_dir,
                                 const RunOptions& options = {});
// One QEMU run of `image` in `run_dir`, which must hold the sample stream
// `tinykg-samples.bin`: exit code, executed instructions, and the
// semihosting output ("result <name> <hex bits>", "log ..." lines). Safe to
// call from several threads with different run_dirs.
struct FirmwareRun {
  int exit_code = 0;
  std::uint64_t instructions = 0;
  std::string output;
};
Result<FirmwareRun> RunFirmware(const Target& target, const std::string& image, const std::string& run_dir);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_RUN_H_
