// `tinykg import td|board` on hostile and messy input, through the binary:
// deep nesting in every JSON reader, invalid UTF-8, duplicate ids within one
// batch, multi-value options before positionals, progress only on a terminal.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "corpus.h"
#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"

namespace tinykg::td {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  bool exited = false;  // false: killed by a signal (a crash)
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class ImportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(TINYKG_BINARY_DIR) / (std::string("td-import-cli-") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs `tinykg --store DIR/store ARGS` (shell text), stdin /dev/null.
  CliRun Tinykg(const std::string& args) {
    const std::string out = (dir_ / "out").string();
    const std::string err = (dir_ / "err").string();
    const std::string cmd = "NO_COLOR=1 TINYKG_STORE= " + std::string(TINYKG_CLI) + " --store '" +
                            Store() + "' " + args + " </dev/null >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    CliRun r;
    // The shell reports a child killed by signal N as exit status 128+N.
    r.exited = WIFEXITED(status) && WEXITSTATUS(status) < 128;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }

  std::string Store() const { return (dir_ / "store").string(); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string Real(const std::string& name) const { return testing::WotDir() + "/td/valid/real/" + name; }

  fs::path dir_;
};

std::string Nested(char open, char close, int depth, const std::string& inner) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open == '{' ? std::string("{\"x\":") : std::string(1, open);
  s += inner;
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

std::string MinimalTd(const std::string& members) {
  return "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"urn:deep\", \"title\": \"Deep\","
         " \"securityDefinitions\": {\"nosec_sc\": {\"scheme\": \"nosec\"}}, \"security\": \"nosec_sc\"" +
         members + "}";
}

// std::regex recursed once per character of a string the schemas match a
// "pattern" against: a 200,000-character icon "sizes", security "scheme" or
// "created" date overflowed the stack (exit 139; a PUT killed the server),
// and 20,000 characters took 21 s. Past kMaxPatternText (256 code points)
// such a string is invalid for its length; up to it, matched as before.
TEST_F(ImportCli, ImportTd_HugeStringsUnderAPattern_AreRefusedNotACrash) {
  const std::string huge(200000, '1');
  const struct {
    std::string name;
    std::string members;
    std::string pointer;
  } cases[] = {
      {"sizes.json", ", \"links\": [{\"rel\": \"icon\", \"href\": \"i.png\", \"sizes\": \"" + huge + "\"}]",
       "#/links/0/sizes"},
      {"created.json", ", \"created\": \"" + huge + "\"", "#/created"},
  };
  for (const auto& c : cases) {
    const std::string file = Write(c.name, MinimalTd(c.members));
    const CliRun r = Tinykg("import td --dry-run " + file);
    ASSERT_TRUE(r.exited) << c.name;
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.err.substr(0, 300);
    EXPECT_NE(r.err.find(c.name + c.pointer), std::string::npos) << r.err.substr(0, 300);
    EXPECT_NE(r.err.find("no more than 256 characters"), std::string::npos) << r.err.substr(0, 300);
  }
  // The scheme of a security definition: "a:" and 254 more is matched (valid),
  // one more character is not.
  const std::string fits = "a:" + std::string(254, 'b');
  const auto scheme = [](const std::string& s) {
    return "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"urn:s\", \"title\": \"S\", "
           "\"securityDefinitions\": {\"s\": {\"scheme\": \"" + s + "\"}}, \"security\": \"s\"}";
  };
  const CliRun ok = Tinykg("import td --dry-run " + Write("fits.json", scheme(fits)));
  EXPECT_EQ(ok.exit_code, 0) << ok.err.substr(0, 300);
  const CliRun over = Tinykg("import td --dry-run " + Write("over.json", scheme(fits + "b")));
  EXPECT_EQ(over.exit_code, 1) << over.err.substr(0, 300);
  EXPECT_NE(over.err.find("over.json#/securityDefinitions/s/scheme"), std::string::npos) << over.err.substr(0, 300);
}

// 5,000 nested objects or arrays (25 KB) overflowed the stack (exit 139).
TEST_F(ImportCli, ImportTd_DeepNesting_IsRefusedWithPointer_NotACrash) {
  const std::string objects =
      Write("objects.json", MinimalTd(", \"properties\": {\"p\": " + Nested('{', '}', 5000, "1") + "}"));
  const std::string arrays = Write("arrays.json", MinimalTd(", \"links\": " + Nested('[', ']', 5000, "1")));
  for (const std::string& file : {objects, arrays}) {
    for (const char* mode : {"--dry-run --format nquads ", ""}) {
      const CliRun r = Tinykg(std::string("import td ") + mode + file);
      ASSERT_TRUE(r.exited) << "crashed: " << file;
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("nesting deeper than 256 levels"), std::string::npos) << r.err;
    }
  }
  // The pointer names where level 257 opens.
  const CliRun r = Tinykg("import td --dry-run " + objects);
  std::string pointer = "#/properties/p";
  for (int i = 0; i < 256 - 2; ++i) pointer += "/x";
  EXPECT_NE(r.err.find(pointer + ": nesting"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_EQ(r.err.find(pointer + "/x: nesting"), std::string::npos);
}

// Depth 256 itself is read to the end (parse, schema, expansion, toRdf).
TEST_F(ImportCli, ImportTd_DepthLimitItselfIsAccepted) {
  // properties -> p -> properties -> q ... : two levels per data schema.
  // The innermost schema sits at depth 5 (the TD, "properties", "p",
  // "properties", "q"); each wrapping schema adds two levels; its "enum"
  // array is one more.
  std::string schema = "{\"type\": \"string\", \"enum\": [\"a\"]}";
  int depth = 5;
  while (depth + 2 < kMaxJsonDepth) {
    schema = "{\"type\": \"object\", \"properties\": {\"q\": " + schema + "}}";
    depth += 2;
  }
  ASSERT_EQ(depth + 1, kMaxJsonDepth);
  const std::string file = Write("limit.json", MinimalTd(", \"properties\": {\"p\": {\"type\": \"object\", "
                                                         "\"forms\": [{\"href\": \"http://example.org/p\"}], "
                                                         "\"properties\": {\"q\": " + schema + "}}}"));
  ASSERT_TRUE(CheckJsonText(*ReadFile(file), file).ok());
  const CliRun r = Tinykg("import td --dry-run --format nquads " + file);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 600);
  EXPECT_GT(r.out.size(), 1000u);
}

TEST_F(ImportCli, ImportBoard_DeepNesting_IsRefused) {
  const std::string board = Write("deep-board.json", "{\"build\": " + Nested('[', ']', 5000, "0") + "}");
  const CliRun r = Tinykg("import board --dry-run " + board);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("deep-board.json:1:266#/build/0/0/0"), std::string::npos) << r.err.substr(0, 300);
  EXPECT_NE(r.err.find("nesting deeper than 256 levels"), std::string::npos);
}

TEST_F(ImportCli, ImportTd_DeepContextFile_IsRefused) {
  fs::create_directories(dir_ / "contexts");
  Write("contexts/deep.jsonld", "{\"@context\": {\"t\": " + Nested('{', '}', 5000, "null") + "}}");
  Write("contexts/index.json", "{\"https://example.org/deep-context\": \"deep.jsonld\"}");
  const std::string td = Write(
      "td.json", "{\"@context\": [\"https://www.w3.org/2022/wot/td/v1.1\", \"https://example.org/deep-context\"], "
                 "\"id\": \"urn:ctx\", \"title\": \"T\", \"securityDefinitions\": {\"n\": {\"scheme\": \"nosec\"}}, "
                 "\"security\": \"n\"}");
  const CliRun r = Tinykg("import td --dry-run --context-dir " + (dir_ / "contexts").string() + " " + td);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nesting deeper than 256 levels"), std::string::npos) << r.err.substr(0, 300);
}

// A NUL byte ended nlohmann's input: a board file or a context file with
// one was read up to it and the rest ignored (exit 0).
TEST_F(ImportCli, ImportBoard_NulByte_IsRefused) {
  const std::string real = *ReadFile(std::string(TINYKG_SHARED_DATA) + "/boards/platformio/ststm32/disco_f769ni.json");
  const std::string board = Write("nul-board.json", real + std::string(1, '\0') + "{\"junk");
  const CliRun r = Tinykg("import board --dry-run " + board);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nul-board.json:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a NUL byte at byte " + std::to_string(real.size())), std::string::npos) << r.err;
}

TEST_F(ImportCli, ImportTd_ContextFileWithANulByte_IsRefused) {
  fs::create_directories(dir_ / "contexts");
  Write("contexts/nul.jsonld", std::string("{\"@context\": {\"t\": \"https://example.org/t\"}}") + '\0' + "]]");
  Write("contexts/index.json", "{\"https://example.org/nul-context\": \"nul.jsonld\"}");
  const std::string td = Write(
      "td.json", "{\"@context\": [\"https://www.w3.org/2022/wot/td/v1.1\", \"https://example.org/nul-context\"], "
                 "\"id\": \"urn:ctx\", \"title\": \"T\", \"securityDefinitions\": {\"n\": {\"scheme\": \"nosec\"}}, "
                 "\"security\": \"n\"}");
  const CliRun r = Tinykg("import td --dry-run --context-dir " + (dir_ / "contexts").string() + " " + td);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nul.jsonld"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a NUL byte at byte 44"), std::string::npos) << r.err;
}

