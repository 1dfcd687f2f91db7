// TD/TM -> GraphDocument -> Store: round-trip of every valid document,
// replace on re-import, boards, and the CLI's all-or-nothing batches.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "corpus.h"
#include "tinykg/base/file.h"
#include "tinykg/td/board.h"
#include "tinykg/td/thing_description.h"

namespace tinykg::td {
namespace {

namespace fs = std::filesystem;
const std::string kSource = TINYKG_SOURCE_DIR;
const std::string kWebThings = "https://webthings.io/schemas";

std::unique_ptr<TdReader> MakeReader() {
  TdReaderOptions options;
  options.context_dirs = {kSource + "/ontology/contexts"};
  options.schema_dir = kSource + "/ontology/schemas";
  options.ignored_contexts = {kWebThings};
  auto reader = TdReader::Create(options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(reader).value() : nullptr;
}

// The 3 UNIBO TDs with both "id" and "@id" pass the JSON Schema but are not
// JSON-LD ("colliding keywords"; jsonld.js agrees), so they cannot be stored.
bool IsKnownNonJsonLd(const std::string& path) {
  return path.find("2020.09.Online__TDs__UNIBO__") != std::string::npos &&
         path.find("gateway.td.jsonld") == std::string::npos;
}

TEST(ImportTd, EveryValidDocumentRoundTripsByteExact) {
  auto reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  auto store = rdf::Store::Open("memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<rdf::GraphDocument> docs;
  std::map<std::string, std::string> text_of;
  int accepted = 0;
  int total = 0;
  for (const auto& f : testing::ValidFiles()) {
    ++total;
    Result<std::string> text = ReadFile(f);
    ASSERT_TRUE(text.ok());
    TdReadResult r = reader->Read(*text, f);
    if (!r.ok()) {
      EXPECT_TRUE(IsKnownNonJsonLd(f)) << f << ": " << r.problems[0].ToString();
      EXPECT_EQ(r.problems[0].message().find("colliding keywords") != std::string::npos,
                IsKnownNonJsonLd(f));
      continue;
    }
    ++accepted;
    text_of[r.document.iri] = *text;  // same id twice: the last one wins
    docs.push_back(std::move(r.document));
  }
  // Every document keeps its text; the store round trip below covers the
  // curated playground sets (the whole corpus takes minutes in the store).
  for (const auto& d : docs) EXPECT_EQ(d.original_text, *ReadFile(d.source)) << d.source;
  std::vector<rdf::GraphDocument> sample;
  std::map<std::string, std::string> sample_text;
  for (auto& d : docs) {
    if (d.source.find("/playground_") == std::string::npos) continue;
    sample_text[d.iri] = d.original_text;
    sample.push_back(std::move(d));
  }
  text_of = std::move(sample_text);
  ASSERT_TRUE((*store)->PutAll(sample).ok());
  int round_trips = 0;
  for (const auto& [iri, text] : text_of) {
    Result<std::string> back = ExportTdText(**store, iri);
    ASSERT_TRUE(back.ok()) << iri << ": " << back.status().ToString();
    EXPECT_EQ(*back, text) << iri;
    if (back.ok() && *back == text) ++round_trips;
  }
  std::cout << "valid accepted by the full reader: " << accepted << "/" << total
            << "; graphs round-tripped byte-exact: " << round_trips << "/" << text_of.size() << "\n";
}

// keep_quads off (the CLI and the server) moves the statements instead of
// copying them: the same triples, no quads.
TEST(ImportTd, WithoutKeepQuads_TheDocumentHoldsTheSameStatements) {
  const std::string path = testing::WotDir() + "/td/valid/real/2018__testing__tests__2019-05__inputs__ERCIM__arena__ecg.json";
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  auto with_quads = MakeReader();
  TdReaderOptions options;
  options.context_dirs = {kSource + "/ontology/contexts"};
  options.schema_dir = kSource + "/ontology/schemas";
  options.keep_quads = false;
  auto without = TdReader::Create(options);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  TdReadResult a = with_quads->Read(*text, path);
  TdReadResult b = (*without)->Read(*text, path);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(a.quads.size(), 10u);
  EXPECT_TRUE(b.quads.empty());
  EXPECT_EQ(a.document.triples, b.document.triples);
  ASSERT_EQ(a.quads.size(), a.document.triples.size());
  for (size_t i = 0; i < a.quads.size(); ++i) EXPECT_EQ(a.quads[i].triple, a.document.triples[i]);
}

TEST(ImportTd, ReimportSameIdReplacesTheGraph) {
  auto reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  auto store = rdf::Store::Open("memory:");
  ASSERT_TRUE(store.ok());
  const std::string v1 = R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:x",
    "title": "One", "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n",
    "properties": {"a": {"type": "string", "forms": [{"href": "http://x/a"}]}}})";
  const std::string v2 = R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:x",
    "title": "Two", "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n"})";
  TdReadResult r1 = reader->Read(v1, "v1");
  TdReadResult r2 = reader->Read(v2, "v2");
  ASSERT_TRUE(r1.ok() && r2.ok());
  ASSERT_TRUE((*store)->Put(r1.document).ok());
  ASSERT_TRUE((*store)->Put(r2.document).ok());
  auto doc = (*store)->Get("urn:x", true);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->label, "Two");
  EXPECT_EQ(doc->original_text, v2);
  EXPECT_EQ(doc->triples.size(), r2.document.triples.size());
  auto graphs = (*store)->Graphs();
  ASSERT_TRUE(graphs.ok());
  int with_id = 0;
  for (const auto& g : *graphs) with_id += g.iri == "urn:x";
  EXPECT_EQ(with_id, 1);
}

