// IRI helpers for the JSON-LD processor (RFC 3986 reference resolution).
#ifndef TINYKG_TD_IRI_H_
#define TINYKG_TD_IRI_H_

#include <string>
#include <string_view>

#include "tinykg/rdf/iri.h"

namespace tinykg::td {

using rdf::HasScheme;        // "http:", "urn:"; not "_:"
using rdf::IsWellFormedIri;  // what toRdf calls "well-formed"

// True for "_:label".
inline bool IsBlankNodeId(std::string_view value) { return value.size() >= 2 && value[0] == '_' && value[1] == ':'; }

// Resolves `reference` against `base` (RFC 3986 section 5.2). An empty base
// returns `reference` unchanged.
std::string ResolveIri(std::string_view base, std::string_view reference);

}  // namespace tinykg::td

#endif  // TINYKG_TD_IRI_H_
