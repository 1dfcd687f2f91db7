// A device of the knowledge graph as the emulator and `tinykg deploy` need
// it: its core and the memory a firmware may use.
#ifndef TINYKG_EMU_DEVICE_H_
#define TINYKG_EMU_DEVICE_H_

#include <string>

#include "tinykg/base/status.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/rdf/store.h"

namespace tinykg::emu {

struct DeviceFacts {
  std::string iri;
  std::string core;  // local name of the core IRI, e.g. "CortexM4F"
  std::string core_iri;
  DeviceLimits limits;             // tkg:freeRamBytes / tkg:freeFlashBytes where stated, else the totals
  const Target* target = nullptr;  // TargetForCoreType(core); null when none stands for it
};

// The device whose IRI or td:title is `device`, with tkg:coreType,
// tkg:ramBytes and tkg:flashBytes. kInvalidArgument for text that cannot be
// an IRI or title, kNotFound when no such device has all three. Two or three
// queries on `store`, which is only read.
Result<DeviceFacts> FindDevice(rdf::Store& store, const std::string& device);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_DEVICE_H_
