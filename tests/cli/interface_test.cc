// Issue 16, items 5-7: the paper's queries run as published (prefixes the
// loaded documents declare; GraphDB's full-text search refused with a
// hint), one --format list with raw numbers for programs, and one table of
// task / sensor / runtime names with "did you mean" for every command.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run.h"

namespace tinykg::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSeloc = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/";

// The SeLoC-ML paper's device catalogue (Haoyu-R/SeLoC-ML,
// sparql_query/query_4.txt) as published: it uses s3n: and sosa: without
// declaring them (GraphDB predefines them) and the older namespace.
const char kPublishedCatalogue[] = R"(PREFIX ssn: <http://www.w3.org/ns/ssn/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ssn-system: <http://www.w3.org/ns/ssn/systems/>
PREFIX schema: <https://schema.org/>
PREFIX om: <http://www.ontology-of-units-of-measure.org/resource/om-2/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX td: <https://www.w3.org/2019/wot/td#>
PREFIX nnet: <http://tinyml-schema.org/networkschema#>
PREFIX s3n_extend: <http://tinyml-schema.org/s3n_extend/> 
PREFIX sosa_extend: <http://tinyml-schema.org/sosa_extend/> 
PREFIX ssn_extend: <http://tinyml-schema.org/ssn_extend/>

SELECT ?Board ?RAM ?Flash ?Description (group_concat(distinct ?SensorType) as ?Sensors)
WHERE { 
    ?Board a s3n:SmartSensor ;
    	ssn:hasSubSystem ?system ;
     	ssn:hasSubSystem ?Sensor ;
     	td:description ?Description .
    	?Sensor a ?SensorType .
    	?SensorType rdfs:subClassOf sosa:Sensor.
		?system a s3n:MicroController ;
			s3n:hasSystemCapability ?x .
		?x ssn-system:hasSystemProperty ?cond_1 .
        ?x ssn-system:hasSystemProperty ?cond_2 .
		?cond_1 a s3n_extend:RAM ;
			schema:value ?RAM ;
			schema:unitCode om:kilobyte .
    	?cond_2 a s3n_extend:Flash ;
			schema:value ?Flash ;
			schema:unitCode om:kilobyte .
    }
GROUP BY ?Board ?RAM ?Flash ?Description ORDER BY ?Description
)";

// The paper's second full-text query (sparql_query/query_6.txt) as
// published: GraphDB's similarity index with undeclared inst: and ':'.
const char kPublishedFullText[] = R"(PREFIX s3n: <http://w3id.org/s3n/>
PREFIX td: <https://www.w3.org/2019/wot/td#>
PREFIX ssn: <http://www.w3.org/ns/ssn/>
SELECT distinct ?documentID ?Description {
    ?search a inst:index_1 ;
        :searchTerm "siemens";
        :searchParameters "-numsearchresults 2000";
        :documentResult ?result .
    ?result :value ?documentID ;
            :score ?score .
    ?documentID a s3n:SmartSensor ;
            td:description ?Description .
}
)";

class PublishedQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    CliRun load = Tinykg(store_.path(), "-q load " + kSeloc + "schema/*.ttl " + kSeloc + "devices/*.ttl");
    ASSERT_EQ(load.exit_code, 0) << load.err;
  }
  TempStore store_{"published"};
};

