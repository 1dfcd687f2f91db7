#include "tinykg/rdf/sparql_guard.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <cctype>
#include <map>
#include <set>
#include <span>

#include "tinykg/rdf/prefixes.h"

namespace tinykg::rdf {
namespace {

enum class Tok { kVar, kIri, kPname, kLiteral, kNumber, kPunct, kWord, kBlank, kEnd };

struct Token {
  Tok kind;
  std::string text;
  // The text in upper case, for kWord and kPname tokens out of Tokenize
  // (empty otherwise): keyword checks compare it without a copy per test.
  std::string upper = {};
  // Where Tokenize found it: [begin, end) in the query's bytes; npos for a
  // token a rewrite made. Join writes two tokens that touched in the query
  // without a space between them (`-2`, `1.`, `?é` must stay one thing).
  size_t begin = std::string::npos;
  size_t end = std::string::npos;
};

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':' || static_cast<unsigned char>(c) >= 0x80 || c == '%';
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const std::string kNoWord;

// Whether `q` holds three `c` from `i` (a long string's quotes).
bool ThreeAt(std::string_view q, size_t i, char c) {
  return i + 2 < q.size() && q[i] == c && q[i + 1] == c && q[i + 2] == c;
}

// Whether `text` starts with `upper_prefix` (upper case), ignoring case.
bool StartsWithNoCase(const std::string& text, std::string_view upper_prefix) {
  if (text.size() < upper_prefix.size()) return false;
  for (size_t i = 0; i < upper_prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != upper_prefix[i]) return false;
  }
  return true;
}

// A SPARQL tokenizer good enough to find triple patterns and keywords.
// Comments are dropped; whitespace is not kept (tokens are re-joined with
// single spaces).
Result<std::vector<Token>> Tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  // Each pass pushes at most one token: the next pass places it.
  size_t token_start = 0, placed = 0;
  const auto place = [&] {
    if (out.size() > placed) {
      out.back().begin = token_start;
      out.back().end = i;
      placed = out.size();
    }
    token_start = i;
  };
  while (i < q.size()) {
    place();
    char c = q[i];
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (c == '#') {
      // A comment ends at either end-of-line character, as in the SPARQL
      // grammar (and in Rasqal's lexer): a query must not hide a keyword
      // from this check behind a '\r'.
      while (i < q.size() && q[i] != '\n' && q[i] != '\r') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t start = i;
      const bool longq = ThreeAt(q, i, c);
      i += longq ? 3 : 1;
      bool closed = false;
      while (i < q.size()) {
        if (q[i] == '\\') { i += 2; continue; }
        if (longq ? ThreeAt(q, i, c) : q[i] == c) {
          i += longq ? 3 : 1;
          closed = true;
          break;
        }
        ++i;
      }
      // Rasqal's lexer leaks the tokens before a string that never ends
      // (found by serve_fuzz_routes under LeakSanitizer), and the query
      // could not parse anyway.
      if (!closed) return InvalidArgument("SPARQL syntax error: the string starting at offset " +
                                          std::to_string(start) + " never ends");
      // A backslash at the very end stepped past it (found by fuzzing: substr
      // below threw std::out_of_range, an abort in `tinykg query`).
      i = std::min(i, q.size());
      // language tag or datatype
      if (i < q.size() && q[i] == '@') {
        ++i;
        while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '-')) ++i;
      } else if (q.substr(i, 2) == "^^") {
        i += 2;
        if (i < q.size() && q[i] == '<') {
          size_t end = q.find('>', i);
          i = end == std::string_view::npos ? q.size() : end + 1;
        } else {
          while (i < q.size() && IsNameChar(q[i])) ++i;
        }
      }
      out.push_back({Tok::kLiteral, std::string(q.substr(start, i - start))});
      continue;
    }
    if (c == '<') {
      size_t end = i + 1;
      while (end < q.size() && q[end] != '>' && !std::isspace(static_cast<unsigned char>(q[end])) &&
             q[end] != '<' && q[end] != '"')
        ++end;
      if (end < q.size() && q[end] == '>') {
        out.push_back({Tok::kIri, std::string(q.substr(i, end - i + 1))});
        i = end + 1;
        continue;
      }
    }
    if ((c == '?' || c == '$') && i + 1 < q.size() && IsNameChar(q[i + 1]) && q[i + 1] != ':') {
      size_t start = i++;
      // Names may hold any non-ASCII character SPARQL allows (?é).
      while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_' ||
                              static_cast<unsigned char>(q[i]) >= 0x80)) {
        ++i;
      }
      out.push_back({Tok::kVar, "?" + std::string(q.substr(start + 1, i - start - 1))});
      continue;
    }
    if (c == '_' && i + 1 < q.size() && q[i + 1] == ':') {
      size_t start = i;
      i += 2;
      while (i < q.size() && IsNameChar(q[i])) ++i;
      while (i > start + 2 && q[i - 1] == '.') --i;  // "_:b." ends before the dot, as Rasqal reads it
      out.push_back({Tok::kBlank, std::string(q.substr(start, i - start))});
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '+' || c == '.') && i + 1 < q.size() &&
         std::isdigit(static_cast<unsigned char>(q[i + 1])) && !out.empty() &&
         out.back().kind == Tok::kPunct && out.back().text != ")")) {
      size_t start = i++;
      while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.' ||
                              q[i] == 'e' || q[i] == 'E' ||
                              ((q[i] == '-' || q[i] == '+') && (q[i - 1] == 'e' || q[i - 1] == 'E'))))
        ++i;
      // A trailing '.' ends the triple, it is not part of the number.
      if (q[i - 1] == '.') --i;
      out.push_back({Tok::kNumber, std::string(q.substr(start, i - start))});
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == ':' || c == '_' ||
        static_cast<unsigned char>(c) >= 0x80) {
      size_t start = i;
      while (i < q.size() && IsNameChar(q[i])) ++i;
      while (i > start + 1 && q[i - 1] == '.') --i;  // "ex:a ." ends before the dot
      std::string word(q.substr(start, i - start));
      const Tok kind = word.find(':') != std::string::npos ? Tok::kPname : Tok::kWord;
      std::string upper = Upper(word);
      out.push_back({kind, std::move(word), std::move(upper)});
      continue;
    }
    // Two-character operators.
    static const char* kOps2[] = {"&&", "||", "!=", "<=", ">=", "^^"};
    bool two = false;
    for (const char* op : kOps2) {
      if (q.substr(i, 2) == op) {
        out.push_back({Tok::kPunct, op});
        i += 2;
        two = true;
        break;
      }
    }
    if (two) continue;
    out.push_back({Tok::kPunct, std::string(1, c)});
    ++i;
  }
  place();
  return out;
}

bool IsConstant(const Token& t) {
  if (t.kind == Tok::kIri || t.kind == Tok::kPname || t.kind == Tok::kLiteral ||
      t.kind == Tok::kNumber)
    return true;
  if (t.kind == Tok::kWord) {
    return t.upper == "TRUE" || t.upper == "FALSE";
  }
  return false;
}

bool IsTerm(const Token& t) {
  return IsConstant(t) || t.kind == Tok::kVar || t.kind == Tok::kBlank ||
         (t.kind == Tok::kWord && t.text == "a");
}

std::string Join(const std::vector<Token>& toks) {
  std::string out;
  for (size_t i = 0; i < toks.size(); ++i) {
    const bool touching = i > 0 && toks[i - 1].end != std::string::npos && toks[i].begin == toks[i - 1].end;
    if (i && !touching) out += ' ';
    out += toks[i].text;
  }
  return out;
}

// Index of the token matching the opener at `open` ('(' / '{' / '['), or
// toks.size() when unbalanced.
size_t Matching(const std::vector<Token>& toks, size_t open) {
  const std::string& o = toks[open].text;
  std::string c = o == "(" ? ")" : o == "{" ? "}" : "]";
  int depth = 0;
  for (size_t i = open; i < toks.size(); ++i) {
    if (toks[i].kind != Tok::kPunct) continue;
    if (toks[i].text == o) ++depth;
    if (toks[i].text == c && --depth == 0) return i;
  }
  return toks.size();
}

bool IsPunct(const Token& t, std::string_view text) { return t.kind == Tok::kPunct && t.text == text; }
bool IsKeyword(const Token& t, std::string_view upper) { return t.kind == Tok::kWord && t.upper == upper; }

// kInvalidArgument when brackets nest deeper than kMaxSparqlNesting.
Status CheckNesting(const std::vector<Token>& toks) {
  // The open brackets, innermost last: a closer must match the innermost
  // (Matching pairs brackets of one kind only, so `{ )` repeated kept a
  // single counter low while every walker saw a new group; the review).
  std::string open;
  for (const Token& t : toks) {
    if (t.kind != Tok::kPunct || t.text.size() != 1) continue;
    const char c = t.text[0];
    if (c == '{' || c == '(' || c == '[') {
      open.push_back(c);
      if (open.size() > static_cast<size_t>(kMaxSparqlNesting)) {
        return InvalidArgument("the query nests brackets more than " + std::to_string(kMaxSparqlNesting) +
                               " deep (at offset " + std::to_string(t.begin) + "); flatten it");
      }
    } else if (c == '}' || c == ')' || c == ']') {
      const char want = c == '}' ? '{' : c == ')' ? '(' : '[';
      if (open.empty() || open.back() != want) {
        return InvalidArgument("SPARQL syntax error: '" + t.text + "' at offset " + std::to_string(t.begin) +
                               (open.empty() ? " closes nothing" : " does not close the '" + std::string(1, open.back()) + "' before it"));
      }
      open.pop_back();
    }
  }
  return Status::Ok();
}

// `prefix`, or it after as many '_' as it takes for no variable of the query
// to start with it: names made with it neither meet nor hide the query's own.
std::string FreshPrefix(const std::vector<Token>& toks, std::string prefix) {
  for (bool clash = true; clash;) {
    clash = false;
    for (const Token& tok : toks) {
      if (tok.kind == Tok::kVar && tok.text.compare(1, prefix.size(), prefix) == 0) clash = true;
    }
    if (clash) prefix = "_" + prefix;
  }
  return prefix;
}

}  // namespace

// Variables the query projects; empty with `all` set for SELECT *.
std::set<std::string> Projected(const std::vector<Token>& toks, bool& all) {
  std::set<std::string> vars;
  all = false;
  size_t i = 0;
  while (i < toks.size() && !(toks[i].kind == Tok::kWord && toks[i].upper == "SELECT")) ++i;
  int paren = 0;
  for (++i; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kPunct && t.text == "{") break;
    if (t.kind == Tok::kWord && t.upper == "WHERE") break;
    if (t.kind == Tok::kPunct && t.text == "(") ++paren;
    if (t.kind == Tok::kPunct && t.text == ")") --paren;
    if (t.kind == Tok::kPunct && t.text == "*" && paren == 0) all = true;
    if (t.kind == Tok::kVar && (paren == 0 || (i > 0 && toks[i - 1].upper == "AS"))) {
      vars.insert(t.text.substr(1));
    }
  }
  return vars;
}

// Finds a trailing `ORDER BY keys [LIMIT n] [OFFSET m]` whose keys are all
// projected variables; fills `out` and returns the index where it starts,
// or toks.size() when there is none we can take over.
size_t ClientSideOrder(const std::vector<Token>& toks, GuardedQuery& out) {
  int depth = 0;
  size_t order = toks.size();
  for (size_t i = 0; i + 1 < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kPunct && (t.text == "{" || t.text == "(")) ++depth;
    if (t.kind == Tok::kPunct && (t.text == "}" || t.text == ")")) --depth;
    if (depth == 0 && t.kind == Tok::kWord && t.upper == "ORDER" &&
        toks[i + 1].kind == Tok::kWord && toks[i + 1].upper == "BY") {
      order = i;
    }
  }
  if (order == toks.size()) return order;
  bool all = false;
  std::set<std::string> projected = Projected(toks, all);
  std::vector<SortKey> keys;
  size_t i = order + 2;
  while (i < toks.size()) {
    const Token& t = toks[i];
    const std::string& u = t.kind == Tok::kWord ? t.upper : kNoWord;
    if (u == "LIMIT" || u == "OFFSET") break;
    if (t.kind == Tok::kVar) {
      keys.push_back({t.text.substr(1), false});
      ++i;
    } else if ((u == "ASC" || u == "DESC") && i + 3 < toks.size() && toks[i + 1].text == "(" &&
               toks[i + 2].kind == Tok::kVar && toks[i + 3].text == ")") {
      keys.push_back({toks[i + 2].text.substr(1), u == "DESC"});
      i += 4;
    } else {
      return toks.size();  // an expression key: leave it to the engine
    }
  }
  if (keys.empty()) return toks.size();
  for (const auto& k : keys) {
    if (!all && !projected.count(k.variable)) return toks.size();
  }
  std::int64_t limit = -1, offset = 0;
  while (i < toks.size()) {
    const std::string& u = toks[i].kind == Tok::kWord ? toks[i].upper : kNoWord;
    if ((u == "LIMIT" || u == "OFFSET") && i + 1 < toks.size() && toks[i + 1].kind == Tok::kNumber) {
      (u == "LIMIT" ? limit : offset) = std::atoll(toks[i + 1].text.c_str());
      i += 2;
    } else {
      return toks.size();  // something after the modifiers (e.g. VALUES): leave it
    }
  }
  out.order_by = std::move(keys);
  out.limit = limit;
  out.offset = offset;
  return order;
}

// The SELECT list of `toks`: [first, end) of plain variables, without
// DISTINCT/REDUCED; false for anything else (`*`, expressions, DISTINCT).
bool PlainSelectList(const std::vector<Token>& toks, size_t& first, size_t& end) {
  size_t select = 0;
  while (select < toks.size() && !(toks[select].kind == Tok::kWord && toks[select].upper == "SELECT")) ++select;
  first = select + 1;
  for (end = first; end < toks.size(); ++end) {
    const Token& t = toks[end];
    if (t.kind == Tok::kPunct && t.text == "{") break;
    if (t.kind == Tok::kWord && t.upper == "WHERE") break;
    if (t.kind != Tok::kVar) return false;
  }
  return end < toks.size() && end > first;
}

