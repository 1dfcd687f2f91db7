// `tinykg export` of a whole store built from the real plugfest TDs: Turtle,
// TriG and N-Quads load back to the same statements, TriG keeps one block
// per graph, and literals Turtle cannot write bare stay quoted. (Issue 13:
// the Turtle export of 10,000 TDs ran for more than 40 CPU-minutes; it now
// streams graph by graph, see rdf/export.h.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "run.h"

namespace tinykg::testing {
namespace {

namespace fs = std::filesystem;

const std::string kRealTds = std::string(TINYKG_SHARED_DATA) + "/wot/td/valid/real";

std::size_t Lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A file for `load`, which takes the syntax from the extension.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_((fs::temp_directory_path() / ("tinykg-export-" + std::to_string(getpid()) + "-" + name)).string()) {
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { fs::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A store directory of its own, also when the suite runs on a server
// (TINYKG_TEST_STORE): what is checked is the written text, not a backend
// (Virtuoso keeps each loaded document's text and refuses one past 10 MB,
// and stores "12abc"^^xsd:integer as something else).
class LocalStore {
 public:
  explicit LocalStore(const std::string& name)
      : path_((fs::temp_directory_path() / ("tinykg-export-store-" + std::to_string(getpid()) + "-" + name)).string()) {
    fs::remove_all(path_);
  }
  ~LocalStore() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The distinct statements of a store's graphs (catalog and inferences left
// out), as N-Triples lines.
std::set<std::string> Statements(const std::string& store) {
  CliRun nt = Tinykg(store, "export --format ntriples");
  EXPECT_EQ(nt.exit_code, 0) << nt.err;
  std::set<std::string> lines;
  std::istringstream in(nt.out);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

// `text` loaded into a fresh store as one graph: how many distinct
// statements it holds.
std::size_t LoadedStatements(const std::string& name, const std::string& text) {
  TempFile file(name, text);
  LocalStore fresh("reloaded-" + name);
  CliRun load = Tinykg(fresh.path(), "-q load --graph http://example.org/reloaded " + file.path());
  EXPECT_EQ(load.exit_code, 0) << name << ": " << load.err;
  return Statements(fresh.path()).size();
}

TEST(WholeStoreExport, RealTds_TurtleTrigAndNQuads_LoadBackToTheSameStatements) {
  TempStore store("export-real-tds");
  // --keep-going: the three UNIBO TDs with both "id" and "@id" are rejected
  // (TDs sharing an id make one graph: 222 graphs).
  Tinykg(store.path(), "-q import td --keep-going --ignore-context https://webthings.io/schemas " + kRealTds);
  const std::size_t graphs = Lines(Tinykg(store.path(), "graphs --format tsv").out) - 1;
  ASSERT_GT(graphs, 200u);
  const std::size_t statements = Statements(store.path()).size();
  ASSERT_GT(statements, 30000u);

  CliRun nquads = Tinykg(store.path(), "export --format nquads");
  CliRun turtle = Tinykg(store.path(), "export");
  CliRun trig = Tinykg(store.path(), "export --format trig");
  ASSERT_EQ(nquads.exit_code, 0) << nquads.err;
  ASSERT_EQ(turtle.exit_code, 0) << turtle.err;
  ASSERT_EQ(trig.exit_code, 0) << trig.err;
  EXPECT_EQ(LoadedStatements("all.nq", nquads.out), statements);
  EXPECT_EQ(LoadedStatements("all.ttl", turtle.out), statements);
  EXPECT_EQ(LoadedStatements("all.trig", trig.out), statements);
  // TriG: one block per graph, each opened on its own line.
  std::size_t blocks = 0;
  std::istringstream in(trig.out);
  for (std::string line; std::getline(in, line);)
    blocks += line.size() > 3 && line.front() == '<' && line.ends_with("> {");
  EXPECT_EQ(blocks, graphs);
  // Turtle: the prefixes once, and statements grouped by subject.
  EXPECT_EQ(turtle.out.find("@prefix td: "), turtle.out.rfind("@prefix td: "));
  EXPECT_NE(turtle.out.find(" ;\n"), std::string::npos);
}

TEST(WholeStoreExport, LiteralsTurtleCannotWriteBare_StayQuotedAndLoadBack) {
  LocalStore store("export-literals");
  const std::string xsd = "<http://www.w3.org/2001/XMLSchema#";
  TempFile file("literals.nt", "<http://example.org/a> <http://example.org/p> \"12abc\"^^" + xsd +
                                   "integer> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"True\"^^" +
                                   xsd +
                                   "boolean> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"1.\"^^" +
                                   xsd +
                                   "decimal> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"-42\"^^" +
                                   xsd +
                                   "integer> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"false\"^^" +
                                   xsd +
                                   "boolean> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"+.5\"^^" +
                                   xsd +
                                   "decimal> .\n"
                                   "<http://example.org/a> <http://example.org/p> \"tab\\tline\\nquote\\\"\"@en .\n");
  ASSERT_EQ(Tinykg(store.path(), "-q load --graph http://example.org/g " + file.path()).exit_code, 0);
  const std::set<std::string> statements = Statements(store.path());
  ASSERT_EQ(statements.size(), 7u);
  for (const char* format : {"turtle", "trig"}) {
    CliRun out = Tinykg(store.path(), std::string("export --format ") + format);
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("\"12abc\"^^xsd:integer"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("\"True\"^^xsd:boolean"), std::string::npos) << out.out;
    TempFile text(std::string("literals.") + (std::string(format) == "turtle" ? "ttl" : "trig"), out.out);
    LocalStore fresh(std::string("literals-") + format);
    ASSERT_EQ(Tinykg(fresh.path(), "-q load --graph http://example.org/g " + text.path()).exit_code, 0) << out.out;
    EXPECT_EQ(Statements(fresh.path()), statements) << out.out;
  }
}

}  // namespace
}  // namespace tinykg::testing
