// Whether a text is an IRI RDF can name a node or graph with: absolute
// (a scheme first) and free of the bytes IRIs forbid. The JSON-LD reader's
// "well-formed" test and the check of graph IRIs users give.
#ifndef TINYKG_RDF_IRI_H_
#define TINYKG_RDF_IRI_H_

#include <cstddef>
#include <string_view>

namespace tinykg::rdf {

// The length of `value`'s scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" /
// "-" / "." ) before a ':'), 0 without one.
std::size_t SchemeLength(std::string_view value);

// True when `value` starts with a scheme ("http:", "urn:"; "_:" has none).
inline bool HasScheme(std::string_view value) { return SchemeLength(value) > 0; }

// True for an absolute IRI without bytes that IRIs forbid (spaces,
// controls, <>"{}|\^`) and with at most one '#'; what JSON-LD's toRdf calls
// "well-formed". Bytes past ASCII are not looked at (see IsValidUtf8).
bool IsWellFormedIri(std::string_view value);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_IRI_H_