TEST(ImportTd, DocumentWithoutIdGetsStableContentUuid) {
  auto reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  const std::string text = R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "title": "T",
    "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n"})";
  TdReadResult a = reader->Read(text, "a");
  TdReadResult b = reader->Read(text, "b");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.document.iri.rfind("urn:uuid:", 0), 0u);
  EXPECT_EQ(a.document.iri, b.document.iri);
  EXPECT_NE(a.document.iri, reader->Read(text + " ", "c").document.iri);
}

TEST(ImportTd, UnknownContextIsRejectedNamingTheIri) {
  TdReaderOptions options;
  options.context_dirs = {kSource + "/ontology/contexts"};
  options.schema_dir = kSource + "/ontology/schemas";
  auto reader = TdReader::Create(options);
  ASSERT_TRUE(reader.ok());
  const std::string text = R"({"@context": ["https://www.w3.org/2019/wot/td/v1", "https://webthings.io/schemas"],
    "id": "urn:w", "title": "W", "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n"})";
  TdReadResult r = (*reader)->Read(text, "w.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.problems[0].message().find("https://webthings.io/schemas"), std::string::npos)
      << r.problems[0].message();
}

TEST(ImportBoard, EveryPlatformIoBoardBecomesAValidDeviceTd) {
  auto reader = MakeReader();
  ASSERT_NE(reader, nullptr);
  const std::string dir = std::string(TINYKG_SHARED_DATA) + "/boards/platformio";
  int boards = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    Result<std::string> text = ReadFile(e.path().string());
    ASSERT_TRUE(text.ok());
    Result<BoardHardware> hw = ReadBoard(*text, e.path().string());
    ASSERT_TRUE(hw.ok()) << hw.status().ToString();
    TdReadResult r = reader->Read(BoardToTdText(*hw), e.path().string());
    ASSERT_TRUE(r.ok()) << e.path() << ": " << r.problems[0].ToString();
    ++boards;
  }
  EXPECT_EQ(boards, 202);
}

TEST(ImportBoard, Nano33BleIsCortexM4FWithItsMemory) {
  const std::string path = std::string(TINYKG_SHARED_DATA) + "/boards/platformio/nordicnrf52/nano33ble.json";
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  Result<BoardHardware> hw = ReadBoard(*text, path);
  ASSERT_TRUE(hw.ok());
  auto reader = MakeReader();
  TdReadResult r = reader->Read(BoardToTdText(*hw), path);
  ASSERT_TRUE(r.ok());
  const std::string nq = ToNQuads(r.quads);
  const std::string s = "<https://w3id.org/tinykg/id/board/platformio/nano33ble> ";
  EXPECT_NE(nq.find(s + "<https://w3id.org/tinykg/ontology#coreType> <https://w3id.org/tinykg/ontology#CortexM4F>"), std::string::npos) << nq;
  EXPECT_NE(nq.find(s + "<https://w3id.org/tinykg/ontology#ramBytes> \"262144\"^^<http://www.w3.org/2001/XMLSchema#integer>"), std::string::npos);
  EXPECT_NE(nq.find(s + "<https://w3id.org/tinykg/ontology#clockHz> \"64000000\"^^<http://www.w3.org/2001/XMLSchema#integer>"), std::string::npos);
  EXPECT_NE(nq.find(s + "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/tinykg/ontology#Device>"), std::string::npos);
}

