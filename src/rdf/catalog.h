// What both Store backends (store.cc, Redland; virtuoso_store.cc) write and
// read the same way: how a document's triples are stored (normalised IRIs,
// blank labels kept apart per graph), the catalog entry of a graph, and the
// warning about terms no loaded ontology declares. Internal to src/rdf.
#ifndef TINYKG_RDF_CATALOG_H_
#define TINYKG_RDF_CATALOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tinykg/rdf/store.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::rdf::internal {

// `t` as stored in named graph `graph`: legacy namespaces normalised, blank
// node labels prefixed with a hash of the graph (Fnv1aHex) so graphs never
// share one.
Triple NormalizedInGraph(const Triple& t, const std::string& graph);
// NormalizedInGraph in place.
void NormalizeInGraph(Triple& t, const std::string& graph);

// The catalog statements about doc's graph (kind, load time, triple count,
// source, label, original text), subject doc.iri.
std::vector<Triple> CatalogEntryTriples(const GraphDocument& doc, std::int64_t triple_count);
// The catalog entry of doc's graph, loaded now, holding `triple_count` triples.
GraphInfo CatalogInfo(const GraphDocument& doc, std::int64_t triple_count);
// The same statements for a stored entry (its own load time).
std::vector<Triple> CatalogEntryTriples(const GraphInfo& info, const std::string& original_text);

// A declared prefix as the catalog keeps it (tkg:declaresPrefix), the
// prologue's form without the keyword: "s3n: <http://w3id.org/s3n/>".
std::string PrefixDeclaration(const std::string& prefix, const std::string& ns);
// Back into (prefix, namespace); false when `text` is not of that form.
bool ParsePrefixDeclaration(const std::string& text, std::pair<std::string, std::string>& out);

// One catalog statement (predicate, object value) read back into a
// GraphInfo / the catalog fields of a GraphDocument; others are ignored.
void ReadCatalogField(const std::string& predicate, const std::string& value, GraphInfo& info);
void ReadCatalogField(const std::string& predicate, const std::string& value, GraphDocument& doc);

// Terms of the namespaces the loaded ontologies cover, and the check that a
// document uses none of them undeclared (e.g. the published ms200.ttl's
// sosa_extend::Magnetometer).
class DeclaredTerms {
 public:
  // Term IRI -> the documents (source, else graph IRI) using it undeclared.
  using Findings = std::map<std::string, std::vector<std::string>>;

  bool valid() const { return valid_; }
  void Invalidate() { valid_ = false; }
  // Starts over from the triples of every ontology graph (marks valid).
  void Reset();
  void AddOntologyTriples(const std::vector<Triple>& triples);
  // Reset, then the triples of every ontology graph in `graphs`, read with
  // `triples_of` (graphs that cannot be read are skipped).
  void Load(const std::vector<GraphInfo>& graphs,
            const std::function<Result<std::vector<Triple>>(const std::string& iri)>& triples_of);
  void MarkValid() { valid_ = true; }
  bool Declares(const std::string& iri) const { return declared_.count(iri) > 0; }

  // Adds to `found` the terms `used` (doc's normalised triples) takes from a
  // covered namespace that no ontology declares and doc does not describe.
  void Check(const GraphDocument& doc, const std::vector<Triple>& used, Findings& found) const;

  // Check() for a document whose triples come in parts: Add() each part,
  // then Finish() (a term a later part describes is not reported).
  class DocumentCheck {
   public:
    void Add(const DeclaredTerms& terms, const std::vector<Triple>& part);
    void Finish(const GraphDocument& doc, Findings& found);

   private:
    std::set<std::string> undeclared_;  // used, in a covered namespace, declared by no ontology
    std::set<std::string> described_;   // subjects in a covered namespace
  };
  // One warning line per finding.
  static void AppendWarnings(const Findings& found, std::vector<std::string>& warnings);

  // After a batch is written: forgets the declared set when the batch
  // touched an ontology, reloads it with `load` when it is not valid, and
  // warns about the terms the batch's other documents use undeclared
  // (used[i]: docs[i]'s triples as stored).
  void CheckBatch(const std::vector<GraphDocument>& docs, const std::vector<std::vector<Triple>>& used,
                  const std::function<void()>& load, std::vector<std::string>& warnings);

 private:
  bool valid_ = false;
  std::set<std::string> declared_;
  std::set<std::string> covered_namespaces_;
};

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_CATALOG_H_
