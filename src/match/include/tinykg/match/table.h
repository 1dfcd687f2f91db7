// Rows for people and scripts: one small table type and its writers, shared
// by the match, bench, search and report commands.
#ifndef TINYKG_MATCH_TABLE_H_
#define TINYKG_MATCH_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::match {

enum class TableFormat { kTable, kCsv, kTsv, kMarkdown };

struct TextTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as wide as columns
};

// "table", "csv", "tsv", "md"; kInvalidArgument otherwise ("json" is each
// command's own).
Result<TableFormat> TableFormatFromName(std::string_view name);

// table: aligned columns with a rule under the header; csv: RFC 4180 quoting;
// tsv: tabs and newlines in cells become spaces; md: a GitHub pipe table
// with '|' escaped.
std::string RenderTable(const TextTable& table, TableFormat format);
// For streaming csv, tsv and md: the rows, after the header only when
// `with_header`, so a long list can be written in parts. (table aligns its
// columns over all rows: it always renders the whole table.)
std::string RenderTableRows(const TextTable& table, TableFormat format, bool with_header);

// JSON string literal (quotes included) for hand-written JSON.
std::string JsonString(std::string_view text);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_TABLE_H_