// For RunQueryNested: the plain SELECT list [first, end) (PlainSelectList)
// loses the client-side OPTIONALs' objects (marked in `drop`) and gains
// their subjects where it lacks them, so the rows carry what the lookups
// need and nothing the client keeps apart.
void ProjectSubjectsNotObjects(std::vector<Token>& toks, size_t first, size_t end,
                               const std::vector<ClientOptional>& optionals, std::vector<bool>& drop) {
  std::set<std::string> listed, objects, subjects;
  for (size_t i = first; i < end; ++i) listed.insert(toks[i].text.substr(1));
  for (const auto& o : optionals) {
    objects.insert(o.object);
    subjects.insert(o.subject);
  }
  for (size_t i = first; i < end; ++i) {
    if (objects.count(toks[i].text.substr(1))) drop[i] = true;
  }
  std::vector<Token> added;
  for (const auto& s : subjects) {
    if (listed.count(s)) continue;
    added.push_back(Token{Tok::kVar, "?" + s});
  }
  toks.insert(toks.begin() + static_cast<std::ptrdiff_t>(end), added.begin(), added.end());
  drop.insert(drop.begin() + static_cast<std::ptrdiff_t>(end), added.size(), false);
}

void ClientSideOptionals(std::vector<Token>& toks, GuardedQuery& out, bool nest) {
  std::map<std::string, std::string> prefixes;
  bool select = false;
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string& u = toks[i].kind == Tok::kWord ? toks[i].upper : kNoWord;
    if (u == "SELECT") select = true;
    if (u == "GROUP" || u == "HAVING" || u == "LIMIT" || u == "OFFSET" || u == "COUNT" ||
        u == "SUM" || u == "MIN" || u == "MAX" || u == "AVG" || u == "SAMPLE" ||
        u == "GROUP_CONCAT" || u == "CONSTRUCT" || u == "DESCRIBE" || u == "ASK") {
      return;
    }
    if (u == "PREFIX" && i + 2 < toks.size() && toks[i + 2].kind == Tok::kIri) {
      std::string p = toks[i + 1].text;
      prefixes[p.substr(0, p.find(':'))] = toks[i + 2].text.substr(1, toks[i + 2].text.size() - 2);
    }
  }
  if (!select) return;
  std::map<std::string, int> uses;
  for (const auto& t : toks) {
    if (t.kind == Tok::kVar) ++uses[t.text];
  }
  std::set<std::string> projected;
  bool all = false;
  projected = Projected(toks, all);
  // The rows must carry each moved OPTIONAL's subject: projected, or put
  // in the projection by ProjectSubjectsNotObjects.
  size_t list_first = 0, list_end = 0;
  const bool subjects_added = nest && PlainSelectList(toks, list_first, list_end);
  std::vector<bool> drop(toks.size(), false);
  int depth = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kPunct && t.text == "{") ++depth;
    if (t.kind == Tok::kPunct && t.text == "}") --depth;
    if (depth != 1 || t.kind != Tok::kWord || t.upper != "OPTIONAL") continue;
    // OPTIONAL { ?s P ?o [.] }
    if (i + 5 >= toks.size() || toks[i + 1].text != "{" || toks[i + 2].kind != Tok::kVar ||
        toks[i + 4].kind != Tok::kVar)
      continue;
    size_t close = i + 5;
    if (toks[close].text == ".") ++close;
    if (close >= toks.size() || toks[close].text != "}") continue;
    const Token& p = toks[i + 3];
    std::string iri;
    if (p.kind == Tok::kIri) {
      iri = p.text.substr(1, p.text.size() - 2);
    } else if (p.kind == Tok::kPname) {
      auto it = prefixes.find(p.text.substr(0, p.text.find(':')));
      if (it == prefixes.end()) continue;
      iri = it->second + p.text.substr(p.text.find(':') + 1);
    } else if (p.kind == Tok::kWord && p.text == "a") {
      iri = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    } else {
      continue;
    }
    const std::string& s = toks[i + 2].text;
    const std::string& o = toks[i + 4].text;
    if (s == o) continue;
    if (!all && !subjects_added && !projected.count(s.substr(1))) continue;
    int allowed = 1 + (projected.count(o.substr(1)) ? 1 : 0);
    if (uses[o] != allowed) continue;
    out.optionals.push_back({s.substr(1), iri, o.substr(1)});
    for (size_t k = i; k <= close; ++k) drop[k] = true;
  }
  if (out.optionals.empty()) return;
  if (subjects_added) ProjectSubjectsNotObjects(toks, list_first, list_end, out.optionals, drop);
  std::vector<Token> kept;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(toks[i]));
  }
  toks = std::move(kept);
  out.notes.push_back("OPTIONAL { ?s <p> ?o } evaluated by tinykg for " +
                      std::to_string(out.optionals.size()) + " pattern(s) (Rasqal's OPTIONAL is quadratic)");
}

// Takes `SELECT DISTINCT|REDUCED` of the outer query out of the text (see
// the header: Rasqal's DISTINCT leaks), with a LIMIT/OFFSET at its end that
// must then be applied after the duplicates are gone. Leaves the query as it
// is when the end holds anything else after a LIMIT/OFFSET.
void ClientSideDistinct(std::vector<Token>& toks, GuardedQuery& out) {
  std::size_t select = toks.size();
  int depth = 0;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kPunct && (t.text == "{" || t.text == "(")) ++depth;
    if (t.kind == Tok::kPunct && (t.text == "}" || t.text == ")")) --depth;
    if (depth == 0 && t.kind == Tok::kWord && t.upper == "SELECT") {
      select = i;
      break;
    }
  }
  if (select + 1 >= toks.size() || toks[select + 1].kind != Tok::kWord) return;
  const std::string modifier = toks[select + 1].upper;
  if (modifier != "DISTINCT" && modifier != "REDUCED") return;
  // A LIMIT/OFFSET left in the text (ORDER BY was not taken out) must move
  // too: it slices after DISTINCT.
  std::int64_t limit = out.limit, offset = out.offset;
  std::size_t end = toks.size();
  while (end >= 2 && toks[end - 1].kind == Tok::kNumber && toks[end - 2].kind == Tok::kWord &&
         (toks[end - 2].upper == "LIMIT" || toks[end - 2].upper == "OFFSET")) {
    (toks[end - 2].upper == "LIMIT" ? limit : offset) = std::atoll(toks[end - 1].text.c_str());
    end -= 2;
  }
  depth = 0;
  for (std::size_t i = select; i < end; ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kPunct && (t.text == "{" || t.text == "(")) ++depth;
    if (t.kind == Tok::kPunct && (t.text == "}" || t.text == ")")) --depth;
    const std::string& u = t.kind == Tok::kWord ? t.upper : kNoWord;
    if (depth == 0 && (u == "LIMIT" || u == "OFFSET")) return;  // not at the end: leave it
  }
  toks.resize(end);
  toks.erase(toks.begin() + static_cast<std::ptrdiff_t>(select) + 1);
  out.limit = limit;
  out.offset = offset;
  if (modifier == "DISTINCT") {
    out.distinct = true;
    out.notes.push_back("DISTINCT applied by tinykg (Rasqal's DISTINCT leaks the rows it has seen)");
  } else {
    out.notes.push_back("REDUCED dropped (it allows duplicates; Rasqal's leaks like DISTINCT)");
  }
}

namespace {

Status CheckTokensStayInStore(const std::vector<Token>& toks, bool allow_service) {
  for (const Token& t : toks) {
    const std::string& u = t.upper;
    if (t.kind == Tok::kWord && u == "SERVICE" && !allow_service) {
      return InvalidArgument(
          "SERVICE is refused: a query reads this store only and never makes tinykg fetch a URL or "
          "read a file (SERVICE <...> would); a trusted local user may run it with "
          "`tinykg query --allow-service`, the server never does");
    }
    if (t.kind == Tok::kWord && (u == "DEFINE" || u == "OPTION")) {
      return InvalidArgument("Virtuoso pragmas (DEFINE ..., OPTION (...)) are refused: some make the "
                             "store fetch URLs (get:soft), and SPARQL 1.1 has none");
    }
    if ((t.kind == Tok::kPname && (u.rfind("BIF:", 0) == 0 || u.rfind("SQL:", 0) == 0)) ||
        (t.kind == Tok::kIri && (StartsWithNoCase(t.text, "<BIF:") || StartsWithNoCase(t.text, "<SQL:")))) {
      return InvalidArgument("Virtuoso's built-in SQL functions (bif:, sql:) are refused: they can read "
                             "files and fetch URLs; use SPARQL 1.1 functions");
    }
  }
  return Status::Ok();
}

}  // namespace

namespace {

// The prefix of a prefixed name ("" for ":x"); false for other tokens. A
// literal's datatype written as a prefixed name counts too.
bool PrefixOfToken(const Token& t, std::string& prefix) {
  std::string_view name;
  if (t.kind == Tok::kPname) {
    name = t.text;
  } else if (t.kind == Tok::kLiteral) {
    const size_t hat = t.text.rfind("^^");
    const size_t quote = t.text.find_last_of("\"'");
    if (hat == std::string::npos || quote == std::string::npos || hat < quote || hat + 2 >= t.text.size() ||
        t.text[hat + 2] == '<') {
      return false;
    }
    name = std::string_view(t.text).substr(hat + 2);
  } else {
    return false;
  }
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos) return false;
  prefix.assign(name.substr(0, colon));
  return true;
}

// Rasqal 0.9.33's SPARQL parser leaks the WHERE group (224 bytes, twice per
// query in the LMDB store) when the solution modifiers after it do not parse:
// a per-request leak any client of `tinykg serve` could repeat (found by
// serve_fuzz_routes: `... } LIMIT =`). So the shapes that make it fail there
// are refused here first: LIMIT/OFFSET without an integer, GROUP BY/ORDER BY/
// HAVING without a condition, a condition that is not ?var, ( ... ) or a
// call, unbalanced parentheses, anything but VALUES after the modifiers.
// Expressions inside the parentheses are still Rasqal's to parse.
// A recogniser of SPARQL 1.1 expressions (rules [110]-[130]) over tokens,
// for the solution modifiers: Rasqal's parser drops the WHERE group it has
// parsed when anything after it fails to parse (`HAVING (COUNT(?o) > q)`,
// `ORDER BY (?s +)`, `ORDER BY STR()`: a leak per request, found by
// serve_fuzz_routes and by probing), so what Rasqal would refuse there is
// refused first. Functions take the arities of the SPARQL grammar; EXISTS is
// not allowed here (Rasqal 0.9.33 does not run it).
class ExpressionCheck {
 public:
  ExpressionCheck(const std::vector<Token>& toks, size_t end,
                  std::string_view place = " in the solution modifiers after the WHERE clause")
      : t_(toks), end_(end), place_(place) {}

  // The expression starting at `k`; the index after it.
  Result<size_t> ExpressionAt(size_t k) {
    k_ = k;
    no_aggregates_ = false;
    TINYKG_RETURN_IF_ERROR(Expression(1));
    return k_;
  }

