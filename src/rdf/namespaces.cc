#include "tinykg/rdf/namespaces.h"

namespace tinykg::rdf {

const std::vector<std::pair<std::string, std::string>>& LegacyNamespaces() {
  static const std::vector<std::pair<std::string, std::string>> kMap = {
      {"http://tinyml-schema.org/networkschema#",
       "https://w3id.org/tinyml-schema/neural-network-schema#"},
      {"http://tinyml-schema.org/sosa_extend/",
       "https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/"},
      {"http://tinyml-schema.org/s3n_extend/",
       "https://w3id.org/tinyml-schema/neural-network-schema/s3n_extend/"},
      {"http://tinyml-schema.org/ssn_extend/",
       "https://w3id.org/tinyml-schema/neural-network-schema/ssn_extend/"},
      {"http://tinyml-schema.org/s3n_extend#",
       "https://w3id.org/tinyml-schema/neural-network-schema/s3n_extend/"},
      {"http://tinyml-schema.org/sosa_extend#",
       "https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/"},
      {"http://tinyml-schema.org/ssn_extend#",
       "https://w3id.org/tinyml-schema/neural-network-schema/ssn_extend/"},
      {"http://tinyml-schema.org/tinyml-demo/",
       "https://w3id.org/tinyml-schema/neural-network-schema/tinyml-demo/"},
  };
  return kMap;
}

namespace {

// The host every legacy namespace shares.
bool MayBeLegacy(std::string_view iri) { return iri.substr(0, 24) == "http://tinyml-schema.org"; }

}  // namespace

std::string NormalizeIri(std::string_view iri) {
  if (!MayBeLegacy(iri)) return std::string(iri);
  for (const auto& [legacy, current] : LegacyNamespaces()) {
    if (iri.substr(0, legacy.size()) == legacy) {
      return current + std::string(iri.substr(legacy.size()));
    }
  }
  return std::string(iri);
}

void NormalizeIriInPlace(std::string& iri) {
  if (MayBeLegacy(iri)) iri = NormalizeIri(iri);
}

std::string NormalizeNamespacesInText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      size_t end = text.find('>', i + 1);
      if (end != std::string_view::npos) {
        std::string_view inner = text.substr(i + 1, end - i - 1);
        if (inner.find_first_of(" \t\n") == std::string_view::npos) {
          out += '<';
          out += NormalizeIri(inner);
          out += '>';
          i = end + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace tinykg::rdf
