#include "tinykg/match/search.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "facts.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsNameField(const std::string& local) { return local == "label" || local == "name" || local == "title"; }

}  // namespace

Result<std::vector<SearchHit>> Search(rdf::Store& store, std::string_view text, int limit) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) words.push_back(Lower(w));
  if (words.empty()) return InvalidArgument("search text is empty");
  // SPARQL selects by the longest word; the other words are checked here.
  std::string needle = *std::max_element(words.begin(), words.end(),
                                         [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult r,
                          RunNamed(store, "match-search", {"needle"}, {{rdf::Term::Literal(needle)}}));
  struct Acc {
    SearchHit hit;
    std::vector<std::string> texts;
  };
  std::map<std::string, Acc> by_iri;
  for (const auto& row : r.rows) {
    if (!row[0] || !row[1] || !row[2] || !row[3]) continue;
    Acc& a = by_iri[row[0]->value];
    a.hit.iri = row[0]->value;
    a.hit.kind = row[1]->value == std::string(vocab::kTkg) + "Device" ? "device" : "model";
    a.texts.push_back(Lower(row[3]->value));
    std::string field = LocalName(row[2]->value);
    std::string lower = Lower(row[3]->value);
    std::string whole = Lower(text);
    int score = 10;
    if (IsNameField(field)) score = lower == whole ? 100 : lower.rfind(whole, 0) == 0 ? 60 : 40;
    if (score > a.hit.score) {
      a.hit.score = score;
      a.hit.field = field;
      a.hit.text = row[3]->value;
    }
    if (IsNameField(field) && (a.hit.name.empty() || field == "label")) a.hit.name = row[3]->value;
  }
  // Names of hits found by their description only.
  for (bool model : {true, false}) {
    std::vector<std::vector<rdf::Term>> rows;
    for (const auto& [iri, a] : by_iri) {
      if (a.hit.name.empty() && (a.hit.kind == "model") == model) rows.push_back({rdf::Term::Iri(iri)});
    }
    if (rows.empty()) continue;
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult names, RunNamed(store, model ? "match-model-names" : "match-device-names",
                                                             {model ? "model" : "device"}, rows));
    for (const auto& row : names.rows) {
      if (!row[0]) continue;
      auto it = by_iri.find(row[0]->value);
      for (std::size_t i = 1; i < row.size() && it != by_iri.end(); ++i) {
        if (row[i] && it->second.hit.name.empty()) it->second.hit.name = row[i]->value;
      }
    }
  }
  std::vector<SearchHit> out;
  for (auto& entry : by_iri) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const std::string& iri = entry.first;
    auto& a = entry.second;
    bool all = std::all_of(words.begin(), words.end(), [&](const std::string& w) {
      return std::any_of(a.texts.begin(), a.texts.end(), [&](const std::string& t) { return t.find(w) != std::string::npos; });
    });
    if (!all) continue;
    if (a.hit.name.empty()) a.hit.name = LocalName(iri);
    out.push_back(std::move(a.hit));
  }
  std::sort(out.begin(), out.end(), [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return Lower(a.name) < Lower(b.name);
  });
  if (limit > 0 && out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  return out;
}

}  // namespace tinykg::match
