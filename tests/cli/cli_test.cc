// The `tinykg` command, tested by behaviour on the real published data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "run.h"

namespace tinykg::testing {
namespace {

const std::string kSeloc = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/";
const std::string kQueries = std::string(TINYKG_SOURCE_DIR) + "/ontology/queries/";

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("tinykg-cli-" + std::to_string(getpid()) + "-" + name)).string();
  std::ofstream(path) << text;
  return path;
}

TEST(Cli, Init_LoadsOntologyAndShippedGraph) {
  TempStore store("init");
  CliRun r = Tinykg(store.path(), "init");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  CliRun stats = Tinykg(store.path(), "stats --format csv");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  // devices, models: the nine SeLoC-ML boards and the HiFive1 Rev B; 23 models
  EXPECT_NE(stats.out.find(",10,23"), std::string::npos) << stats.out;
}

TEST(Cli, Load_RejectsBadFile_AndLoadsTheOthers_AndBadFileAddsNothing) {
  TempStore store("load");
  std::string bad = WriteTemp("bad.ttl", "@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:d ex:e \"open .\n");
  CliRun r = Tinykg(store.path(), "load " + kSeloc + "devices/ms200.ttl " + bad + " " + kSeloc +
                                   "devices/targetV.ttl");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tinykg: error: " + bad + ":3"), std::string::npos) << r.err;
  CliRun graphs = Tinykg(store.path(), "graphs --format csv");
  ASSERT_EQ(graphs.exit_code, 0);
  EXPECT_NE(graphs.out.find("ms200.ttl"), std::string::npos);
  EXPECT_NE(graphs.out.find("targetV.ttl"), std::string::npos);
  EXPECT_EQ(graphs.out.find("bad.ttl"), std::string::npos);
  CliRun ask = Tinykg(store.path(), "query 'ASK { <http://ex/a> ?p ?o }' --format json");
  EXPECT_NE(ask.out.find("false"), std::string::npos) << ask.out;
  std::filesystem::remove(bad);
}

// A file larger than a load's part (256k triples) is written part by part;
// when it then fails, nothing of it stays: the graph it would have replaced
// is as before, and the command's other files still load.
TEST(Cli, Load_FileThatFailsAfterItsFirstParts_LeavesItsGraphAsBefore) {
  TempStore store("parts");
  auto big = [](const std::string& object, bool broken) {
    std::string text;
    text.reserve(300'001 * 40);
    for (int i = 0; i < 300'000; ++i) {
      text += "<http://ex/s" + std::to_string(i) + "> <http://ex/p> " + object + " .\n";
    }
    if (broken) text += "<http://ex/end> <http://ex/p> \"open .\n";
    return text;
  };
  const std::string path = WriteTemp("big.nt", big("\"old\"", false));
  CliRun first = Tinykg(store.path(), "load " + path);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("loaded 1 file, 300000 triples"), std::string::npos) << first.err;
  std::ofstream(path, std::ios::trunc) << big("\"new\"", true);
  CliRun r = Tinykg(store.path(), "load " + kSeloc + "devices/ms200.ttl " + path + " " + kSeloc +
                                   "devices/targetV.ttl");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tinykg: error: " + path + ":300001"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("loaded 2 files"), std::string::npos) << r.err;
  CliRun graphs = Tinykg(store.path(), "graphs --format csv");
  ASSERT_EQ(graphs.exit_code, 0);
  EXPECT_NE(graphs.out.find("ms200.ttl"), std::string::npos);
  EXPECT_NE(graphs.out.find("targetV.ttl"), std::string::npos);
  EXPECT_NE(graphs.out.find(",300000"), std::string::npos) << graphs.out;
  CliRun values = Tinykg(store.path(), "query 'SELECT DISTINCT ?o WHERE { ?s <http://ex/p> ?o }' --format csv");
  ASSERT_EQ(values.exit_code, 0) << values.err;
  EXPECT_NE(values.out.find("old"), std::string::npos) << values.out;
  EXPECT_EQ(values.out.find("new"), std::string::npos) << values.out;
  std::filesystem::remove(path);
}

// Starting over is not possible after standard input was read: the load
// writes nothing and says so, instead of loading an empty standard input.
TEST(Cli, Load_StdinBesideAFileThatFailsLate_LoadsNothing) {
  TempStore store("stdin-parts");
  std::string text;
  for (int i = 0; i < 300'000; ++i) text += "<http://ex/s" + std::to_string(i) + "> <http://ex/p> \"1\" .\n";
  const std::string bad = WriteTemp("late.nt", text + "<http://ex/end> <http://ex/p> \"open .\n");
  CliRun r = Tinykg(store.path(), "load - " + bad + " --format ntriples", "<http://ex/in> <http://ex/p> \"stdin\" .\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nothing loaded"), std::string::npos) << r.err;
  CliRun ask = Tinykg(store.path(), "query 'ASK { ?s <http://ex/p> ?o }' --format json");
  EXPECT_NE(ask.out.find("false"), std::string::npos) << ask.out;
  std::filesystem::remove(bad);
}

