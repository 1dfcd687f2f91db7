// Firmware mode 3: one TinyReptile device visit of `tinykg fleet train`
// (a dense network, or the Omniglot CNN: train/task_family.h FirmwareNetworkTask).
//
// The host (emu::RunFleet) sends, after the config record:
//   config: [0] input size, [1] output size (classes with cross-entropy),
//   [2] hidden width, [3] local SGD steps K, [4] batch, [5] learning rate,
//   [6] maximum gradient norm (0: no clipping), [7] = 3;
//   the network record, label -4: [0] tanh hidden layers (0 or 2), [1] loss
//   (0 mean-squared error, 1 softmax cross-entropy), [2] image side (0: dense
//   inputs; else the inputs are a side x side x 1 image), [3] conv 3x3
//   stride-2 layers before the output layer (1-6, with an image), [4] their
//   channels, [5] 1: layer normalisation after each conv, [6] 1: the output
//   layer is zeroed after the initialisation is loaded;
//   one record of the network's P parameters, label -3 (the server's current
//   meta-initialisation);
//   K * batch records, label -1 (the device's own task): the inputs, then
//   the target floats (MSE) or the class index (cross-entropy).
// The device loads the initialisation, runs K SGD steps (engine TrainSteps)
// and answers "result loss <bits>" per step, then
// "result param <bits>" per parameter (its adapted weights, bit-exact), then
// the arena and stack high-water stats. Returns the firmware exit code: 0,
// 1 for a bad stream, 2 when the arena is too small.
#ifndef TINYKG_EMU_FIRMWARE_FLEET_DEVICE_H_
#define TINYKG_EMU_FIRMWARE_FLEET_DEVICE_H_

#include <cstdint>

#include "tinykg/engine/arena.h"

namespace tinykg::emu_firmware {

// Writes "log stat <name> <value>" (main.cc's LogStat).
using StatLogger = void (*)(const char* name, std::uint32_t value);

int RunReptileVisit(engine::Arena& arena, const float* config, StatLogger log_stat);

}  // namespace tinykg::emu_firmware

#endif  // TINYKG_EMU_FIRMWARE_FLEET_DEVICE_H_
