#include "tinykg/base/input_check.h"

#include "tinykg/base/utf8.h"

#include <cstdint>
#include <vector>

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

Status CheckJsonText(std::string_view text, const std::string& file, int max_depth) {
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
    if (in_string) {
      if (c == '\\') {
        ++i;  // an escaped byte never ends the string (a non-ASCII one is caught below)
        if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) --i;
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
