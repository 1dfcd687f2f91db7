#include "tinykg/base/input_check.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "tinykg/base/utf8.h"

namespace tinykg {
namespace {

void LineColumn(std::string_view text, size_t offset, std::int64_t& line, std::int64_t& column) {
  line = 1;
  column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The member name of a JSON string body (between the quotes), unescaped as
// far as a JSON pointer needs; a lone surrogate becomes U+FFFD.
std::string Unescape(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    const char c = body[++i];
    switch (c) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = 0;
        bool ok = i + 4 < body.size();
        for (size_t k = 1; ok && k <= 4; ++k) {
          const int h = HexValue(body[i + k]);
          ok = h >= 0;
          cp = cp * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
        }
        if (!ok) {
          out += 'u';
          break;
        }
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' &&
            body[i + 2] == 'u') {
          std::uint32_t low = 0;
          bool low_ok = true;
          for (size_t k = 3; k <= 6; ++k) {
            const int h = HexValue(body[i + k]);
            low_ok = low_ok && h >= 0;
            low = low * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
          }
          if (low_ok && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
        AppendUtf8(cp, out);
        break;
      }
      default: out += c;
    }
  }
  return out;
}

struct Frame {
  bool is_array = false;
  size_t index = 0;         // arrays: elements before the current one
  size_t key_begin = 0;     // objects: the current member name (string body)
  size_t key_end = 0;
  bool expecting_key = false;
};

}  // namespace

Status CheckUtf8Text(std::string_view text, const std::string& file) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) < 0x80) continue;
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      std::int64_t line = 0;
      std::int64_t column = 0;
      LineColumn(text, i, line, column);
      return ParseError("invalid UTF-8 at byte " + std::to_string(i), SourceLocation(file, line, column));
    }
    i += n - 1;
  }
  return Status();
}

namespace {

// Eight bytes at a time: true when none is '"', '\\', NUL or >= 0x80 (the
// only bytes that matter inside a JSON string here).
bool WordIsPlainStringText(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t quote = w ^ (kOnes * std::uint64_t{'"'});
  const std::uint64_t backslash = w ^ (kOnes * std::uint64_t{'\\'});
  const std::uint64_t has_zero =
      ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | ((w - kOnes) & ~w);
  return ((has_zero | w) & kHigh) == 0;
}

// The common case: valid UTF-8, no deeper than max_depth. Only the depth is
// counted (CheckJsonText's pass also keeps each level's member name and
// index, which only a refusal needs); strings are skipped a word at a time.
// Same string and escape rules as that pass, so "fine" here means it
// returns OK there.
bool JsonTextIsPlainlyFine(std::string_view text, int max_depth) {
  const size_t size = text.size();
  int depth = 0;
  size_t i = 0;
  while (i < size) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    ++i;
    if (c == 0) return false;
    if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      if (depth > 0) --depth;
    } else if (c == '"') {
      while (i < size) {
        std::uint64_t w;
        if (i + 8 <= size) {
          std::memcpy(&w, text.data() + i, 8);
          if (WordIsPlainStringText(w)) {
            i += 8;
            continue;
          }
        }
        const unsigned char d = static_cast<unsigned char>(text[i]);
        if (d == '"') {
          ++i;
          break;
        }
        if (d == 0) return false;
        if (d >= 0x80) {
          const size_t n = Utf8SequenceLength(text, i);
          if (n == 0) return false;
          i += n;
        } else if (d == '\\') {
          ++i;  // the escaped byte, unless it is non-ASCII (checked as UTF-8) or NUL
          if (i < size && static_cast<unsigned char>(text[i]) < 0x80 && text[i] != 0) ++i;
        } else {
          ++i;
        }
      }
    }
  }
  return true;
}

}  // namespace

Status CheckJsonText(std::string_view text, const std::string& file, int max_depth) {
  if (JsonTextIsPlainlyFine(text, max_depth)) return Status();
  std::vector<Frame> stack;
  bool in_string = false;
  size_t string_begin = 0;
  bool string_is_key = false;
  const auto fail = [&](size_t offset, std::string message, std::string pointer) {
    std::int64_t line = 0;
    std::int64_t column = 0;
    LineColumn(text, offset, line, column);
    return ParseError(std::move(message) + " at byte " + std::to_string(offset),
                      SourceLocation(file, line, column, std::move(pointer)));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(text, i);
      if (n == 0) return fail(i, "invalid UTF-8", {});
      i += n - 1;
      continue;
    }
    // JSON text never holds a NUL byte (in a string it is escaped), and
    // nlohmann's lexer takes one for the end of the input: the bytes after
    // it would be ignored, not refused.
    if (c == 0) return fail(i, "a NUL byte", {});
    if (in_string) {
      if (c == '\\') {
        ++i;  // an escaped byte never ends the string (a non-ASCII or NUL one is caught below)
        if (i < text.size() && (static_cast<unsigned char>(text[i]) >= 0x80 || text[i] == 0)) --i;
      } else if (c == '"') {
        in_string = false;
        if (string_is_key) {
          stack.back().key_begin = string_begin;
          stack.back().key_end = i;
          stack.back().expecting_key = false;
        }
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_begin = i + 1;
        string_is_key = !stack.empty() && !stack.back().is_array && stack.back().expecting_key;
        break;
      case '{':
      case '[':
        if (static_cast<int>(stack.size()) >= max_depth) {
          std::string pointer;
          for (const Frame& f : stack) {
            pointer += '/';
            pointer += f.is_array ? std::to_string(f.index)
                                  : EscapePointerToken(Unescape(
                                        text.substr(f.key_begin, f.key_end - f.key_begin)));
          }
          return fail(i, "nesting deeper than " + std::to_string(max_depth) + " levels",
                      pointer.empty() ? "/" : pointer);
        }
        stack.push_back(Frame{c == '[', 0, 0, 0, c == '{'});
        break;
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      case ',':
        if (!stack.empty()) {
          if (stack.back().is_array) {
            ++stack.back().index;
          } else {
            stack.back().expecting_key = true;
          }
        }
        break;
      default:
        break;
    }
  }
  return Status();
}

std::string EscapePointerToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tinykg
