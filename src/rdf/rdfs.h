// Internal: the RDFS closure tinykg materialises at load time, because
// Rasqal has no property paths (so `rdf:type/rdfs:subClassOf*` cannot be
// asked). Pure C++ over Triples.
#ifndef TINYKG_RDF_RDFS_H_
#define TINYKG_RDF_RDFS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tinykg/rdf/triple.h"

namespace tinykg::rdf::internal {

class Hierarchy {
 public:
  // Records t when it is an rdfs:subClassOf / rdfs:subPropertyOf edge
  // between IRIs; returns whether it was one.
  bool Add(const Triple& t);
  void Clear();
  bool empty() const { return classes_.empty() && properties_.empty(); }

  // Triples entailed by `doc` under rdfs9 (type inheritance), rdfs7
  // (subproperty) and rdfs5/rdfs11 (transitivity), minus those in `doc`;
  // first the needs of published model descriptions (published_needs.h),
  // which every backend so materialises with the closure.
  std::vector<Triple> Entailed(const std::vector<Triple>& doc) const;
  // Entailed() without the published needs, appended to `out`: what a part
  // of a document entails on its own (the needs take the whole document).
  void AppendClosure(const std::vector<Triple>& doc, std::vector<Triple>& out) const;

 private:
  using Graph = std::map<std::string, std::set<std::string>>;
  static std::set<std::string> Ancestors(const Graph& g, const std::string& node);
  Graph classes_;
  Graph properties_;
};

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_RDFS_H_
