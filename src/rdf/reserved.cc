#include "tinykg/rdf/reserved.h"

#include <cctype>
#include <string>

namespace tinykg::rdf {

bool IsReservedIri(std::string_view iri) {
  const std::string_view prefix = kReservedPrefix;
  if (iri.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(iri[i])) != prefix[i]) return false;
  }
  return true;
}

Status CheckUserGraphIri(std::string_view iri) {
  if (!IsReservedIri(iri)) return Status::Ok();
  return InvalidArgument("<" + std::string(iri) + "> is in the namespace " + kReservedPrefix +
                         ", which tinykg reserves for its own graphs (catalog, inferences); "
                         "choose another IRI");
}

}  // namespace tinykg::rdf
