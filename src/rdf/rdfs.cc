#include "rdfs.h"

#include <unordered_set>

#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {
namespace {
const std::string kSubClassOf = std::string(vocab::kRdfs) + "subClassOf";
const std::string kSubPropertyOf = std::string(vocab::kRdfs) + "subPropertyOf";
const std::string kType = std::string(vocab::kRdf) + "type";
}  // namespace

bool Hierarchy::Add(const Triple& t) {
  if (!t.subject.is_iri() || !t.object.is_iri() || t.subject.value == t.object.value) return false;
  if (t.predicate.value == kSubClassOf) {
    classes_[t.subject.value].insert(t.object.value);
    return true;
  }
  if (t.predicate.value == kSubPropertyOf) {
    properties_[t.subject.value].insert(t.object.value);
    return true;
  }
  return false;
}

void Hierarchy::Clear() {
  classes_.clear();
  properties_.clear();
}

std::set<std::string> Hierarchy::Ancestors(const Graph& g, const std::string& node) {
  std::set<std::string> seen;
  std::vector<std::string> todo{node};
  while (!todo.empty()) {
    std::string n = std::move(todo.back());
    todo.pop_back();
    auto it = g.find(n);
    if (it == g.end()) continue;
    for (const auto& parent : it->second) {
      if (parent != node && seen.insert(parent).second) todo.push_back(parent);
    }
  }
  return seen;
}

std::vector<Triple> Hierarchy::Entailed(const std::vector<Triple>& doc) const {
  std::unordered_set<std::string> have;
  have.reserve(doc.size());
  for (const auto& t : doc) have.insert(t.ToNTriples());
  std::vector<Triple> out;
  auto emit = [&](Triple t) {
    if (have.insert(t.ToNTriples()).second) out.push_back(std::move(t));
  };
  std::map<std::string, std::set<std::string>> class_cache, prop_cache;
  auto class_ancestors = [&](const std::string& c) -> const std::set<std::string>& {
    auto it = class_cache.find(c);
    if (it == class_cache.end()) it = class_cache.emplace(c, Ancestors(classes_, c)).first;
    return it->second;
  };
  auto prop_ancestors = [&](const std::string& p) -> const std::set<std::string>& {
    auto it = prop_cache.find(p);
    if (it == prop_cache.end()) it = prop_cache.emplace(p, Ancestors(properties_, p)).first;
    return it->second;
  };
  for (const auto& t : doc) {
    if (t.predicate.value == kType && t.object.is_iri()) {
      for (const auto& super : class_ancestors(t.object.value)) {
        emit({t.subject, t.predicate, Term::Iri(super)});
      }
    } else if (t.predicate.value == kSubClassOf && t.object.is_iri() && t.subject.is_iri()) {
      for (const auto& super : class_ancestors(t.object.value)) {
        if (super != t.subject.value) emit({t.subject, t.predicate, Term::Iri(super)});
      }
    } else if (t.predicate.value == kSubPropertyOf && t.object.is_iri() && t.subject.is_iri()) {
      for (const auto& super : prop_ancestors(t.object.value)) {
        if (super != t.subject.value) emit({t.subject, t.predicate, Term::Iri(super)});
      }
    }
    if (!properties_.empty()) {
      for (const auto& super : prop_ancestors(t.predicate.value)) {
        emit({t.subject, Term::Iri(super), t.object});
      }
    }
  }
  return out;
}

}  // namespace tinykg::rdf::internal
