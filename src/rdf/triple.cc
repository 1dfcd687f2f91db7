#include "tinykg/rdf/triple.h"

#include <cstdio>

namespace tinykg::rdf {

std::string EscapeLiteral(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string EscapeIri(const std::string& iri) {
  std::string out;
  out.reserve(iri.size());
  for (unsigned char c : iri) {
    if (c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
        c == '^' || c == '`' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Term::ToNTriples() const {
  switch (kind) {
    case TermKind::kIri: return "<" + EscapeIri(value) + ">";
    case TermKind::kBlank: return "_:" + value;
    case TermKind::kLiteral: {
      std::string out = "\"" + EscapeLiteral(value) + "\"";
      if (!language.empty()) {
        out += "@" + language;
      } else if (!datatype.empty() && datatype != "http://www.w3.org/2001/XMLSchema#string") {
        out += "^^<" + EscapeIri(datatype) + ">";
      }
      return out;
    }
  }
  return {};
}

std::string Triple::ToNTriples() const {
  return subject.ToNTriples() + " " + predicate.ToNTriples() + " " + object.ToNTriples() + " .";
}

}  // namespace tinykg::rdf
