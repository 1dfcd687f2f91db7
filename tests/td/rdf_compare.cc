#include "rdf_compare.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "tinykg/base/utf8.h"

namespace tinykg::td::testing {
namespace {

class LineParser {
 public:
  explicit LineParser(const std::string& line) : s_(line) {}

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool AtEnd() {
    SkipSpace();
    return i_ >= s_.size() || s_[i_] == '#';
  }
  char Peek() {
    SkipSpace();
    return i_ < s_.size() ? s_[i_] : '\0';
  }

  bool Escape(std::string& out) {
    if (i_ >= s_.size()) return false;
    const char c = s_[i_++];
    switch (c) {
      case 't': out += '\t'; return true;
      case 'b': out += '\b'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 'f': out += '\f'; return true;
      case '"': out += '"'; return true;
      case '\'': out += '\''; return true;
      case '\\': out += '\\'; return true;
      case 'u':
      case 'U': {
        const size_t n = c == 'u' ? 4 : 8;
        if (i_ + n > s_.size()) return false;
        AppendUtf8(static_cast<std::uint32_t>(std::stoul(s_.substr(i_, n), nullptr, 16)), out);
        i_ += n;
        return true;
      }
      default: return false;
    }
  }

  bool Term(rdf::Term& term) {
    const char c = Peek();
    if (c == '<') {
      ++i_;
      std::string iri;
      while (i_ < s_.size() && s_[i_] != '>') {
        if (s_[i_] == '\\') {
          ++i_;
          if (!Escape(iri)) return false;
        } else {
          iri += s_[i_++];
        }
      }
      if (i_ >= s_.size()) return false;
      ++i_;
      term = rdf::Term::Iri(iri);
      return true;
    }
    if (c == '_') {
      if (i_ + 1 >= s_.size() || s_[i_ + 1] != ':') return false;
      i_ += 2;
      std::string label;
      while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != '\t') label += s_[i_++];
      if (!label.empty() && label.back() == '.') {
        label.pop_back();
        --i_;
      }
      term = rdf::Term::Blank(label);
      return true;
    }
    if (c == '"') {
      ++i_;
      std::string value;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\') {
          ++i_;
          if (!Escape(value)) return false;
        } else {
          value += s_[i_++];
        }
      }
      if (i_ >= s_.size()) return false;
      ++i_;
      std::string datatype;
      std::string language;
      if (i_ < s_.size() && s_[i_] == '@') {
        ++i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-')) {
          language += static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_++])));
        }
      } else if (s_.compare(i_, 2, "^^") == 0) {
        i_ += 2;
        rdf::Term dt;
        if (!Term(dt) || !dt.is_iri()) return false;
        datatype = dt.value;
        if (datatype == "http://www.w3.org/2001/XMLSchema#string") datatype.clear();
      }
      term = rdf::Term::Literal(value, datatype, language);
      return true;
    }
    return false;
  }

  bool Dot() {
    if (Peek() != '.') return false;
    ++i_;
    return true;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;
};

std::string Key(const rdf::Term& t) { return t.ToNTriples(); }

std::string QuadKey(const Quad& q) { return q.ToNQuads(); }

bool HasBlank(const Quad& q) {
  return q.triple.subject.is_blank() || q.triple.predicate.is_blank() || q.triple.object.is_blank() ||
         q.graph.is_blank();
}

void Dedupe(std::vector<Quad>& quads) {
  std::set<std::string> seen;
  std::vector<Quad> out;
  for (auto& q : quads) {
    if (q.triple.object.is_literal()) {
      std::string& lang = q.triple.object.language;
      for (char& c : lang) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (q.triple.object.datatype == "http://www.w3.org/2001/XMLSchema#string") {
        q.triple.object.datatype.clear();
      }
    }
    if (seen.insert(QuadKey(q)).second) out.push_back(q);
  }
  quads = std::move(out);
}

using Colors = std::map<std::string, size_t>;

