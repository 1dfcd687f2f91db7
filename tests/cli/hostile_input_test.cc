// The `tinykg` command under hostile or careless input (issue 15): queries
// that would leave the store, graph IRIs in tinykg's own namespace, a TD over
// another kind of graph, directories where files are expected.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "listener.h"
#include "run.h"

namespace tinykg::testing {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("tinykg-hostile-" + std::to_string(getpid()) + "-" + name)).string();
  std::ofstream(path) << text;
  return path;
}

std::string Td(const std::string& id) {
  return "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"" + id +
         "\", \"title\": \"Lamp\", \"securityDefinitions\": {\"nosec_sc\": {\"scheme\": \"nosec\"}}, "
         "\"security\": \"nosec_sc\", \"properties\": {\"on\": {\"type\": \"boolean\", "
         "\"forms\": [{\"href\": \"http://192.0.2.1/on\"}]}}}";
}

void Settle() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

// Finding 1: `tinykg query` with SERVICE fetched the URL.
TEST(HostileCli, Query_Service_ExitsTwo_AndFetchesNothing) {
  CountingListener listener;
  TempStore store("service");
  const std::string q = "'SELECT ?s WHERE { SERVICE <" + listener.url() + "> { ?s ?p ?o } }'";
  CliRun r = Tinykg(store.path(), "query " + q);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("tinykg: error: SERVICE is refused"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--allow-service"), std::string::npos) << r.err;
  CliRun raw = Tinykg(store.path(), "query --raw " + q);
  EXPECT_EQ(raw.exit_code, 2) << raw.err;
  CliRun file = Tinykg(store.path(), "query -f -", "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }");
  EXPECT_EQ(file.exit_code, 2) << file.err;
  Settle();
  EXPECT_EQ(listener.connections(), 0);
}

// --allow-service hands the decision to a trusted local user: the query
// runs as written (here it does reach the listener).
TEST(HostileCli, Query_AllowService_RunsTheFederatedQuery) {
  if (!TestServerSpec().empty()) GTEST_SKIP() << "SERVICE by Virtuoso is its own configuration";
  CountingListener listener;
  TempStore store("allow");
  ASSERT_EQ(Tinykg(store.path(), "-q load " + WriteTemp("a.ttl", "<http://ex/a> <http://ex/p> 1 .\n")).exit_code, 0);
  CliRun r = Tinykg(store.path(), "query --allow-service 'SELECT ?s WHERE { SERVICE <" + listener.url() +
                                      "> { ?s ?p ?o } }'");
  Settle();
  EXPECT_GE(listener.connections(), 1) << r.err;
}

// Finding 4: user input could overwrite or drop tinykg's own graphs.
TEST(HostileCli, ReservedGraphs_AreRefusedOnEveryWritePath) {
  TempStore store("reserved");
  ASSERT_EQ(Tinykg(store.path(), "-q init").exit_code, 0);
  CliRun before = Tinykg(store.path(), "graphs --format csv");
  ASSERT_EQ(before.exit_code, 0);
  const std::string ttl = WriteTemp("r.ttl", "<http://ex/a> <http://ex/p> 1 .\n");
  for (const std::string& iri : std::vector<std::string>{"urn:tinykg:catalog", "urn:tinykg:inferred:http://ex/g", "URN:TINYKG:catalog"}) {
    CliRun load = Tinykg(store.path(), "load " + ttl + " --graph '" + iri + "'");
    EXPECT_EQ(load.exit_code, 2) << load.err;
    EXPECT_NE(load.err.find("reserves"), std::string::npos) << load.err;
    CliRun drop = Tinykg(store.path(), "graphs --drop '" + iri + "'");
    EXPECT_EQ(drop.exit_code, 2) << drop.err;
    const std::string td = WriteTemp("td.json", Td(iri));
    CliRun import = Tinykg(store.path(), "import td " + td);
    EXPECT_EQ(import.exit_code, 1) << import.err;
    EXPECT_NE(import.err.find("reserves"), std::string::npos) << import.err;
    CliRun dry = Tinykg(store.path(), "import td --dry-run " + td);
    EXPECT_EQ(dry.exit_code, 1) << dry.err;
    std::filesystem::remove(td);
  }
  CliRun after = Tinykg(store.path(), "graphs --format csv");
  EXPECT_EQ(after.out, before.out);
  std::filesystem::remove(ttl);
}

// Finding 4: `import td` silently replaced an ontology or kg graph.
TEST(HostileCli, ImportTd_RefusesToReplaceAnotherKindOfGraph) {
  TempStore store("kind");
  const std::string ttl = WriteTemp("k.ttl", "<http://ex/a> <http://ex/p> 1 .\n");
  ASSERT_EQ(Tinykg(store.path(), "-q load " + ttl + " --graph urn:example:data").exit_code, 0);
  const std::string td = WriteTemp("k.json", Td("urn:example:data"));
  CliRun r = Tinykg(store.path(), "import td " + td);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is not a Thing Description (kind kg)"), std::string::npos) << r.err;
  CliRun graphs = Tinykg(store.path(), "graphs --format csv");
  EXPECT_NE(graphs.out.find("urn:example:data,kg,1"), std::string::npos) << graphs.out;
  // A TD replaces a TD.
  const std::string other = WriteTemp("k2.json", Td("urn:example:lamp"));
  ASSERT_EQ(Tinykg(store.path(), "-q import td " + other).exit_code, 0);
  EXPECT_EQ(Tinykg(store.path(), "-q import td " + other).exit_code, 0);
  for (const auto& f : {ttl, td, other}) std::filesystem::remove(f);
}

// Finding 5: a directory where a file is expected aborted with exit 134.
TEST(HostileCli, DirectoryWhereAFileIsExpected_IsAnErrorNotAnAbort) {
  TempStore store("dirs");
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("tinykg-hostile-dir-" + std::to_string(getpid()) + ".ttl")).string();
  std::filesystem::create_directories(dir);
  for (const std::string& args : std::vector<std::string>{"load " + dir, "query -f " + dir, "import model " + dir,
                                 "import model --dry-run --format json " + dir, "load --format turtle " + dir}) {
    CliRun r = Tinykg(store.path(), args);
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << args << ": exit " << r.exit_code << " " << r.err;
    EXPECT_NE(r.err.find("is a directory"), std::string::npos) << args << ": " << r.err;
  }
  std::filesystem::remove(dir);
}