  // The condition at `k` of GROUP BY / ORDER BY / HAVING (`(expr)`,
  // `(expr AS ?v)` when `as_allowed`, a call); the index after it. FILTER's
  // constraint is one without AS.
  Result<size_t> Condition(size_t k, bool as_allowed) {
    k_ = k;
    // GROUP BY (the condition that may carry AS) takes no aggregate (SPARQL
    // 1.1, 11.1); Rasqal evaluated one per row, failed and leaked the row
    // and its values (serve_fuzz_routes: GROUP BY ?u (SUM(?o) > 1)).
    no_aggregates_ = as_allowed;
    if (At("(")) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Expression(1));
      if (as_allowed && AtWord("AS")) {
        ++k_;
        if (k_ >= end_ || t_[k_].kind != Tok::kVar) return Fail("AS must be followed by a variable");
        ++k_;
      }
      TINYKG_RETURN_IF_ERROR(Expect(")"));
    } else {
      TINYKG_RETURN_IF_ERROR(Primary(1));
    }
    return k_;
  }

 private:
  bool At(std::string_view punct) const { return k_ < end_ && IsPunct(t_[k_], punct); }
  bool AtWord(std::string_view upper) const { return k_ < end_ && IsKeyword(t_[k_], upper); }
  Status Fail(const std::string& what) const {
    const std::string where = k_ < end_ ? "at '" + t_[k_].text.substr(0, 40) + "' (offset " +
                                              std::to_string(t_[k_].begin) + ")"
                                        : "at the end of the query";
    return InvalidArgument("SPARQL syntax error" + std::string(place_) + ": " + what + ", " + where);
  }
  Status Expect(std::string_view punct) {
    if (!At(punct)) return Fail("expected '" + std::string(punct) + "'");
    ++k_;
    return Status::Ok();
  }

  Status Expression(int depth) {
    if (depth > kMaxSparqlNesting) return Fail("expression nested too deep");
    TINYKG_RETURN_IF_ERROR(Relational(depth));
    while (At("||") || At("&&")) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Relational(depth));
    }
    return Status::Ok();
  }

  Status Relational(int depth) {
    TINYKG_RETURN_IF_ERROR(Additive(depth));
    if (At("=") || At("!=") || At("<") || At(">") || At("<=") || At(">=")) {
      ++k_;
      return Additive(depth);
    }
    const bool negated = AtWord("NOT");
    if (negated) ++k_;
    if (AtWord("IN")) {
      ++k_;
      return Arguments(depth, 0, -1, false);
    }
    return negated ? Fail("NOT must be followed by IN here") : Status::Ok();
  }

  Status Additive(int depth) {
    TINYKG_RETURN_IF_ERROR(Unary(depth));
    while (At("+") || At("-") || At("*") || At("/")) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Unary(depth));
    }
    return Status::Ok();
  }

  Status Unary(int depth) {
    if (At("!") || At("+") || At("-")) ++k_;
    return Primary(depth);
  }

  Status Primary(int depth) {
    if (k_ >= end_) return Fail("expected an expression");
    const Token& t = t_[k_];
    switch (t.kind) {
      case Tok::kVar:
        ++k_;
        return Status::Ok();
      case Tok::kNumber:
        if (!WellFormedNumber(t.text)) return Fail("not a number");
        ++k_;
        return Status::Ok();
      case Tok::kLiteral:
        ++k_;
        if (t.text.back() == '^') {
          // `"1"^^ xsd:int`: the tokenizer stops at the space.
          if (k_ >= end_ || (t_[k_].kind != Tok::kIri && t_[k_].kind != Tok::kPname)) {
            return Fail("a literal without its datatype");
          }
          ++k_;
        }
        if (t.text.back() == '@') return Fail("a literal without its language");
        return Status::Ok();
      case Tok::kIri:
      case Tok::kPname:
        ++k_;
        return At("(") ? Arguments(depth + 1, 0, -1, true) : Status::Ok();  // a function call or a constant
      case Tok::kPunct:
        if (t.text != "(") return Fail("expected an expression");
        ++k_;
        TINYKG_RETURN_IF_ERROR(Expression(depth + 1));
        return Expect(")");
      case Tok::kWord:
        return Call(depth);
      default:
        return Fail("expected an expression");
    }
  }

  // A built-in call or an aggregate at k_ (a word).
  Status Call(int depth) {
    const std::string name = t_[k_].upper;
    ++k_;
    if (name == "TRUE" || name == "FALSE") return Status::Ok();
    struct Arity {
      std::string_view name;
      int min, max;  // max -1: any number
    };
    static constexpr Arity kCalls[] = {
        {"STR", 1, 1}, {"LANG", 1, 1}, {"LANGMATCHES", 2, 2}, {"DATATYPE", 1, 1}, {"BOUND", 1, 1},
        {"IRI", 1, 1}, {"URI", 1, 1}, {"BNODE", 0, 1}, {"RAND", 0, 0}, {"ABS", 1, 1}, {"CEIL", 1, 1},
        {"FLOOR", 1, 1}, {"ROUND", 1, 1}, {"CONCAT", 0, -1}, {"STRLEN", 1, 1}, {"UCASE", 1, 1}, {"LCASE", 1, 1},
        {"ENCODE_FOR_URI", 1, 1}, {"CONTAINS", 2, 2}, {"STRSTARTS", 2, 2}, {"STRENDS", 2, 2},
        {"STRBEFORE", 2, 2}, {"STRAFTER", 2, 2}, {"YEAR", 1, 1}, {"MONTH", 1, 1}, {"DAY", 1, 1},
        {"HOURS", 1, 1}, {"MINUTES", 1, 1}, {"SECONDS", 1, 1}, {"TIMEZONE", 1, 1}, {"TZ", 1, 1}, {"NOW", 0, 0},
        {"UUID", 0, 0}, {"STRUUID", 0, 0}, {"MD5", 1, 1}, {"SHA1", 1, 1}, {"SHA256", 1, 1}, {"SHA384", 1, 1},
        {"SHA512", 1, 1}, {"COALESCE", 0, -1}, {"IF", 3, 3}, {"STRLANG", 2, 2}, {"STRDT", 2, 2},
        {"SAMETERM", 2, 2}, {"ISIRI", 1, 1}, {"ISURI", 1, 1}, {"ISBLANK", 1, 1}, {"ISLITERAL", 1, 1},
        {"ISNUMERIC", 1, 1}, {"REGEX", 2, 3}, {"SUBSTR", 2, 3}, {"REPLACE", 3, 4}};
    if (name == "COUNT" || name == "SUM" || name == "MIN" || name == "MAX" || name == "AVG" || name == "SAMPLE" ||
        name == "GROUP_CONCAT") {
      if (no_aggregates_) return Fail("GROUP BY takes no aggregate");
      TINYKG_RETURN_IF_ERROR(Expect("("));
      if (AtWord("DISTINCT")) ++k_;
      if (name == "COUNT" && At("*")) {
        ++k_;
      } else {
        TINYKG_RETURN_IF_ERROR(Expression(depth + 1));
      }
      if (name == "GROUP_CONCAT" && At(";")) {
        ++k_;
        if (!AtWord("SEPARATOR")) return Fail("expected SEPARATOR");
        ++k_;
        TINYKG_RETURN_IF_ERROR(Expect("="));
        if (k_ >= end_ || t_[k_].kind != Tok::kLiteral) return Fail("SEPARATOR takes a string");
        ++k_;
      }
      return Expect(")");
    }
    for (const Arity& a : kCalls) {
      if (a.name == name) return Arguments(depth + 1, a.min, a.max, false);
    }
    return Fail("'" + t_[k_ - 1].text.substr(0, 40) + "' is not a SPARQL function here");
  }

  // `( e, e, ... )` with min..max expressions (max -1: any), or `()`;
  // `distinct` allows DISTINCT first (a function's argument list).
  Status Arguments(int depth, int min, int max, bool distinct) {
    if (depth > kMaxSparqlNesting) return Fail("expression nested too deep");
    TINYKG_RETURN_IF_ERROR(Expect("("));
    int n = 0;
    if (!At(")")) {
      if (distinct && AtWord("DISTINCT")) ++k_;
      for (;;) {
        TINYKG_RETURN_IF_ERROR(Expression(depth + 1));
        ++n;
        if (!At(",")) break;
        ++k_;
      }
    }
    if (n < min || (max >= 0 && n > max)) {
      return Fail("expected " + std::to_string(min) + (max == min ? "" : max < 0 ? " or more" : "-" + std::to_string(max)) +
                  " argument(s), found " + std::to_string(n));
    }
    return Expect(")");
  }

  // Digits with at most one '.' and an optional exponent (the tokenizer
  // takes `1.2.3` as one token; Rasqal's lexer does not).
  static bool WellFormedNumber(const std::string& s) {
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
      if (s[i] == '.') {
        if (dot) return false;
        dot = true;
      } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
        digits = true;
      } else {
        return false;
      }
    }
    if (!digits) return false;
    if (i == s.size()) return true;
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  }

  const std::vector<Token>& t_;
  const size_t end_;
  const std::string_view place_;
  size_t k_ = 0;
  bool no_aggregates_ = false;  // in a GROUP BY condition
};

Status CheckSolutionModifiers(const std::vector<Token>& toks) {
  size_t tail = toks.size();
  int depth = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != Tok::kPunct) continue;
    if (toks[i].text == "{") ++depth;
    if (toks[i].text == "}" && --depth == 0) tail = i + 1;
  }
  auto refuse = [](const std::string& what) {
    return InvalidArgument("SPARQL syntax error in the solution modifiers after the WHERE clause: " + what);
  };
  auto is_clause = [&](size_t k) {
    if (k >= toks.size() || toks[k].kind != Tok::kWord) return false;
    const std::string& u = toks[k].upper;
    return u == "GROUP" || u == "HAVING" || u == "ORDER" || u == "LIMIT" || u == "OFFSET" || u == "VALUES";
  };
  size_t i = tail;
  while (i < toks.size() && toks[i].kind == Tok::kWord) {
    const std::string& u = toks[i].upper;
    if (u == "LIMIT" || u == "OFFSET") {
      const bool integer = i + 1 < toks.size() && toks[i + 1].kind == Tok::kNumber &&
                           toks[i + 1].text.find_first_not_of("0123456789") == std::string::npos;
      if (!integer) return refuse(u + " must be followed by a non-negative integer");
      i += 2;
      continue;
    }
    if (u != "GROUP" && u != "ORDER" && u != "HAVING") break;  // VALUES and the rest: not ours
    const bool by = u != "HAVING";
    if (by && !(i + 1 < toks.size() && toks[i + 1].kind == Tok::kWord && toks[i + 1].upper == "BY")) {
      return refuse(u + " must be followed by BY");
    }
    // Conditions: ?var (not HAVING), ( expression ) (GROUP BY: ( expression
    // AS ?var ) too), ASC/DESC( expression ) (ORDER BY), or a call
    // name( ... ); each must be a well-formed expression (ExpressionCheck).
    size_t k = i + (by ? 2 : 1);
    const size_t first = k;
    ExpressionCheck expressions(toks, toks.size());
    while (k < toks.size() && !is_clause(k)) {
      const Token& t = toks[k];
      if (t.kind == Tok::kVar && u != "HAVING") {
        ++k;
        continue;
      }
      const bool call = (t.kind == Tok::kWord || t.kind == Tok::kIri || t.kind == Tok::kPname) &&
                        k + 1 < toks.size() && IsPunct(toks[k + 1], "(");
      if (!IsPunct(t, "(") && !call) break;  // not a condition: the modifiers end here
      if (u == "HAVING" && !IsPunct(t, "(")) {
        // SPARQL allows HAVING COUNT(?o); Rasqal 0.9.33 fails to parse it (and leaks).
        return refuse("HAVING takes its condition in parentheses here: HAVING (" + t.text.substr(0, 40) + "(...))");
      }
      if (u == "ORDER" && (IsKeyword(t, "ASC") || IsKeyword(t, "DESC"))) ++k;  // ASC( expression )
      TINYKG_ASSIGN_OR_RETURN(k, expressions.Condition(k, u == "GROUP"));
    }
    if (k == first) return refuse(u + (by ? " BY" : "") + " needs at least one condition");
    i = k;
  }
  // Only a VALUES block may follow the modifiers (SPARQL 1.1, rule [2]).
  if (i < toks.size() && !(toks[i].kind == Tok::kWord && toks[i].upper == "VALUES")) {
    return refuse("unexpected '" + toks[i].text.substr(0, 40) + "' after the query");
  }
  return Status::Ok();
}

// A recogniser of SPARQL 1.1 queries (rules [2]-[109], over tokens; the
// expressions are ExpressionCheck's). Rasqal 0.9.33's parser leaks what it
// has built when a query fails to parse anywhere (the projection's
// aggregates on an error inside WHERE, the WHERE group on an error after
// it: serve_fuzz_routes and probing found each), so the guard refuses what
// is not SPARQL before Rasqal sees it. What the guard refuses for other
// reasons (paths, EXISTS, MINUS) is refused before this runs.
class QuerySyntax {
 public:
  explicit QuerySyntax(const std::vector<Token>& toks)
      : t_(toks), expressions_(toks, toks.size(), "") {}

