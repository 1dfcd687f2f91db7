#include "tinykg/base/text.h"

#include <gtest/gtest.h>

namespace tinykg {
namespace {

TEST(Text, XmlEscape_EscapesMarkupAndQuotes_KeepsUtf8) {
  EXPECT_EQ(XmlEscape("a<b & \"c\"> \xE2\x9C\x93"), "a&lt;b &amp; &quot;c&quot;&gt; \xE2\x9C\x93");
  EXPECT_EQ(XmlEscape(""), "");
}

TEST(Text, AsciiLower_LowersAsciiOnly) {
  EXPECT_EQ(AsciiLower("RAM Flash-2 \xC3\x84"), "ram flash-2 \xC3\x84");
}

}  // namespace
}  // namespace tinykg