// Bad UTF-8 reached the store and made JSON output abort (exit 134).
// Found by serve_fuzz_routes (session 12): a TD, a NUL byte, then bytes
// ending in a backslash. The validator's scan for escapes stepped past the
// end of the text (a heap read past it, exit 139), and the document was
// accepted, because nlohmann's lexer takes a NUL for the end of the input.
TEST_F(ImportCli, ImportTd_NulThenTrailingBytes_IsRefusedNotACrash) {
  const std::string td = MinimalTd("");
  const std::string path = Write("nul.json", td + std::string(1, '\0') + "junk\\");
  const CliRun r = Tinykg("import td --dry-run " + path);
  ASSERT_TRUE(r.exited) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nul.json:1:" + std::to_string(td.size() + 1) + ": a NUL byte at byte " +
                       std::to_string(td.size())),
            std::string::npos)
      << r.err;
  // The backslash alone at the end of an otherwise valid TD's text.
  const std::string tail = Write("tail.json", td + " \\");
  const CliRun t = Tinykg("import td --dry-run " + tail);
  ASSERT_TRUE(t.exited) << t.err;
  EXPECT_EQ(t.exit_code, 1) << t.err;
}

TEST_F(ImportCli, ImportTd_InvalidUtf8_IsRefusedWithFileAndByteOffset) {
  std::string text = *ReadFile(Real("2018__testing__tests__2019-05__inputs__ERCIM__arena__ecg.json"));
  const size_t title = text.find("\"title\"");
  ASSERT_NE(title, std::string::npos);
  const size_t offset = text.find('"', title + 8) + 1;  // first byte of the title's value
  text.insert(offset, "\xC3\x28");                      // a lead byte without its continuation
  const std::string file = Write("bad-utf8.json", text);
  const CliRun r = Tinykg("import td " + file);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("invalid UTF-8 at byte " + std::to_string(offset)), std::string::npos) << r.err;
  EXPECT_TRUE(CheckJsonText("\"" + r.err + "\"", "stderr").ok()) << "the message itself must be UTF-8";
  const CliRun graphs = Tinykg("graphs");
  EXPECT_EQ(graphs.out.find("arena"), std::string::npos) << graphs.out;

  const std::string board = Write("bad-board.json", "{\"name\": \"x\xFF\", \"build\": {}}");
  const CliRun b = Tinykg("import board --dry-run " + board);
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("invalid UTF-8 at byte 11"), std::string::npos) << b.err;
}

