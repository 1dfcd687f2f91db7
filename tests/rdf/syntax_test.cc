// rdf::ParseRdf on inputs the Turtle fuzz target found (tests/rdf/
// fuzz-regressions): each is refused, or its triples written as N-Triples
// parse back.
#include <gtest/gtest.h>

#include <unistd.h>

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

// Serd recursed once per nested blank node or collection: 100,000 levels
// (200 KB) overflowed the stack (`tinykg load` exit 139). Past
// kMaxRdfNesting the bracket that opens a level is refused; brackets in
// strings, IRIs, comments and escapes are not nesting.
std::string NestedTurtle(char open, char close, int depth, const std::string& inner) {
  return "<urn:s> <urn:p> " + std::string(static_cast<size_t>(depth), open) + inner +
         std::string(static_cast<size_t>(depth), close) + " .\n";
}

TEST(ParseRdf, NestingPastTheLimit_IsRefusedNotACrash) {
  // 256 levels of lists and of blank nodes are read.
  std::string blanks = "<urn:s> <urn:p> ";
  for (int i = 0; i < kMaxRdfNesting; ++i) blanks += "[ <urn:p> ";
  blanks += "1";
  for (int i = 0; i < kMaxRdfNesting; ++i) blanks += " ]";
  blanks += " .\n";
  auto fine = ParseRdf(blanks, Syntax::kTurtle, "", "blanks.ttl");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->size(), static_cast<size_t>(kMaxRdfNesting) + 1);
  ASSERT_TRUE(ParseRdf(NestedTurtle('(', ')', kMaxRdfNesting, "1"), Syntax::kTurtle, "", "l.ttl").ok());
  // One more, and 100,000 (a crash before), refused where the level opens.
  for (const int depth : {kMaxRdfNesting + 1, 100000}) {
    auto deep = ParseRdf(NestedTurtle('(', ')', depth, "1"), Syntax::kTurtle, "", "deep.ttl");
    ASSERT_FALSE(deep.ok()) << depth;
    EXPECT_EQ(deep.status().code(), StatusCode::kParseError);
    EXPECT_EQ(deep.status().message(), "nesting deeper than 256 blank nodes or collections at byte " +
                                           std::to_string(16 + kMaxRdfNesting));
    EXPECT_EQ(deep.status().where().file, "deep.ttl");
    EXPECT_EQ(deep.status().where().column, 17 + kMaxRdfNesting);
  }
  std::string deep_blanks = "<urn:s> <urn:p> ";
  for (int i = 0; i < 100000; ++i) deep_blanks += "[ <urn:p> ";
  EXPECT_FALSE(ParseRdf(deep_blanks, Syntax::kTriG, "", "d.trig").ok());
  // Brackets that open nothing.
  const std::string many(1000, '(');
  const std::string quiet = "@prefix ex: <http://ex/> .\n"
                            "# " + many + "\n"
                            "<urn:s> <urn:p> \"" + many + "\\\"(\" , '" + many + "' , \"\"\"" + many + "\"\"\" , "
                            "'''" + many + "\"'''" + " , \"\" , ex:a\\(b .\n"
                            "<urn:s" + std::string(300, '[') + "> <urn:p> 1 .\n";
  auto read = ParseRdf(quiet, Syntax::kTurtle, "", "quiet.ttl");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->size(), 7u);
  // The file reader follows the nesting across its 64 KB pages.
  const auto path = std::filesystem::temp_directory_path() / ("tinykg-deep-" + std::to_string(getpid()) + ".ttl");
  ASSERT_TRUE(WriteFileAtomic(path.string(), std::string(70000, ' ') + "# x\n" + NestedTurtle('[', ']', 100000, "")).ok());
  const Status file = ParseRdfFile(path.string(), Syntax::kTurtle, "", 1000, [](std::vector<Triple>&&) {
    return Status::Ok();
  });
  std::filesystem::remove(path);
  EXPECT_EQ(file.code(), StatusCode::kParseError) << file.ToString();
  EXPECT_NE(file.message().find("nesting deeper than 256"), std::string::npos) << file.ToString();
  EXPECT_EQ(file.where().line, 2);
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

// A file read a page (64 KB) at a time: the parts together are what
// ParseRdf gives for the whole text, and a sequence cut by a page boundary
// is checked whole: a valid one is read, an ill-formed one is refused at its
// byte, with line and column.
TEST(ParseRdfFile, PartsEqualTheWholeParse_AndUtf8IsCheckedAcrossPages) {
  std::string text;
  for (int i = 0; text.size() < 65'535 - 100; ++i) text += "<http://ex/s" + std::to_string(i) + "> <http://ex/p> \"abc\" .\n";
  const std::string head = "<http://ex/s> <http://ex/p> \"";
  text += head + std::string(65'535 - text.size() - head.size(), 'a') + "\xC3\xA9\" .\n";
  ASSERT_EQ(text.find("\xC3\xA9"), 65'535u);
  const auto path = std::filesystem::temp_directory_path() / ("tinykg-parts-" + std::to_string(getpid()) + ".nt");
  ASSERT_TRUE(WriteFileAtomic(path.string(), text).ok());
  auto whole = ParseRdf(text, Syntax::kNTriples, "", path.string());
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  std::vector<Triple> joined;
  int parts = 0;
  Status read = ParseRdfFile(path.string(), Syntax::kNTriples, "", 500, [&](std::vector<Triple>&& part) {
    ++parts;
    joined.insert(joined.end(), part.begin(), part.end());
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(parts, static_cast<int>(whole->size() / 500) + 1);
  ASSERT_EQ(joined.size(), whole->size());
  for (size_t i = 0; i < joined.size(); ++i) EXPECT_EQ(joined[i].ToNTriples(), (*whole)[i].ToNTriples());

  std::string bad = text;
  bad[65'536] = '\xC3';  // the sequence at the boundary is now ill-formed
  ASSERT_TRUE(WriteFileAtomic(path.string(), bad).ok());
  Status refused = ParseRdfFile(path.string(), Syntax::kNTriples, "", 500, [](std::vector<Triple>&&) { return Status::Ok(); });
  EXPECT_EQ(refused.ToString(), ParseRdf(bad, Syntax::kNTriples, "", path.string()).status().ToString());
  EXPECT_NE(refused.ToString().find("invalid UTF-8 at byte 65535"), std::string::npos) << refused.ToString();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tinykg::rdf
