#include "tinykg/rdf/triple.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <cstdio>

namespace tinykg::rdf {
namespace {

// Bytes written as \uXXXX: controls and DEL in literals; controls, space
// and <>"{}|^`\ in IRIs. Plain runs between them are appended at once.
constexpr std::array<bool, 256> IriEscapes() {
  std::array<bool, 256> t{};
  for (int c = 0; c <= 0x20; ++c) t[c] = true;
  for (unsigned char c : std::string_view("<>\"{}|^`\\")) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kIriEscape = IriEscapes();

constexpr std::array<bool, 256> LiteralEscapes() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t[0x7f] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr std::array<bool, 256> kLiteralEscape = LiteralEscapes();

// True when one of the 8 bytes of `w` (little or big endian alike) is an
// IRI escape: a byte <= 0x20 or one of <>"{}|^`\. Lets AppendEscapedIri
// skip plain IRI text a word at a time (IRIs rarely need escapes).
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr bool HasZeroByte(std::uint64_t w) { return ((w - kOnes) & ~w & kHighs) != 0; }
constexpr bool HasByte(std::uint64_t w, unsigned char c) { return HasZeroByte(w ^ (kOnes * c)); }
constexpr bool WordHasIriEscape(std::uint64_t w) {
  // A byte below 0x21: (b - 0x21) borrows into its high bit while b's own
  // high bit is clear.
  if ((((w - kOnes * 0x21) & ~w) & kHighs) != 0) return true;
  for (unsigned char c : std::string_view("<>\"{}|^`\\")) {
    if (HasByte(w, c)) return true;
  }
  return false;
}

void AppendUchar(unsigned char c, std::string& out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04X", c);
  out += buf;
}

}  // namespace

void AppendEscapedLiteral(std::string_view text, std::string& out) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!kLiteralEscape[c]) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: AppendUchar(c, out);
    }
  }
  out.append(text.data() + run, text.size() - run);
}

void AppendEscapedIri(std::string_view iri, std::string& out) {
  size_t plain = 0;  // iri[0, plain) needs no escape
  while (plain + 8 <= iri.size()) {
    std::uint64_t w;
    std::memcpy(&w, iri.data() + plain, 8);
    if (WordHasIriEscape(w)) break;
    plain += 8;
  }
  size_t run = 0;
  for (size_t i = plain; i < iri.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(iri[i]);
    if (!kIriEscape[c]) continue;
    out.append(iri.data() + run, i - run);
    run = i + 1;
    AppendUchar(c, out);
  }
  out.append(iri.data() + run, iri.size() - run);
}

std::string EscapeLiteral(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendEscapedLiteral(text, out);
  return out;
}

std::string NQuadsGraphSuffix(const std::string& graph_iri) {
  std::string out = " <";
  AppendEscapedIri(graph_iri, out);
  out += "> .\n";
  return out;
}

std::string EscapeIri(const std::string& iri) {
  std::string out;
  out.reserve(iri.size());
  AppendEscapedIri(iri, out);
  return out;
}

void AppendNTriplesTerm(TermKind kind, std::string_view value, std::string_view datatype,
                        std::string_view language, std::string& out) {
  switch (kind) {
    case TermKind::kIri:
      out += '<';
      AppendEscapedIri(value, out);
      out += '>';
      return;
    case TermKind::kBlank:
      out += "_:";
      out += value;
      return;
    case TermKind::kLiteral:
      out += '"';
      AppendEscapedLiteral(value, out);
      out += '"';
      if (!language.empty()) {
        out += '@';
        out += language;
      } else if (!datatype.empty() && datatype != std::string_view("http://www.w3.org/2001/XMLSchema#string")) {
        out += "^^<";
        AppendEscapedIri(datatype, out);
        out += '>';
      }
      return;
  }
}

void Term::AppendNTriples(std::string& out) const { AppendNTriplesTerm(kind, value, datatype, language, out); }

std::string Term::ToNTriples() const {
  std::string out;
  AppendNTriples(out);
  return out;
}

void Triple::AppendNTriplesTerms(std::string& out) const {
  subject.AppendNTriples(out);
  out += ' ';
  predicate.AppendNTriples(out);
  out += ' ';
  object.AppendNTriples(out);
}

std::string Triple::ToNTriples() const {
  std::string out;
  AppendNTriplesTerms(out);
  out += " .";
  return out;
}

}  // namespace tinykg::rdf
