// The sections of the matchmaking report, in order: header (date, version,
// store, counts, provenance legend), fleet summary (binding constraint,
// devices per model), memory chart, compatibility matrix (aggregated per
// model past kDetailMaxDevices / kDetailMaxPairs), latency per device,
// accuracy against cost per task, one
// section per model with its layers, emulator runs, devices not evaluated,
// the device table and the benchmark winners.
#ifndef TINYKG_MATCH_REPORT_SECTIONS_H_
#define TINYKG_MATCH_REPORT_SECTIONS_H_

#include <cstdint>
#include <string>

#include "report_data.h"
#include "report_doc.h"

namespace tinykg::match {

ReportDoc BuildReportDoc(const ReportData& data);

// 1234567 -> "1,234,567".
std::string Thousands(std::int64_t value);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_SECTIONS_H_