  Status Check() {
    while (AtWord("BASE") || AtWord("PREFIX")) {
      const bool prefix = AtWord("PREFIX");
      ++k_;
      if (prefix) {
        if (k_ >= t_.size() || t_[k_].kind != Tok::kPname || t_[k_].text.back() != ':') {
          return Fail("PREFIX takes a name ending in ':'");
        }
        ++k_;
      }
      if (k_ >= t_.size() || t_[k_].kind != Tok::kIri) return Fail("expected an IRI");
      ++k_;
    }
    if (AtWord("SELECT")) {
      TINYKG_RETURN_IF_ERROR(SelectClause());
      TINYKG_RETURN_IF_ERROR(Datasets());
      TINYKG_RETURN_IF_ERROR(WhereClause(false));
    } else if (AtWord("CONSTRUCT")) {
      ++k_;
      if (At("{")) {
        TINYKG_RETURN_IF_ERROR(Braced([&] { return Triples(false); }));
        TINYKG_RETURN_IF_ERROR(Datasets());
        TINYKG_RETURN_IF_ERROR(WhereClause(false));
      } else {
        TINYKG_RETURN_IF_ERROR(Datasets());
        if (!AtWord("WHERE")) return Fail("expected a template or WHERE");
        ++k_;
        TINYKG_RETURN_IF_ERROR(Braced([&] { return Triples(false); }));
      }
    } else if (AtWord("DESCRIBE")) {
      ++k_;
      if (At("*")) {
        ++k_;
      } else {
        int n = 0;
        for (; k_ < t_.size() && (t_[k_].kind == Tok::kVar || IsIri(t_[k_])); ++k_) ++n;
        if (n == 0) return Fail("DESCRIBE takes variables, IRIs or *");
      }
      TINYKG_RETURN_IF_ERROR(Datasets());
      if (AtWord("WHERE") || At("{")) TINYKG_RETURN_IF_ERROR(WhereClause(false));
    } else if (AtWord("ASK")) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Datasets());
      TINYKG_RETURN_IF_ERROR(WhereClause(false));
    } else {
      return Fail("expected SELECT, CONSTRUCT, DESCRIBE or ASK");
    }
    TINYKG_RETURN_IF_ERROR(Modifiers());
    if (AtWord("VALUES")) TINYKG_RETURN_IF_ERROR(DataBlock());
    if (k_ < t_.size()) return Fail("unexpected text after the query");
    return Status::Ok();
  }

 private:
  bool At(std::string_view punct) const { return k_ < t_.size() && IsPunct(t_[k_], punct); }
  bool AtWord(std::string_view upper) const { return k_ < t_.size() && IsKeyword(t_[k_], upper); }
  static bool IsIri(const Token& t) { return t.kind == Tok::kIri || t.kind == Tok::kPname; }
  Status Fail(const std::string& what) const {
    const std::string where = k_ < t_.size() ? "at '" + t_[k_].text.substr(0, 40) + "' (offset " +
                                                   std::to_string(t_[k_].begin) + ")"
                                             : "at the end of the query";
    return InvalidArgument("SPARQL syntax error: " + what + ", " + where);
  }
  Status Expect(std::string_view punct) {
    if (!At(punct)) return Fail("expected '" + std::string(punct) + "'");
    ++k_;
    return Status::Ok();
  }
  template <typename F>
  Status Braced(F&& inside) {
    if (++depth_ > kMaxSparqlNesting) return Fail("nested too deep");
    TINYKG_RETURN_IF_ERROR(Expect("{"));
    TINYKG_RETURN_IF_ERROR(inside());
    TINYKG_RETURN_IF_ERROR(Expect("}"));
    --depth_;
    return Status::Ok();
  }
  Status Expression() {
    TINYKG_ASSIGN_OR_RETURN(k_, expressions_.ExpressionAt(k_));
    return Status::Ok();
  }

  // ( expr AS ?v ), of a projection or a BIND.
  Status ExpressionAs() {
    TINYKG_RETURN_IF_ERROR(Expect("("));
    TINYKG_RETURN_IF_ERROR(Expression());
    if (!AtWord("AS")) return Fail("expected AS");
    ++k_;
    if (k_ >= t_.size() || t_[k_].kind != Tok::kVar) return Fail("expected a variable");
    ++k_;
    return Expect(")");
  }

  // SELECT DISTINCT? ( * | ( ?v | ( expr AS ?v ) )+ )
  Status SelectClause() {
    ++k_;
    if (AtWord("DISTINCT") || AtWord("REDUCED")) ++k_;
    if (At("*")) {
      ++k_;
      return Status::Ok();
    }
    int n = 0;
    for (;; ++n) {
      if (k_ < t_.size() && t_[k_].kind == Tok::kVar) {
        ++k_;
      } else if (At("(")) {
        TINYKG_RETURN_IF_ERROR(ExpressionAs());
      } else {
        break;
      }
    }
    return n == 0 ? Fail("SELECT needs a variable, an (expression AS ?var) or *") : Status::Ok();
  }

  Status Datasets() {
    while (AtWord("FROM")) {
      ++k_;
      if (AtWord("NAMED")) ++k_;
      if (k_ >= t_.size() || !IsIri(t_[k_])) return Fail("FROM takes an IRI");
      ++k_;
    }
    return Status::Ok();
  }

  Status WhereClause(bool) {
    if (AtWord("WHERE")) ++k_;
    return Group();
  }

  // GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET (the modifiers' expressions
  // were checked by CheckSolutionModifiers at the top level; a sub-select's
  // are checked here with the same ExpressionCheck).
  Status Modifiers() {
    for (const char* clause : {"GROUP", "HAVING", "ORDER"}) {
      if (!AtWord(clause)) continue;
      ++k_;
      if (std::string_view(clause) != "HAVING") {
        if (!AtWord("BY")) return Fail(std::string(clause) + " must be followed by BY");
        ++k_;
      }
      int n = 0;
      for (;; ++n) {
        const bool var = k_ < t_.size() && t_[k_].kind == Tok::kVar;
        const bool call = k_ + 1 < t_.size() && (t_[k_].kind == Tok::kWord || IsIri(t_[k_])) &&
                          IsPunct(t_[k_ + 1], "(") && !AtWord("HAVING");
        if (var && std::string_view(clause) != "HAVING") {
          ++k_;
        } else if (At("(") || call) {
          if (std::string_view(clause) == "ORDER" && (AtWord("ASC") || AtWord("DESC"))) ++k_;
          TINYKG_ASSIGN_OR_RETURN(k_, expressions_.Condition(k_, std::string_view(clause) == "GROUP"));
        } else {
          break;
        }
      }
      if (n == 0) return Fail(std::string(clause) + " needs a condition");
    }
    for (const char* clause : {"LIMIT", "OFFSET", "LIMIT"}) {
      if (!AtWord(clause)) continue;
      ++k_;
      if (k_ >= t_.size() || t_[k_].kind != Tok::kNumber ||
          t_[k_].text.find_first_not_of("0123456789") != std::string::npos) {
        return Fail(std::string(clause) + " takes a non-negative integer");
      }
      ++k_;
    }
    return Status::Ok();
  }

  // { SELECT ... } or { patterns }
  Status Group() {
    return Braced([&]() -> Status {
      if (AtWord("SELECT")) {
        TINYKG_RETURN_IF_ERROR(SelectClause());
        TINYKG_RETURN_IF_ERROR(WhereClause(true));
        TINYKG_RETURN_IF_ERROR(Modifiers());
        if (AtWord("VALUES")) TINYKG_RETURN_IF_ERROR(DataBlock());
        return Status::Ok();
      }
      while (k_ < t_.size() && !At("}")) {
        if (At("{")) {
          TINYKG_RETURN_IF_ERROR(Group());
          while (AtWord("UNION")) {
            ++k_;
            TINYKG_RETURN_IF_ERROR(Group());
          }
        } else if (AtWord("OPTIONAL") || AtWord("MINUS")) {
          ++k_;
          TINYKG_RETURN_IF_ERROR(Group());
        } else if (AtWord("GRAPH") || AtWord("SERVICE")) {
          const bool service = AtWord("SERVICE");
          ++k_;
          if (service && AtWord("SILENT")) ++k_;
          if (k_ >= t_.size() || !(t_[k_].kind == Tok::kVar || IsIri(t_[k_]))) return Fail("expected a variable or an IRI");
          ++k_;
          TINYKG_RETURN_IF_ERROR(Group());
        } else if (AtWord("FILTER")) {
          ++k_;
          const bool call = k_ + 1 < t_.size() && (t_[k_].kind == Tok::kWord || IsIri(t_[k_])) &&
                            IsPunct(t_[k_ + 1], "(");
          if (!At("(") && !call) return Fail("FILTER takes ( expression ) or a function call");
          TINYKG_ASSIGN_OR_RETURN(k_, expressions_.Condition(k_, false));
        } else if (AtWord("BIND")) {
          ++k_;
          TINYKG_RETURN_IF_ERROR(ExpressionAs());
        } else if (AtWord("VALUES")) {
          TINYKG_RETURN_IF_ERROR(DataBlock());
        } else {
          TINYKG_RETURN_IF_ERROR(TriplesStatement(true));
        }
        if (At(".")) ++k_;
      }
      return Status::Ok();
    });
  }

  // Triples up to the end of a template or a group (CONSTRUCT): `s p o .`*
  Status Triples(bool) {
    while (k_ < t_.size() && !At("}")) {
      TINYKG_RETURN_IF_ERROR(TriplesStatement(false));
      if (!At(".")) break;
      ++k_;
    }
    return Status::Ok();
  }

  // TriplesSameSubject: a term and its property list, or a bracketed node
  // and an optional one.
  Status TriplesStatement(bool) {
    const bool bracketed = At("[") || (At("(") && !(k_ + 1 < t_.size() && IsPunct(t_[k_ + 1], ")")));
    TINYKG_RETURN_IF_ERROR(Node());
    if (bracketed && (At(".") || At("}") || k_ >= t_.size() || IsClauseWord())) return Status::Ok();
    return PropertyList();
  }

  bool IsClauseWord() const {
    return k_ < t_.size() && t_[k_].kind == Tok::kWord && t_[k_].text != "a" && !IsConstant(t_[k_]);
  }

  // verb objects ( ; ( verb objects )? )*
  Status PropertyList() {
    TINYKG_RETURN_IF_ERROR(Verb());
    TINYKG_RETURN_IF_ERROR(Objects());
    while (At(";")) {
      while (At(";")) ++k_;
      if (k_ < t_.size() && (t_[k_].kind == Tok::kVar || IsIri(t_[k_]) || IsKeyword(t_[k_], "A") )) {
        TINYKG_RETURN_IF_ERROR(Verb());
        TINYKG_RETURN_IF_ERROR(Objects());
      }
    }
    return Status::Ok();
  }

  Status Verb() {
    if (k_ < t_.size() && (t_[k_].kind == Tok::kVar || IsIri(t_[k_]) || t_[k_].text == "a")) {
      ++k_;
      return Status::Ok();
    }
    return Fail("expected a predicate");
  }

  Status Objects() {
    TINYKG_RETURN_IF_ERROR(Node());
    while (At(",")) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Node());
    }
    return Status::Ok();
  }

  // A term, [ property list ], [ ], ( nodes ), ( ).
  Status Node() {
    if (k_ >= t_.size()) return Fail("expected a term");
    const Token& t = t_[k_];
    if (At("[")) {
      if (++depth_ > kMaxSparqlNesting) return Fail("nested too deep");
      ++k_;
      if (!At("]")) TINYKG_RETURN_IF_ERROR(PropertyList());
      TINYKG_RETURN_IF_ERROR(Expect("]"));
      --depth_;
      return Status::Ok();
    }
    if (At("(")) {
      if (++depth_ > kMaxSparqlNesting) return Fail("nested too deep");
      ++k_;
      while (k_ < t_.size() && !At(")")) TINYKG_RETURN_IF_ERROR(Node());
      TINYKG_RETURN_IF_ERROR(Expect(")"));
      --depth_;
      return Status::Ok();
    }
    if ((At("-") || At("+")) && k_ + 1 < t_.size() && t_[k_ + 1].kind == Tok::kNumber) {
      k_ += 2;
      return Status::Ok();
    }
    if (t.kind == Tok::kLiteral) {
      ++k_;
      if (t.text.back() == '^') {
        if (k_ >= t_.size() || !IsIri(t_[k_])) return Fail("a literal without its datatype");
        ++k_;
      }
      if (t.text.back() == '@') return Fail("a literal without its language");
      return Status::Ok();
    }
    if (t.kind == Tok::kVar || t.kind == Tok::kNumber || t.kind == Tok::kBlank || IsIri(t) ||
        IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
      ++k_;
      return Status::Ok();
    }
    return Fail("expected a term");
  }

  // VALUES ?v { v* } | VALUES ( ?v* ) { ( v* )* }
  Status DataBlock() {
    ++k_;
    const auto value = [&]() -> bool {
      if (k_ >= t_.size()) return false;
      const Token& t = t_[k_];
      if ((t.kind == Tok::kLiteral && t.text.back() != '^' && t.text.back() != '@') || t.kind == Tok::kNumber ||
          IsIri(t) || IsKeyword(t, "UNDEF") || IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
        ++k_;
        return true;
      }
      if ((At("-") || At("+")) && k_ + 1 < t_.size() && t_[k_ + 1].kind == Tok::kNumber) {
        k_ += 2;
        return true;
      }
      if (t.kind == Tok::kLiteral && t.text.back() == '^' && k_ + 1 < t_.size() && IsIri(t_[k_ + 1])) {
        k_ += 2;
        return true;
      }
      return false;
    };
    if (k_ < t_.size() && t_[k_].kind == Tok::kVar) {
      ++k_;
      TINYKG_RETURN_IF_ERROR(Expect("{"));
      while (value()) {
      }
      return Expect("}");
    }
    TINYKG_RETURN_IF_ERROR(Expect("("));
    while (k_ < t_.size() && t_[k_].kind == Tok::kVar) ++k_;
    TINYKG_RETURN_IF_ERROR(Expect(")"));
    TINYKG_RETURN_IF_ERROR(Expect("{"));
    while (At("(")) {
      ++k_;
      while (value()) {
      }
      TINYKG_RETURN_IF_ERROR(Expect(")"));
    }
    return Expect("}");
  }

  const std::vector<Token>& t_;
  ExpressionCheck expressions_;
  size_t k_ = 0;
  int depth_ = 0;
};


}  // namespace

namespace {

// The body of a SPARQL string literal token (quotes, language tag and
// datatype taken off), unescaped as far as a regex scan needs: \\ \" \'
// give their character, any other escape one plain character.
std::string LiteralBody(const std::string& token) {
  const char q = token.empty() ? '"' : token[0];
  const size_t quotes = token.size() >= 6 && token.compare(0, 3, std::string(3, q)) == 0 ? 3 : 1;
  const size_t end = token.rfind(std::string(quotes, q));
  std::string out;
  if (end == std::string::npos || end < quotes) return out;
  for (size_t i = quotes; i < end; ++i) {
    if (token[i] != '\\' || i + 1 >= end) {
      out += token[i];
      continue;
    }
    const char e = token[++i];
    out += (e == '\\' || e == '"' || e == '\'') ? e : 'x';
  }
  return out;
}

}  // namespace

std::uint64_t RegexRepetitionSize(std::string_view pattern) {
  constexpr std::uint64_t kCap = std::uint64_t{1} << 40;
  struct Frame {
    std::uint64_t size = 0;  // the group's expanded size so far
    std::uint64_t last = 0;  // the expanded size of its last atom (0: none)
  };
  std::vector<Frame> frames(1);
  std::uint64_t repeated = 0;
  const auto atom = [&frames, kCap](std::uint64_t size) {
    frames.back().size = std::min(kCap, frames.back().size + size);
    frames.back().last = size;
  };
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    // An interval: {m}, {m,}, {m,n}, or the basic-regex form \{m,n\}.
    const bool escaped_brace = c == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '{';
    if (c == '{' || escaped_brace) {
      size_t j = i + (escaped_brace ? 2 : 1);
      std::uint64_t m = 0, n = 0;
      bool digits = false, comma = false, n_digits = false;
      while (j < pattern.size() && (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ',')) {
        if (pattern[j] == ',') {
          if (comma) break;
          comma = true;
        } else if (!comma) {
          m = std::min<std::uint64_t>(kCap, m * 10 + static_cast<std::uint64_t>(pattern[j] - '0'));
          digits = true;
        } else {
          n = std::min<std::uint64_t>(kCap, n * 10 + static_cast<std::uint64_t>(pattern[j] - '0'));
          n_digits = true;
        }
        ++j;
      }
      if (escaped_brace && j < pattern.size() && pattern[j] == '\\') ++j;
      if (digits && j < pattern.size() && pattern[j] == '}' && frames.back().last > 0) {
        const std::uint64_t upper = std::max<std::uint64_t>(1, comma && n_digits ? std::max(m, n) : m);
        Frame& f = frames.back();
        const std::uint64_t expanded = std::min(kCap, f.last * upper);
        repeated = std::min(kCap, repeated + expanded);
        f.size = std::min(kCap, f.size + expanded - f.last);
        f.last = expanded;
        i = j + 1;
        continue;
      }
      atom(1);
      i += escaped_brace ? 2 : 1;
      continue;
    }
    if (c == '\\') {
      atom(1);
      i += 2;
    } else if (c == '[') {
      // A bracket expression: a ']' first (after '^') is a member, and
      // [:class:], [=e=], [.s.] hold their own ']'.
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') {
        if (pattern[j] == '[' && j + 1 < pattern.size() &&
            (pattern[j + 1] == ':' || pattern[j + 1] == '=' || pattern[j + 1] == '.')) {
          const char kind = pattern[j + 1];
          size_t close = j + 2;
          while (close + 1 < pattern.size() && !(pattern[close] == kind && pattern[close + 1] == ']')) ++close;
          j = close + 2;
          continue;
        }
        ++j;
      }
      atom(1);
      i = j + 1;
    } else if (c == '(') {
      frames.push_back(Frame{});
      ++i;
    } else if (c == ')' && frames.size() > 1) {
      const std::uint64_t size = std::max<std::uint64_t>(1, frames.back().size);
      frames.pop_back();
      atom(size);
      ++i;
    } else if (c == '*' || c == '+' || c == '?' || c == '|' || c == '^' || c == '$') {
      ++i;  // no copies
    } else {
      atom(1);
      ++i;
    }
  }
  return repeated;
}

