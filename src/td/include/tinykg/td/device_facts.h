// Hardware facts a user states when importing a device whose source leaves
// them out (a PlatformIO board has no free budgets, sensors or runtime; a
// plain WoT TD has no hardware at all): `import board|td --free-ram ...`.
#ifndef TINYKG_TD_DEVICE_FACTS_H_
#define TINYKG_TD_DEVICE_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::td {

struct StatedDeviceFacts {
  std::optional<std::int64_t> free_ram_bytes, free_flash_bytes;
  std::vector<std::string> sensor_kinds;  // IRIs (sosa_extend:Microphone, ...)
  std::vector<std::string> runtimes;      // IRIs (tkg:TFLiteMicro, ...)
  bool empty() const { return !free_ram_bytes && !free_flash_bytes && sensor_kinds.empty() && runtimes.empty(); }
};

// Adds `facts` to `doc` about its Thing (the subject typed td:Thing), which
// also becomes a tkg:Device: tkg:freeRamBytes, tkg:freeFlashBytes,
// tkg:hasSensorKind, tkg:offersRuntime. A stated figure replaces the one the
// document states for the same property. kInvalidData (naming doc.source)
// when the document describes no td:Thing. `doc` is unchanged on error.
Status AddDeviceFacts(rdf::GraphDocument& doc, const StatedDeviceFacts& facts);

}  // namespace tinykg::td

#endif  // TINYKG_TD_DEVICE_FACTS_H_
