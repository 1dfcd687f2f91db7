#include "rdfs.h"

#include <unordered_set>

#include "published_needs.h"
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

namespace {

// A triple as a set key, without the N-Triples escaping (it is never printed).
std::string Key(const Triple& t) {
  std::string k;
  k.reserve(t.subject.value.size() + t.predicate.value.size() + t.object.value.size() + 8);
  k += static_cast<char>('0' + static_cast<int>(t.subject.kind));
  k += t.subject.value;
  k += '\x01';
  k += t.predicate.value;
  k += '\x01';
  k += static_cast<char>('0' + static_cast<int>(t.object.kind));
  k += t.object.value;
  k += '\x01';
  k += t.object.datatype;
  k += '\x01';
  k += t.object.language;
  return k;
}

}  // namespace

std::vector<Triple> Hierarchy::Entailed(const std::vector<Triple>& doc) const {
  std::vector<Triple> out = PublishedModelNeeds(doc);
  AppendClosure(doc, out);
  return out;
}

void Hierarchy::AppendClosure(const std::vector<Triple>& doc, std::vector<Triple>& out) const {
  if (classes_.empty() && properties_.empty()) return;
  // Only triples an entailment can repeat go into the set: rdf:type,
  // subClassOf, subPropertyOf, and the predicates that are some property's
  // ancestor.
  std::set<std::string> super_properties;
  for (const auto& [p, parents] : properties_) super_properties.insert(parents.begin(), parents.end());
  std::unordered_set<std::string> have;
  for (const auto& t : doc) {
    const std::string& p = t.predicate.value;
    if (p == kType || p == kSubClassOf || p == kSubPropertyOf || super_properties.count(p)) have.insert(Key(t));
  }
  auto emit = [&](Triple t) {
    if (have.insert(Key(t)).second) out.push_back(std::move(t));
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
}

}  // namespace tinykg::rdf::internal
