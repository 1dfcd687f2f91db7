#include "tinykg/rdf/prefixes.h"

#include <algorithm>
#include <tuple>

#include "tinykg/rdf/sparql_guard.h"

namespace tinykg::rdf {

Result<std::map<std::string, DeclaredPrefix>> DeclaredPrefixes(Store& store) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<GraphInfo> graphs, store.Graphs());
  struct Count {
    std::int64_t ontology = 0, all = 0;
  };
  std::map<std::string, std::map<std::string, Count>> counts;  // prefix -> namespace -> graphs
  for (const GraphInfo& g : graphs) {
    for (const auto& [prefix, ns] : g.prefixes) {
      if (prefix.empty() || ns.empty()) continue;
      Count& c = counts[prefix][ns];
      ++c.all;
      if (g.kind == kKindOntology) ++c.ontology;
    }
  }
  std::map<std::string, DeclaredPrefix> out;
  for (const auto& [prefix, by_ns] : counts) {
    std::vector<std::pair<std::string, Count>> ranked(by_ns.begin(), by_ns.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second.ontology, a.second.all) > std::tie(b.second.ontology, b.second.all);
    });
    DeclaredPrefix& d = out[prefix];
    for (const auto& [ns, c] : ranked) d.candidates.push_back(ns);
    const bool tie = ranked.size() > 1 && ranked[0].second.ontology == ranked[1].second.ontology &&
                     ranked[0].second.all == ranked[1].second.all;
    if (!tie) {
      d.ns = ranked[0].first;
      d.graphs = ranked[0].second.all;
    }
  }
  return out;
}

Result<PrefixCompletion> CompleteQueryPrefixes(Store& store, std::string_view sparql) {
  PrefixCompletion out;
  TINYKG_ASSIGN_OR_RETURN(std::vector<std::string> missing, UndeclaredPrefixes(sparql));
  if (missing.empty()) {
    out.text = std::string(sparql);
    return out;
  }
  TINYKG_ASSIGN_OR_RETURN(auto declared, DeclaredPrefixes(store));
  std::string lines;
  for (const std::string& prefix : missing) {
    if (prefix.empty()) {
      return InvalidArgument(
          "the query uses the empty prefix (':name') without declaring it: add `PREFIX : <namespace>` "
          "(tinykg does not guess it: each loaded document binds ':' to its own namespace)");
    }
    std::string ns, from;
    if (auto it = declared.find(prefix); it != declared.end()) {
      if (it->second.ns.empty()) {
        std::string list;
        for (const auto& c : it->second.candidates) list += (list.empty() ? "<" : ">, <") + c;
        return InvalidArgument("namespace prefix '" + prefix + ":' is not declared in the query, and the loaded "
                               "documents declare it for several namespaces as often (" + list +
                               ">): add the PREFIX line you mean");
      }
      ns = it->second.ns;
      from = "declared by " + std::to_string(it->second.graphs) + " loaded graph" +
             (it->second.graphs == 1 ? "" : "s");
    } else {
      for (const auto& [p, n] : DefaultPrefixes()) {
        if (p == prefix) ns = n;
      }
      from = "tinykg's own prefix";
    }
    if (ns.empty()) {
      return InvalidArgument("namespace prefix '" + prefix + ":' is used but not declared: add `PREFIX " + prefix +
                             ": <namespace>` (no loaded document declares '" + prefix + ":')");
    }
    lines += "PREFIX " + prefix + ": <" + ns + ">\n";
    out.added.push_back(prefix + ": <" + ns + "> (" + from + ")");
  }
  out.text = lines + std::string(sparql);
  return out;
}

}  // namespace tinykg::rdf