TEST_F(PublishedQueries, Query_PublishedCatalogueWithoutPrefixLines_GetsTheDeclaredPrefixes) {
  CliRun r = Tinykg(store_.path(), "query -f - --format csv", kPublishedCatalogue);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every published device with its sensors (ms200 too: its sensors are
  // subsystems of other kinds), and the note naming what was added.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 9) << r.out;
  EXPECT_NE(r.out.find("Accelerometer"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("tinykg: note:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("s3n: <http://w3id.org/s3n/>"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sosa: <http://www.w3.org/ns/sosa/>"), std::string::npos) << r.err;
  // The same query with the PREFIX lines written out gives the same rows.
  CliRun declared = Tinykg(store_.path(), "query -f - --format csv",
                           std::string("PREFIX s3n: <http://w3id.org/s3n/>\nPREFIX sosa: <http://www.w3.org/ns/sosa/>\n") +
                               kPublishedCatalogue);
  ASSERT_EQ(declared.exit_code, 0) << declared.err;
  EXPECT_EQ(declared.out, r.out);
  EXPECT_EQ(declared.err.find("note:"), std::string::npos) << declared.err;
}

TEST_F(PublishedQueries, Query_PrefixNobodyDeclares_ExitsTwoNamingIt) {
  CliRun r = Tinykg(store_.path(), "query 'SELECT ?x WHERE { ?x a foo:Bar }'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'foo:'"), std::string::npos) << r.err;
  CliRun empty = Tinykg(store_.path(), "query 'SELECT ?x WHERE { ?x a :Bar }'");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("empty prefix"), std::string::npos) << empty.err;
}

TEST_F(PublishedQueries, Query_GraphDbFullTextSearch_IsRefusedWithAHintToSearch) {
  CliRun published = Tinykg(store_.path(), "query -f -", kPublishedFullText);
  EXPECT_EQ(published.exit_code, 2) << published.out;
  EXPECT_NE(published.err.find("`tinykg search siemens`"), std::string::npos) << published.err;
  CliRun connector = Tinykg(store_.path(), "query -f -",
                            "PREFIX luc: <http://www.ontotext.com/connectors/lucene#>\n"
                            "PREFIX luc-index: <http://www.ontotext.com/connectors/lucene/instance#>\n"
                            "SELECT ?e { ?s a luc-index:devices ; luc:query \"arduino\" ; luc:entities ?e }");
  EXPECT_EQ(connector.exit_code, 2) << connector.out;
  EXPECT_NE(connector.err.find("`tinykg search arduino`"), std::string::npos) << connector.err;
}

// Item 6: one --format list, raw values for programs.
class Interface : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Tinykg(store_.path(), "-q init").exit_code, 0); }
  TempStore store_{"shipped"};
};

TEST_F(Interface, EveryCommandThatPrintsRows_TakesTheSameFormats) {
  const std::string model = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/Magic_Wand_1.tflite";
  const std::vector<std::string> commands = {
      "query 'SELECT ?d WHERE { ?d a tkg:Device }'",
      "graphs",
      "stats",
      "match --model Magic_Wand_1",
      "explain --model Magic_Wand_1 --device Arduino-Nano-BLE-33_1",
      "search arduino",
      "bench list",
      "bench select --device Arduino-Nano-BLE-33_1 --task kws",
      "import model --dry-run " + model,
      "import td --dry-run " + std::string(TINYKG_SOURCE_DIR) + "/examples/device-td",
      "fleet train --device-class CortexM4F --count 2 --rounds 1 --eval-tasks 3 --on host --no-record",
  };
  for (const auto& command : commands) {
    for (const char* format : {"table", "json", "csv", "tsv", "md"}) {
      CliRun r = Tinykg(store_.path(), command + " --format " + format);
      EXPECT_EQ(r.exit_code, 0) << command << " --format " << format << ": " << r.err;
      EXPECT_FALSE(r.out.empty()) << command << " --format " << format;
      if (std::string(format) == "json") {
        EXPECT_TRUE(nlohmann::json::accept(r.out)) << command << ": " << r.out;
      }
    }
    CliRun bad = Tinykg(store_.path(), command + " --format yaml");
    EXPECT_EQ(bad.exit_code, 2) << command;
    EXPECT_NE(bad.err.find("expected table, json, csv, tsv or md"), std::string::npos) << command << ": " << bad.err;
  }
}

