// The report as a document of blocks (headings, paragraphs, lists, tables,
// figures), written out as Markdown or as one self-contained HTML page. The
// sections are built once (report_sections.cc), so both formats carry the
// same content; only figures differ (SVG in HTML, their text alternative in
// Markdown).
//
// Provenance markers: a cell or paragraph may carry "[P]", "[E]", "[C]" or
// "[M]" (published, estimated, calibrated, measured on the emulator). The
// Markdown writer keeps them as text; the HTML writer turns them into
// labelled badges (<abbr title="measured on the emulator">M</abbr>).
#ifndef TINYKG_MATCH_REPORT_DOC_H_
#define TINYKG_MATCH_REPORT_DOC_H_

#include <string>
#include <vector>

#include "tinykg/match/table.h"

namespace tinykg::match {

struct DocTable {
  std::string id;
  std::string caption;
  TextTable table;
  // Per cell CSS class (same shape as table.rows, or empty): "fit", "nofit", ...
  std::vector<std::vector<std::string>> cell_class;
  std::vector<bool> numeric;      // per column: right-aligned (may be shorter than columns)
  bool row_headers = true;        // the first column names the row (<th scope="row">)
  bool vertical_headers = false;  // column headers written vertically (many narrow columns)
};

struct Block {
  enum class Kind { kHeading, kParagraph, kList, kTable, kFigure };
  Kind kind = Kind::kParagraph;
  int level = 2;                   // heading level
  std::string id;                  // heading / figure anchor
  std::string text;                // heading / paragraph text; figure caption
  std::vector<std::string> items;  // list items
  DocTable table;
  std::string svg;        // figure: the SVG element (HTML only)
  std::string alt;        // figure: text alternative (the Markdown body)
  std::string css_class;  // paragraph: e.g. "note"
};

struct ReportDoc {
  std::string title;
  std::vector<Block> blocks;

  void Heading(int level, const std::string& id, const std::string& text);
  void Paragraph(const std::string& text, const std::string& css_class = "");
  void List(std::vector<std::string> items);
  void Table(DocTable table);
  void Figure(const std::string& id, std::string svg, const std::string& caption, const std::string& alt);
};

std::string WriteMarkdown(const ReportDoc& doc);
std::string WriteHtml(const ReportDoc& doc);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_DOC_H_
