// The host platform: samples and results go through hooks the host program
// installs (platform_host.h); the cycle counter is the monotonic clock in ns.
#include <time.h>

#include "tinykg/engine/platform.h"
#include "tinykg/engine/platform_host.h"

namespace tinykg::engine {
namespace {

struct Hooks {
  HostSampleSource source = nullptr;
  void* source_context = nullptr;
  HostResultSink result = nullptr;
  void* result_context = nullptr;
  HostLogSink log = nullptr;
  void* log_context = nullptr;
};

Hooks& TheHooks() {
  static Hooks hooks;
  return hooks;
}

}  // namespace

void SetHostSampleSource(HostSampleSource source, void* context) {
  TheHooks().source = source;
  TheHooks().source_context = context;
}
void SetHostResultSink(HostResultSink sink, void* context) {
  TheHooks().result = sink;
  TheHooks().result_context = context;
}
void SetHostLogSink(HostLogSink sink, void* context) {
  TheHooks().log = sink;
  TheHooks().log_context = context;
}

void PlatformLog(const char* message) {
  if (TheHooks().log != nullptr) TheHooks().log(TheHooks().log_context, message);
}

std::uint64_t PlatformCycles() {
  // POSIX clock, not <chrono>: the engine needs nothing from libstdc++.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000000u + static_cast<std::uint64_t>(now.tv_nsec);
}

Status PlatformReadSample(std::span<float> features, std::int32_t* label) {
  if (TheHooks().source == nullptr) return Status::kEndOfData;
  return TheHooks().source(TheHooks().source_context, features, label);
}

void PlatformReportResult(const char* name, float value) {
  if (TheHooks().result != nullptr) TheHooks().result(TheHooks().result_context, name, value);
}

}  // namespace tinykg::engine