Status CheckRasqalCanRun(std::string_view sparql, bool* empty_construct_template, bool* uses_graph) {
  if (empty_construct_template != nullptr) *empty_construct_template = false;
  if (uses_graph != nullptr) *uses_graph = false;
  // A string that never ends (Tokenize's one refusal) is a syntax error for
  // Rasqal too, whose lexer leaks the tokens before it.
  TINYKG_ASSIGN_OR_RETURN(const std::vector<Token> t, Tokenize(sparql));
  TINYKG_RETURN_IF_ERROR(CheckNesting(t));
  // The end of the function argument starting at `from` (a top-level ',' or
  // `close`).
  const auto argument_end = [&t](size_t from, size_t close) {
    int depth = 0;
    for (; from < close; ++from) {
      if (t[from].text == "(") ++depth;
      if (t[from].text == ")") --depth;
      if (depth == 0 && t[from].kind == Tok::kPunct && t[from].text == ",") break;
    }
    return from;
  };
  // What Rasqal's set-up costs (see kMaxRasqalSetup): its joins, its
  // variables (blank nodes in patterns are variables too) and its operators.
  std::uint64_t joins = 0, anonymous = 0, operators = 0;
  std::set<std::string_view> variables;
  for (const Token& token : t) {
    if (token.kind == Tok::kVar || token.kind == Tok::kBlank) variables.insert(token.text);
    if (token.kind == Tok::kWord && token.upper == "BIND") ++joins;
    if (token.kind != Tok::kPunct) continue;
    if (token.text == "{") ++joins;
    if (token.text == "[") ++anonymous;
    operators += token.text == "||" || token.text == "&&" || token.text == "=" || token.text == "!=" ||
                 token.text == "<" || token.text == ">" || token.text == "<=" || token.text == ">=" ||
                 token.text == "+" || token.text == "-" || token.text == "*" || token.text == "/" ||
                 token.text == "!";
  }
  if (operators > kMaxSparqlOperators) {
    return InvalidArgument("the query has " + std::to_string(operators) + " operators (at most " +
                           std::to_string(kMaxSparqlOperators) +
                           "): the engine (Rasqal 0.9.33) checks every sub-expression of a chain such as "
                           "a || b || ... for constants (time grows as the square of its length) and walks it "
                           "recursively (100,000 terms overflowed the stack); use IN (...) or VALUES for long "
                           "alternatives");
  }
  const std::uint64_t vars = variables.size() + anonymous + 1;
  // joins x vars^2 without overflow: each factor grows with the text, and
  // a long enough text (20 MB) would wrap the product past the bound.
  if (vars > kMaxRasqalSetup || joins > kMaxRasqalSetup / (vars * vars)) {
    return InvalidArgument("the query joins " + std::to_string(joins) + " groups and BINDs over " +
                           std::to_string(vars - 1) + " variables: the engine (Rasqal 0.9.33) matches every "
                           "variable by name at every join before it reads a triple, which grows as joins x "
                           "variables^2 (at most " + std::to_string(kMaxRasqalSetup) +
                           "); split the query or use fewer variables");
  }
  for (size_t i = 0; i < t.size(); ++i) {
    // Rasqal's parser leaks the expression's variables when a projection
    // `(expr AS ?v)` breaks off (found by serve_fuzz_routes). Its lexer
    // reads `AS0` or `AS%` as AS and what follows (a keyword needs no
    // boundary), so any bare word starting with AS but ASK and ASC counts.
    const Token& as = t[i];
    if (as.kind != Tok::kWord || as.upper.rfind("AS", 0) != 0 || as.upper == "ASK" || as.upper == "ASC") continue;
    if (as.upper != "AS" || !(i + 2 < t.size() && t[i + 1].kind == Tok::kVar && t[i + 2].text == ")")) {
      return InvalidArgument("SPARQL syntax error: AS must be followed by a variable and ')' (offset " +
                             std::to_string(as.begin) + ")");
    }
  }
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].kind != Tok::kWord) continue;
    const std::string& u = t[i].upper;
    if (u == "GRAPH" && uses_graph != nullptr) *uses_graph = true;
    if (u == "GRAPH" && i + 2 < t.size() && t[i + 2].text == "{") {
      const size_t close = Matching(t, i + 2);
      bool empty = close < t.size();
      for (size_t k = i + 3; empty && k < close; ++k) empty = t[k].text == "{" || t[k].text == "}";
      if (empty) {
        return InvalidArgument(
            "GRAPH " + t[i + 1].text + " { } with an empty group is not supported: the engine (Rasqal 0.9.33) "
            "answers it wrongly (GRAPH ?g { } gave one graph of eight, an absent graph matched) and leaks it; "
            "list graphs with `tinykg graphs` or SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }");
      }
    }
    if (u == "CONSTRUCT" && empty_construct_template != nullptr && i + 2 < t.size()) {
      *empty_construct_template = t[i + 1].kind == Tok::kPunct && t[i + 1].text == "{" &&
                                  t[i + 2].kind == Tok::kPunct && t[i + 2].text == "}";
    }
    if (u == "REPLACE" && t[i + 1].text == "(") {
      return InvalidArgument(
          "REPLACE is not supported: the engine (Rasqal 0.9.33) loops for ever, growing, when the pattern can "
          "match the empty string, and copies one byte too many for $1..$9; select the value and replace it "
          "in the client");
    }
    if (u == "REGEX" && t[i + 1].text == "(") {
      // The pattern: the second argument, which must be one string literal.
      const size_t close = Matching(t, i + 1);
      const size_t begin = argument_end(i + 2, close) + 1;
      const size_t end = argument_end(begin, close);
      if (begin >= close) continue;  // too few arguments: Rasqal reports it
      if (end != begin + 1 || t[begin].kind != Tok::kLiteral) {
        return InvalidArgument(
            "REGEX takes its pattern as a string literal here: a pattern computed from the data could make the "
            "engine compile an expression of gigabytes (Rasqal 0.9.33 uses the C library's regcomp)");
      }
      const std::uint64_t size = RegexRepetitionSize(LiteralBody(t[begin].text));
      if (size > kMaxRegexRepetition) {
        return InvalidArgument("the REGEX pattern " + t[begin].text.substr(0, 60) + " repeats " +
                               std::to_string(size) + " characters in all (at most " +
                               std::to_string(kMaxRegexRepetition) +
                               "): the engine's regcomp expands every bounded repetition {m,n} and would take "
                               "gigabytes for it");
      }
    }
    if (u == "VALUES") {
      if (t[i + 1].text == "(" && i + 2 < t.size() && t[i + 2].text == ")") {
        return InvalidArgument("VALUES with no variables crashes the engine (Rasqal 0.9.33); leave it out");
      }
      if (t[i + 1].kind == Tok::kVar && i + 3 < t.size() && t[i + 2].text == "{" && t[i + 3].text == "}") {
        return InvalidArgument("VALUES " + t[i + 1].text + " { } crashes the engine (Rasqal 0.9.33); write VALUES (" +
                               t[i + 1].text + ") { }");
      }
    }
  }
  return Status::Ok();
}

namespace {

// Finds the ground triple patterns of the group at `open` (a '{' under a
// GRAPH, nested groups included) and records, for each, its object's token
// range (first token -> last token and the variable that replaces them) and
// the filter that stands for it at the group's end.
struct GroundPatterns {
  std::string prefix;  // of the fresh variables, one no variable of the query starts with
  int fresh = 0;
  std::map<size_t, std::pair<size_t, std::string>> objects;
  std::map<size_t, std::vector<Token>> filters;  // at the index of a group's '}'
  std::vector<std::string> added;

  void Replace(const std::vector<Token>& t, size_t first, size_t last, size_t close) {
    const std::string name = prefix + std::to_string(++fresh);
    added.push_back(name);
    objects[first] = {last, "?" + name};
    std::vector<Token>& f = filters[close];
    for (const char* word : {"FILTER", "(", "sameTerm", "("}) {
      f.push_back({std::isalpha(static_cast<unsigned char>(word[0])) ? Tok::kWord : Tok::kPunct, word});
    }
    f.push_back({Tok::kVar, "?" + name});
    f.push_back({Tok::kPunct, ","});
    for (size_t k = first; k <= last; ++k) f.push_back(t[k]);  // keeps the positions: -2 stays -2
    f.push_back({Tok::kPunct, ")"});
    f.push_back({Tok::kPunct, ")"});
  }
};

void FindGroundPatterns(const std::vector<Token>& t, size_t open, GroundPatterns& found) {
  const size_t close = Matching(t, open);
  if (close >= t.size()) return;
  enum { kSubject, kPredicate, kObject, kAfter } state = kSubject;
  bool subject_constant = false, predicate_constant = false;
  for (size_t j = open + 1; j < close; ++j) {
    const Token& tok = t[j];
    if (tok.kind == Tok::kPunct) {
      if (tok.text == "{") {
        FindGroundPatterns(t, j, found);
        j = Matching(t, j);
        state = kSubject;
      } else if (tok.text == ".") {
        state = kSubject;
      } else if (tok.text == ";") {
        state = kPredicate;
      } else if (tok.text == ",") {
        state = kObject;
      } else if ((tok.text == "-" || tok.text == "+") && state == kObject && j + 1 < close &&
                 t[j + 1].kind == Tok::kNumber) {
        // A signed number: the sign and the number are one object.
        if (subject_constant && predicate_constant) found.Replace(t, j, j + 1, close);
        ++j;
        state = kAfter;
      } else if (tok.text == "[" || tok.text == "(") {
        // A blank node or a collection: not a constant.
        j = std::min(Matching(t, j), close);
        if (state == kSubject) subject_constant = false, state = kPredicate;
        else if (state == kPredicate) predicate_constant = false, state = kObject;
        else state = kAfter;
      }
      continue;
    }
    if (tok.kind == Tok::kWord && tok.text != "a" && !IsConstant(tok)) {
      const std::string& u = tok.upper;
      if ((u == "FILTER" || u == "BIND") && j + 1 < close) {
        // FILTER (...), FILTER fn(...), BIND (...)
        size_t k = j + 1;
        if (t[k].kind != Tok::kPunct && k + 1 < close) ++k;
        if (t[k].text == "(") j = std::min(Matching(t, k), close);
      } else if (u == "VALUES") {
        size_t k = j + 1;
        while (k < close && t[k].text != "{") ++k;
        j = k < close ? std::min(Matching(t, k), close) : close;
      } else if (u == "GRAPH" && j + 2 < close && t[j + 2].text == "{") {
        j = std::min(Matching(t, j + 2), close);  // its own graph: scanned from its keyword
      }
      state = kSubject;
      continue;
    }
    const bool constant = IsConstant(tok) || (tok.kind == Tok::kWord && tok.text == "a");
    if (state == kSubject) {
      subject_constant = constant;
      state = kPredicate;
    } else if (state == kPredicate) {
      predicate_constant = constant;
      state = kObject;
    } else if (state == kObject) {
      if (subject_constant && predicate_constant && IsConstant(tok)) found.Replace(t, j, j, close);
      state = kAfter;
    }
  }
}

}  // namespace

Result<QueryRewrite> BindGroundPatternsInGraphs(std::string_view sparql) {
  TINYKG_ASSIGN_OR_RETURN(const std::vector<Token> t, Tokenize(sparql));
  TINYKG_RETURN_IF_ERROR(CheckNesting(t));  // FindGroundPatterns recurses per group
  GroundPatterns found;
  found.prefix = FreshPrefix(t, "__tkg_graph_");
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].kind == Tok::kWord && t[i].upper == "GRAPH" && t[i + 2].text == "{") FindGroundPatterns(t, i + 2, found);
  }
  QueryRewrite out;
  if (found.objects.empty()) {
    out.text = std::string(sparql);
    return out;
  }
  std::vector<Token> result;
  result.reserve(t.size() + 10 * found.objects.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (auto f = found.filters.find(i); f != found.filters.end()) {
      result.insert(result.end(), f->second.begin(), f->second.end());
    }
    if (auto o = found.objects.find(i); o != found.objects.end()) {
      result.push_back({Tok::kVar, o->second.second});  // the object's tokens i..first become the variable
      i = o->second.first;
    } else {
      result.push_back(t[i]);
    }
  }
  out.text = Join(result);
  out.added = std::move(found.added);
  return out;
}

namespace {

constexpr char kRdfFirst[] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>";
constexpr char kRdfRest[] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>";
constexpr char kRdfNil[] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>";


// Writes the blank nodes of a query's patterns as variables (see
// BlankNodesAsVariables). Recursion follows the brackets, whose depth
// CheckNesting bounds.
class BlankNodeRewriter {
 public:
  BlankNodeRewriter(const std::vector<Token>& t, std::string prefix) : t_(t), prefix_(std::move(prefix)) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    Outside(0, t_.size(), out);
    return out;
  }
  std::vector<std::string>& added() { return added_; }

 private:
  using Statements = std::vector<std::vector<Token>>;

  // The index of the bracket closing the one at `open`, or `limit` when it
  // does not close before it (Rasqal reports the syntax error).
  size_t Close(size_t open, size_t limit) const { return std::min(Matching(t_, open), limit); }

