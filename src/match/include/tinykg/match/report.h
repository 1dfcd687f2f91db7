// The matchmaking report, a document an engineer can hand on: a header (date,
// tinykg version, store, counts, where each kind of figure comes from:
// published, estimated, calibrated, measured on the emulator), the fleet
// summary (devices each model fits, the binding constraint), the memory
// chart, the compatibility matrix with the failing checks as letters and the
// RAM headroom in each cell, latency per device with its basis, one section
// per model with its layers (MACs, weights in flash, activations in RAM), the
// emulator runs written back with their measured figures, the devices that
// could not be evaluated and why, the device table and the benchmark winners.
//
// Formats:
//   md    the same sections as Markdown text (figures as their text
//         alternative); `table` is another name for it (the form for people
//         on a terminal, as in every other command).
//   html  one self-contained page: inline CSS and SVG, no script, no network,
//         a print stylesheet (A4), no horizontal scrolling at 1280 px, SVG
//         <title>/<desc>, <th scope>, text contrast >= 4.5:1.
//   json  {"generated", "version", "store", "summary", "devices", "models"
//         (with "layers"), "matrix", "emulator_runs", "unevaluated", "winners"}.
//   csv   the matrix, one row per (model, device) pair with its margins,
//         latency and the latency's basis (raw numbers: bytes, ms,
//         true/false).
//   tsv   the same rows tab-separated.
//
// Scale: every pair is evaluated once (about 40 bytes kept per pair). Past
// 16 devices or 2,000 pairs the HTML/Markdown matrix is aggregated per model
// (devices per failing check), the memory chart shows device quantiles and
// per-device / per-model lists keep their best 10 entries; the page says so.
// Measured on the shared 2-core machine: the shipped graph plus one emulator
// run, 0.12 s for the whole `tinykg report --format html` (186 KB);
// 1,000 devices x 100 models, 0.17-0.8 s for the page (850 KB) depending on
// load (ReportScale.* prints it).
#ifndef TINYKG_MATCH_REPORT_H_
#define TINYKG_MATCH_REPORT_H_

#include <string>
#include <string_view>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

enum class ReportFormat { kMarkdown, kHtml, kJson, kCsv, kTsv };

// The one --format vocabulary (rdf::ResultsFormatFromName: table, json, csv,
// tsv, md) plus "html"; otherwise kInvalidArgument listing them, with "did
// you mean" (rdf::UnknownFormat).
Result<ReportFormat> ReportFormatFromName(std::string_view name);

// What the header says about the report itself.
struct ReportContext {
  std::string version;    // tinykg version; "" = this library's
  std::string store;      // the store spec as the user named it
  std::string generated;  // date and time; "" = now, UTC
};

// Builds the report from the graph in `store` (only read). Errors of the
// underlying queries come back as they are.
Result<std::string> RenderReport(rdf::Store& store, ReportFormat format, const ReportContext& context = {});

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_H_
