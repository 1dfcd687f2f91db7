#include "tinykg/rdf/results.h"

#include <algorithm>

#include "tinykg/base/text.h"

namespace tinykg::rdf {

Result<ResultsFormat> ResultsFormatFromName(std::string_view name) {
  if (name == "table" || name == "text") return ResultsFormat::kTable;
  if (name == "json") return ResultsFormat::kJson;
  if (name == "csv") return ResultsFormat::kCsv;
  if (name == "tsv") return ResultsFormat::kTsv;
  if (name == "md" || name == "markdown") return ResultsFormat::kMarkdown;
  return UnknownFormat(name, {"table", "json", "csv", "tsv", "md"});
}

Status UnknownFormat(std::string_view name, const std::vector<std::string_view>& accepted) {
  constexpr int kMaxEdits = 2;
  int best = kMaxEdits + 1;
  std::vector<std::string_view> closest;
  std::string list;
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    list += std::string(i == 0 ? "" : i + 1 == accepted.size() ? " or " : ", ") + std::string(accepted[i]);
    const int d = EditDistance(name, accepted[i]);
    if (d > kMaxEdits) continue;
    if (d < best) closest.clear();
    if (d <= best) {
      best = d;
      closest.push_back(accepted[i]);
    }
  }
  std::string message = "unknown format '" + std::string(name) + "'";
  // Only a near miss is a hint: fewer edits than half the name ("jsn",
  // "tabel"), not "pdf" two edits from "md".
  if (!closest.empty() && static_cast<std::size_t>(2 * best) < name.size()) {
    message += ": did you mean ";
    for (std::size_t i = 0; i < closest.size(); ++i) message += (i ? " or " : "") + std::string(closest[i]);
    message += "?";
  }
  return InvalidArgument(message + " (expected " + list + ")");
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string TerminalText(std::string_view text) {
  const auto is_control = [&](size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) return 1;
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return 2;
    }
    return 0;
  };
  size_t first = 0;
  while (first < text.size() && is_control(first) == 0) ++first;
  if (first == text.size()) return std::string(text);
  std::string out(text.substr(0, first));
  static const char kHex[] = "0123456789abcdef";
  for (size_t i = first; i < text.size(); ++i) {
    const int control = is_control(i);
    const auto c = static_cast<unsigned char>(text[i]);
    if (control == 0) {
      out += static_cast<char>(c);
    } else if (control == 2) {
      const auto next = static_cast<unsigned char>(text[++i]);
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 15];
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string MarkdownText(std::string_view text, bool one_line) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (one_line && c == '|') out += "\\|";
    else if (one_line && (c == '\n' || c == '\r')) out += ' ';
    else out += c;
  }
  return out;
}

namespace {

std::string JsonTerm(const Term& t) {
  switch (t.kind) {
    case TermKind::kIri: return "{\"type\": \"uri\", \"value\": " + JsonQuote(t.value) + "}";
    case TermKind::kBlank: return "{\"type\": \"bnode\", \"value\": " + JsonQuote(t.value) + "}";
    case TermKind::kLiteral: {
      std::string out = "{\"type\": \"literal\", \"value\": " + JsonQuote(t.value);
      if (!t.language.empty()) {
        out += ", \"xml:lang\": " + JsonQuote(t.language);
      } else if (!t.datatype.empty() && t.datatype != "http://www.w3.org/2001/XMLSchema#string") {
        out += ", \"datatype\": " + JsonQuote(t.datatype);
      }
      return out + "}";
    }
  }
  return "null";
}

// RFC 4180 field as the SPARQL CSV format wants it: quote when needed.
std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// SPARQL TSV: terms in Turtle/N-Triples syntax; plain numbers as they are.
std::string TsvTerm(const Term& t) {
  if (t.is_literal() && t.language.empty()) {
    static const std::string kXsd = "http://www.w3.org/2001/XMLSchema#";
    if (t.datatype == kXsd + "integer" || t.datatype == kXsd + "decimal" ||
        t.datatype == kXsd + "double" || t.datatype == kXsd + "boolean") {
      if (!t.value.empty() && t.value.find_first_of("\t\n\r\"") == std::string::npos) return t.value;
    }
  }
  if (t.is_blank()) return "_:" + t.value;
  return t.ToNTriples();
}

}  // namespace

std::string CompactTerm(const Term& term, const PrefixList& prefixes) {
  if (term.is_literal()) return term.value;
  if (term.is_blank()) return "_:" + term.value;
  size_t best = 0;
  const std::pair<std::string, std::string>* match = nullptr;
  for (const auto& p : prefixes) {
    if (p.second.size() > best && term.value.compare(0, p.second.size(), p.second) == 0) {
      std::string local = term.value.substr(p.second.size());
      if (local.find_first_of("/#:?") != std::string::npos) continue;
      best = p.second.size();
      match = &p;
    }
  }
  if (match) return match->first + ":" + term.value.substr(match->second.size());
  return "<" + term.value + ">";
}

