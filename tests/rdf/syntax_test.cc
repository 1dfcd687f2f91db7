// rdf::ParseRdf on inputs the Turtle fuzz target found (tests/rdf/
// fuzz-regressions): each is refused, or its triples written as N-Triples
// parse back.
#include <gtest/gtest.h>

#include <filesystem>

#include "tinykg/base/file.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {
namespace {

TEST(ParseRdf, FuzzRegressions_AreRefusedOrRoundTrip) {
  const std::string dir = std::string(TINYKG_SOURCE_DIR) + "/tests/rdf/fuzz-regressions";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    const std::string path = entry.path().string();
    auto text = ReadFile(path);
    ASSERT_TRUE(text.ok());
    auto triples = ParseRdf(*text, Syntax::kTurtle, "http://example.org/", path);
    if (!triples.ok()) {
      EXPECT_EQ(triples.status().code(), StatusCode::kParseError) << triples.status().ToString();
      continue;
    }
    auto written = WriteRdf(*triples, Syntax::kNTriples);
    ASSERT_TRUE(written.ok());
    auto again = ParseRdf(*written, Syntax::kNTriples, "", "written");
    EXPECT_TRUE(again.ok()) << path << ": " << again.status().ToString();
  }
  EXPECT_GE(files, 2);
}

TEST(ParseRdf, IllFormedUtf8IsRefusedWithByteOffset) {
  auto triples = ParseRdf("@prefix ex: <http://example.org/> .\nex:a ex:b \"caf\xC3\" .\n",
                          Syntax::kTurtle, "", "doc.ttl");
  ASSERT_FALSE(triples.ok());
  EXPECT_EQ(triples.status().message(), "invalid UTF-8 at byte 50");
  EXPECT_EQ(triples.status().where().line, 2);
}

TEST(ParseRdf, EmptyDocumentHasNoTriples) {
  for (Syntax syntax : {Syntax::kTurtle, Syntax::kNTriples, Syntax::kNQuads}) {
    for (const char* text : {"", "\n", "  \n\t", "# only a comment\n"}) {
      auto triples = ParseRdf(text, syntax, "", "empty");
      ASSERT_TRUE(triples.ok()) << SyntaxName(syntax) << " '" << text << "': " << triples.status().ToString();
      EXPECT_TRUE(triples->empty());
    }
  }
}

}  // namespace
}  // namespace tinykg::rdf
