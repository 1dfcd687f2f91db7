// Writing SPARQL results in the W3C formats: SPARQL 1.1 Query Results JSON,
// CSV and TSV, plus a plain text table for people. CONSTRUCT/DESCRIBE
// results are written as RDF (see syntax.h).
#ifndef TINYKG_RDF_RESULTS_H_
#define TINYKG_RDF_RESULTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {

// The --format of every tinykg command that prints rows (one list, one
// parser): `table` and `md` are for people (prefixed names, units), `json`,
// `csv` and `tsv` for programs (for query results the W3C SPARQL 1.1 Query
// Results forms; elsewhere raw numbers: bytes, milliseconds, true/false).
enum class ResultsFormat { kTable, kJson, kCsv, kTsv, kMarkdown };

// "table" (or "text"), "json", "csv", "tsv", "md" (or "markdown");
// otherwise UnknownFormat(name, {the five}).
Result<ResultsFormat> ResultsFormatFromName(std::string_view name);

// The error of every --format parser for a name it does not take, so all
// commands word it alike: kInvalidArgument "unknown format 'jsn': did you
// mean json? (expected table, json, csv, tsv or md)". `accepted`: the names
// the command takes, in the order to list them; "did you mean" names the
// closest ones when they are at most two edits away and fewer than half
// the name's length (base EditDistance).
Status UnknownFormat(std::string_view name, const std::vector<std::string_view>& accepted);
// json, csv and tsv: raw values, no human units.
inline bool IsMachineFormat(ResultsFormat format) {
  return format == ResultsFormat::kJson || format == ResultsFormat::kCsv || format == ResultsFormat::kTsv;
}

// SELECT and ASK results in `format` (md: a GitHub pipe table of the table's
// cells). Graph results must be written with WriteRdf instead
// (kInvalidArgument here).
Result<std::string> WriteResults(const QueryResult& result, ResultsFormat format,
                                 const PrefixList& prefixes = DefaultPrefixes());

// Text for a Markdown document: `<`, `>` and `&` as entities, so a name
// from a TD ("<img src=x onerror=...>") stays text when the Markdown is
// rendered to HTML (most renderers pass raw HTML through); with `one_line`
// (table cells, headings, list items) also `|` escaped and line breaks as
// spaces, so a name cannot end its cell or start a block.
std::string MarkdownText(std::string_view text, bool one_line);

// Text for a terminal (the `table` format): control characters (C0, DEL and
// the C1 range U+0080..U+009F) as visible escapes (\n, \t, \x1b, \u009b),
// so a name from a TD ("A\x1b]0;title\x07", "\x1b[2J") cannot drive the
// terminal that shows it, and a line break cannot split a row.
std::string TerminalText(std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

// A term for a table cell: prefixed name when a prefix matches, literal
// lexical form otherwise.
std::string CompactTerm(const Term& term, const PrefixList& prefixes = DefaultPrefixes());

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_RESULTS_H_
