// The IRIs tinykg keeps for itself. Every named graph whose IRI starts with
// `urn:tinykg:` belongs to tinykg: the catalog (urn:tinykg:catalog), the
// materialised inferences of each document (urn:tinykg:inferred:<graph>),
// Virtuoso's per-store graphs (urn:tinykg:store:<name>:...) and whatever
// later versions add. A user document, a TD id, `load --graph`,
// `graphs --drop` or an HTTP id that named one of them would replace or
// remove tinykg's own bookkeeping (issue 15: a TD with id
// urn:tinykg:catalog emptied the catalog), so every write path that takes a
// graph IRI from a user calls CheckUserGraphIri (a drop
// CheckDroppableGraphIri) before touching the store.
#ifndef TINYKG_RDF_RESERVED_H_
#define TINYKG_RDF_RESERVED_H_

#include <string_view>

#include "tinykg/base/status.h"

namespace tinykg::rdf {

// The reserved prefix. URN schemes and namespace ids are case-insensitive
// (RFC 8141), so "URN:TinyKG:catalog" is reserved as well.
inline constexpr char kReservedPrefix[] = "urn:tinykg:";

// True when `iri` starts with kReservedPrefix (ASCII case-insensitively).
bool IsReservedIri(std::string_view iri);

// OK for an IRI a user may name as a graph (to write or to drop): valid
// UTF-8, well-formed (IsWellFormedIri: `load --graph 'urn:a b'` stored a
// graph its own N-Quads export could not name) and not reserved;
// kInvalidArgument naming the IRI and the reason otherwise. One pass over
// the IRI.
Status CheckUserGraphIri(std::string_view iri);

// OK for an IRI a user may drop: any but a reserved one (a graph with an
// ill-formed IRI stored before CheckUserGraphIri refused them can go).
Status CheckDroppableGraphIri(std::string_view iri);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_RESERVED_H_
