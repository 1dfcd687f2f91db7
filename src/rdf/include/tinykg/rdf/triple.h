// Plain RDF values (terms, triples) and the sink interface importers write
// to. Nothing here touches Redland, so importers (td/, model/) can be tested
// against a VectorSink without a store.
#ifndef TINYKG_RDF_TRIPLE_H_
#define TINYKG_RDF_TRIPLE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::rdf {

enum class TermKind { kIri, kBlank, kLiteral };

// An RDF term. For literals `datatype` is empty for xsd:string / rdf:langString
// and `language` is the lowercase BCP47 tag or empty. Blank node labels are
// without the "_:" prefix and are local to one document.
struct Term {
  TermKind kind = TermKind::kIri;
  std::string value;
  std::string datatype;
  std::string language;

  static Term Iri(std::string iri) { return {TermKind::kIri, std::move(iri), {}, {}}; }
  static Term Blank(std::string label) { return {TermKind::kBlank, std::move(label), {}, {}}; }
  static Term Literal(std::string lexical, std::string datatype = {}, std::string language = {}) {
    return {TermKind::kLiteral, std::move(lexical), std::move(datatype), std::move(language)};
  }

  bool is_iri() const { return kind == TermKind::kIri; }
  bool is_blank() const { return kind == TermKind::kBlank; }
  bool is_literal() const { return kind == TermKind::kLiteral; }

  // N-Triples form: <iri>, _:label, "lex"^^<dt>, "lex"@lang.
  std::string ToNTriples() const;
  // Appends the same text to `out` (no temporary strings: the form for
  // writers of many statements).
  void AppendNTriples(std::string& out) const;

  friend bool operator==(const Term&, const Term&) = default;
};

struct Triple {
  Term subject;
  Term predicate;
  Term object;

  // One N-Triples line, without the trailing newline.
  std::string ToNTriples() const;
  // Appends "S P O" (the line without " ." and newline) to `out`; an
  // N-Quads writer adds the graph after it.
  void AppendNTriplesTerms(std::string& out) const;

  friend bool operator==(const Triple&, const Triple&) = default;
};

// Receives triples from an importer. Add() may fail (e.g. a store error); the
// importer stops and returns that status.
class TripleSink {
 public:
  virtual ~TripleSink() = default;
  virtual Status Add(const Triple& triple) = 0;
};

// Collects triples in memory; for tests and for staging a document before it
// is written to the store in one transaction.
class VectorSink final : public TripleSink {
 public:
  Status Add(const Triple& triple) override {
    triples.push_back(triple);
    return Status::Ok();
  }
  std::vector<Triple> triples;
};

// Escapes a string for use inside "..." in N-Triples / Turtle / SPARQL.
std::string EscapeLiteral(const std::string& text);

// Escapes an IRI for use inside <...> (UCHAR-escapes characters not allowed
// there: controls, space, <>"{}|^`\).
std::string EscapeIri(const std::string& iri);

// What ends an N-Quads line of a statement in graph `graph_iri` after its
// three terms: " <graph> .\n".
std::string NQuadsGraphSuffix(const std::string& graph_iri);

// The same, appended to `out`.
void AppendEscapedLiteral(std::string_view text, std::string& out);
void AppendEscapedIri(std::string_view iri, std::string& out);

// The N-Triples form of a term given by its parts (Term's fields, as views),
// appended to `out`: the one writer behind Term::AppendNTriples.
void AppendNTriplesTerm(TermKind kind, std::string_view value, std::string_view datatype,
                        std::string_view language, std::string& out);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_TRIPLE_H_
