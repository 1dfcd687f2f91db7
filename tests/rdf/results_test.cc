// Query results against the W3C formats on a small golden set: each
// tests/rdf/golden/Q.rq has its expected output beside it (Q.srj for SPARQL
// JSON, Q.csv, Q.tsv).
#include "tinykg/rdf/results.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tinykg/base/file.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {
namespace {

const std::string kGolden = std::string(TINYKG_SOURCE_DIR) + "/tests/rdf/golden/";

std::unique_ptr<Store> GoldenStore() {
  auto store = Store::Open("memory:");
  EXPECT_TRUE(store.ok());
  auto text = ReadFile(kGolden + "data.ttl");
  EXPECT_TRUE(text.ok());
  auto triples = ParseRdf(*text, Syntax::kTurtle, "http://example.org/", "data.ttl");
  EXPECT_TRUE(triples.ok());
  GraphDocument doc;
  doc.iri = "http://example.org/graph";
  doc.triples = *triples;
  EXPECT_TRUE((*store)->Put(doc).ok());
  return std::move(store).value();
}

void ExpectGolden(const std::string& query, ResultsFormat format, const std::string& expected_file) {
  auto store = GoldenStore();
  auto q = ReadFile(kGolden + query);
  ASSERT_TRUE(q.ok());
  auto r = store->Query(*q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto out = WriteResults(*r, format);
  ASSERT_TRUE(out.ok());
  auto expected = ReadFile(kGolden + expected_file);
  ASSERT_TRUE(expected.ok()) << expected_file;
  EXPECT_EQ(*out, *expected) << expected_file;
}

TEST(Results, SelectAsSparqlJson) { ExpectGolden("select.rq", ResultsFormat::kJson, "select.srj"); }
TEST(Results, SelectAsCsv) { ExpectGolden("select.rq", ResultsFormat::kCsv, "select.csv"); }
TEST(Results, SelectAsTsv) { ExpectGolden("select.rq", ResultsFormat::kTsv, "select.tsv"); }
TEST(Results, AskAsSparqlJson) { ExpectGolden("ask.rq", ResultsFormat::kJson, "ask.srj"); }

TEST(Results, TableUsesPrefixes) {
  QueryResult r;
  r.variables = {"x"};
  r.rows.push_back({Term::Iri("https://w3id.org/tinykg/ontology#Device")});
  auto out = WriteResults(r, ResultsFormat::kTable);
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("tkg:Device"), std::string::npos);
  EXPECT_NE(out->find("(1 row)"), std::string::npos);
}

// A name from a TD is text in Markdown output: `<img src=x onerror=...>`
// went into md tables as HTML, which most renderers pass through.
TEST(Results, MarkdownKeepsNamesAsText) {
  QueryResult r;
  r.variables = {"name"};
  r.rows.push_back({Term::Literal("<img src=x onerror=alert(1)> & a|b\nc")});
  auto out = WriteResults(r, ResultsFormat::kMarkdown);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find("<img"), std::string::npos) << *out;
  EXPECT_NE(out->find("&lt;img src=x onerror=alert(1)&gt; &amp; a\\|b c"), std::string::npos) << *out;
  EXPECT_EQ(MarkdownText("a\n# b <i>", false), "a\n# b &lt;i&gt;");
  EXPECT_EQ(MarkdownText("a\n# b|c", true), "a # b\\|c");
}

// A name from a TD is shown, not obeyed, in the table format: a title
// "A\x1b[2J\x1b]0;pwned\x07B" cleared the terminal and set its title when
// `tinykg graphs` or `query` printed it; a line break split a row.
TEST(Results, TableShowsControlCharactersInsteadOfSendingThem) {
  QueryResult r;
  r.variables = {"name"};
  r.rows.push_back({Term::Literal("A\x1b[2J\x1b]0;pwned\x07" "B\nC\tD \xc2\x9b" "1m \xc3\xa9")});
  auto out = WriteResults(r, ResultsFormat::kTable);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->find('\x1b'), std::string::npos) << *out;
  EXPECT_NE(out->find("A\\x1b[2J\\x1b]0;pwned\\x07B\\nC\\tD \\u009b1m \xc3\xa9"), std::string::npos) << *out;
  EXPECT_EQ(TerminalText("plain \xc3\xa9"), "plain \xc3\xa9");
  EXPECT_EQ(TerminalText(std::string("a\0b\x7f", 4)), "a\\x00b\\x7f");
}

TEST(Results, GraphResultsAreRejected) {
  QueryResult r;
  r.kind = QueryResult::Kind::kGraph;
  EXPECT_FALSE(WriteResults(r, ResultsFormat::kJson).ok());
}

}  // namespace
}  // namespace tinykg::rdf