  Token Fresh() {
    added_.push_back(prefix_ + std::to_string(added_.size() + 1));
    return {Tok::kVar, "?" + added_.back()};
  }

 public:
  // Past this many, the rewrite stops: each is a variable for Rasqal, whose
  // set-up grows as their square (kMaxRasqalSetup refuses the query anyway),
  // and the rewritten text would be ~100 bytes per collection cell.
  static constexpr size_t kMaxBlankNodes = 4472;  // 4472^2 <= kMaxRasqalSetup
  bool too_many() const { return added_.size() > kMaxBlankNodes; }

 private:

  // Tokens outside any group pattern (a query's head and solution
  // modifiers, a sub-select's, an expression): groups within are patterns.
  void Outside(size_t i, size_t end, std::vector<Token>& out) {
    while (i < end) {
      const Token& tok = t_[i];
      if (IsKeyword(tok, "CONSTRUCT") && i + 1 < end && IsPunct(t_[i + 1], "{")) {
        // The template: its blank nodes are new nodes per solution.
        const size_t close = Close(i + 1, end);
        for (; i < end && i <= close; ++i) out.push_back(t_[i]);
      } else if (IsKeyword(tok, "VALUES")) {
        i = Values(i, end, out);
      } else if (IsPunct(tok, "{")) {
        i = Group(i, end, out);
      } else {
        out.push_back(tok);
        ++i;
      }
    }
  }

  // VALUES and its data block, as they are (no blank nodes there; a row
  // `(1 2)` is not a collection). Returns the index after the block.
  size_t Values(size_t i, size_t end, std::vector<Token>& out) {
    size_t k = i;
    while (k < end && !IsPunct(t_[k], "{")) ++k;
    const size_t stop = k < end ? Close(k, end) + 1 : end;
    for (; i < std::min(stop, end); ++i) out.push_back(t_[i]);
    return std::min(stop, end);
  }

  // The group pattern at `open` ('{'). Returns the index after its '}'.
  size_t Group(size_t open, size_t end, std::vector<Token>& out) {
    const size_t close = Close(open, end);
    out.push_back(t_[open]);
    size_t i = open + 1;
    if (i < close && IsKeyword(t_[i], "SELECT")) {
      Outside(i, close, out);  // a sub-select
    } else {
      Statements pending;  // the triples of the current statement's blank nodes
      const auto flush = [&] {
        for (auto& statement : pending) {
          out.push_back({Tok::kPunct, "."});
          out.insert(out.end(), statement.begin(), statement.end());
        }
        pending.clear();
      };
      bool subject = true;  // the next term starts a triple statement
      while (i < close) {
        const Token& tok = t_[i];
        const bool at_start = std::exchange(subject, false);
        if (IsPunct(tok, "{")) {
          flush();
          i = Group(i, close, out);
          subject = true;
        } else if (IsPunct(tok, ".")) {
          flush();
          out.push_back(tok);
          ++i;
          subject = true;
        } else if (tok.kind == Tok::kBlank || IsPunct(tok, "[") || IsPunct(tok, "(")) {
          // Property paths are refused, so a '(' in a triple is a collection.
          i = Term(i, close, at_start, out, pending);
        } else if (tok.kind == Tok::kWord && tok.text != "a" && !IsConstant(tok)) {
          flush();
          subject = true;
          if (tok.upper == "VALUES") {
            i = Values(i, close, out);
          } else if (tok.upper == "FILTER" || tok.upper == "BIND") {
            out.push_back(tok);
            i = Constraint(i + 1, close, out);
          } else {
            out.push_back(tok);  // OPTIONAL, MINUS, UNION, GRAPH, SERVICE, SILENT: the loop takes their group
            ++i;
          }
        } else {
          out.push_back(tok);
          ++i;
        }
      }
      flush();
    }
    if (close < end) out.push_back(t_[close]);
    return std::min(close + 1, end);
  }

  // The expression of a FILTER or BIND starting at `i`: `( ... )`,
  // `fn( ... )`, `EXISTS { }`, `NOT EXISTS { }`. Returns the index after it.
  size_t Constraint(size_t i, size_t end, std::vector<Token>& out) {
    if (i < end && IsKeyword(t_[i], "NOT")) out.push_back(t_[i++]);
    if (i < end && IsKeyword(t_[i], "EXISTS")) {
      out.push_back(t_[i++]);
      return i < end && IsPunct(t_[i], "{") ? Group(i, end, out) : i;
    }
    if (i < end && !IsPunct(t_[i], "(")) out.push_back(t_[i++]);  // a function's name
    if (i >= end || !IsPunct(t_[i], "(")) return i;
    const size_t close = Close(i, end);
    Outside(i, std::min(close + 1, end), out);  // EXISTS { } inside is a pattern
    return std::min(close + 1, end);
  }

  // Whether the token at `i` ends a triple statement of the group ending
  // at `end`.
  bool EndsStatement(size_t i, size_t end) const {
    if (i >= end) return true;
    const Token& tok = t_[i];
    return IsPunct(tok, ".") || IsPunct(tok, "{") || IsPunct(tok, "}") ||
           (tok.kind == Tok::kWord && tok.text != "a" && !IsConstant(tok));
  }

  // The term at `i` of a triple: a blank node label, `[ ... ]` or a
  // collection becomes a variable, the triples it stands for go to
  // `pending`; anything else is copied. A bracketed subject (`[ p o ] q r`,
  // `( 1 ) .`) keeps its own triples in place (`?v p o ; q r`), since it may
  // be all of its statement. Returns the index after the term.
  size_t Term(size_t i, size_t end, bool subject, std::vector<Token>& out, Statements& pending) {
    if (too_many()) return end;  // refused by the caller
    const Token& tok = t_[i];
    if (tok.kind == Tok::kBlank) {
      auto [it, added] = labels_.try_emplace(tok.text);
      if (added) it->second = Fresh();
      out.push_back(it->second);
      return i + 1;
    }
    if (!IsPunct(tok, "[") && !IsPunct(tok, "(")) {
      out.push_back(tok);
      return i + 1;
    }
    const size_t close = Close(i, end);
    const size_t after = std::min(close + 1, end);
    std::vector<Token> own{Fresh()};  // the node's first triples, starting with it
    if (IsPunct(tok, "[")) {
      for (size_t k = i + 1; k < close;) k = Term(k, close, false, own, pending);
    } else {
      // A collection: one cell per item, `?cell rdf:first item ; rdf:rest ?next`.
      std::vector<std::pair<size_t, size_t>> items;
      for (size_t k = i + 1; k < close;) {
        size_t last = k;
        if (IsPunct(t_[k], "[") || IsPunct(t_[k], "(")) {
          last = Close(k, close);
        } else if ((IsPunct(t_[k], "-") || IsPunct(t_[k], "+")) && k + 1 < close &&
                   t_[k + 1].kind == Tok::kNumber) {
          last = k + 1;  // a signed number
        } else if (t_[k].kind == Tok::kLiteral && t_[k].text.back() == '^' && k + 1 < close &&
                   (t_[k + 1].kind == Tok::kIri || t_[k + 1].kind == Tok::kPname)) {
          last = k + 1;  // "1"^^ xsd:int (the tokenizer stops at the space)
        }
        items.emplace_back(k, std::min(last + 1, close));
        k = std::min(last + 1, close);
      }
      if (items.empty()) {
        // `()` is rdf:nil, no node of its own.
        added_.pop_back();
        out.push_back({Tok::kIri, kRdfNil});
        return after;
      }
      Token cell = own[0];
      for (size_t n = 0; n < items.size(); ++n) {
        std::vector<Token> statement{cell, {Tok::kIri, kRdfFirst}};
        for (size_t k = items[n].first; k < items[n].second;) k = Term(k, items[n].second, false, statement, pending);
        cell = n + 1 < items.size() ? Fresh() : Token{Tok::kIri, kRdfNil};
        statement.push_back({Tok::kPunct, ";"});
        statement.push_back({Tok::kIri, kRdfRest});
        statement.push_back(cell);
        if (n == 0) {
          own = std::move(statement);
        } else {
          pending.push_back(std::move(statement));
        }
      }
    }
    if (subject && own.size() > 1) {
      out.insert(out.end(), own.begin(), own.end());
      if (!EndsStatement(after, end)) out.push_back({Tok::kPunct, ";"});
    } else {
      out.push_back(own[0]);
      if (own.size() > 1) pending.push_back(std::move(own));
    }
    return after;
  }

  const std::vector<Token>& t_;
  const std::string prefix_;
  std::vector<std::string> added_;
  std::map<std::string, Token> labels_;
};

}  // namespace

Result<QueryRewrite> BlankNodesAsVariables(std::string_view sparql) {
  TINYKG_ASSIGN_OR_RETURN(const std::vector<Token> t, Tokenize(sparql));
  TINYKG_RETURN_IF_ERROR(CheckNesting(t));  // the rewriter recurses per bracket
  QueryRewrite out;
  const bool any = std::any_of(t.begin(), t.end(), [](const Token& tok) {
    return tok.kind == Tok::kBlank || IsPunct(tok, "[") || IsPunct(tok, "(");
  });
  if (any) {
    BlankNodeRewriter rewriter(t, FreshPrefix(t, "__tkg_blank_"));
    std::vector<Token> result = rewriter.Run();
    if (rewriter.too_many()) {
      return InvalidArgument("the query's patterns hold more than " +
                             std::to_string(BlankNodeRewriter::kMaxBlankNodes) +
                             " blank nodes (_:b, [ ], collection cells): each is a variable for the engine (Rasqal "
                             "0.9.33), whose set-up grows as their square; split the query");
    }
    if (!rewriter.added().empty()) {
      // Rasqal's * leaves blank nodes out; the helper variables are named,
      // so SELECT DISTINCT * (a sub-select's, where no column can be
      // dropped afterwards) would tell rows apart by them.
      for (size_t i = 0; i + 2 < t.size(); ++i) {
        if (IsKeyword(t[i], "SELECT") && (IsKeyword(t[i + 1], "DISTINCT") || IsKeyword(t[i + 1], "REDUCED")) &&
            IsPunct(t[i + 2], "*")) {
          return InvalidArgument("SELECT " + t[i + 1].upper + " * over a pattern with blank nodes: name the "
                                 "variables to project (tinykg writes the blank nodes as variables, which * would "
                                 "include)");
        }
      }
      out.text = Join(result);
      out.added = std::move(rewriter.added());
      return out;
    }
  }
  out.text = std::string(sparql);
  return out;
}

Result<QueryRewrite> RewriteHaving(std::string_view sparql) {
  TINYKG_ASSIGN_OR_RETURN(const std::vector<Token> t, Tokenize(sparql));
  QueryRewrite out;
  out.text = std::string(sparql);
  if (std::none_of(t.begin(), t.end(), [](const Token& tok) { return IsKeyword(tok, "HAVING"); })) return out;
  TINYKG_RETURN_IF_ERROR(CheckNesting(t));
  const std::string prefix = FreshPrefix(t, "__tkg_having_");
  const auto same = [](const Token& a, const Token& b) {
    return a.kind == b.kind && (a.kind == Tok::kWord ? a.upper == b.upper : a.text == b.text);
  };
  const auto is_aggregate = [&](size_t k) {
    static constexpr std::string_view kAggregates[] = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"};
    return t[k].kind == Tok::kWord && k + 1 < t.size() && IsPunct(t[k + 1], "(") &&
           std::find(std::begin(kAggregates), std::end(kAggregates), t[k].upper) != std::end(kAggregates);
  };
  std::map<size_t, std::vector<Token>> inserts;  // projected aggregates, before the token at the key
  // Around each HAVING condition: COALESCE( before it, `, false )` after it.
  std::map<size_t, std::vector<Token>> opens, closes;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsKeyword(t[i], "SELECT")) continue;
    // The projection: up to WHERE or the group, outside parentheses.
    size_t p = i + 1;
    int depth = 0;
    bool star = false;
    for (; p < t.size(); ++p) {
      if (IsPunct(t[p], "(")) ++depth;
      if (IsPunct(t[p], ")")) --depth;
      if (depth == 0 && (IsKeyword(t[p], "WHERE") || IsKeyword(t[p], "FROM") || IsPunct(t[p], "{"))) break;
      if (depth == 0 && IsPunct(t[p], "*")) star = true;
    }
    // The group: after FROM ... and WHERE.
    size_t open = p;
    while (open < t.size() && !IsPunct(t[open], "{")) ++open;
    if (open >= t.size() || !IsPunct(t[open], "{") || star) continue;  // Rasqal reports it; SELECT *: as it is
    const bool distinct = i + 1 < t.size() && (IsKeyword(t[i + 1], "DISTINCT") || IsKeyword(t[i + 1], "REDUCED"));
    // The modifiers: after the group, up to the end of the enclosing sub-select.
    size_t k = Matching(t, open) + 1;
    depth = 0;
    bool having = false;
    for (; k < t.size(); ++k) {
      const int outer = depth;  // before t[k]
      if (IsPunct(t[k], "{") || IsPunct(t[k], "(")) ++depth;
      if (IsPunct(t[k], "}") || IsPunct(t[k], ")")) {
        if (depth == 0) break;
        --depth;
      }
      if (depth == 0 && t[k].kind == Tok::kWord) {
        const std::string& u = t[k].upper;
        if (u == "HAVING") having = true;
        if (u == "GROUP" || u == "ORDER" || u == "LIMIT" || u == "OFFSET" || u == "VALUES") having = false;
      }
      const bool call = (t[k].kind == Tok::kWord || t[k].kind == Tok::kIri || t[k].kind == Tok::kPname) &&
                        !IsKeyword(t[k], "HAVING") && k + 1 < t.size() && IsPunct(t[k + 1], "(");
      if (having && outer == 0 && (IsPunct(t[k], "(") || call)) {
        // A condition: `(E)` or a call, made error-free.
        const size_t open_paren = IsPunct(t[k], "(") ? k : k + 1;
        const size_t end = Matching(t, open_paren);
        if (end < t.size()) {
          for (const char* word : {"(", "COALESCE", "("}) {
            opens[k].push_back({word[0] == '(' ? Tok::kPunct : Tok::kWord, word, word[0] == '(' ? "" : word});
          }
          for (const char* word : {",", "false", ")", ")"}) {
            closes[end + 1].push_back({word[0] == 'f' ? Tok::kWord : Tok::kPunct, word, word[0] == 'f' ? "FALSE" : ""});
          }
        }
      }
      if (!having || !is_aggregate(k)) continue;
      const size_t end = std::min(Matching(t, k + 1), t.size() - 1);
      // Projected as it is: nothing to add.
      const size_t length = end - k + 1;
      bool projected = false;
      for (size_t q = i + 1; !projected && q + length <= p; ++q) {
        projected = true;
        for (size_t m = 0; projected && m < length; ++m) projected = same(t[q + m], t[k + m]);
      }
      if (!projected) {
        if (distinct) {
          return InvalidArgument("an aggregate in HAVING that SELECT DISTINCT does not project (" +
                                 Join({t.begin() + static_cast<std::ptrdiff_t>(k),
                                       t.begin() + static_cast<std::ptrdiff_t>(end + 1)}).substr(0, 60) +
                                 "): project it, e.g. (" + t[k].text + "(...) AS ?n); the engine (Rasqal 0.9.33) "
                                 "leaks memory per group for it otherwise");
        }
        std::vector<Token>& add = inserts[p];
        out.added.push_back(prefix + std::to_string(out.added.size() + 1));
        add.push_back({Tok::kPunct, "("});
        add.insert(add.end(), t.begin() + static_cast<std::ptrdiff_t>(k), t.begin() + static_cast<std::ptrdiff_t>(end + 1));
        add.push_back({Tok::kWord, "AS", "AS"});
        add.push_back({Tok::kVar, "?" + out.added.back()});
        add.push_back({Tok::kPunct, ")"});
      }
      k = end;
    }
  }
  if (inserts.empty() && opens.empty()) return out;
  std::vector<Token> result;
  for (size_t i = 0; i <= t.size(); ++i) {
    for (auto* at : {&closes, &inserts, &opens}) {
      if (auto in = at->find(i); in != at->end()) result.insert(result.end(), in->second.begin(), in->second.end());
    }
    if (i < t.size()) result.push_back(t[i]);
  }
  out.text = Join(result);
  return out;
}

