// Platform services: the only place the engine meets the outside world.
//
// One implementation file per platform (platform/host/platform.cc now;
// Cortex-M and RISC-V files beside it later), chosen by the build, never by
// #ifdef. The engine itself calls only PlatformLog; the rest is for the
// firmware-style drivers (online learning from a sample stream) so the same
// driver code runs on the host and on a microcontroller.
#ifndef TINYKG_ENGINE_PLATFORM_H_
#define TINYKG_ENGINE_PLATFORM_H_

#include <cstdint>
#include <span>

#include "tinykg/engine/status.h"

namespace tinykg::engine {

// Writes one line of text (no newline needed). `message` is borrowed.
void PlatformLog(const char* message);

// Logs "stat <name> <value>" (decimal) with PlatformLog: the figures a
// driver reports to whoever reads its log (the emulator parses them).
// Written once for every platform (log_stat.cc). `name` is borrowed.
void PlatformLogStat(const char* name, std::uint64_t value);

// A free-running cycle (or nanosecond, on the host) counter for timing.
std::uint64_t PlatformCycles();

// Reads the next sample of the platform's input stream: fills `features`
// (exactly features.size() values) and `*label` (class index, or -1 when the
// sample is unlabelled). Returns kEndOfData when the stream is exhausted.
Status PlatformReadSample(std::span<float> features, std::int32_t* label);

// Reports a named result value (accuracy, loss, ...). `name` is borrowed.
void PlatformReportResult(const char* name, float value);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_PLATFORM_H_