Result<std::string> WriteResults(const QueryResult& r, ResultsFormat format,
                                 const PrefixList& prefixes) {
  if (r.kind == QueryResult::Kind::kGraph) {
    return InvalidArgument("CONSTRUCT/DESCRIBE results are RDF; write them with --format turtle or ntriples");
  }
  std::string out;
  if (r.kind == QueryResult::Kind::kBoolean) {
    switch (format) {
      case ResultsFormat::kJson: return std::string("{\"head\": {}, \"boolean\": ") + (r.boolean ? "true" : "false") + "}\n";
      case ResultsFormat::kCsv:
      case ResultsFormat::kTsv:
      case ResultsFormat::kMarkdown:
      case ResultsFormat::kTable: return std::string(r.boolean ? "true" : "false") + "\n";
    }
  }
  switch (format) {
    case ResultsFormat::kJson: {
      out = "{\"head\": {\"vars\": [";
      for (size_t i = 0; i < r.variables.size(); ++i) out += (i ? ", " : "") + JsonQuote(r.variables[i]);
      out += "]}, \"results\": {\"bindings\": [";
      for (size_t row = 0; row < r.rows.size(); ++row) {
        out += row ? ",\n  {" : "\n  {";
        bool first = true;
        for (size_t i = 0; i < r.variables.size(); ++i) {
          if (!r.rows[row][i]) continue;
          out += (first ? "" : ", ") + JsonQuote(r.variables[i]) + ": " + JsonTerm(*r.rows[row][i]);
          first = false;
        }
        out += "}";
      }
      out += r.rows.empty() ? "]}}\n" : "\n]}}\n";
      return out;
    }
    case ResultsFormat::kCsv: {
      for (size_t i = 0; i < r.variables.size(); ++i) out += (i ? "," : "") + CsvField(r.variables[i]);
      out += "\r\n";
      for (const auto& row : r.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (i) out += ",";
          if (!row[i]) continue;
          out += CsvField(row[i]->is_blank() ? "_:" + row[i]->value : row[i]->value);
        }
        out += "\r\n";
      }
      return out;
    }
    case ResultsFormat::kTsv: {
      for (size_t i = 0; i < r.variables.size(); ++i) out += (i ? "\t?" : "?") + r.variables[i];
      out += "\n";
      for (const auto& row : r.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (i) out += "\t";
          if (row[i]) out += TsvTerm(*row[i]);
        }
        out += "\n";
      }
      return out;
    }
    case ResultsFormat::kMarkdown: {
      auto cell = [](const std::string& text) { return MarkdownText(text, true); };
      out += "|";
      for (const auto& v : r.variables) out += " " + cell(v) + " |";
      out += "\n|";
      for (size_t i = 0; i < r.variables.size(); ++i) out += " --- |";
      out += "\n";
      for (const auto& row : r.rows) {
        out += "|";
        for (const auto& c : row) out += " " + (c ? cell(CompactTerm(*c, prefixes)) : std::string()) + " |";
        out += "\n";
      }
      return out;
    }
    case ResultsFormat::kTable: {
      std::vector<std::vector<std::string>> cells;
      cells.push_back({});
      for (const auto& v : r.variables) cells.back().push_back(TerminalText(v));
      for (const auto& row : r.rows) {
        std::vector<std::string> line;
        for (const auto& cell : row) line.push_back(cell ? TerminalText(CompactTerm(*cell, prefixes)) : "");
        cells.push_back(std::move(line));
      }
      std::vector<size_t> width(r.variables.size(), 0);
      for (const auto& line : cells) {
        for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
      }
      for (size_t n = 0; n < cells.size(); ++n) {
        for (size_t i = 0; i < cells[n].size(); ++i) {
          out += cells[n][i];
          if (i + 1 < cells[n].size()) out += std::string(width[i] - cells[n][i].size() + 2, ' ');
        }
        out += "\n";
        if (n == 0) {
          for (size_t i = 0; i < width.size(); ++i) {
            out += std::string(width[i], '-');
            if (i + 1 < width.size()) out += "  ";
          }
          out += "\n";
        }
      }
      out += "(" + std::to_string(r.rows.size()) + (r.rows.size() == 1 ? " row)\n" : " rows)\n");
      return out;
    }
  }
  return out;
}

}  // namespace tinykg::rdf