// `load --graph` took any text as the graph's IRI: spaces, '>', a relative
// name, bad UTF-8; each now exits 2 and the store is as before.
TEST(HostileCli, LoadGraph_IllFormedIri_IsRefusedAndNothingLoaded) {
  TempStore store("graph-iris");
  const std::string ttl = WriteTemp("g.ttl", "<http://ex/a> <http://ex/p> \"x\" .\n");
  for (const std::string& graph : {std::string("'urn:a b'"), std::string("'urn:a>b'"), std::string("relative"),
                                   std::string("\"$(printf 'urn:\\377')\"")}) {
    CliRun r = Tinykg(store.path(), "load --graph " + graph + " " + ttl);
    EXPECT_EQ(r.exit_code, 2) << graph << ": " << r.err;
    EXPECT_TRUE(r.err.find("is not an absolute IRI") != std::string::npos ||
                r.err.find("is not valid UTF-8") != std::string::npos)
        << graph << ": " << r.err;
  }
  CliRun graphs = Tinykg(store.path(), "graphs --format csv");
  EXPECT_EQ(graphs.out.find("g.ttl"), std::string::npos) << graphs.out;
  EXPECT_EQ(graphs.out.find("urn:a"), std::string::npos) << graphs.out;
  std::filesystem::remove(ttl);
}