// 18 real Oracle TDs share urn:com:blue:pump:data; they replaced each other
// silently and the summary said "imported 344" for 222 graphs.
TEST_F(ImportCli, ImportTd_DuplicateIdInBatch_IsAnErrorNamingBothFiles) {
  const std::string first = Real("2018__testing__tests__2019-05__inputs__Oracle__Blue_Pump_Oauth2.jsonld");
  const std::string second =
      Real("2018__testing__tests__2019-05__inputs__Oracle__oracle-simulators__BluePump-Full-TD.jsonld");
  const std::string other = Real("2018__testing__tests__2019-05__inputs__ERCIM__arena__ecg.json");
  CliRun r = Tinykg("import td " + other + " " + first + " " + second);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(second + "#/id: id <urn:com:blue:pump:data> is already the id of " +
                       first),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nothing imported"), std::string::npos);
  EXPECT_EQ(Tinykg("graphs").out.find("urn:"), std::string::npos) << "the batch wrote something";

  // Dry runs check the same.
  EXPECT_EQ(Tinykg("import td --dry-run " + first + " " + second).exit_code, 1);

  // --keep-going: a warning, and the later file wins.
  r = Tinykg("import td --keep-going " + other + " " + first + " " + second);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: " + second + ": id <urn:com:blue:pump:data> is also the id of " + first),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("imported 2 document(s): 2 created, 0 replaced, 0 rejected, 1 superseded"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Tinykg("export td urn:com:blue:pump:data").out, *ReadFile(second));

  // Replaced = the graph existed before the batch.
  r = Tinykg("import td " + first);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("imported 1 document(s): 0 created, 1 replaced, 0 rejected"), std::string::npos) << r.err;
}