Colors Refine(const std::vector<Quad>& quads) {
  Colors colors;
  for (const auto& q : quads) {
    for (const rdf::Term* t : {&q.triple.subject, &q.triple.predicate, &q.triple.object, &q.graph}) {
      if (t->is_blank()) colors[t->value] = 0;
    }
  }
  std::hash<std::string> h;
  for (int round = 0; round < 6; ++round) {
    std::map<std::string, std::vector<std::string>> signatures;
    auto name = [&](const rdf::Term& t) {
      return t.is_blank() ? "_" + std::to_string(colors[t.value]) : Key(t);
    };
    for (const auto& q : quads) {
      const rdf::Term* terms[4] = {&q.triple.subject, &q.triple.predicate, &q.triple.object, &q.graph};
      for (int pos = 0; pos < 4; ++pos) {
        if (!terms[pos]->is_blank()) continue;
        std::string sig = std::to_string(pos);
        for (int j = 0; j < 4; ++j) sig += "|" + (j == pos ? std::string("*") : name(*terms[j]));
        signatures[terms[pos]->value].push_back(sig);
      }
    }
    Colors next;
    for (auto& [node, sigs] : signatures) {
      std::sort(sigs.begin(), sigs.end());
      std::string all = std::to_string(colors[node]);
      for (auto& s : sigs) all += "\n" + s;
      next[node] = h(all);
    }
    colors = std::move(next);
  }
  return colors;
}

Quad Rename(const Quad& q, const std::map<std::string, std::string>& m) {
  Quad out = q;
  for (rdf::Term* t : {&out.triple.subject, &out.triple.predicate, &out.triple.object, &out.graph}) {
    if (t->is_blank()) {
      auto it = m.find(t->value);
      t->value = it == m.end() ? "?" + t->value : it->second;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Quad>> ParseNQuads(const std::string& text) {
  std::vector<Quad> quads;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    LineParser p(line);
    if (p.AtEnd()) continue;
    Quad q;
    if (!p.Term(q.triple.subject) || !p.Term(q.triple.predicate) || !p.Term(q.triple.object)) {
      return ParseError("bad N-Quads line: " + line, SourceLocation("", line_no));
    }
    if (p.Peek() != '.') {
      if (!p.Term(q.graph)) return ParseError("bad graph term: " + line, SourceLocation("", line_no));
    }
    if (!p.Dot()) return ParseError("missing '.': " + line, SourceLocation("", line_no));
    quads.push_back(std::move(q));
  }
  return quads;
}

bool Isomorphic(std::vector<Quad> a, std::vector<Quad> b, std::string* why) {
  Dedupe(a);
  Dedupe(b);
  auto fail = [&](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return false;
  };
  if (a.size() != b.size()) {
    return fail("different sizes: " + std::to_string(a.size()) + " vs " + std::to_string(b.size()));
  }
  std::multiset<std::string> ground_a;
  std::multiset<std::string> ground_b;
  for (const auto& q : a) {
    if (!HasBlank(q)) ground_a.insert(QuadKey(q));
  }
  for (const auto& q : b) {
    if (!HasBlank(q)) ground_b.insert(QuadKey(q));
  }
  if (ground_a != ground_b) {
    for (const auto& k : ground_a) {
      if (!ground_b.count(k)) return fail("only in first: " + k);
    }
    for (const auto& k : ground_b) {
      if (!ground_a.count(k)) return fail("only in second: " + k);
    }
    return fail("ground statements differ");
  }
  Colors ca = Refine(a);
  Colors cb = Refine(b);
  if (ca.size() != cb.size()) return fail("different numbers of blank nodes");
  std::multiset<size_t> ha;
  std::multiset<size_t> hb;
  for (auto& [n, c] : ca) ha.insert(c);
  for (auto& [n, c] : cb) hb.insert(c);
  if (ha != hb) return fail("blank node structures differ");

  std::set<std::string> target;
  for (const auto& q : b) target.insert(QuadKey(q));
  std::vector<std::string> nodes_a;
  for (auto& [n, c] : ca) nodes_a.push_back(n);
  std::map<std::string, std::string> mapping;
  std::set<std::string> used;
  std::function<bool(size_t)> search = [&](size_t i) -> bool {
    if (i == nodes_a.size()) {
      for (const auto& q : a) {
        if (!target.count(QuadKey(Rename(q, mapping)))) return false;
      }
      return true;
    }
    for (auto& [nb, color] : cb) {
      if (color != ca[nodes_a[i]] || used.count(nb)) continue;
      mapping[nodes_a[i]] = nb;
      used.insert(nb);
      if (search(i + 1)) return true;
      used.erase(nb);
      mapping.erase(nodes_a[i]);
    }
    return false;
  };
  if (!search(0)) return fail("no blank node mapping makes the datasets equal");
  return true;
}

}  // namespace tinykg::td::testing
