// A device as every command sees it: the hardware facts its source states
// (a TD with the tinykg terms, a PlatformIO board, a published s3n: device),
// and documented defaults for the rest. match, report, stats, train --on
// emulator, fleet and deploy all read devices through this struct, so they
// agree on what a device is.
#ifndef TINYKG_MATCH_DEVICE_H_
#define TINYKG_MATCH_DEVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tinykg/match/matchmaker.h"

namespace tinykg::match {

struct DeviceFacts {
  Entity entity;
  // Free budgets as stated (tkg:freeRamBytes / tkg:freeFlashBytes), else the
  // defaults of ApplyDeviceDefaults; totals (tkg:ramBytes / tkg:flashBytes).
  std::optional<std::int64_t> free_ram, free_flash, ram_total, flash_total, clock_hz;
  std::string core;  // IRI
  std::optional<bool> fpu;
  std::vector<std::string> sensors, runtimes;
  // How a defaulted fact was made ("262.1 kB total - 12.0 kB runtime reserve
  // (default; set with --free-ram)"); empty when the source states it.
  std::string free_ram_note, free_flash_note, runtime_note;
};

// RAM and flash a runtime and application are assumed to take from a device
// that states only its totals, and the runtime it is assumed to offer when
// it names none (TFLite Micro's reference kernels are portable C++ and build
// for every core tinykg knows). Stated figures always win.
inline constexpr std::int64_t kDefaultRamReserveBytes = 12000;
inline constexpr std::int64_t kDefaultFlashReserveBytes = 64000;

// Fills in what `d` does not state from what it does (see the constants
// above), with notes saying so. The one place device defaults are made:
// every command that reads devices gets them through FactSource.
void ApplyDeviceDefaults(DeviceFacts& d);

// Why `d` cannot be checked against any model (no RAM or flash figure at
// all); empty when it can.
std::string Unevaluable(const DeviceFacts& d);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_DEVICE_H_