// The dry run printed the toRdf output only; the statements a real import
// writes include the device facts stated on the command line.
TEST_F(ImportCli, ImportTd_DryRunNquads_ShowsStatedDeviceFacts) {
  const std::string td = Write(
      "facts.json",
      R"({"@context": "https://www.w3.org/2022/wot/td/v1.1", "id": "urn:dev:facts", "@type": "Thing",)"
      R"( "title": "Facts", "securityDefinitions": {"nosec_sc": {"scheme": "nosec"}}, "security": "nosec_sc"})");
  const CliRun r = Tinykg("import td --dry-run --format nquads --free-ram 100kB " + td);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<urn:dev:facts> <https://w3id.org/tinykg/ontology#freeRamBytes> "
                       "\"100000\"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:dev:facts> .\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("<urn:dev:facts> <https://www.w3.org/2019/wot/td#title> \"Facts\"@en <urn:dev:facts> .\n"),
            std::string::npos)
      << r.out;
}

// The N-Quads of a dry run are held back and written at the end; a standard
// output that cannot take them (a full disk) must not end in exit 0.
TEST_F(ImportCli, ImportTd_DryRunNquads_FullStdoutIsAnError) {
  const std::string err = (dir_ / "err").string();
  const std::string td = Real("plugfest__2019-tpac-fukuoka__TDs__Oracle__HVAC_TUM.jsonld");
  const std::string cmd = "NO_COLOR=1 TINYKG_STORE= " + std::string(TINYKG_CLI) + " --store '" + Store() +
                          "' import td --dry-run --format nquads '" + td + "' </dev/null >/dev/full 2>" + err;
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(Slurp(err).find("cannot write the N-Quads to standard output"), std::string::npos) << Slurp(err);
}

// --ignore-context IRI a b c took the files as more IRIs and imported c only.
TEST_F(ImportCli, MultiValueOption_StopsAtTheNextPositional) {
  const std::string dir = testing::WotDir() + "/td/valid/real/";
  const std::string a = dir + "2022__TD__WebThings__TDs__actions-events-thing.td.jsonld";
  const std::string b = dir + "2022__TD__WebThings__TDs__air-quality-sensor.td.jsonld";
  const std::string c = dir + "2022__TD__WebThings__TDs__alarm.td.jsonld";
  const CliRun r = Tinykg("import td --dry-run --ignore-context https://webthings.io/schemas " + a + " " + b + " " + c);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& f : {a, b, c}) EXPECT_NE(r.out.find(f), std::string::npos) << f << "\n" << r.out;
  // The option still repeats.
  const CliRun twice = Tinykg("import td --dry-run --ignore-context https://webthings.io/schemas "
                           "--ignore-context https://example.org/unused " + a);
  EXPECT_EQ(twice.exit_code, 0) << twice.err;

  // Same for every command: import model --sensor X a b imports both.
  const std::string models = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/";
  std::vector<std::string> tflite;
  for (const auto& e : fs::directory_iterator(models)) {
    if (e.path().extension() == ".tflite") tflite.push_back(e.path().string());
  }
  std::sort(tflite.begin(), tflite.end());
  ASSERT_GE(tflite.size(), 2u);
  const CliRun m = Tinykg("import model --dry-run --format json --sensor Microphone " + tflite[0] + " " + tflite[1]);
  EXPECT_EQ(m.exit_code, 0) << m.err;
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NE(m.out.find(fs::path(tflite[i]).stem().string()), std::string::npos) << m.out.substr(0, 400);
  }
}

TEST_F(ImportCli, Progress_OnlyWhenStderrIsATerminal) {
  const std::string dir = testing::WotDir() + "/td/valid/playground_core";
  const CliRun piped = Tinykg("import td --dry-run " + dir + "/MinimalThing.json " + dir + "/baseUri.json");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos);
  EXPECT_EQ(piped.err.find("documents"), std::string::npos) << piped.err;
  // Under a pseudo-terminal (script(1)) the line appears.
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
  const std::string log = (dir_ / "tty.log").string();
  const std::string cmd = "script -qec \"" + std::string(TINYKG_CLI) + " --store '" + Store() +
                          "' import td --dry-run " + dir + "/MinimalThing.json " + dir + "/baseUri.json" +
                          " >/dev/null\" " + log + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string tty = Slurp(log);
  EXPECT_NE(tty.find("tinykg: reading 2/2 documents"), std::string::npos) << tty;
}

}  // namespace
}  // namespace tinykg::td
