#include "tinykg/emu/device.h"

#include <algorithm>

#include "tinykg/match/device.h"
#include "tinykg/match/matchmaker.h"

namespace tinykg::emu {
namespace {

// Why `d` cannot run on the emulator; empty when it can.
std::string WhyNotEmulatable(const match::DeviceFacts& d) {
  if (d.core.empty()) return "states no core type (tkg:coreType)";
  if (!(d.free_ram_note.empty() ? d.free_ram : d.ram_total) ||
      !(d.free_flash_note.empty() ? d.free_flash : d.flash_total)) {
    return "states no RAM and flash sizes";
  }
  return {};
}

DeviceFacts FromMatch(const match::DeviceFacts& d) {
  DeviceFacts facts;
  facts.iri = d.entity.iri;
  facts.name = d.entity.name;
  facts.core_iri = d.core;
  facts.core = match::LocalName(d.core);
  facts.limits.ram_bytes = static_cast<std::uint64_t>(*(d.free_ram_note.empty() ? d.free_ram : d.ram_total));
  facts.limits.flash_bytes = static_cast<std::uint64_t>(*(d.free_flash_note.empty() ? d.free_flash : d.flash_total));
  facts.target = TargetForCoreType(facts.core);
  return facts;
}

}  // namespace

Result<DeviceFacts> FindDevice(rdf::Store& store, const std::string& device) {
  match::Matchmaker mm(store);
  TINYKG_ASSIGN_OR_RETURN(match::Entity entity, mm.ResolveDevice(device));
  TINYKG_ASSIGN_OR_RETURN(std::vector<match::DeviceFacts> facts, mm.DeviceFactsOf(&entity));
  if (std::string why = WhyNotEmulatable(facts.front()); !why.empty()) {
    return InvalidData("device " + entity.name + " <" + entity.iri + "> " + why + "; the emulator needs both");
  }
  return FromMatch(facts.front());
}

Result<std::vector<DeviceFacts>> EmulatableDevices(rdf::Store& store) {
  match::Matchmaker mm(store);
  TINYKG_ASSIGN_OR_RETURN(std::vector<match::DeviceFacts> all, mm.DeviceFactsOf(nullptr));
  std::vector<DeviceFacts> out;
  for (const auto& d : all) {
    if (WhyNotEmulatable(d).empty()) out.push_back(FromMatch(d));
  }
  std::sort(out.begin(), out.end(), [](const DeviceFacts& a, const DeviceFacts& b) {
    return a.name != b.name ? a.name < b.name : a.iri < b.iri;
  });
  return out;
}

}  // namespace tinykg::emu