bool UsesGraphPattern(std::string_view sparql) {
  auto t = Tokenize(sparql);
  if (!t.ok()) return false;
  return std::any_of(t->begin(), t->end(),
                     [](const Token& tok) { return tok.kind == Tok::kWord && tok.upper == "GRAPH"; });
}

void DropVariables(QueryResult& result, const std::vector<std::string>& names) {
  for (size_t c = result.variables.size(); c-- > 0;) {
    if (std::find(names.begin(), names.end(), result.variables[c]) == names.end()) continue;
    result.variables.erase(result.variables.begin() + static_cast<std::ptrdiff_t>(c));
    for (auto& row : result.rows) {
      if (c < row.size()) row.erase(row.begin() + static_cast<std::ptrdiff_t>(c));
    }
    if (c < result.term_ids.size()) result.term_ids.erase(result.term_ids.begin() + static_cast<std::ptrdiff_t>(c));
  }
}

Result<std::vector<std::string>> UndeclaredPrefixes(std::string_view sparql) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(sparql));
  std::set<std::string> declared;
  std::vector<std::string> missing;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind == Tok::kWord && Upper(toks[i].text) == "PREFIX" && i + 1 < toks.size() &&
        toks[i + 1].kind == Tok::kPname && toks[i + 1].text.back() == ':') {
      declared.insert(toks[i + 1].text.substr(0, toks[i + 1].text.size() - 1));
      ++i;
      continue;
    }
    std::string prefix;
    if (!PrefixOfToken(toks[i], prefix) || declared.count(prefix)) continue;
    if (std::find(missing.begin(), missing.end(), prefix) == missing.end()) missing.push_back(prefix);
  }
  return missing;
}

Status CheckNoFullTextConnector(std::string_view sparql) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(sparql));
  TINYKG_ASSIGN_OR_RETURN(std::vector<std::string> undeclared, UndeclaredPrefixes(sparql));
  auto is_undeclared = [&undeclared](const std::string& p) {
    return std::find(undeclared.begin(), undeclared.end(), p) != undeclared.end();
  };
  // GraphDB's Lucene connector (luc:, luc-index:), its older Lucene plugin
  // and its similarity indexes (inst:index ; :searchTerm ; :documentResult),
  // by namespace or by their customary prefixes left undeclared (GraphDB
  // predefines them; here they name nothing and the query matched nothing).
  static const char* const kNamespaces[] = {"ontotext.com/connectors/", "ontotext.com/owlim/lucene",
                                            "ontotext.com/graphdb/lucene", "ontotext.com/graphdb/similarity"};
  static const char* const kTerms[] = {"searchTerm", "searchParameters", "documentResult", "query", "entities",
                                       "snippets", "score"};
  bool connector = false;
  std::string term;  // the search text, for the hint
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Tok::kIri) {
      for (const char* ns : kNamespaces) connector |= t.text.find(ns) != std::string::npos;
    }
    std::string prefix;
    if (t.kind != Tok::kPname || !PrefixOfToken(t, prefix)) continue;
    const std::string local = t.text.substr(t.text.find(':') + 1);
    // The search words, for the hint (used only when it is a connector).
    if ((local == "searchTerm" || local == "query") && i + 1 < toks.size() && toks[i + 1].kind == Tok::kLiteral) {
      const std::string& lit = toks[i + 1].text;
      const size_t close = lit.find(lit[0], 1);
      if (close != std::string::npos) term = lit.substr(1, close - 1);
    }
    if (!is_undeclared(prefix)) continue;
    if (prefix == "luc" || prefix == "luc-index" || prefix == "inst") connector = true;
    for (const char* name : kTerms) {
      if (local == name && (prefix.empty() || prefix == "luc")) connector = true;
    }
  }
  if (!connector) return Status::Ok();
  return InvalidArgument(
      "this query uses GraphDB's full-text search (the Lucene connector luc:/luc-index:, or a similarity "
      "index inst: with :searchTerm/:documentResult), which tinykg does not have: it would match nothing. "
      "Use `tinykg search " + (term.empty() ? std::string("WORDS") : term) +
      "` (every word in a device's or model's names, titles or descriptions, ranked) and query the IRIs "
      "it prints");
}

Status CheckStaysInStore(std::string_view sparql, bool allow_service) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(sparql));
  return CheckTokensStayInStore(toks, allow_service);
}

Result<GuardedQuery> GuardQuery(std::string_view sparql, GuardOptions options) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<Token> toks, Tokenize(sparql));
  TINYKG_RETURN_IF_ERROR(CheckTokensStayInStore(toks, options.allow_service));
  TINYKG_RETURN_IF_ERROR(CheckSolutionModifiers(toks));
  const std::vector<Token> original = toks;  // the client-side rewrites below edit `toks`
  // Rasqal reads the text as a C string: it would ignore everything after a
  // NUL byte, and its lexer leaks when one ends a long string ("""...;
  // found by serve_fuzz_routes under LeakSanitizer).
  if (const size_t nul = sparql.find('\0'); nul != std::string_view::npos) {
    return InvalidArgument("the query holds a NUL byte at offset " + std::to_string(nul));
  }
  GuardedQuery out;
  if (options.order_in_client) {
    size_t cut = ClientSideOrder(toks, out);
    if (cut < toks.size()) {
      toks.resize(cut);
      out.notes.push_back("ORDER BY/LIMIT/OFFSET applied by tinykg (Rasqal's ORDER BY is quadratic)");
    }
  }
  if (options.optional_in_client) ClientSideOptionals(toks, out, options.nest_optionals);
  ClientSideDistinct(toks, out);
  auto refuse = [](std::string what) {
    return InvalidArgument(what + " (a known limit of Rasqal 0.9.33, the SPARQL engine of Redland)");
  };

  // Keyword checks.
  int brace = 0, paren = 0;
  bool seen_where_group = false;
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    const std::string& u = t.kind == Tok::kWord ? t.upper : kNoWord;
    if (u == "EXISTS") {
      return refuse("FILTER (NOT) EXISTS is not supported; write negation as OPTIONAL { ... } "
                    "FILTER(!BOUND(?var))");
    }
    if (u == "MINUS") {
      return refuse("MINUS silently returns no rows; write OPTIONAL { ... } FILTER(!BOUND(?var)) "
                    "instead");
    }
    if (u == "CONCAT") {
      size_t open = i + 1;
      if (open < toks.size() && toks[open].text == "(") {
        size_t close = Matching(toks, open);
        for (size_t k = open; k < close && k < toks.size(); ++k) {
          if (toks[k].kind == Tok::kWord && toks[k].upper == "STR") {
            return refuse("CONCAT over STR() gives garbage for numbers; select the values and "
                          "join them in the client");
          }
        }
      }
    }
    if (u == "SEPARATOR") {
      out.caveats.push_back("GROUP_CONCAT ignores SEPARATOR in Rasqal 0.9.33: values are joined with a space");
    }
    // COUNT(DISTINCT ...) and the like: Rasqal deduplicates in a sort map
    // built with compare flags 0, under which IRIs are not ordered
    // consistently, so duplicates slip through (measured on the shipped
    // graph: COUNT(DISTINCT ?p) 229 for 83 predicates, 148 after the guard).
    if (u == "DISTINCT" && i >= 2 && toks[i - 1].text == "(" && toks[i - 2].kind == Tok::kWord &&
        (toks[i - 2].upper == "COUNT" || toks[i - 2].upper == "SUM" || toks[i - 2].upper == "AVG" ||
         toks[i - 2].upper == "GROUP_CONCAT")) {
      out.caveats.push_back(toks[i - 2].upper +
                            "(DISTINCT ...) can count duplicates in Rasqal 0.9.33 (IRIs compare inconsistently "
                            "in its DISTINCT map); for exact figures aggregate over a sub-select: SELECT (COUNT(*) "
                            "AS ?n) WHERE { SELECT DISTINCT ?v WHERE { ... } }");
    }
    if (u == "VALUES" && brace == 0 && seen_where_group) {
      return refuse("a VALUES block after the WHERE clause crashes the engine; move it inside WHERE { ... }");
    }
    if (t.kind == Tok::kPunct) {
      if (t.text == "{") ++brace;
      if (t.text == "}" && --brace == 0) seen_where_group = true;
      if (t.text == "(") ++paren;
      if (t.text == ")") --paren;
      if (brace > 0 && paren == 0 && i > 0 &&
          (t.text == "/" || t.text == "|" || t.text == "^" ||
           ((t.text == "*" || t.text == "+" || t.text == "?") &&
            (toks[i - 1].kind == Tok::kPname || toks[i - 1].kind == Tok::kIri ||
             toks[i - 1].text == "a" || toks[i - 1].text == ")")))) {
        return refuse("property paths (/, |, ^, *, +, ?) are not supported; write the steps as "
                      "separate triple patterns (tinykg materialises rdfs:subClassOf closures, so "
                      "`?x a sosa:Sensor` already finds subclasses)");
      }
    }
  }

  // Anything else Rasqal could not parse (it leaks what it had built).
  TINYKG_RETURN_IF_ERROR(QuerySyntax(original).Check());

  // Rewrites, collected as token edits.
  std::vector<Token> result;
  result.reserve(toks.size() + 16);
  std::set<std::string> bound;
  int fresh = 0;
  bool moved_filters = false;
  // Per open group: filters to insert before its closing brace.
  std::vector<std::vector<std::string>> pending;
  bool in_where = false;
  size_t i = 0;
  // Triple pattern state inside a group: 0 subject, 1 predicate, 2 object.
  std::vector<int> state;
  Token subject{Tok::kEnd, ""};
  while (i < toks.size()) {
    const Token& t = toks[i];
    const std::string& u = t.kind == Tok::kWord ? t.upper : kNoWord;
    if (t.kind == Tok::kPunct && t.text == "{") {
      in_where = true;
      pending.emplace_back();
      state.push_back(0);
      result.push_back(t);
      ++i;
      continue;
    }
    if (t.kind == Tok::kPunct && t.text == "}") {
      if (!pending.empty()) {
        for (const auto& f : pending.back()) result.push_back({Tok::kWord, f});
        pending.pop_back();
        state.pop_back();
      }
      result.push_back(t);
      ++i;
      continue;
    }
    if (!in_where || state.empty()) {
      result.push_back(t);
      ++i;
      continue;
    }
    // Inside a group.
    if (u == "FILTER" || u == "BIND") {
      size_t open = i + 1;
      size_t end = i;
      if (open < toks.size() && toks[open].text == "(") {
        end = Matching(toks, open);
      } else if (open + 1 < toks.size() && toks[open + 1].text == "(") {
        end = Matching(toks, open + 1);  // FILTER regex(...)
      }
      if (u == "FILTER") {
        // Moved to the end of its group: SPARQL applies a filter to the whole
        // group wherever it stands, but Rasqal 0.9.33 breaks the join of the
        // patterns written after a FILTER (wrong rows, measured).
        std::vector<Token> filter(toks.begin() + static_cast<std::ptrdiff_t>(i),
                                  toks.begin() + static_cast<std::ptrdiff_t>(std::min(end + 1, toks.size())));
        pending.back().push_back(Join(filter));
        moved_filters = true;
      } else {
        for (size_t k = i; k <= end && k < toks.size(); ++k) {
          result.push_back(toks[k]);
          if (toks[k].kind == Tok::kVar) bound.insert(toks[k].text);
        }
      }
      i = end + 1;
      state.back() = 0;
      continue;
    }
    if (u == "VALUES") {
      // VALUES ?x { a b }  ->  VALUES (?x) { (a) (b) }
      if (i + 2 < toks.size() && toks[i + 1].kind == Tok::kVar && toks[i + 2].text == "{") {
        size_t close = Matching(toks, i + 2);
        result.push_back(t);
        result.push_back({Tok::kPunct, "("});
        result.push_back(toks[i + 1]);
        result.push_back({Tok::kPunct, ")"});
        result.push_back({Tok::kPunct, "{"});
        for (size_t k = i + 3; k < close; ++k) {
          result.push_back({Tok::kPunct, "("});
          result.push_back(toks[k]);
          result.push_back({Tok::kPunct, ")"});
        }
        result.push_back({Tok::kPunct, "}"});
        bound.insert(toks[i + 1].text);
        out.notes.push_back("rewrote VALUES " + toks[i + 1].text + " { ... } with parentheses");
        i = close + 1;
        continue;
      }
      // VALUES (?a ?b) { ... }: copy through.
      size_t open = i + 1;
      while (open < toks.size() && toks[open].text != "{") {
        if (toks[open].kind == Tok::kVar) bound.insert(toks[open].text);
        ++open;
      }
      size_t close = open < toks.size() ? Matching(toks, open) : toks.size();
      for (size_t k = i; k <= close && k < toks.size(); ++k) result.push_back(toks[k]);
      i = close + 1;
      continue;
    }
    if (u == "OPTIONAL" || u == "UNION" || u == "GRAPH" || u == "SERVICE" || u == "SILENT") {
      result.push_back(t);
      ++i;
      continue;
    }
    if (t.kind == Tok::kPunct && t.text == "[") {
      // Blank node property lists: copied as they are (not rewritten).
      size_t close = Matching(toks, i);
      for (size_t k = i; k <= close && k < toks.size(); ++k) result.push_back(toks[k]);
      i = close + 1;
      int& s = state.back();
      s = s == 0 ? 1 : s == 2 ? 2 : s;
      if (s == 1) subject = {Tok::kBlank, "[]"};
      continue;
    }
    int& s = state.back();
    if (t.kind == Tok::kPunct && (t.text == "." || t.text == ";" || t.text == ",")) {
      s = t.text == "." ? 0 : t.text == ";" ? 1 : 2;
      result.push_back(t);
      ++i;
      continue;
    }
    if (!IsTerm(t)) {
      // Something we do not model (e.g. a GRAPH name's context): copy.
      result.push_back(t);
      ++i;
      continue;
    }
    if (s == 0) {
      subject = t;
      s = 1;
      result.push_back(t);
    } else if (s == 1) {
      s = 2;
      result.push_back(t);
    } else {
      bool subject_bound = subject.kind == Tok::kVar && bound.count(subject.text) > 0;
      if (subject_bound && IsConstant(t)) {
        std::string var = "?tkg_c" + std::to_string(fresh++);
        result.push_back({Tok::kVar, var});
        pending.back().push_back("FILTER ( sameTerm ( " + var + " , " + t.text + " ) )");
      } else {
        result.push_back(t);
      }
      if (subject.kind == Tok::kVar) bound.insert(subject.text);
      if (t.kind == Tok::kVar) bound.insert(t.text);
    }
    ++i;
  }
  if (fresh > 0) {
    out.notes.push_back("rewrote " + std::to_string(fresh) +
                        " constant object(s) after a join as FILTER(sameTerm(...)) for speed");
  }
  if (moved_filters) out.notes.push_back("moved FILTERs to the end of their group (Rasqal breaks joins after a mid-group FILTER)");
  out.text = Join(result);
  return out;
}

