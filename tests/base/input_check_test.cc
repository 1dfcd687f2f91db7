#include "tinykg/base/input_check.h"

#include <gtest/gtest.h>

#include <string>

namespace tinykg {
namespace {

std::string Deep(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "[";
  for (int i = 0; i < depth; ++i) s += "]";
  return s;
}

TEST(JsonCheck, AcceptsWellFormedUtf8AndTheDepthLimit) {
  EXPECT_TRUE(CheckJsonText("{\"t\": \"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\xA1\"}", "f").ok());
  EXPECT_TRUE(CheckJsonText(Deep(kMaxJsonDepth), "f").ok());
  // Brackets inside strings are not nesting.
  EXPECT_TRUE(CheckJsonText("[\"" + std::string(1000, '[') + "\\\"[\"]", "f").ok());
}

TEST(JsonCheck, RefusesIllFormedUtf8AtItsByteOffset) {
  struct Case {
    std::string text;
    size_t offset;
  };
  const Case cases[] = {
      {"{\"a\": \"x\xFFy\"}", 8},            // never a UTF-8 byte
      {"{\"a\": \"\xC3\x28\"}", 7},          // lead byte, no continuation
      {"{\"a\": \"\xC0\xAF\"}", 7},          // overlong "/"
      {"{\"a\": \"\xED\xA0\x80\"}", 7},      // UTF-16 surrogate D800
      {"{\"a\": \"\xF4\x90\x80\x80\"}", 7},  // above U+10FFFF
      {"{\"a\": \"\xE2\x82\"}", 7},          // truncated
      {"[1]\n\x80", 4},                      // outside a string
      {"{\"\xFE\": 1}", 2},                  // in a member name
      {"{\"a\": \"\\\xC3\"}", 8},            // escaped lead byte
  };
  for (const Case& c : cases) {
    const Status s = CheckJsonText(c.text, "doc.json");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_EQ(s.message(), "invalid UTF-8 at byte " + std::to_string(c.offset)) << c.text;
    EXPECT_EQ(s.where().file, "doc.json");
  }
  const Status s = CheckJsonText("{\n  \"a\": \"\xFF\"}", "doc.json");
  EXPECT_EQ(s.where().line, 2);
  EXPECT_EQ(s.where().column, 9);
}

TEST(JsonCheck, RefusesNestingPastTheLimitWithItsPointer) {
  const Status s = CheckJsonText(Deep(5000), "doc.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "nesting deeper than 256 levels at byte 256");
  std::string pointer;
  for (int i = 0; i < 256; ++i) pointer += "/0";
  EXPECT_EQ(s.where().pointer, pointer);

  // Member names (unescaped, then JSON-pointer escaped) and array indexes.
  const Status named = CheckJsonText(
      "{\"a\": 1, \"b/c\": [0, {\"x\": [], \"d~\\u00e9\\\"\": [[[1]]]}]}", "doc.json", 4);
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.where().pointer, "/b~1c/1/d~0\xC3\xA9\"/0");
  EXPECT_EQ(CheckJsonText("{\"a\": [[1]]}", "f", 3).ok(), true);
}

// nlohmann's parser takes a NUL byte for the end of the input and ignores
// what follows it, so `{"a": 1}<NUL>anything` was read as `{"a": 1}` by every
// reader that trusted it (merge patches, context files, board files).
TEST(JsonCheck, RefusesANulByteWhereverItIs) {
  using namespace std::string_literals;
  struct Case {
    std::string text;
    size_t offset;
  };
  const Case cases[] = {
      {"{\"a\": 1}\0junk"s, 8},                                  // after the value
      {"{\"a\":\0 1}"s, 5},                                       // between tokens
      {"{\"a\": \"x\0y\"}"s, 8},                                  // in a string
      {"{\"a\": \"\\\0\"}"s, 8},                                  // escaped
      {"[\"" + std::string(40, 'a') + '\0' + std::string(40, 'b') + "\"]", 42},  // in a long string
  };
  for (const Case& c : cases) {
    const Status s = CheckJsonText(c.text, "doc.json");
    ASSERT_FALSE(s.ok()) << c.offset;
    EXPECT_EQ(s.code(), StatusCode::kParseError);
    EXPECT_EQ(s.message(), "a NUL byte at byte " + std::to_string(c.offset));
    EXPECT_EQ(s.where().file, "doc.json");
  }
  const Status s = CheckJsonText("{\n  \"a\": 1}\n\0"s, "doc.json");
  EXPECT_EQ(s.where().line, 3);
  EXPECT_EQ(s.where().column, 1);
  // The escaped form is text, not a NUL byte.
  EXPECT_TRUE(CheckJsonText("{\"a\": \"\\u0000\"}", "doc.json").ok());
}

}  // namespace
}  // namespace tinykg
