#include "tinykg/td/device_facts.h"

#include <algorithm>

#include "tinykg/rdf/vocab.h"

namespace tinykg::td {

Status AddDeviceFacts(rdf::GraphDocument& doc, const StatedDeviceFacts& facts) {
  if (facts.empty()) return Status::Ok();
  const std::string type = std::string(vocab::kRdf) + "type";
  const std::string thing = std::string(vocab::kTd) + "Thing";
  auto it = std::find_if(doc.triples.begin(), doc.triples.end(), [&](const rdf::Triple& t) {
    return t.predicate.value == type && t.object.is_iri() && t.object.value == thing;
  });
  if (it == doc.triples.end()) {
    return InvalidData("describes no td:Thing to add device facts to", SourceLocation(doc.source));
  }
  const rdf::Term subject = it->subject;
  const std::string tkg = vocab::kTkg;
  const std::string integer = std::string(vocab::kXsd) + "integer";
  std::vector<rdf::Triple> added{{subject, rdf::Term::Iri(type), rdf::Term::Iri(tkg + "Device")}};
  auto number = [&](const char* property, const std::optional<std::int64_t>& v) {
    if (v) added.push_back({subject, rdf::Term::Iri(tkg + property), rdf::Term::Literal(std::to_string(*v), integer)});
  };
  number("freeRamBytes", facts.free_ram_bytes);
  number("freeFlashBytes", facts.free_flash_bytes);
  for (const auto& kind : facts.sensor_kinds) {
    added.push_back({subject, rdf::Term::Iri(tkg + "hasSensorKind"), rdf::Term::Iri(kind)});
  }
  for (const auto& runtime : facts.runtimes) {
    added.push_back({subject, rdf::Term::Iri(tkg + "offersRuntime"), rdf::Term::Iri(runtime)});
  }
  // What the user states replaces what the document states.
  std::erase_if(doc.triples, [&](const rdf::Triple& t) {
    if (!(t.subject == subject)) return false;
    const std::string& p = t.predicate.value;
    return (facts.free_ram_bytes && p == tkg + "freeRamBytes") ||
           (facts.free_flash_bytes && p == tkg + "freeFlashBytes") ||
           (!facts.sensor_kinds.empty() && p == tkg + "hasSensorKind") ||
           (!facts.runtimes.empty() && p == tkg + "offersRuntime");
  });
  for (auto& t : added) {
    if (std::find(doc.triples.begin(), doc.triples.end(), t) == doc.triples.end()) doc.triples.push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace tinykg::td
