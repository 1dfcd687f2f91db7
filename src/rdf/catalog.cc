#include "catalog.h"

#include <algorithm>
#include <cstdlib>

#include "tinykg/base/text.h"
#include "tinykg/rdf/namespaces.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {

namespace {

const std::string kTkg = vocab::kTkg;
const std::string kRdfType = std::string(vocab::kRdf) + "type";
const std::string kRdfsLabel = std::string(vocab::kRdfs) + "label";

std::string NamespaceOf(const std::string& iri) {
  size_t cut = iri.find_last_of("#/");
  return cut == std::string::npos ? std::string() : iri.substr(0, cut + 1);
}

}  // namespace

void NormalizeInGraph(Triple& t, const std::string& graph) {
  auto fix = [&](Term& term) {
    if (term.is_iri()) {
      NormalizeIriInPlace(term.value);
    } else if (term.is_blank()) {
      term.value = "g" + Fnv1aHex(graph) + "x" + term.value;
    } else if (!term.datatype.empty()) {
      NormalizeIriInPlace(term.datatype);
    }
  };
  fix(t.subject);
  fix(t.predicate);
  fix(t.object);
}

Triple NormalizedInGraph(const Triple& t, const std::string& graph) {
  Triple out = t;
  NormalizeInGraph(out, graph);
  return out;
}

