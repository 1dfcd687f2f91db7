#include "published_needs.h"

#include <cmath>
#include <map>
#include <set>

#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {
namespace {

std::string V(const char* ns, const char* local) { return std::string(ns) + local; }

// A node as a map key (IRIs and blank labels cannot collide: kind first).
std::string NodeKey(const Term& t) { return static_cast<char>('0' + static_cast<int>(t.kind)) + t.value; }

std::optional<double> Number(const Term& t) {
  if (!t.is_literal() || t.value.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double v = std::stod(t.value, &used);
    if (used != t.value.size() || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

// The terms PublishedModelNeeds reads and writes.
struct Terms {
  const std::string type = V(vocab::kRdf, "type");
  const std::string feature = V(vocab::kS3n, "hasProcedureFeature");
  const std::string in_condition = V(vocab::kSsnSystem, "inCondition");
  const std::string min_value = V(vocab::kSchema, "minValue");
  const std::string unit_code = V(vocab::kSchema, "unitCode");
  const std::string ram = V(vocab::kS3nExtend, "RAM");
  const std::string flash = V(vocab::kS3nExtend, "Flash");
  const std::string has_input = V(vocab::kSsn, "hasInput");
  const std::string provide_input = V(vocab::kSsnExtend, "provideInput");
  const std::string ram_need = V(vocab::kTkg, "ramNeedBytes");
  const std::string flash_need = V(vocab::kTkg, "flashNeedBytes");
  const std::string sosa_extend = vocab::kSosaExtend;
};

const Terms& Names() {
  static const Terms kTerms;
  return kTerms;
}

}  // namespace

bool FeedsPublishedNeeds(const Triple& t) {
  const Terms& n = Names();
  const std::string& p = t.predicate.value;
  if (p == n.type) {
    const std::string& o = t.object.value;
    return t.object.is_iri() && (o == n.ram || o == n.flash || o.rfind(n.sosa_extend, 0) == 0);
  }
  return p == n.feature || p == n.in_condition || p == n.min_value || p == n.unit_code || p == n.has_input ||
         p == n.provide_input || p == n.ram_need || p == n.flash_need;
}

std::optional<double> BytesPerUnit(const std::string& unit_iri) {
  if (unit_iri.empty() || unit_iri == V(vocab::kOm, "kilobyte")) return 1000.0;
  if (unit_iri == V(vocab::kOm, "byte")) return 1.0;
  if (unit_iri == V(vocab::kOm, "kibibyte")) return 1024.0;
  if (unit_iri == V(vocab::kOm, "megabyte")) return 1e6;
  return std::nullopt;
}

std::vector<Triple> PublishedModelNeeds(const std::vector<Triple>& doc) {
  const Terms& n = Names();
  const std::string& type = n.type;
  const std::string& feature = n.feature;
  const std::string& in_condition = n.in_condition;
  const std::string& min_value = n.min_value;
  const std::string& unit_code = n.unit_code;
  const std::string& ram = n.ram;
  const std::string& flash = n.flash;
  const std::string& has_input = n.has_input;
  const std::string& provide_input = n.provide_input;
  const std::string& ram_need = n.ram_need;
  const std::string& flash_need = n.flash_need;

  std::map<std::string, Term> node;                          // key -> term
  std::map<std::string, std::vector<std::string>> features;  // model -> features
  std::map<std::string, std::vector<std::string>> conditions, inputs, provides;  // feature -> conditions, ...
  std::map<std::string, std::set<std::string>> types;
  std::map<std::string, const Term*> minimum, unit;
  std::set<std::string> states_needs;
  bool any = false;
  for (const Triple& t : doc) {
    const std::string& p = t.predicate.value;
    const std::string s = NodeKey(t.subject);
    if (p == feature) {
      any = true;
      node.emplace(s, t.subject);
      features[s].push_back(NodeKey(t.object));
    } else if (p == in_condition) {
      conditions[s].push_back(NodeKey(t.object));
    } else if (p == type && t.object.is_iri()) {
      types[s].insert(t.object.value);
    } else if (p == min_value) {
      minimum[s] = &t.object;
    } else if (p == unit_code && t.object.is_iri()) {
      unit[s] = &t.object;
    } else if (p == has_input) {
      inputs[s].push_back(NodeKey(t.object));
    } else if (p == provide_input) {
      provides[NodeKey(t.object)].push_back(s);
    } else if (p == ram_need || p == flash_need) {
      states_needs.insert(s);
    }
  }
  std::vector<Triple> out;
  if (!any) return out;
  const std::string& sosa_extend = n.sosa_extend;
  for (const auto& [model, model_features] : features) {
    if (states_needs.count(model)) continue;
    const Term& subject = node.at(model);
    std::optional<double> ram_bytes, flash_bytes;
    for (const std::string& f : model_features) {
      for (const std::string& c : conditions[f]) {
        auto m = minimum.find(c);
        if (m == minimum.end()) continue;
        const std::optional<double> value = Number(*m->second);
        auto u = unit.find(c);
        const std::optional<double> scale = BytesPerUnit(u == unit.end() ? std::string() : u->second->value);
        if (!value || !scale) continue;
        const std::set<std::string>& kinds = types[c];
        if (kinds.count(ram)) ram_bytes = std::round(*value * *scale);
        if (kinds.count(flash)) flash_bytes = std::round(*value * *scale);
      }
    }
    if (!ram_bytes && !flash_bytes) continue;
    const std::string integer = V(vocab::kXsd, "integer");
    auto bytes = [&](const std::string& property, double v) {
      out.push_back({subject, Term::Iri(property), Term::Literal(std::to_string(static_cast<long long>(v)), integer)});
    };
    if (ram_bytes) bytes(ram_need, *ram_bytes);
    if (flash_bytes) bytes(flash_need, *flash_bytes);
    out.push_back({subject, Term::Iri(V(vocab::kTkg, "needsBasis")), Term::Iri(V(vocab::kTkg, "PublishedMinimum"))});
    std::set<std::string> sensor_kinds;
    for (const std::string& input : inputs[model]) {
      for (const std::string& sensor : provides[input]) {
        for (const std::string& kind : types[sensor]) {
          if (kind.rfind(sosa_extend, 0) == 0) sensor_kinds.insert(kind);
        }
      }
    }
    for (const std::string& kind : sensor_kinds) {
      out.push_back({subject, Term::Iri(V(vocab::kTkg, "inputSensor")), Term::Iri(kind)});
    }
  }
  return out;
}

}  // namespace tinykg::rdf::internal
