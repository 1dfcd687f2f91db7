// The embedded store through the command, as users meet it: a server and
// CLI commands on one store at once, a second writer that waits and says
// why, query deadlines, and store specs.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "run.h"
#include "temp_dir.h"

namespace tinykg::testing {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

const std::string kTd = std::string(TINYKG_SHARED_DATA) +
                        "/wot/td/valid/real/plugfest__2019-tpac-fukuoka__TDs__Oracle__HVAC_TUM.jsonld";
const std::string kTdId = "urn:com:oracle:iot:device:hvac:tum";

// `tinykg serve` holds the store for its whole life; meanwhile other
// processes read and write the same store, and each sees the other's writes.
TEST(StoreCli, ServeAndCliWorkOnOneStoreAtOnce) {
  TempDir dir("store-cli-serve");
  ASSERT_EQ(Tinykg(dir.str(), "-q init").exit_code, 0);
  std::string err = dir.str() + ".serve.err";
  std::string pid = Shell(std::string(TINYKG_CLI) + " --store '" + dir.str() +
                          "' serve --port 0 --bind 127.0.0.1 2>'" + err + "' >/dev/null & echo $!");
  ASSERT_FALSE(pid.empty());
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {
    std::string text = Slurp(err);
    size_t at = text.find("127.0.0.1:");
    if (at != std::string::npos) {
      size_t end = text.find('/', at + 10);
      port = text.substr(at + 10, end - at - 10);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_FALSE(port.empty()) << Slurp(err);
  const std::string base = "http://127.0.0.1:" + port;

  // A reader answers while the server holds the store.
  auto stats = Tinykg(dir.str(), "stats --format json");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  // A CLI write lands, and the server sees it.
  auto imported = Tinykg(dir.str(), "import td '" + kTd + "'");
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  std::string got = Shell("curl -s -o /dev/null -w '%{http_code}' '" + base + "/things/urn%3Acom%3Aoracle%3Aiot%3Adevice%3Ahvac%3Atum'");
  EXPECT_EQ(got, "200");
  // A server write lands, and the CLI sees it.
  std::string deleted = Shell("curl -s -o /dev/null -w '%{http_code}' -X DELETE '" + base +
                              "/things/urn%3Acom%3Aoracle%3Aiot%3Adevice%3Ahvac%3Atum'");
  EXPECT_EQ(deleted, "204");
  auto graphs = Tinykg(dir.str(), "graphs");
  EXPECT_EQ(graphs.exit_code, 0);
  EXPECT_EQ(graphs.out.find(kTdId), std::string::npos) << graphs.out;

  kill(std::stoi(pid), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  fs::remove(err);
}

// A second writer waits while another process writes, says who holds the
// store, and gives up at --lock-timeout with exit 3; readers go on.
TEST(StoreCli, SecondWriterSaysWhoWritesAndGivesUpAtItsBound) {
  TempDir dir("store-cli-lock");
  ASSERT_EQ(Tinykg(dir.str(), "-q init").exit_code, 0);
  // flock(1) holds the store's write lock, as a writing tinykg would (-o:
  // flock itself holds it, so killing flock frees it).
  std::string holder = Shell("flock -o '" + dir.str() + "/write.lock' sleep 30 >/dev/null 2>&1 & echo $!");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto write = Tinykg(dir.str(), "--lock-timeout 300 import td '" + kTd + "'");
  EXPECT_EQ(write.exit_code, 3) << write.err;
  EXPECT_NE(write.err.find("is being written by pid"), std::string::npos) << write.err;
  EXPECT_NE(write.err.find("--lock-timeout"), std::string::npos) << write.err;
  auto read = Tinykg(dir.str(), "stats");
  EXPECT_EQ(read.exit_code, 0) << read.err;
  kill(std::stoi(holder), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto again = Tinykg(dir.str(), "--lock-timeout 5000 import td '" + kTd + "'");
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// query --timeout ends a cross product of the shipped graph (hours of work)
// with a deadline error; the store answers the next command.
TEST(StoreCli, QueryTimeoutStopsARunawayQuery) {
  TempDir dir("store-cli-deadline");
  ASSERT_EQ(Tinykg(dir.str(), "-q init").exit_code, 0);
  auto r = Tinykg(dir.str(), "query --timeout 300 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("deadline exceeded"), std::string::npos) << r.err;
  auto next = Tinykg(dir.str(), "query 'ASK { ?s ?p ?o }'");
  EXPECT_EQ(next.exit_code, 0);
  EXPECT_NE(next.out.find("true"), std::string::npos);
}

TEST(StoreCli, BadStoreSpecsAreUsageErrors) {
  EXPECT_EQ(Tinykg("http://ex/store", "stats").exit_code, 2);
  EXPECT_EQ(Tinykg("hashes:", "stats").exit_code, 2);
  auto control = Tinykg("a\tb", "stats");
  EXPECT_EQ(control.exit_code, 2) << control.err;
}

}  // namespace
}  // namespace tinykg::testing
