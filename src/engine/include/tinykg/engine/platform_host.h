// Host-only hooks of the host platform (platform/host/platform.cc): where
// PlatformReadSample takes its samples from and where results go. Not part of
// the microcontroller builds.
#ifndef TINYKG_ENGINE_PLATFORM_HOST_H_
#define TINYKG_ENGINE_PLATFORM_HOST_H_

#include <cstdint>
#include <span>

#include "tinykg/engine/status.h"

namespace tinykg::engine {

// Called by PlatformReadSample; `context` is the pointer given here.
using HostSampleSource = Status (*)(void* context, std::span<float> features, std::int32_t* label);
using HostResultSink = void (*)(void* context, const char* name, float value);
using HostLogSink = void (*)(void* context, const char* message);

// Installs (or with null removes) the hooks. Without a source every read
// returns kEndOfData; without a log sink log lines are dropped; without a
// result sink results are dropped. Not thread-safe: one engine per process.
void SetHostSampleSource(HostSampleSource source, void* context);
void SetHostResultSink(HostResultSink sink, void* context);
void SetHostLogSink(HostLogSink sink, void* context);

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_PLATFORM_HOST_H_
