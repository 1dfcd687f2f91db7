#include "report_doc.h"

#include <utility>

#include "tinykg/base/text.h"
#include "tinykg/rdf/results.h"

namespace tinykg::match {

void ReportDoc::Heading(int level, const std::string& id, const std::string& text) {
  Block b;
  b.kind = Block::Kind::kHeading;
  b.level = level;
  b.id = id;
  b.text = text;
  blocks.push_back(std::move(b));
}

void ReportDoc::Paragraph(const std::string& text, const std::string& css_class) {
  Block b;
  b.kind = Block::Kind::kParagraph;
  b.text = text;
  b.css_class = css_class;
  blocks.push_back(std::move(b));
}

void ReportDoc::List(std::vector<std::string> items) {
  Block b;
  b.kind = Block::Kind::kList;
  b.items = std::move(items);
  blocks.push_back(std::move(b));
}

void ReportDoc::Table(DocTable table) {
  Block b;
  b.kind = Block::Kind::kTable;
  b.table = std::move(table);
  blocks.push_back(std::move(b));
}

void ReportDoc::Figure(const std::string& id, std::string svg, const std::string& caption, const std::string& alt) {
  Block b;
  b.kind = Block::Kind::kFigure;
  b.id = id;
  b.svg = std::move(svg);
  b.text = caption;
  b.alt = alt;
  blocks.push_back(std::move(b));
}

namespace {

struct Marker {
  const char* text;
  const char* badge;
};
// Provenance markers and their badges. The words are the legend's.
const Marker kMarkers[] = {
    {"[P]", "<abbr class=\"prov prov-p\" title=\"published\">P</abbr>"},
    {"[E]", "<abbr class=\"prov prov-e\" title=\"estimated\">E</abbr>"},
    {"[C]", "<abbr class=\"prov prov-c\" title=\"calibrated on the emulator\">C</abbr>"},
    {"[M]", "<abbr class=\"prov prov-m\" title=\"measured on the emulator\">M</abbr>"},
};

// Escaped text with provenance markers as badges.
std::string Inline(const std::string& text) {
  std::string out = XmlEscape(text);
  for (const Marker& m : kMarkers) {
    for (std::size_t at = out.find(m.text); at != std::string::npos; at = out.find(m.text, at)) {
      out.replace(at, 3, m.badge);
      at += std::string(m.badge).size();
    }
  }
  return out;
}

const char kCss[] =
    ":root{--ink:#1a1a1a;--muted:#4d4d4d;--rule:#c8c8c8}"
    "*{box-sizing:border-box}"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#fff;"
    "margin:0 auto;padding:24px 32px;max-width:1200px}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;padding-top:8px;border-top:2px solid #222}"
    "h3{font-size:16px;margin:22px 0 6px}"
    "p,li{max-width:80em}p.note{color:var(--muted);font-size:13px}"
    "p.meta{color:var(--muted);margin:0 0 12px}"
    "table{border-collapse:collapse;margin:8px 0 16px;font-size:12.5px;max-width:100%}"
    "caption{text-align:left;font-weight:600;padding:4px 0;caption-side:top}"
    "th,td{border:1px solid var(--rule);padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}"
    "thead th{background:#ececec}tbody th{font-weight:600;background:#f7f7f7}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}"
    "th.v{vertical-align:bottom;text-align:center;padding:6px 2px;overflow-wrap:normal}"
    "th.v span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:13em;"
    "text-align:left;white-space:normal;line-height:1.2}"
    "td.fit{background:#d6e9f8;color:#0b2e4f}td.warn{background:#fbeec4;color:#3f3200}"
    "td.nofit{background:#fbe0d2;color:#5c1d00}td.cell{text-align:center;font-size:11.5px;"
    "font-variant-numeric:tabular-nums;overflow-wrap:normal}"
    ".prov{display:inline-block;min-width:1.35em;padding:0 3px;margin-left:3px;border-radius:3px;border:1px solid;"
    "font-size:10.5px;font-weight:700;line-height:1.3;text-align:center;text-decoration:none;vertical-align:1px}"
    ".prov-p{background:#dbeaf7;color:#003f6b}.prov-e{background:#ededed;color:#333333}"
    ".prov-c{background:#fde7c8;color:#653a00}.prov-m{background:#d3efe1;color:#00502d}"
    "figure{margin:8px 0 20px}figure svg{max-width:100%;height:auto;display:block}"
    "figcaption{font-size:13px;color:var(--muted);max-width:80em}"
    "@media print{body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid;border-top-width:1px}"
    "h3{break-after:avoid}tr,figure,caption{break-inside:avoid}thead{display:table-header-group}"
    "table{font-size:10px}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "@page{size:A4 landscape;margin:12mm}}";

void HtmlTable(const DocTable& t, std::string& out) {
  out += "<table";
  if (!t.id.empty()) out += " id=\"" + XmlEscape(t.id) + "\"";
  out += ">";
  if (!t.caption.empty()) out += "<caption>" + Inline(t.caption) + "</caption>";
  auto numeric = [&](std::size_t c) { return c < t.numeric.size() && t.numeric[c]; };
  out += "<thead><tr>";
  for (std::size_t c = 0; c < t.table.columns.size(); ++c) {
    std::string cls = t.vertical_headers && c > 0 ? "v" : numeric(c) ? "num" : "";
    const std::string text = Inline(t.table.columns[c]);
    out += "<th scope=\"col\"" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
           (cls == "v" ? "<span>" + text + "</span>" : text) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < t.table.rows.size(); ++r) {
    const auto& row = t.table.rows[r];
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cls = numeric(c) ? "num" : "";
      if (r < t.cell_class.size() && c < t.cell_class[r].size() && !t.cell_class[r][c].empty()) {
        cls += (cls.empty() ? "" : " ") + t.cell_class[r][c];
      }
      const bool header = c == 0 && t.row_headers;
      out += std::string(header ? "<th scope=\"row\"" : "<td") + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
             Inline(row[c]) + (header ? "</th>" : "</td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string WriteHtml(const ReportDoc& doc) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src "
      "data:\">\n<title>" +
      XmlEscape(doc.title) + "</title>\n<style>" + kCss + "</style></head>\n<body>\n<main>\n";
  for (const Block& b : doc.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading: {
        const std::string h = "h" + std::to_string(b.level);
        out +=
            "<" + h + (b.id.empty() ? "" : " id=\"" + XmlEscape(b.id) + "\"") + ">" + Inline(b.text) + "</" + h + ">\n";
        break;
      }
      case Block::Kind::kParagraph:
        out += "<p" + (b.css_class.empty() ? "" : " class=\"" + b.css_class + "\"") + ">" + Inline(b.text) + "</p>\n";
        break;
      case Block::Kind::kList:
        out += "<ul>";
        for (const auto& item : b.items) out += "<li>" + Inline(item) + "</li>";
        out += "</ul>\n";
        break;
      case Block::Kind::kTable:
        HtmlTable(b.table, out);
        break;
      case Block::Kind::kFigure:
        out += "<figure id=\"" + XmlEscape(b.id) + "\">" + b.svg + "<figcaption>" + Inline(b.text) +
               "</figcaption></figure>\n";
        break;
    }
  }
  return out + "</main>\n</body></html>\n";
}

std::string WriteMarkdown(const ReportDoc& doc) {
  std::string out;
  for (const Block& b : doc.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        out += std::string(static_cast<std::size_t>(b.level), '#') + " " + rdf::MarkdownText(b.text, true) + "\n\n";
        break;
      case Block::Kind::kParagraph:
        out += rdf::MarkdownText(b.text, false) + "\n\n";
        break;
      case Block::Kind::kList:
        for (const auto& item : b.items) out += "- " + rdf::MarkdownText(item, true) + "\n";
        out += "\n";
        break;
      case Block::Kind::kTable:
        if (!b.table.caption.empty()) out += "**" + rdf::MarkdownText(b.table.caption, true) + "**\n\n";
        out += RenderTable(b.table.table, TableFormat::kMarkdown) + "\n";
        break;
      case Block::Kind::kFigure:
        out += "*Figure: " + rdf::MarkdownText(b.text, true) + "*\n\n";
        if (!b.alt.empty()) out += rdf::MarkdownText(b.alt, false) + "\n\n";
        break;
    }
  }
  return out;
}

}  // namespace tinykg::match
