// The matchmaking report: fleet summary, compatibility matrix, per-model and
// per-device views, and the benchmark winners per device and task.
//
// Formats:
//   md    Markdown for people and READMEs.
//   html  one self-contained page (inline CSS and SVG, no script, no network):
//         a scatter chart of models by RAM need vs flash need against every
//         device's free RAM/flash budget, and the matrix as a heat map.
//   json  {"summary", "devices", "models", "matrix", "winners"}.
//   csv   the matrix, one row per (model, device) pair with its margins.
//
// Cost: one Matrix() over every pair (see Matchmaker), so it is meant for
// fleets a person reads (hundreds of devices), not for 100k.
#ifndef TINYKG_MATCH_REPORT_H_
#define TINYKG_MATCH_REPORT_H_

#include <string>
#include <string_view>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

enum class ReportFormat { kMarkdown, kHtml, kJson, kCsv };

// "md", "html", "json", "csv"; kInvalidArgument otherwise.
Result<ReportFormat> ReportFormatFromName(std::string_view name);

// Builds the report from the graph in `store`.
Result<std::string> RenderReport(rdf::Store& store, ReportFormat format);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_H_
