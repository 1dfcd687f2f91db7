// Figures of the HTML report (inline SVG with <title> and <desc>).
#ifndef TINYKG_MATCH_REPORT_CHART_H_
#define TINYKG_MATCH_REPORT_CHART_H_

#include <string>

#include "report_data.h"

namespace tinykg::match {

// Every device's free RAM (or flash) and every model's need as ranked,
// labelled rows on a log axis spanning all of them; a large fleet's devices
// as quantile rows. `alt` gets the text alternative (the SVG's <desc>).
// Empty when there is nothing to draw.
std::string MemoryChartSvg(const ReportData& data, bool ram, std::string* alt);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_CHART_H_
