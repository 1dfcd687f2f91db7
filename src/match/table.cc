#include "tinykg/match/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "tinykg/rdf/results.h"

namespace tinykg::match {

Result<TableFormat> TableFormatFromName(std::string_view name) { return rdf::ResultsFormatFromName(name); }

std::string RawNumber(double v) {
  char buf[64];
  if (!std::isfinite(v)) return "null";
  // std::to_chars, not printf: a fleet's matrix prints tens of millions of
  // numbers, and glibc's printf_fp was a seventh of `match --all`.
  if (std::floor(v) == v && std::fabs(v) < 1e18) {
    const auto end = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v)).ptr;
    return std::string(buf, end);
  }
  // Six significant digits (as %.6g), written out in positional form.
  const auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6).ptr;
  if (std::find(buf, end, 'e') == end) return std::string(buf, end);
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(v))));
  const int decimals = std::max(0, 5 - magnitude);
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string out = buf;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

namespace {

// Display width: count UTF-8 lead bytes only.
std::size_t Width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// RFC 4180: a cell with a comma, quote or line end is quoted, its quotes
// doubled. (A plain loop: find_first_of called memchr on the set once per
// character.)
void AppendCsv(std::string& out, const std::string& cell) {
  bool plain = true;
  for (char c : cell) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string Md(const std::string& cell) { return rdf::MarkdownText(cell, true); }

}  // namespace

void AppendDelimitedRow(std::string& out, const std::vector<std::string>& cells, TableFormat format) {
  const bool csv = format == TableFormat::kCsv;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += csv ? ',' : '\t';
    const std::string& cell = cells[i];
    if (csv) {
      AppendCsv(out, cell);
    } else {
      const std::size_t at = out.size();
      out += cell;
      std::replace_if(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(),
                      [](char ch) { return ch == '\t' || ch == '\n' || ch == '\r'; }, ' ');
    }
  }
  out += csv ? "\r\n" : "\n";
}

namespace {

// The table format of cells already made safe for a terminal.
std::string RenderPlainTable(const TextTable& t) {
  std::string out;
  std::vector<std::size_t> w(t.columns.size());
  for (std::size_t i = 0; i < t.columns.size(); ++i) w[i] = Width(t.columns[i]);
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], Width(r[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      l += cells[i];
      if (i + 1 < cells.size()) l += std::string(w[i] - Width(cells[i]) + 2, ' ');
    }
    out += l + "\n";
  };
  line(t.columns);
  std::size_t total = 0;
  for (std::size_t i = 0; i < w.size(); ++i) total += w[i] + (i + 1 < w.size() ? 2 : 0);
  out += std::string(total, '-') + "\n";
  for (const auto& r : t.rows) line(r);
  return out;
}

}  // namespace

std::string RenderTableRows(const TextTable& t, TableFormat format, bool with_header) {
  std::string out;
  switch (format) {
    case TableFormat::kJson: {
      out = "[";
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        out += r ? ",\n {" : "\n {";
        for (std::size_t i = 0; i < t.columns.size() && i < t.rows[r].size(); ++i) {
          const std::string& cell = t.rows[r][i];
          const ColumnKind kind = i < t.kinds.size() ? t.kinds[i] : ColumnKind::kText;
          out += (i ? ", " : "") + rdf::JsonQuote(t.columns[i]) + ": ";
          if (cell.empty() && kind != ColumnKind::kText) out += "null";
          else if (kind == ColumnKind::kText) out += rdf::JsonQuote(cell);
          else out += cell;
        }
        out += "}";
      }
      return out + (t.rows.empty() ? "]\n" : "\n]\n");
    }
    case TableFormat::kCsv:
    case TableFormat::kTsv: {
      if (with_header) AppendDelimitedRow(out, t.columns, format);
      for (const auto& r : t.rows) AppendDelimitedRow(out, r, format);
      return out;
    }
    case TableFormat::kMarkdown: {
      if (with_header) {
        out += "|";
        for (const auto& c : t.columns) out += " " + Md(c) + " |";
        out += "\n|";
        for (std::size_t i = 0; i < t.columns.size(); ++i) out += " --- |";
        out += "\n";
      }
      for (const auto& r : t.rows) {
        out += "|";
        for (const auto& c : r) out += " " + Md(c) + " |";
        out += "\n";
      }
      return out;
    }
    case TableFormat::kTable: {
      // Names come from TDs: control characters are shown, not sent to
      // the terminal (rdf::TerminalText).
      TextTable shown;
      shown.columns.reserve(t.columns.size());
      for (const auto& c : t.columns) shown.columns.push_back(rdf::TerminalText(c));
      shown.rows.reserve(t.rows.size());
      for (const auto& r : t.rows) {
        shown.rows.emplace_back();
        for (const auto& c : r) shown.rows.back().push_back(rdf::TerminalText(c));
      }
      return RenderPlainTable(shown);
    }
  }
  return out;
}

std::string RenderTable(const TextTable& t, TableFormat format) { return RenderTableRows(t, format, true); }

std::string JsonString(std::string_view text) { return rdf::JsonQuote(text); }

}  // namespace tinykg::match
