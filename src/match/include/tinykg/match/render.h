// Matchmaking results as text, tables and JSON (used by the CLI and reports).
#ifndef TINYKG_MATCH_RENDER_H_
#define TINYKG_MATCH_RENDER_H_

#include <string>
#include <vector>

#include "tinykg/match/matchmaker.h"
#include "tinykg/match/table.h"

namespace tinykg::match {

// What a list of fits is about: the rows then leave out the fixed side.
enum class FitView { kDevicesForModel, kModelsForDevice, kMatrix };

// Columns: rank, model and/or device, fits, RAM / flash margin, latency,
// accuracy, runtime, notes (flags and the first failure). For people (table,
// md): "yes", "+104.1 kB", "2.9 ms", "93.5%"; for programs (csv, tsv):
// true/false, bytes, milliseconds and a fraction, in columns named for the
// unit (ram_margin_bytes, latency_ms), empty where unknown.
TextTable FitsTable(const std::vector<Fit>& fits, FitView view, TableFormat format = TableFormat::kTable);
// The same, one row at a time (rank counts from 1), for streamed lists.
std::vector<std::string> FitsTableColumns(FitView view, TableFormat format = TableFormat::kTable);
// FitsTableRow into `row`, reusing its strings (a long list's loop).
void FitsTableRowInto(const Fit& fit, FitView view, std::int64_t rank, TableFormat format,
                      std::vector<std::string>& row);
std::vector<std::string> FitsTableRow(const Fit& fit, FitView view, std::int64_t rank,
                                      TableFormat format = TableFormat::kTable);

// {"model", "model_iri", "device", "device_iri", "fits", "margins":
// {"ram_bytes", "flash_bytes", "latency_ms"}, "accuracy", "runtime", "notes"}
// and, with constraints, "constraints": [{name, need, have, unit, ok, flagged,
// message}] (need/have: numbers, or strings for sensor kinds / operators).
std::string FitJson(const Fit& fit, bool with_constraints);
// A JSON array of FitJson objects, one per line.
std::string FitsJson(const std::vector<Fit>& fits, bool with_constraints);

// `tinykg explain` as rows, one per constraint. For people (table, md):
// check, verdict (ok, NO, !!), message; for programs (csv, tsv, json):
// check, ok, flagged, need, have, unit (raw numbers, or the sensor kinds /
// operators as text), message, basis.
TextTable ConstraintsTable(const Fit& fit, TableFormat format);

// Lines for `tinykg explain`: a verdict, then one line per constraint
// prefixed with "ok", "NO" or "!!" (holds with a caveat).
std::string ExplainText(const Fit& fit);

// Short notes of a fit: flags and the first failure, e.g. "short of RAM by
// 35.0 kB; float without FPU".
std::string FitNotes(const Fit& fit);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_RENDER_H_
