// Cheap checks of input text before a parser sees it. Text formats tinykg
// reads (JSON, Turtle, N-Triples, N-Quads, TriG) are UTF-8 by definition, and
// what is not must be refused where it enters: nlohmann::json throws when it
// writes ill-formed UTF-8, Raptor lets some of it through into IRIs and the
// N-Triples it then writes cannot be read back.
//
// JSON also gets a depth bound: nlohmann::json parses iteratively,
// but everything that walks the parsed value afterwards (JSON Schema
// validation, JSON-LD expansion, toRdf, merge patch, serialisation) recurses
// once per level, so a 25 KB document of 5,000 nested arrays would overflow
// the stack. Every reader of user JSON calls CheckJsonText first and refuses
// what it reports.
#ifndef TINYKG_BASE_INPUT_CHECK_H_
#define TINYKG_BASE_INPUT_CHECK_H_

#include <string>
#include <string_view>

#include "tinykg/base/status.h"

namespace tinykg {

// OK, or kParseError "invalid UTF-8 at byte N" located in `file` (0-based
// offset of the first byte of the ill-formed sequence; RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF) with line and column. O(n),
// no allocation unless it fails.
Status CheckUtf8Text(std::string_view text, const std::string& file);

// The deepest nesting of objects and arrays tinykg reads (the document
// itself is depth 1). Real Thing Descriptions stay below 15.
inline constexpr int kMaxJsonDepth = 256;

// OK, or kParseError located in `file`:
//   * "invalid UTF-8 at byte N" (0-based offset of the first byte of the
//     ill-formed sequence, RFC 3629: no overlong forms, no surrogates, nothing
//     above U+10FFFF), with line and column;
//   * "nesting deeper than 256 levels at byte N", with line, column and the
//     JSON pointer of the value that opens level 257.
//   * "a NUL byte at byte N", with line and column (JSON text never holds
//     one; nlohmann's parser would take it for the end of the input and
//     ignore what follows).
// Syntax errors are left to the parser (the scan only needs to track strings,
// brackets and member names). One pass, no allocation unless it fails.
Status CheckJsonText(std::string_view text, const std::string& file, int max_depth = kMaxJsonDepth);

// A member name as a JSON pointer reference token (RFC 6901: "~" as "~0",
// "/" as "~1").
std::string EscapePointerToken(const std::string& token);

}  // namespace tinykg

#endif  // TINYKG_BASE_INPUT_CHECK_H_