TEST_F(Interface, Match_MachineFormatsPrintRawNumbers_TableKeepsUnits) {
  for (const char* format : {"csv", "tsv"}) {
    CliRun r = Tinykg(store_.path(), std::string("match --model Magic_Wand_1 --include-misfits --format ") + format);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string sep = std::string(format) == "csv" ? "," : "\t";
    EXPECT_NE(r.out.find("ram_margin_bytes" + sep + "flash_margin_bytes" + sep + "latency_ms"), std::string::npos)
        << r.out;
    // The HiFive1 Rev B: 2,448 B short of RAM, in bytes; its latency in ms.
    EXPECT_NE(r.out.find(sep + "false" + sep + "-2448" + sep + "4083120" + sep + "7.752" + sep), std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find(sep + "+"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(" kB" + sep), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(" ms"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("yes"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("e+0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(sep + "true" + sep), std::string::npos) << r.out;
  }
  CliRun table = Tinykg(store_.path(), "match --model Magic_Wand_1 --include-misfits");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("-2.4 kB"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("7.8 ms"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("yes"), std::string::npos) << table.out;
}

TEST_F(Interface, Explain_CsvHasOneRowPerConstraintWithRawNumbers) {
  CliRun r = Tinykg(store_.path(), "explain --model Magic_Wand_1 --device Arduino-Nano-BLE-33_1 --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("check,ok,flagged,need,have,unit,message,basis\r\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\r\nram,true,false,"), std::string::npos) << r.out;
}

// train, infer, deploy and report had their own --format lists (table|json,
// md|html|json|csv); they now take the one list, and its error.
const std::string kShared = std::string(TINYKG_SHARED_DATA);
const std::string kInfer = "infer --model " + kShared + "/models/tflite/micro_speech_quantized.tflite --input " +
                           kShared + "/datasets/keyword_spotting/micro_speech_yes_1000ms.wav";
const std::string kTrainSine = "train --data sine --method fedavg --steps 20";

// The cells of a csv line (no quoted commas in these rows).
std::vector<std::string> CsvCells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
  return cells;
}

TEST_F(Interface, TrainInferDeployReport_TakeTheSameFormats_AndRejectOthersAlike) {
  const fs::path projects = fs::temp_directory_path() / ("tinykg-formats-" + std::to_string(getpid()));
  const std::vector<std::pair<std::string, std::string>> commands = {
      {kTrainSine, "expected table, json, csv, tsv or md"},
      {kInfer, "expected table, json, csv, tsv or md"},
      {"deploy --model Magic_Wand_1 --model-file " + kShared + "/seloc-ml/models/Magic_Wand_1.tflite" +
           " --device Arduino-Nano-BLE-33_1",
       "expected table, json, csv, tsv or md"},
      {"report", "expected table, json, csv, tsv, md or html"},
  };
  fs::create_directories(projects);
  int project = 0;
  for (const auto& [command, expected] : commands) {
    for (const char* format : {"table", "json", "csv", "tsv", "md"}) {
      std::string line = command + " --format " + format;
      if (command.rfind("deploy", 0) == 0) line += " -o " + (projects / std::to_string(project++)).string();
      CliRun r = Tinykg(store_.path(), line);
      EXPECT_EQ(r.exit_code, 0) << line << ": " << r.err;
      EXPECT_FALSE(r.out.empty()) << line;
      const std::string name = format;
      if (name == "json") {
        EXPECT_TRUE(nlohmann::json::accept(r.out)) << line << ": " << r.out;
      } else if (name == "csv") {
        EXPECT_NE(r.out.find("\r\n"), std::string::npos) << line << ": " << r.out;
      } else if (name == "md" && command != "report") {
        EXPECT_NE(r.out.find("| --- |"), std::string::npos) << line << ": " << r.out;
      }
    }
    const std::string out = command.rfind("deploy", 0) == 0 ? " -o " + (projects / "bad").string() : "";
    CliRun bad = Tinykg(store_.path(), command + " --format yaml" + out);
    EXPECT_EQ(bad.exit_code, 2) << command;
    EXPECT_NE(bad.err.find("unknown format 'yaml'"), std::string::npos) << command << ": " << bad.err;
    EXPECT_NE(bad.err.find(expected), std::string::npos) << command << ": " << bad.err;
    CliRun typo = Tinykg(store_.path(), command + " --format jsn" + out);
    EXPECT_EQ(typo.exit_code, 2) << command;
    EXPECT_NE(typo.err.find("did you mean json?"), std::string::npos) << command << ": " << typo.err;
  }
  EXPECT_FALSE(fs::exists(projects / "bad"));
  fs::remove_all(projects);
}

TEST_F(Interface, TrainCsv_OneRowPerRun_NestedFieldsAsColumns_RawNumbers) {
  CliRun r = Tinykg(store_.path(), kTrainSine + " --format csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header, row, extra;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_FALSE(std::getline(lines, extra)) << r.out;
  const std::vector<std::string> names = CsvCells(header.substr(0, header.size() - 1));
  const std::vector<std::string> cells = CsvCells(row.substr(0, row.size() - 1));
  ASSERT_EQ(names.size(), cells.size()) << r.out;
  auto cell = [&](const std::string& name) {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? std::string("(no column)") : cells[static_cast<std::size_t>(it - names.begin())];
  };
  EXPECT_EQ(cell("method"), "fedavg");
  EXPECT_EQ(cell("steps"), "160");
  EXPECT_EQ(cell("memory_bytes.weights"), "7044");
  EXPECT_EQ(cell("traffic.total_bytes"), "281760");
  EXPECT_NE(cell("mse_after_steps.32"), "(no column)");
  EXPECT_EQ(r.out.find("e-0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("e+0"), std::string::npos) << r.out;
  // The json has the same figures, nested.
  CliRun j = Tinykg(store_.path(), kTrainSine + " --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["memory_bytes"]["weights"], 7044);
}

TEST_F(Interface, InferTsv_OneRowPerClip_AScoreColumnPerClassInClassOrder) {
  CliRun r = Tinykg(store_.path(), kInfer + " --format tsv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("model\tinput\tfrontend\tframes\ttop\tlabel\tscore.silence\tscore.unknown\tscore.yes\t"
                        "score.no\n",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\tmicro\t49\t2\tyes\t0\t0\t0.996094\t0\n"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
}

TEST_F(Interface, ReportTsv_IsTheMatrixOfItsCsvTabSeparated) {
  CliRun csv = Tinykg(store_.path(), "report --format csv");
  CliRun tsv = Tinykg(store_.path(), "report --format tsv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  ASSERT_EQ(tsv.exit_code, 0) << tsv.err;
  EXPECT_EQ(tsv.out.rfind("model\tdevice\tfits\tchecks_failed\tram_margin_bytes\t", 0), 0u) << tsv.out;
  EXPECT_EQ(std::count(tsv.out.begin(), tsv.out.end(), '\n'), std::count(csv.out.begin(), csv.out.end(), '\n'));
  CliRun table = Tinykg(store_.path(), "report --format table");
  CliRun md = Tinykg(store_.path(), "report --format md");
  EXPECT_EQ(table.out.substr(0, 40), md.out.substr(0, 40));
}

// Every IRI `graphs` prints, in any format, is one `export` and
// `graphs --drop` take back.
TEST_F(Interface, Graphs_PrintsIrisThatExportAndDropAccept) {
  CliRun table = Tinykg(store_.path(), "graphs");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream lines(table.out);
  std::string line, first;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // rule
  std::getline(lines, first);
  const std::string iri = first.substr(0, first.find(' '));
  ASSERT_FALSE(iri.empty()) << table.out;
  CliRun exported = Tinykg(store_.path(), "export '" + iri + "'");
  EXPECT_EQ(exported.exit_code, 0) << iri << ": " << exported.err;
  EXPECT_FALSE(exported.out.empty());
  CliRun tsv = Tinykg(store_.path(), "graphs --format tsv");
  std::istringstream tsv_lines(tsv.out);
  std::getline(tsv_lines, line);
  std::getline(tsv_lines, line);
  const std::string tsv_iri = line.substr(0, line.find('\t'));
  EXPECT_EQ(Tinykg(store_.path(), "export '" + tsv_iri + "'").exit_code, 0) << tsv_iri;
  CliRun dropped = Tinykg(store_.path(), "graphs --drop '" + iri + "'");
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_EQ(Tinykg(store_.path(), "graphs").out.find(iri), std::string::npos);
}

// Item 7: one table of names and aliases for every command.
TEST_F(Interface, ImportModel_MisspeltTaskOrSensor_ExitsTwoWithDidYouMean_AndStoreUnchanged) {
  const std::string model = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/Hello_World.tflite";
  const std::string before = Tinykg(store_.path(), "graphs --format csv").out;
  CliRun task = Tinykg(store_.path(), "import model " + model + " --task KeywordSpoting --sensor Microphone");
  EXPECT_EQ(task.exit_code, 2);
  EXPECT_NE(task.err.find("unknown task 'KeywordSpoting': did you mean KeywordSpotting?"), std::string::npos)
      << task.err;
  CliRun sensor = Tinykg(store_.path(), "import model " + model + " --task kws --sensor Microfone");
  EXPECT_EQ(sensor.exit_code, 2);
  EXPECT_NE(sensor.err.find("unknown sensor 'Microfone': did you mean Microphone?"), std::string::npos) << sensor.err;
  EXPECT_EQ(Tinykg(store_.path(), "graphs --format csv").out, before);
}

TEST_F(Interface, Aliases_AreTheSameInEveryCommand) {
  const std::string model = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/Hello_World.tflite";
  CliRun imported = Tinykg(store_.path(), "import model " + model + " --task kws --sensor mic");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.err.find("declares it"), std::string::npos) << imported.err;
  CliRun stored = Tinykg(store_.path(),
                         "query --format csv 'SELECT ?t ?s WHERE { ?m tkg:task ?t ; tkg:inputSensor ?s ; "
                         "<https://schema.org/name> ?n FILTER(STR(?n) = \"Hello_World\") }'");
  EXPECT_NE(stored.out.find("https://w3id.org/tinykg/ontology#KeywordSpotting,"), std::string::npos) << stored.out;
  EXPECT_NE(stored.out.find("sosa_extend/Microphone"), std::string::npos) << stored.out;
  EXPECT_EQ(Tinykg(store_.path(), "bench select --device Arduino-Nano-BLE-33_1 --task kws").exit_code, 0);
  EXPECT_EQ(Tinykg(store_.path(), "match --device Arduino-Nano-BLE-33_1 --task kws --sensor mic --runtime tflm")
                .exit_code,
            0);
  for (const std::string& bad : {std::string("bench select --device Arduino-Nano-BLE-33_1 --task KeywordSpoting"),
                                 std::string("match --device Arduino-Nano-BLE-33_1 --task KeywordSpoting"),
                                 std::string("match --device Arduino-Nano-BLE-33_1 --runtime tflmm"),
                                 std::string("import board ") + TINYKG_SHARED_DATA +
                                     "/boards/platformio/nordicnrf52/nano33ble.json --sensor acelerometer"}) {
    CliRun r = Tinykg(store_.path(), bad);
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("did you mean"), std::string::npos) << bad << ": " << r.err;
  }
}

// tinykg's own records use dcterms:date and dcterms:source; the published
// S3N core declares other dcterms: terms (as owl:AnnotationProperty), which
// made every run warn that tinykg's were undeclared.
TEST_F(Interface, TrainOnEmulatorAndFleet_WithThePublishedSchemaLoaded_WarnAboutNothingOfTheirOwn) {
  ASSERT_EQ(Tinykg(store_.path(), "-q load " + kSeloc + "schema/*.ttl").exit_code, 0);
  const std::string occupancy = std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/datatraining.txt";
  CliRun r = Tinykg(store_.path(), "train --on emulator --device Arduino-Nano-BLE-33_1 --data " + occupancy +
                                       " --label Occupancy --steps 50 --task presence --sensor co2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  CliRun fleet = Tinykg(store_.path(), "fleet train --device-class mps2-an386 --count 2 --rounds 1");
  ASSERT_EQ(fleet.exit_code, 0) << fleet.err;
  EXPECT_EQ(fleet.err.find("warning"), std::string::npos) << fleet.err;
  // The undeclared-term check still works where it should (ms200.ttl).
  CliRun ms200 = Tinykg(store_.path(), "load " + kSeloc + "devices/ms200.ttl");
  EXPECT_NE(ms200.err.find("sosa_extend/:Magnetometer> is used but no loaded ontology declares it"),
            std::string::npos)
      << ms200.err;
  CliRun misspelt = Tinykg(store_.path(), "train --on emulator --device Arduino-Nano-BLE-33_1 --data " + occupancy +
                                              " --label Occupancy --steps 50 --task presense");
  EXPECT_EQ(misspelt.exit_code, 2);
  EXPECT_NE(misspelt.err.find("did you mean PresenceDetection?"), std::string::npos) << misspelt.err;
}

}  // namespace
}  // namespace tinykg::testing
