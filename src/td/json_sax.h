// A JSON reader that sends nlohmann's SAX events (null, boolean,
// number_integer, number_unsigned, number_float, string, start_object, key,
// end_object, start_array, end_array) to a handler. It succeeds only on text
// CheckJsonText accepts: well-formed UTF-8 (checked in strings, the only
// place a byte >= 0x80 can be in well-formed JSON) and no deeper than
// kMaxJsonDepth; so a caller runs CheckJsonText only when the reader fails
// (a separate pass over every TD's text was 3.5 % of `import td`).
//
// Why: nlohmann's lexer reads through an input adapter one character at a
// time and copies every string character into a token buffer; parsing was
// 16 % of `import td` (5,000 TDs). This reader scans plain runs of a string
// at once and builds each string once.
//
// It only decides well-formed JSON: on anything else (a syntax error, a
// control character in a string, a lone surrogate escape, a number out of
// range, a byte order mark) it returns false and the caller parses with
// nlohmann (which produces nlohmann's error message). The events of
// well-formed text are nlohmann's, value for value: integers without
// fraction or exponent are number_unsigned (no '-') or number_integer ('-')
// when they fit in 64 bits, else number_float like every other number
// (correctly rounded, as nlohmann's strtod).
#ifndef TINYKG_TD_JSON_SAX_H_
#define TINYKG_TD_JSON_SAX_H_

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/input_check.h"
#include "tinykg/base/utf8.h"

namespace tinykg::td::internal {

class JsonSaxReader {
 public:
  explicit JsonSaxReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // True when the whole text is one JSON value, every event delivered;
  // false on the first problem (events up to it have been delivered) or
  // when the handler returns false.
  template <class Handler>
  bool Parse(Handler& h) {
    // Per open container: is it an object; after a value, expect ',' or the close.
    std::vector<bool> objects;
    SkipSpace();
    for (;;) {
      // A value.
      if (p_ == end_) return false;
      const char c = *p_;
      if (c == '{' || c == '[') {
        // The open containers are `objects` (an empty one closes at once):
        // this one is at level objects.size() + 1.
        if (objects.size() >= static_cast<size_t>(kMaxJsonDepth)) return false;
        ++p_;
        const bool is_object = c == '{';
        if (!(is_object ? h.start_object(static_cast<std::size_t>(-1))
                        : h.start_array(static_cast<std::size_t>(-1)))) {
          return false;
        }
        SkipSpace();
        if (p_ < end_ && *p_ == (is_object ? '}' : ']')) {
          ++p_;
          if (!(is_object ? h.end_object() : h.end_array())) return false;
        } else {
          objects.push_back(is_object);
          if (is_object && !ReadKey(h)) return false;
          continue;
        }
      } else if (!ReadScalar(h)) {
        return false;
      }
      // After a value: close containers, or go on to the next member or element.
      for (;;) {
        SkipSpace();
        if (objects.empty()) return p_ == end_;
        if (p_ == end_) return false;
        const bool is_object = objects.back();
        if (*p_ == ',') {
          ++p_;
          SkipSpace();
          if (is_object && !ReadKey(h)) return false;
          break;
        }
        if (*p_ != (is_object ? '}' : ']')) return false;
        ++p_;
        objects.pop_back();
        if (!(is_object ? h.end_object() : h.end_array())) return false;
      }
    }
  }

 private:
  void SkipSpace() {
    for (;;) {
      // Indentation: eight spaces at a time.
      while (end_ - p_ >= 8 && std::memcmp(p_, "        ", 8) == 0) p_ += 8;
      if (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
        ++p_;
      } else {
        return;
      }
    }
  }

  // "name" ws ':' ws
  template <class Handler>
  bool ReadKey(Handler& h) {
    std::string name;
    if (p_ == end_ || *p_ != '"' || !ReadString(name)) return false;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    SkipSpace();
    return h.key(name);
  }

  template <class Handler>
  bool ReadScalar(Handler& h) {
    const char c = *p_;
    if (c == '"') {
      std::string value;
      return ReadString(value) && h.string(value);
    }
    if (c == 't') return Literal("true") && h.boolean(true);
    if (c == 'f') return Literal("false") && h.boolean(false);
    if (c == 'n') return Literal("null") && h.null();
    return ReadNumber(h);
  }

  bool Literal(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(std::uint32_t& out) {
    if (end_ - p_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = Hex(p_[i]);
      if (h < 0) return false;
      out = out * 16 + static_cast<std::uint32_t>(h);
    }
    p_ += 4;
    return true;
  }
  // At the opening quote. False also on ill-formed UTF-8.
  bool ReadString(std::string& out) {
    ++p_;
    for (;;) {
      const char* run = p_;
      for (;;) {
        while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20 &&
               static_cast<unsigned char>(*p_) < 0x80) {
          ++p_;
        }
        if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x80) break;
        const size_t n = Utf8SequenceLength(std::string_view(p_, static_cast<size_t>(end_ - p_)), 0);
        if (n == 0) return false;
        p_ += n;
      }
      out.append(run, p_);
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '"') return true;
      if (c != '\\' || p_ == end_) return false;  // a control character, or '\' at the end
      const char e = *p_++;
      // The one-character escapes and what they stand for.
      constexpr std::string_view kEscaped = "\"\\/bfnrt";
      constexpr std::string_view kMeaning = "\"\\/\b\f\n\r\t";
      if (const size_t k = kEscaped.find(e); k != std::string_view::npos) {
        out += kMeaning[k];
        continue;
      }
      if (e != 'u') return false;
      std::uint32_t cp = 0;
      if (!Hex4(cp)) return false;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t low = 0;
        if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
        p_ += 2;
        if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      AppendUtf8(cp, out);
    }
  }

  // JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  template <class Handler>
  bool ReadNumber(Handler& h) {
    const char* start = p_;
    const char* q = p_;
    auto digits = [&]() {
      const char* d = q;
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
      return q > d;
    };
    const bool negative = q < end_ && *q == '-';
    if (negative) ++q;
    if (q == end_) return false;
    if (*q == '0') {
      ++q;
    } else if (*q >= '1' && *q <= '9') {
      digits();
    } else {
      return false;
    }
    bool integer = true;
    if (q < end_ && *q == '.') {
      ++q;
      integer = false;
      if (!digits()) return false;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      ++q;
      integer = false;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (!digits()) return false;
    }
    p_ = q;
    if (integer) {
      if (negative) {
        std::int64_t v = 0;
        const auto r = std::from_chars(start, q, v);
        if (r.ec == std::errc() && r.ptr == q) return h.number_integer(v);
      } else {
        std::uint64_t v = 0;
        const auto r = std::from_chars(start, q, v);
        if (r.ec == std::errc() && r.ptr == q) return h.number_unsigned(v);
      }
    }
    // As nlohmann: strtod of the token (a 64-bit overflowing integer too).
    const std::string token(start, q);
    double d = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), d);
    if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return false;  // out of range
    return h.number_float(d, token);
  }

  const char* p_;
  const char* end_;
};

}  // namespace tinykg::td::internal

#endif  // TINYKG_TD_JSON_SAX_H_