// Sizes and clocks are whole numbers: 1.5 bytes of RAM became 1, and 1e300
// was converted past long long's range (undefined behaviour, it came out
// negative); both are refused now, naming the member.
TEST(ImportBoard, FractionalOrHugeSizesAreRefused) {
  const std::string path = std::string(TINYKG_SHARED_DATA) + "/boards/platformio/nordicnrf52/nano33ble.json";
  Result<std::string> text = ReadFile(path);
  ASSERT_TRUE(text.ok());
  for (const char* value : {"1.5", "1e300", "-5", "1e19"}) {
    Json board = Json::parse(*text);
    board["upload"]["maximum_ram_size"] = Json::parse(value);
    Result<BoardHardware> hw = ReadBoard(board.dump(), path);
    ASSERT_FALSE(hw.ok()) << value;
    EXPECT_NE(hw.status().ToString().find("/upload/maximum_ram_size: bad RAM size"), std::string::npos)
        << hw.status().ToString();
  }
  Json board = Json::parse(*text);
  board["upload"]["maximum_ram_size"] = 262144.0;  // a whole number written as a float is fine
  Result<BoardHardware> hw = ReadBoard(board.dump(), path);
  ASSERT_TRUE(hw.ok()) << hw.status().ToString();
  EXPECT_EQ(hw->ram_bytes, 262144);
}

// CLI: a batch with one invalid TD writes nothing and exits 1.
TEST(ImportTdCli, RejectsInvalidTd_AndStoreIsUnchanged) {
  const fs::path store = fs::path(TINYKG_BINARY_DIR) / "td_cli_store";
  fs::remove_all(store);
  const std::string cli = std::string(TINYKG_CLI) + " --store '" + store.string() + "' -q ";
  const std::string wot = testing::WotDir();
  ASSERT_EQ(std::system((cli + "import td " + wot + "/td/valid/playground_core/MinimalThing.json > /dev/null").c_str()), 0);
  const std::string before_cmd = cli + "graphs > " + (store.string() + ".before");
  ASSERT_EQ(std::system(before_cmd.c_str()), 0);
  const int rc = std::system((cli + "import td " + wot + "/td/valid/playground_core/baseUri.json " + wot +
                              "/td/invalid/playground_core/noHref.json > /dev/null 2>&1").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  ASSERT_EQ(std::system((cli + "graphs > " + store.string() + ".after").c_str()), 0);
  auto before = ReadFile(store.string() + ".before");
  auto after = ReadFile(store.string() + ".after");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(*before, *after);
  // --keep-going imports the valid one and still exits 1.
  const int rc2 = std::system((cli + "import td --keep-going " + wot + "/td/valid/playground_core/baseUri.json " + wot +
                               "/td/invalid/playground_core/noHref.json > /dev/null 2>&1").c_str());
  EXPECT_EQ(WEXITSTATUS(rc2), 1);
  ASSERT_EQ(std::system((cli + "graphs > " + store.string() + ".after2").c_str()), 0);
  auto after2 = ReadFile(store.string() + ".after2");
  ASSERT_TRUE(after2.ok());
  EXPECT_NE(*after2, *before);
  // export td gives the file back byte for byte.
  ASSERT_EQ(std::system((cli + "export td urn:minimal > " + store.string() + ".export").c_str()), 0);
  EXPECT_EQ(*ReadFile(store.string() + ".export"),
            *ReadFile(wot + "/td/valid/playground_core/MinimalThing.json"));
}

}  // namespace
}  // namespace tinykg::td
