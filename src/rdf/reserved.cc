#include "tinykg/rdf/reserved.h"

#include <cctype>
#include <string>

#include "tinykg/base/utf8.h"
#include "tinykg/rdf/iri.h"

namespace tinykg::rdf {

bool IsReservedIri(std::string_view iri) {
  const std::string_view prefix = kReservedPrefix;
  if (iri.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(iri[i])) != prefix[i]) return false;
  }
  return true;
}

Status CheckDroppableGraphIri(std::string_view iri) {
  if (!IsReservedIri(iri)) return Status::Ok();
  return InvalidArgument("<" + ToValidUtf8(iri) + "> is in the namespace " + kReservedPrefix +
                         ", which tinykg reserves for its own graphs (catalog, inferences); "
                         "choose another IRI");
}

Status CheckUserGraphIri(std::string_view iri) {
  if (!IsValidUtf8(iri)) {
    return InvalidArgument("the graph IRI <" + ToValidUtf8(iri) + "> is not valid UTF-8");
  }
  if (!IsWellFormedIri(iri)) {
    return InvalidArgument("<" + std::string(iri) + "> is not an absolute IRI (a scheme such as urn: or https: "
                           "first, no spaces, controls or <>\"{}|\\^` and at most one #): a graph needs one");
  }
  return CheckDroppableGraphIri(iri);
}

}  // namespace tinykg::rdf