TEST(Cli, Load_WarnsAboutUndeclaredTermsInPublishedData) {
  TempStore store("warn");
  ASSERT_EQ(Tinykg(store.path(), "init").exit_code, 0);
  CliRun r = Tinykg(store.path(), "load " + kSeloc + "devices/ms200.ttl " + kSeloc + "devices/targetV.ttl");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("tinykg: warning: <https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/:Magnetometer>"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("targetV.ttl)"), std::string::npos) << r.err;
}

TEST(Cli, Graphs_ReplaceOnReloadAndDrop) {
  TempStore store("graphs");
  std::string f = WriteTemp("g.ttl", "<http://ex/a> <http://ex/p> 1 .\n");
  ASSERT_EQ(Tinykg(store.path(), "load " + f + " --graph http://ex/g").exit_code, 0);
  std::ofstream(f) << "<http://ex/a> <http://ex/p> 2 .\n";
  ASSERT_EQ(Tinykg(store.path(), "load " + f + " --graph http://ex/g").exit_code, 0);
  CliRun q = Tinykg(store.path(), "query 'SELECT ?o WHERE { <http://ex/a> <http://ex/p> ?o }' --format csv");
  EXPECT_EQ(q.out, "o\r\n2\r\n");
  EXPECT_EQ(Tinykg(store.path(), "graphs --drop http://ex/g").exit_code, 0);
  CliRun again = Tinykg(store.path(), "graphs --drop http://ex/g");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("no graph <http://ex/g>"), std::string::npos);
  std::filesystem::remove(f);
}

TEST(Cli, Query_SyntaxErrorExitsTwo) {
  TempStore store("syntax");
  CliRun r = Tinykg(store.path(), "query 'SELECT ?x WHERE { ?x '");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("tinykg: error: ", 0), 0u) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, Query_RefusesShapesRasqalGetsWrong) {
  TempStore store("refuse");
  CliRun r = Tinykg(store.path(), "query 'SELECT ?x WHERE { ?x ?p ?o MINUS { ?x a ?t } }'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("MINUS"), std::string::npos);
}

TEST(Cli, Query_PaperQuestionInBothNamespaceGenerations) {
  TempStore store("paper");
  ASSERT_EQ(Tinykg(store.path(), "-q load " + kSeloc + "schema/*.ttl " + kSeloc + "devices/*.ttl").exit_code, 0);
  CliRun current = Tinykg(store.path(), "query -f " + kQueries + "published-devices-with-sensors.rq --format csv");
  ASSERT_EQ(current.exit_code, 0) << current.err;
  EXPECT_NE(current.out.find("arduino_nano_ble_33-322-000-000-002"), std::string::npos);
  CliRun legacy = Tinykg(store.path(), "query -f - --format csv",
                      "PREFIX ssn: <http://www.w3.org/ns/ssn/>\n"
                      "PREFIX sosa_extend: <http://tinyml-schema.org/sosa_extend/>\n"
                      "SELECT ?d WHERE { ?a a sosa_extend:Accelerometer . ?d ssn:hasSubSystem ?a . "
                      "?d ssn:hasSubSystem ?g . ?g a sosa_extend:Gyroscope . } ORDER BY ?d");
  CliRun modern = Tinykg(store.path(), "query -f - --format csv",
                      "PREFIX ssn: <http://www.w3.org/ns/ssn/>\n"
                      "PREFIX sosa_extend: <https://w3id.org/tinyml-schema/neural-network-schema/sosa_extend/>\n"
                      "SELECT ?d WHERE { ?a a sosa_extend:Accelerometer . ?d ssn:hasSubSystem ?a . "
                      "?d ssn:hasSubSystem ?g . ?g a sosa_extend:Gyroscope . } ORDER BY ?d");
  ASSERT_EQ(legacy.exit_code, 0) << legacy.err;
  EXPECT_EQ(legacy.out, modern.out);
  EXPECT_NE(modern.out.find("syntiant_tinyml"), std::string::npos) << modern.out;
}

TEST(Cli, Export_WritesTurtleOfOneGraph) {
  TempStore store("export");
  std::string f = WriteTemp("e.ttl", "<https://w3id.org/tinykg/id/x> a <https://w3id.org/tinykg/ontology#Device> .\n");
  ASSERT_EQ(Tinykg(store.path(), "load " + f + " --graph http://ex/e").exit_code, 0);
  CliRun r = Tinykg(store.path(), "export http://ex/e");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("@prefix tkg:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tkg:Device"), std::string::npos) << r.out;
  CliRun nq = Tinykg(store.path(), "export --format nquads");
  EXPECT_NE(nq.out.find("<http://ex/e> ."), std::string::npos) << nq.out;
  CliRun missing = Tinykg(store.path(), "export http://ex/none");
  EXPECT_EQ(missing.exit_code, 1);
  std::filesystem::remove(f);
}

TEST(Cli, UnknownCommandIsAUsageError) {
  TempStore store("usage");
  CliRun r = Tinykg(store.path(), "frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tinykg: error:"), std::string::npos);
}

}  // namespace
}  // namespace tinykg::testing
