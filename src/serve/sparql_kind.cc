#include "sparql_kind.h"

#include <cctype>
#include <string>

namespace tinykg::serve {
namespace {

std::string Upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

SparqlForm ClassifySparql(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  bool after_prologue_word = false;  // inside BASE/PREFIX: skip its operands
  while (i < n) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '<') {
      while (i < n && text[i] != '>') ++i;
      ++i;
    } else if (c == '"' || c == '\'') {
      const char quote = c;
      ++i;
      while (i < n && text[i] != quote) i += text[i] == '\\' ? 2 : 1;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == ':') {
      const std::size_t start = i;
      while (i < n && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                       text[i] == '-' || text[i] == ':' || text[i] == '.')) {
        ++i;
      }
      const std::string word = Upper(text.substr(start, i - start));
      if (word == "BASE" || word == "PREFIX") {
        after_prologue_word = true;
        continue;
      }
      if (after_prologue_word && word.find(':') != std::string::npos) continue;  // "ex:" of PREFIX
      after_prologue_word = false;
      if (word == "SELECT") return SparqlForm::kSelect;
      if (word == "ASK") return SparqlForm::kAsk;
      if (word == "CONSTRUCT") return SparqlForm::kConstruct;
      if (word == "DESCRIBE") return SparqlForm::kDescribe;
      if (word == "INSERT" || word == "DELETE" || word == "LOAD" || word == "CLEAR" ||
          word == "CREATE" || word == "DROP" || word == "COPY" || word == "MOVE" ||
          word == "ADD" || word == "WITH") {
        return SparqlForm::kUpdate;
      }
      return SparqlForm::kUnknown;
    } else {
      return SparqlForm::kUnknown;
    }
  }
  return SparqlForm::kUnknown;
}

}  // namespace tinykg::serve
