// Namespace generations of the published TinyML schema. The SeLoC-ML paper's
// queries use http://tinyml-schema.org/...; its data uses
// https://w3id.org/tinyml-schema/neural-network-schema.... tinykg stores only
// the w3id generation: data is normalised on load and query text before it
// runs, so both generations give the same answers.
#ifndef TINYKG_RDF_NAMESPACES_H_
#define TINYKG_RDF_NAMESPACES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tinykg::rdf {

// (legacy prefix, current prefix) pairs, longest legacy first.
const std::vector<std::pair<std::string, std::string>>& LegacyNamespaces();

// The IRI with a legacy namespace replaced by the current one; unchanged
// otherwise.
std::string NormalizeIri(std::string_view iri);
// NormalizeIri in place: `iri` is only rewritten when it has a legacy
// namespace (a load calls this for millions of IRIs, nearly all current).
void NormalizeIriInPlace(std::string& iri);

// Replaces legacy namespace IRIs inside a query or document text (only
// inside <...> IRI references and PREFIX declarations, which is where
// namespaces appear in SPARQL).
std::string NormalizeNamespacesInText(std::string_view text);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_NAMESPACES_H_
