#include "tinykg/emu/device.h"

#include <optional>

#include "tinykg/rdf/vocab.h"

namespace tinykg::emu {
namespace {

std::optional<std::uint64_t> IntegerOf(const std::optional<rdf::Term>& t) {
  if (!t || !t->is_literal()) return std::nullopt;
  try {
    return static_cast<std::uint64_t>(std::stod(t->value));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

Result<DeviceFacts> FindDevice(rdf::Store& store, const std::string& device) {
  if (device.find_first_of("\"<>\\\n") != std::string::npos) {
    return InvalidArgument("--device: not a device IRI or title: " + device);
  }
  const std::string tkg = vocab::kTkg;
  const std::string query =
      "PREFIX tkg: <" + tkg + ">\nPREFIX td: <" + vocab::kTd +
      ">\nSELECT ?device ?core ?ram ?flash WHERE {\n"
      "  ?device tkg:coreType ?core ; tkg:ramBytes ?ram ; tkg:flashBytes ?flash ; td:title ?title .\n"
      "  FILTER(STR(?device) = \"" +
      device + "\" || STR(?title) = \"" + device + "\")\n}";
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult rows, store.Query(query));
  if (rows.rows.empty() || !rows.rows[0][0]) {
    return NotFound("no device '" + device + "' with a core, RAM and flash in the knowledge graph");
  }
  DeviceFacts facts;
  facts.iri = rows.rows[0][0]->value;
  const std::string core = rows.rows[0][1] ? rows.rows[0][1]->value : "";
  facts.core = core.substr(core.find_last_of("#/") + 1);
  facts.core_iri = core;
  facts.limits.ram_bytes = IntegerOf(rows.rows[0][2]).value_or(0);
  facts.limits.flash_bytes = IntegerOf(rows.rows[0][3]).value_or(0);
  for (const char* free_property : {"freeRamBytes", "freeFlashBytes"}) {
    const std::string q = "SELECT ?v WHERE { <" + facts.iri + "> <" + tkg + free_property + "> ?v }";
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult free, store.Query(q));
    if (free.rows.empty()) continue;
    if (auto v = IntegerOf(free.rows[0][0]); v && *v > 0) {
      (std::string(free_property) == "freeRamBytes" ? facts.limits.ram_bytes : facts.limits.flash_bytes) = *v;
    }
  }
  facts.target = TargetForCoreType(facts.core);
  return facts;
}

}  // namespace tinykg::emu
