// Small text values several modules write: the current time as an
// xsd:dateTime, a short stable hash for ids and labels, and the edit
// distance behind every "did you mean".
#ifndef TINYKG_BASE_TEXT_H_
#define TINYKG_BASE_TEXT_H_

#include <string>
#include <string_view>

namespace tinykg {

// The current time as xsd:dateTime in UTC, e.g. "2026-11-22T05:40:00Z".
std::string NowUtc();

// `text` with ASCII letters lowercased (other bytes, UTF-8 included, kept).
std::string AsciiLower(std::string_view text);

// `text` for XML/HTML text and attribute values: '&', '<', '>' and '"'
// escaped as entities.
std::string XmlEscape(std::string_view text);

// FNV-1a 64-bit of `text` as 16 lowercase hex digits: short and stable, not
// for security.
std::string Fnv1aHex(std::string_view text);

// Levenshtein distance between `a` and `b`, ASCII letters compared without
// case: the one measure of every "did you mean" (names, formats). O(|a|*|b|)
// time, O(|b|) memory.
int EditDistance(std::string_view a, std::string_view b);

}  // namespace tinykg

#endif  // TINYKG_BASE_TEXT_H_
