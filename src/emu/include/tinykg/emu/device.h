// A device of the knowledge graph as the emulator, `fleet train` and
// `tinykg deploy` need it: its core and the memory a firmware may use. The
// devices and their facts are the matchmaker's (tinykg/match/device.h), found
// by the matchmaker's name resolver, so every command agrees on what a
// device is and what a name means.
#ifndef TINYKG_EMU_DEVICE_H_
#define TINYKG_EMU_DEVICE_H_

#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/rdf/store.h"

namespace tinykg::emu {

struct DeviceFacts {
  std::string iri;
  std::string name;  // what the matchmaker shows (label, else title)
  std::string core;  // local name of the core IRI, e.g. "CortexM4F"
  std::string core_iri;
  // tkg:freeRamBytes / tkg:freeFlashBytes where stated, else the totals: the
  // firmware is the whole application, so the matchmaker's default runtime
  // reserve does not apply.
  DeviceLimits limits;
  const Target* target = nullptr;  // TargetForCoreType(core); null when none stands for it
};

// The device `device` names (IRI, title, label or unambiguous prefix; see
// match::Matchmaker::ResolveDevice). kNotFound / kInvalidArgument (ambiguous,
// listing the candidates) from the resolver; kInvalidData when the device
// states no core type or no RAM/flash. `store` is only read.
Result<DeviceFacts> FindDevice(rdf::Store& store, const std::string& device);

// Every device with a core type and RAM and flash figures, sorted by name.
Result<std::vector<DeviceFacts>> EmulatableDevices(rdf::Store& store);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_DEVICE_H_