// Arguments and query files are text: a search word or a query literal with
// a byte that is not UTF-8 ran as it was (no hit, no error). A file name
// that is not UTF-8 but exists is still a file.
TEST(HostileCli, ArgumentsAndQueryFilesThatAreNotUtf8_AreRefused) {
  TempStore store("utf8-args");
  for (const std::string& args : {std::string("search \"$(printf 'a\\377b')\""),
                                  std::string("query \"$(printf 'ASK { ?s ?p \\\"\\377\\\" }')\""),
                                  std::string("match --model=\"$(printf 'm\\300')\"")}) {
    CliRun r = Tinykg(store.path(), args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find("is not valid UTF-8 at byte"), std::string::npos) << args << ": " << r.err;
  }
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("tinykg-utf8-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/q\xff.rq") << "ASK { ?s ?p ?o }\n";
  std::ofstream(dir + "/bad.rq") << "ASK { ?s ?p \"\xff\" }\n";
  CliRun named = Tinykg(store.path(), "query -f \"$(printf '" + dir + "/q\\377.rq')\"");
  EXPECT_EQ(named.exit_code, 0) << named.err;
  // So is a file to create, by an option that names one.
  CliRun written = Tinykg(store.path(), "report --format md -o \"$(printf '" + dir + "/r\\351.md')\"");
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/r\xe9.md"));
  CliRun bad = Tinykg(store.path(), "query -f " + dir + "/bad.rq");
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_NE(bad.err.find("bad.rq"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("UTF-8"), std::string::npos) << bad.err;
  std::filesystem::remove_all(dir);
}

// A device where a file is expected: /dev/zero never ends, and `query -f`,
// `import model` read it whole until memory ran out; `import td` said "no
// such file or directory". Each now names the kind and exits at once.
TEST(HostileCli, DeviceWhereAFileIsExpected_IsAnErrorNamingIt) {
  TempStore store("devices");
  const std::string link = (std::filesystem::temp_directory_path() /
                            ("tinykg-hostile-zero-" + std::to_string(getpid()) + ".tflite")).string();
  std::filesystem::remove(link);
  std::filesystem::create_symlink("/dev/zero", link);
  for (const std::string& args : std::vector<std::string>{"query -f /dev/zero", "import model " + link,
                                 "import model --dry-run --format json /dev/zero", "import td /dev/zero",
                                 "import board /dev/urandom", "load --format turtle /dev/zero"}) {
    CliRun r = Tinykg(store.path(), args);
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << args << ": exit " << r.exit_code << " " << r.err;
    EXPECT_NE(r.err.find("is a device, not a file"), std::string::npos) << args << ": " << r.err;
  }
  std::filesystem::remove(link);
}

// Text from a TD reached the terminal raw in the table format (graphs, query; the tables of
// match, search and the rest: TableFormat.ControlCharactersAreShown): escape
// sequences in a title could clear the screen, set the window title, move the cursor.
TEST(HostileCli, TableOutputShowsControlCharactersOfTdText) {
  TempStore store("terminal");
  std::string td = Td("urn:dev:escape");
  td.replace(td.find("\"Lamp\""), 6, "\"Lamp \\u001b[2J\\u001b]0;pwned\\u0007 lamp\"");
  ASSERT_EQ(Tinykg(store.path(), "-q import td " + WriteTemp("escape.td.json", td)).exit_code, 0);
  for (const std::string& args : std::vector<std::string>{
           "graphs", "query 'SELECT ?t WHERE { ?s <https://www.w3.org/2019/wot/td#title> ?t }'"}) {
    CliRun r = Tinykg(store.path(), args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << args << ": " << r.out;
    EXPECT_NE(r.out.find("\\x1b]0;pwned\\x07"), std::string::npos) << args << ": " << r.out;
  }
}

// Numeric options took any number: --lr nan, inf or -1 trained into NaN
// weights and exited 0, --channels 0 and --round-size 0 ran (0 read as "the
// default"), --shift 1000 moved every drawing out of its frame, serve --port
// 99999 said "serving on http://127.0.0.1:99999/", --threads 0 and --max-body
// -1 were taken, bench add stored a latency of -3 ms. Each is a
// usage error now, before any data is read. (train --data /dev/zero is the
// device case's; the CSV reader refuses it.)
TEST(HostileCli, NumericOptionsOutOfRange_AreUsageErrors) {
  TempStore store("train-args");
  for (const std::string& args : std::vector<std::string>{
           "train --data omniglot --lr nan", "train --data omniglot --meta-lr inf", "train --data sine --lr -1",
           "train --data sine --lr 1e39", "train --data sine --lr 1e-46",
           "train --data omniglot --eval-lr 0", "train --data omniglot --channels 0",
           "train --data omniglot --round-size 0", "train --data omniglot --steps 1.5",
           "train --data omniglot --eval-steps -5", "train --data omniglot --shift 1000",
           "train --data omniglot --momentum 1", "train --data omniglot --also-shots 5,0",
           "train --data sine --hidden 40,0", "fleet train --count 2 --lr nan",
           "fleet train --count 2 --rounds 0", "train --data /dev/zero --label L --method online",
           "serve --port 99999", "serve --threads 0", "serve --max-body -1", "search lamp --limit -1",
           "match --model x --max-latency-ms nan", "query --timeout -1 'ASK {}'",
           "bench add --model x --metric latency --value -3 --method published --device y"}) {
    CliRun r = Tinykg(store.path(), args);
    const bool device = args.find("/dev/zero") != std::string::npos;
    EXPECT_EQ(r.exit_code, device ? 1 : 2) << args << ": " << r.err;
    const bool range = args.find("--shift") != std::string::npos || args.find("--momentum") != std::string::npos ||
                       args.find("--port") != std::string::npos || args.find("--threads") != std::string::npos;
    const bool value = args.find("--value") != std::string::npos;
    EXPECT_NE(r.err.find(device  ? "is a device, not a file"
                         : range ? "not in range"
                         : value ? "--value must be a finite number >= 0"
                                 : "is not a"),
              std::string::npos)
        << args << ": " << r.err;
  }
}

}  // namespace
}  // namespace tinykg::testing