GraphInfo CatalogInfo(const GraphDocument& doc, std::int64_t triple_count) {
  GraphInfo info;
  info.iri = doc.iri;
  info.kind = doc.kind;
  info.source = doc.source;
  info.label = doc.label;
  info.loaded_at = NowUtc();
  info.triples = triple_count;
  info.prefixes = doc.prefixes;
  for (auto& [prefix, ns] : info.prefixes) NormalizeIriInPlace(ns);  // as the triples are stored
  // By prefix name: a store that keeps the entry as triples (Virtuoso)
  // gives them back in its own order, and every backend must agree.
  std::stable_sort(info.prefixes.begin(), info.prefixes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return info;
}

std::vector<Triple> CatalogEntryTriples(const GraphDocument& doc, std::int64_t triple_count) {
  return CatalogEntryTriples(CatalogInfo(doc, triple_count), doc.original_text);
}

std::vector<Triple> CatalogEntryTriples(const GraphInfo& info, const std::string& original_text) {
  Term g = Term::Iri(info.iri);
  std::vector<Triple> entry = {
      {g, Term::Iri(kTkg + "graphKind"), Term::Literal(info.kind)},
      {g, Term::Iri(kTkg + "loadedAt"), Term::Literal(info.loaded_at, std::string(vocab::kXsd) + "dateTime")},
      {g, Term::Iri(kTkg + "tripleCount"),
       Term::Literal(std::to_string(info.triples), std::string(vocab::kXsd) + "integer")},
  };
  if (!info.source.empty()) entry.push_back({g, Term::Iri(kTkg + "source"), Term::Literal(info.source)});
  if (!info.label.empty()) entry.push_back({g, Term::Iri(kRdfsLabel), Term::Literal(info.label)});
  if (!original_text.empty()) {
    entry.push_back({g, Term::Iri(kTkg + "sourceText"), Term::Literal(original_text)});
  }
  for (const auto& [prefix, ns] : info.prefixes) {
    entry.push_back({g, Term::Iri(kTkg + "declaresPrefix"), Term::Literal(PrefixDeclaration(prefix, ns))});
  }
  return entry;
}

std::string PrefixDeclaration(const std::string& prefix, const std::string& ns) {
  return prefix + ": <" + ns + ">";
}

namespace {
// Keeps `list` sorted by prefix name, whatever order the store reads them in.
void InsertByPrefix(std::vector<std::pair<std::string, std::string>>& list, std::pair<std::string, std::string> p) {
  auto at = std::upper_bound(list.begin(), list.end(), p, [](const auto& a, const auto& b) { return a.first < b.first; });
  list.insert(at, std::move(p));
}
}  // namespace

bool ParsePrefixDeclaration(const std::string& text, std::pair<std::string, std::string>& out) {
  const size_t colon = text.find(": <");
  if (colon == std::string::npos || text.size() < colon + 4 || text.back() != '>') return false;
  out = {text.substr(0, colon), text.substr(colon + 3, text.size() - colon - 4)};
  return true;
}

void ReadCatalogField(const std::string& p, const std::string& value, GraphInfo& info) {
  if (p == kTkg + "graphKind") info.kind = value;
  else if (p == kTkg + "source") info.source = value;
  else if (p == kTkg + "loadedAt") info.loaded_at = value;
  else if (p == kTkg + "tripleCount") info.triples = std::atoll(value.c_str());
  else if (p == kRdfsLabel) info.label = value;
  else if (p == kTkg + "declaresPrefix") {
    std::pair<std::string, std::string> declared;
    if (ParsePrefixDeclaration(value, declared)) InsertByPrefix(info.prefixes, std::move(declared));
  }
}

void ReadCatalogField(const std::string& p, const std::string& value, GraphDocument& doc) {
  if (p == kTkg + "graphKind") doc.kind = value;
  else if (p == kTkg + "source") doc.source = value;
  else if (p == kTkg + "sourceText") doc.original_text = value;
  else if (p == kRdfsLabel) doc.label = value;
  else if (p == kTkg + "declaresPrefix") {
    std::pair<std::string, std::string> declared;
    if (ParsePrefixDeclaration(value, declared)) InsertByPrefix(doc.prefixes, std::move(declared));
  }
}

void DeclaredTerms::Reset() {
  declared_.clear();
  covered_namespaces_.clear();
  valid_ = true;
}

void DeclaredTerms::AddOntologyTriples(const std::vector<Triple>& triples) {
  // A term an ontology only declares `a owl:AnnotationProperty` is one it
  // uses from another vocabulary (OWL 2 wants annotation properties
  // declared: the published S3N core declares dcterms:title, :creator, ...):
  // the term is declared, but its namespace is not one the ontology
  // describes, so other terms of it (tinykg's dcterms:date and
  // dcterms:source) are not reported as undeclared.
  static const std::string kAnnotationProperty = std::string(vocab::kOwl) + "AnnotationProperty";
  std::set<std::string> described;
  for (const auto& t : triples) {
    if (!t.subject.is_iri()) continue;
    declared_.insert(t.subject.value);
    if (!(t.predicate.value == kRdfType && t.object.is_iri() && t.object.value == kAnnotationProperty)) {
      described.insert(t.subject.value);
    }
  }
  for (const auto& iri : described) covered_namespaces_.insert(NamespaceOf(iri));
}

void DeclaredTerms::Check(const GraphDocument& doc, const std::vector<Triple>& used, Findings& found) const {
  DocumentCheck check;
  check.Add(*this, used);
  check.Finish(doc, found);
}

void DeclaredTerms::DocumentCheck::Add(const DeclaredTerms& terms, const std::vector<Triple>& part) {
  if (terms.covered_namespaces_.empty()) return;
  auto covered = [&terms](const std::string& iri) { return terms.covered_namespaces_.count(NamespaceOf(iri)) > 0; };
  auto check = [&](const Term& term) {
    if (term.is_iri() && !terms.declared_.count(term.value) && covered(term.value)) undeclared_.insert(term.value);
  };
  const std::string* subject = nullptr;  // a subject's triples come together: its namespace once
  for (const auto& t : part) {
    if (t.subject.is_iri() && (subject == nullptr || *subject != t.subject.value)) {
      subject = &t.subject.value;
      if (covered(*subject)) described_.insert(*subject);
    }
    check(t.predicate);
    if (t.predicate.value == kRdfType || t.object.is_iri()) check(t.object);
  }
}

void DeclaredTerms::DocumentCheck::Finish(const GraphDocument& doc, Findings& found) {
  for (const auto& iri : undeclared_) {
    if (!described_.count(iri)) found[iri].push_back(doc.source.empty() ? doc.iri : doc.source);
  }
  undeclared_.clear();
  described_.clear();
}

void DeclaredTerms::AppendWarnings(const Findings& found, std::vector<std::string>& warnings) {
  for (const auto& [iri, where] : found) {
    std::string w = "<" + iri + "> is used but no loaded ontology declares it (" + where.front();
    if (where.size() > 1) w += " and " + std::to_string(where.size() - 1) + " more";
    warnings.push_back(w + ")");
  }
}

void DeclaredTerms::Load(const std::vector<GraphInfo>& graphs,
                         const std::function<Result<std::vector<Triple>>(const std::string& iri)>& triples_of) {
  Reset();
  for (const auto& g : graphs) {
    if (g.kind != kKindOntology) continue;
    auto triples = triples_of(g.iri);
    if (triples.ok()) AddOntologyTriples(*triples);
  }
}

void DeclaredTerms::CheckBatch(const std::vector<GraphDocument>& docs, const std::vector<std::vector<Triple>>& used,
                               const std::function<void()>& load, std::vector<std::string>& warnings) {
  for (const auto& doc : docs) {
    if (doc.kind == kKindOntology) Invalidate();
  }
  if (!valid()) load();
  Findings undeclared;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (docs[i].kind != kKindOntology) Check(docs[i], used[i], undeclared);
  }
  AppendWarnings(undeclared, warnings);
}

}  // namespace tinykg::rdf::internal
