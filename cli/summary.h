// Run summaries (train, infer, deploy) in the one output layer's formats. A
// run's figures are one JSON object; the same fields come out in every
// format, numbers raw (no units, never in exponent form).
#ifndef TINYKG_CLI_SUMMARY_H_
#define TINYKG_CLI_SUMMARY_H_

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tinykg/match/table.h"

namespace tinykg::cli {

// The fields of `object` as (name, cell) pairs, in the object's order (an
// ordered_json keeps the order the fields were added; a plain nlohmann::json
// converts, its keys sorted):
// nested objects flattened as parent.child, integers in full, other numbers
// as match::RawNumber, booleans true/false, null as an empty cell, arrays as
// their compact JSON text. A value that is not an object is one field named
// "value".
std::vector<std::pair<std::string, std::string>> SummaryFields(const nlohmann::ordered_json& object);

// `objects` (one per run, e.g. per device) in `format`, as text to print:
//   json           the object when there is one, else an array of them;
//   table          one `name<TAB>value` line per field, a blank line
//                  between objects;
//   csv, tsv, md   one row per object, a column per field name (in the
//                  order first seen; a field an object lacks is empty).
std::string RenderSummaries(const std::vector<nlohmann::ordered_json>& objects, match::TableFormat format);

}  // namespace tinykg::cli

#endif  // TINYKG_CLI_SUMMARY_H_
