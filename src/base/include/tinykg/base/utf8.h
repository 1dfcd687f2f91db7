// UTF-8 checks for text that comes from outside (HTTP paths and parameters,
// names inside model files, query texts). nlohmann::json throws on invalid
// UTF-8 when it writes a string, Raptor rejects it in a literal, and an
// error message must be printable: input is checked where it enters, and
// text that is only reported is repaired with ToValidUtf8.
#ifndef TINYKG_BASE_UTF8_H_
#define TINYKG_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tinykg {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). NUL bytes are allowed. O(n).
bool IsValidUtf8(std::string_view text);

// Length of the well-formed UTF-8 sequence at text[i] (1 to 4), or 0 when
// the bytes there are ill-formed or cut short (Unicode Table 3-7).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

// `text` with every ill-formed sequence replaced by U+FFFD (one per maximal
// invalid subpart, as Unicode recommends); valid text comes back unchanged.
std::string ToValidUtf8(std::string_view text);

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::uint32_t cp, std::string& out);

}  // namespace tinykg

#endif  // TINYKG_BASE_UTF8_H_