namespace {

bool IsNumericType(const std::string& dt) {
  static const char* kTypes[] = {"integer", "decimal", "double", "float", "int", "long", "short",
                                 "nonNegativeInteger", "positiveInteger", "unsignedInt", "byte"};
  const std::string xsd = "http://www.w3.org/2001/XMLSchema#";
  if (dt.compare(0, xsd.size(), xsd) != 0) return false;
  for (const char* t : kTypes) {
    if (dt.substr(xsd.size()) == t) return true;
  }
  return false;
}

int Rank(const std::optional<Term>& t) {
  if (!t) return 0;
  switch (t->kind) {
    case TermKind::kBlank: return 1;
    case TermKind::kIri: return 2;
    case TermKind::kLiteral: return 3;
  }
  return 0;
}

int CompareTerms(const std::optional<Term>& a, const std::optional<Term>& b) {
  int ra = Rank(a), rb = Rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 3 && IsNumericType(a->datatype) && IsNumericType(b->datatype)) {
    double x = std::strtod(a->value.c_str(), nullptr), y = std::strtod(b->value.c_str(), nullptr);
    if (x != y) return x < y ? -1 : 1;
    return 0;
  }
  int c = a->value.compare(b->value);
  if (c != 0) return c < 0 ? -1 : 1;
  c = a->language.compare(b->language);
  if (c != 0) return c < 0 ? -1 : 1;
  c = a->datatype.compare(b->datatype);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

void ApplySolutionModifiers(const GuardedQuery& query, QueryResult& result) {
  if (result.kind != QueryResult::Kind::kBindings) return;
  result.term_ids.clear();  // rows reordered, dropped or sliced
  if (!query.order_by.empty()) {
    std::vector<std::pair<size_t, bool>> columns;
    for (const auto& key : query.order_by) {
      auto it = std::find(result.variables.begin(), result.variables.end(), key.variable);
      if (it != result.variables.end()) {
        columns.emplace_back(static_cast<size_t>(it - result.variables.begin()), key.descending);
      }
    }
    std::stable_sort(result.rows.begin(), result.rows.end(), [&](const auto& x, const auto& y) {
      for (const auto& [col, desc] : columns) {
        int c = CompareTerms(x[col], y[col]);
        if (c != 0) return desc ? c > 0 : c < 0;
      }
      return false;
    });
  }
  auto& rows = result.rows;
  if (query.distinct) {
    std::set<std::string> seen;
    std::vector<std::vector<std::optional<Term>>> unique;
    unique.reserve(rows.size());
    for (auto& row : rows) {
      std::string key;
      for (const auto& cell : row) key += (cell ? cell->ToNTriples() : std::string("U")) + '\0';
      if (seen.insert(std::move(key)).second) unique.push_back(std::move(row));
    }
    rows = std::move(unique);
  }
  size_t begin = std::min(rows.size(), static_cast<size_t>(std::max<std::int64_t>(0, query.offset)));
  size_t end = query.limit < 0 ? rows.size() : std::min(rows.size(), begin + static_cast<size_t>(query.limit));
  if (begin > 0 || end < rows.size()) {
    rows = std::vector<std::vector<std::optional<Term>>>(
        std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(begin)),
        std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(end)));
  }
}

namespace {

// The objects of client-side OPTIONALs that share a subject variable: one
// ObjectTable for every distinct subject of the rows (predicate k of the
// table is opts[k]->predicate), read in one call, and for each row the index
// of its subject in the table (kNoSubject when the row's subject is unbound
// or a literal). A column is added for the subject when the rows lack it.
struct SubjectObjects {
  ObjectTable table;
  std::vector<std::uint32_t> row_subject;
};

size_t ColumnOf(QueryResult& result, const std::string& var) {
  auto it = std::find(result.variables.begin(), result.variables.end(), var);
  if (it != result.variables.end()) return static_cast<size_t>(it - result.variables.begin());
  result.variables.push_back(var);
  for (auto& row : result.rows) row.emplace_back();
  return result.variables.size() - 1;
}

Result<SubjectObjects> NestOptionals(Store& store, const std::vector<const ClientOptional*>& opts,
                                     QueryResult& result) {
  const size_t s = ColumnOf(result, opts.front()->subject);
  std::vector<std::string> predicates;
  for (const auto* opt : opts) predicates.push_back(opt->predicate);
  // Distinct subjects, keyed by their text in the rows (IRIs and blank
  // nodes kept apart).
  std::unordered_map<std::string_view, std::uint32_t> index[2];
  index[0].reserve(result.rows.size());
  std::vector<const Term*> subjects;  // in the rows, which outlive the call
  subjects.reserve(result.rows.size());
  // The store's ids of the subjects, when its result carries them.
  const std::vector<std::uint64_t>* row_ids =
      s < result.term_ids.size() && result.term_ids[s].size() == result.rows.size() ? &result.term_ids[s] : nullptr;
  std::vector<std::uint64_t> subject_ids;
  if (row_ids) subject_ids.reserve(result.rows.size());
  SubjectObjects out;
  out.row_subject.assign(result.rows.size(), NestedResult::kNoSubject);
  for (size_t r = 0; r < result.rows.size(); ++r) {
    const auto& cell = result.rows[r][s];
    if (!cell || cell->is_literal()) continue;
    auto [it, fresh] = index[cell->is_blank()].emplace(cell->value, static_cast<std::uint32_t>(subjects.size()));
    if (fresh) {
      subjects.push_back(&*cell);
      if (row_ids) subject_ids.push_back((*row_ids)[r]);
    }
    out.row_subject[r] = it->second;
  }
  TINYKG_ASSIGN_OR_RETURN(out.table, store.ObjectsOfMany(std::span<const Term* const>(subjects), predicates, subject_ids));
  return out;
}

// Left-joins each client-side OPTIONAL into the rows, in the written order:
// a row with one value is filled in place (copied only for the second value
// on).
Status FillOptionals(Store& store, const GuardedQuery& q, QueryResult& result) {
  for (const auto& opt : q.optionals) {
    TINYKG_ASSIGN_OR_RETURN(SubjectObjects nested, NestOptionals(store, {&opt}, result));
    const size_t o = ColumnOf(result, opt.object);
    // The store's ids go along with the rows (a filled-in object has none:
    // 0), so the next OPTIONAL on the same subject has them too.
    std::vector<std::vector<std::uint64_t>>& ids = result.term_ids;
    bool keep_ids = !ids.empty();
    for (const auto& column : ids) keep_ids = keep_ids && column.size() == result.rows.size();
    if (!keep_ids) ids.clear();
    if (keep_ids && ids.size() <= o) ids.resize(o + 1, std::vector<std::uint64_t>(result.rows.size()));
    std::vector<std::vector<std::uint64_t>> new_ids(keep_ids ? ids.size() : 0);
    const auto& terms = nested.table.terms();
    std::vector<std::vector<std::optional<Term>>> rows;
    rows.reserve(result.rows.size());
    auto keep = [&](size_t r, std::vector<std::optional<Term>>&& row, bool filled) {
      rows.push_back(std::move(row));
      for (size_t c = 0; c < new_ids.size(); ++c) new_ids[c].push_back(c == o && filled ? 0 : ids[c][r]);
    };
    for (size_t r = 0; r < result.rows.size(); ++r) {
      auto& row = result.rows[r];
      const std::uint32_t subject = nested.row_subject[r];
      const auto values = subject == NestedResult::kNoSubject ? std::span<const std::uint32_t>()
                                                              : nested.table.Of(subject, 0);
      if (values.empty()) {
        keep(r, std::move(row), false);
        continue;
      }
      for (size_t v = 0; v + 1 < values.size(); ++v) {
        auto copy = row;
        copy[o] = terms[values[v]];
        keep(r, std::move(copy), true);
      }
      row[o] = terms[values.back()];
      keep(r, std::move(row), true);
    }
    result.rows = std::move(rows);
    ids = std::move(new_ids);
  }
  return Status::Ok();
}

}  // namespace

Result<NestedResult> RunQueryNested(Store& store, std::string_view sparql) {
  GuardOptions options;
  options.order_in_client = true;
  options.optional_in_client = !store.EvaluatesOptionalsNatively();
  options.nest_optionals = true;
  TINYKG_ASSIGN_OR_RETURN(GuardedQuery q, GuardQuery(sparql, options));
  TINYKG_ASSIGN_OR_RETURN(QueryResult result, store.Query(q.text));
  NestedResult out;
  if (!q.order_by.empty() || q.distinct || q.limit >= 0 || q.offset > 0) {
    // Solution modifiers work on flat rows.
    TINYKG_RETURN_IF_ERROR(FillOptionals(store, q, result));
    ApplySolutionModifiers(q, result);
    out.result = std::move(result);
    return out;
  }
  // One lookup per subject variable for all its OPTIONALs.
  std::vector<std::string> subjects;
  for (const auto& opt : q.optionals) {
    if (std::find(subjects.begin(), subjects.end(), opt.subject) == subjects.end()) subjects.push_back(opt.subject);
  }
  for (const auto& subject : subjects) {
    std::vector<const ClientOptional*> group;
    for (const auto& opt : q.optionals) {
      if (opt.subject == subject) group.push_back(&opt);
    }
    TINYKG_ASSIGN_OR_RETURN(SubjectObjects objects, NestOptionals(store, group, result));
    for (size_t k = 0; k < group.size(); ++k) {
      out.nested.push_back(group[k]->object);
      out.columns.push_back({out.tables.size(), k});
    }
    out.tables.push_back(std::move(objects.table));
    out.row_subject.push_back(std::move(objects.row_subject));
  }
  out.result = std::move(result);
  return out;
}

Result<QueryResult> RunQuery(Store& store, std::string_view sparql, GuardedQuery* guarded,
                             bool allow_service) {
  GuardOptions options;
  options.allow_service = allow_service;
  options.order_in_client = true;
  options.optional_in_client = !store.EvaluatesOptionalsNatively();
  TINYKG_RETURN_IF_ERROR(CheckStaysInStore(sparql, allow_service));
  TINYKG_RETURN_IF_ERROR(CheckNoFullTextConnector(sparql));
  TINYKG_ASSIGN_OR_RETURN(PrefixCompletion completed, CompleteQueryPrefixes(store, sparql));
  TINYKG_ASSIGN_OR_RETURN(GuardedQuery q, GuardQuery(completed.text, options));
  q.added_prefixes = std::move(completed.added);
  auto result = store.Query(q.text);
  if (result.ok()) {
    Status filled = FillOptionals(store, q, *result);
    if (!filled.ok()) return filled;
    ApplySolutionModifiers(q, *result);
  }
  if (guarded) *guarded = std::move(q);
  return result;
}

}  // namespace tinykg::rdf
