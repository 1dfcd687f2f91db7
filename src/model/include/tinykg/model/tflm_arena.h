// Tensor-arena estimate for TensorFlow Lite Micro (the runtime the published
// SeLoC-ML figures were measured with: `MicroInterpreter::arena_used_bytes()`
// after `AllocateTensors()`).
//
// The arena is one caller-owned block. TFLite Micro fills it from both ends:
//   head  the non-persistent section: every activation tensor and kernel
//         scratch buffer, placed by the greedy memory planner over their
//         lifetimes in execution order (memory_plan.h);
//   tail  the persistent section, allocated downwards with per-allocation
//         alignment: the allocator objects themselves, one runtime tensor
//         struct per tensor (with its quantization struct and zero-point
//         array when quantized), one node+registration per operator, each
//         operator's parsed builtin options, kernel op data from Init/Prepare
//         (e.g. per-channel multipliers and shifts), scratch-buffer handles
//         and variable tensors.
// arena_used_bytes = head size + tail size. EstimateTflmArena() replays the
// tail allocations one by one with the struct sizes and alignments of the
// chosen target (64-bit host or 32-bit MCU), so padding is reproduced too,
// and reports every term. The per-kernel table is documented in
// tflm_arena.cc.
#ifndef TINYKG_MODEL_TFLM_ARENA_H_
#define TINYKG_MODEL_TFLM_ARENA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/model/memory_plan.h"
#include "tinykg/model/tflite.h"

namespace tinykg::model {

// Which build of TFLite Micro the estimate mimics.
struct TflmTarget {
  // 8: a 64-bit host build, which is how the published figures were
  // measured (they are reproduced exactly with 8); 4: a 32-bit MCU build
  // (smaller structs, same plan).
  int pointer_bytes = 8;
};

struct ArenaTerm {
  std::string name;    // e.g. "activations (greedy plan)", "op data: CONV_2D #3"
  std::int64_t bytes;  // including the alignment padding it caused
};

struct ArenaEstimate {
  std::int64_t arena_bytes = 0;       // head + tail: the arena_used_bytes() estimate
  std::int64_t plan_bytes = 0;        // head: greedy plan of activations + scratch buffers
  std::int64_t activation_peak = 0;   // greedy plan of activation tensors only
  std::int64_t persistent_bytes = 0;  // tail
  std::int64_t scratch_bytes = 0;     // sum of kernel scratch-buffer requests
  std::vector<ArenaTerm> terms;       // tail terms, in allocation order, then the head
  std::vector<std::string> notes;     // e.g. operators without a kernel model
};

// Estimates the arena for subgraph 0 of `model` (TFLite Micro 2.4 runs one
// subgraph). Never fails on a parsed model: operators without a kernel model
// contribute their builtin options only and are listed in `notes`.
ArenaEstimate EstimateTflmArena(const tflite::TfliteModel& model, const TflmTarget& target = {});

// Activation lifetimes of a subgraph as TFLite Micro computes them: inputs
// are created at step 0, outputs live to the last step, otherwise from the
// first operator writing a tensor to the last reading it. Constant and
// variable tensors are not planned. `tensor_of` receives, per buffer, the
// tensor index it belongs to.
std::vector<PlanBuffer> ActivationBuffers(const tflite::Subgraph& graph,
                                                 std::vector<int>* tensor_of = nullptr,
                                                 std::int64_t alignment = 16);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_TFLM_ARENA_H_
