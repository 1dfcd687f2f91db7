// Rows for people and scripts: one small table type and its writers, shared
// by the match, bench, search and report commands.
#ifndef TINYKG_MATCH_TABLE_H_
#define TINYKG_MATCH_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/results.h"

namespace tinykg::match {

// One format list for every command (rdf::ResultsFormat: table, json, csv,
// tsv, md). Rows meant for programs (IsMachineFormat) carry raw values:
// bytes, milliseconds, fractions, true/false (RawNumber); table and md carry
// human units ("+104.1 kB", "yes").
using TableFormat = rdf::ResultsFormat;

// What the cells of a column are, for json (numbers and booleans unquoted,
// empty cells null).
enum class ColumnKind { kText, kNumber, kBool };

struct TextTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as wide as columns
  std::vector<ColumnKind> kinds;               // per column; empty: all text
};

// "table", "json", "csv", "tsv", "md" (rdf::ResultsFormatFromName).
Result<TableFormat> TableFormatFromName(std::string_view name);

// table: aligned columns with a rule under the header; csv: RFC 4180 quoting;
// tsv: tabs and newlines in cells become spaces; md: a GitHub pipe table
// with '|' escaped; json: an array of one object per row, keyed by column.
std::string RenderTable(const TextTable& table, TableFormat format);
// For streaming csv, tsv and md: the rows, after the header only when
// `with_header`, so a long list can be written in parts. (table aligns its
// columns over all rows and json is one array: both render the whole table.)
std::string RenderTableRows(const TextTable& table, TableFormat format, bool with_header);
// One csv or tsv line of `cells`, appended to `out` (RenderTableRows writes
// its lines with it; a list of millions of rows appends to one buffer).
void AppendDelimitedRow(std::string& out, const std::vector<std::string>& cells, TableFormat format);

// A number for programs and JSON: integers in full ("7387976", never
// "7.387976e+06"), other values with up to 6 significant digits, never in
// exponent form.
std::string RawNumber(double value);

// JSON string literal (quotes included) for hand-written JSON.
std::string JsonString(std::string_view text);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_TABLE_H_
