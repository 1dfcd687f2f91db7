#include <cctype>

#include "tinykg/match/named_queries.h"

namespace tinykg::match {

Result<std::string> QueryText(std::string_view name) {
  for (const NamedQuery& q : NamedQueries()) {
    if (name == q.name) return std::string(q.text);
  }
  return Internal("no named query ontology/queries/" + std::string(name) + ".rq");
}

namespace {

// A BCP 47 language tag as N-Triples writes it: [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
bool IsLanguageTag(const std::string& tag) {
  if (tag.empty() || !std::isalpha(static_cast<unsigned char>(tag[0]))) return false;
  bool after_dash = false;
  for (char c : tag) {
    if (c == '-') {
      if (after_dash) return false;
      after_dash = true;
    } else if (std::isalnum(static_cast<unsigned char>(c))) {
      after_dash = false;
    } else {
      return false;
    }
  }
  return !after_dash;
}

// Position just after the '{' that opens the WHERE group, skipping comments
// and IRIs (a '#' inside <...> is not a comment).
std::size_t WhereGroupStart(std::string_view q) {
  bool in_iri = false;
  for (std::size_t i = 0; i < q.size(); ++i) {
    char c = q[i];
    if (in_iri) {
      if (c == '>') in_iri = false;
      continue;
    }
    if (c == '#') {
      while (i < q.size() && q[i] != '\n') ++i;
      continue;
    }
    if (c == '<' && i + 1 < q.size() && !std::isspace(static_cast<unsigned char>(q[i + 1])) &&
        q[i + 1] != '=') {
      in_iri = true;
      continue;
    }
    if ((c == 'W' || c == 'w') && q.size() - i >= 5) {
      std::string word;
      for (std::size_t k = 0; k < 5; ++k) word += static_cast<char>(std::toupper(static_cast<unsigned char>(q[i + k])));
      bool boundary = i == 0 || !std::isalnum(static_cast<unsigned char>(q[i - 1]));
      if (word == "WHERE" && boundary) {
        std::size_t j = i + 5;
        while (j < q.size() && std::isspace(static_cast<unsigned char>(q[j]))) ++j;
        if (j < q.size() && q[j] == '{') return j + 1;
      }
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::string> BindValues(std::string_view query, const std::vector<std::string>& variables,
                               const std::vector<std::vector<rdf::Term>>& rows) {
  if (variables.empty()) return std::string(query);
  std::size_t at = WhereGroupStart(query);
  if (at == std::string_view::npos) return Internal("named query has no WHERE { to bind values in");
  std::string block = "\n  VALUES (";
  for (std::size_t i = 0; i < variables.size(); ++i) {
    for (char c : variables[i]) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        return Internal("bad variable name '" + variables[i] + "'");
      }
    }
    block += (i ? " ?" : "?") + variables[i];
  }
  block += ") {";
  for (const auto& row : rows) {
    if (row.size() != variables.size()) return Internal("VALUES row has the wrong width");
    block += " (";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const rdf::Term& t = row[i];
      if (t.is_blank()) return InvalidArgument("blank nodes cannot be bound as query parameters");
      rdf::Term safe = t;
      if (!IsLanguageTag(safe.language)) safe.language.clear();  // never written unvalidated
      block += (i ? " " : "") + safe.ToNTriples();
    }
    block += ")";
  }
  block += " }\n";
  std::string out(query.substr(0, at));
  out += block;
  out += query.substr(at);
  return out;
}

Result<std::string> BindConstants(std::string_view query,
                                  const std::vector<std::pair<std::string, rdf::Term>>& bindings) {
  std::size_t start = WhereGroupStart(query);
  if (start == std::string_view::npos) return Internal("named query has no WHERE { to bind constants in");
  std::vector<std::pair<std::string, std::string>> subst;
  for (const auto& [name, term] : bindings) {
    if (term.is_blank()) return InvalidArgument("blank nodes cannot be bound as query parameters");
    rdf::Term safe = term;
    if (!IsLanguageTag(safe.language)) safe.language.clear();
    subst.emplace_back(name, safe.ToNTriples());
  }
  // The projection drops the bound variables (Rasqal warns about projected
  // variables that are never bound); the caller knows their values.
  std::string out(query.substr(0, start));
  for (const auto& [name, term] : bindings) {
    std::size_t select = out.find("SELECT");
    for (std::size_t at = out.find("?" + name, select); select != std::string::npos && at != std::string::npos;
         at = out.find("?" + name, at)) {
      std::size_t end = at + 1 + name.size();
      if (end < out.size() && (std::isalnum(static_cast<unsigned char>(out[end])) || out[end] == '_')) {
        at = end;
        continue;
      }
      out.erase(at, end - at);
    }
  }
  bool in_iri = false;
  char in_string = 0;
  for (std::size_t i = start; i < query.size(); ++i) {
    char c = query[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < query.size()) {
        out += query[++i];
      } else if (c == in_string) {
        in_string = 0;
      }
      continue;
    }
    if (in_iri) {
      out += c;
      if (c == '>') in_iri = false;
      continue;
    }
    if (c == '#') {
      while (i < query.size() && query[i] != '\n') out += query[i++];
      if (i < query.size()) out += '\n';
      continue;
    }
    if (c == '"' || c == '\'') {
      in_string = c;
      out += c;
      continue;
    }
    if (c == '<' && i + 1 < query.size() && !std::isspace(static_cast<unsigned char>(query[i + 1])) &&
        query[i + 1] != '=') {
      in_iri = true;
      out += c;
      continue;
    }
    if (c == '?' || c == '$') {
      std::size_t j = i + 1;
      while (j < query.size() && (std::isalnum(static_cast<unsigned char>(query[j])) || query[j] == '_')) ++j;
      std::string_view name = query.substr(i + 1, j - i - 1);
      bool replaced = false;
      for (const auto& [var, text] : subst) {
        if (name == var) {
          out += text;
          replaced = true;
          break;
        }
      }
      if (replaced) {
        i = j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

}  // namespace tinykg::match
