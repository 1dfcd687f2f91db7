// Crash safety of `tinykg import td`: a 2,000-TD import into the on-disk
// store is SIGKILLed at random points; afterwards the store opens and every TD
// is wholly present (same triples, same original text) or wholly absent, and
// what was in the store before the import is still there.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "corpus.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/store.h"

namespace tinykg::td {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kDocuments = 2000;
constexpr int kPreloaded = 50;  // in the store before each killed import
constexpr char kIdPrefix[] = "urn:example:kill-test:td:";

// kDocuments TDs made from the real plugfest TDs of the shared corpus, each
// with its own id (so each is its own graph); returns id -> file.
std::map<std::string, std::string> WriteCorpus(const fs::path& dir) {
  std::vector<nlohmann::json> seeds;
  for (const auto& f : testing::CorpusFiles("td/valid/real")) {
    // The UNIBO TDs with both "id" and "@id" are not JSON-LD (see import_test.cc).
    if (f.find("UNIBO") != std::string::npos) continue;
    auto text = ReadFile(f);
    // Mozilla WebThings TDs need `--ignore-context https://webthings.io/schemas`.
    if (!text.ok() || text->find("webthings.io/schemas") != std::string::npos) continue;
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_object() && !json.contains("@id")) seeds.push_back(std::move(json));
  }
  std::map<std::string, std::string> files;
  if (seeds.empty()) return files;
  fs::create_directories(dir);
  for (int i = 0; i < kDocuments; ++i) {
    nlohmann::json td = seeds[static_cast<size_t>(i) % seeds.size()];
    std::string id = kIdPrefix + std::to_string(i);
    td["id"] = id;
    fs::path file = dir / ("td-" + std::to_string(10000 + i) + ".jsonld");
    std::ofstream(file) << td.dump(2) << "\n";
    files[id] = file.string();
  }
  return files;
}

// Runs `tinykg --store DIR -q import td ARGS...`; returns the child's pid.
pid_t StartImport(const fs::path& store, const std::vector<std::string>& args) {
  pid_t child = fork();
  if (child != 0) return child;
  std::vector<std::string> argv = {TINYKG_CLI, "--store", store.string(), "-q", "import", "td"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) {
    dup2(devnull, 1);
    dup2(devnull, 2);
  }
  execv(TINYKG_CLI, c_argv.data());
  _exit(127);
}

int Wait(pid_t child) {
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

struct Reference {
  std::map<std::string, size_t> triples;  // graph -> triple count after a whole import
};

TEST(ImportTdCli, KilledImportOf2000TdsLeavesEachWhollyPresentOrAbsent) {
  const fs::path work = fs::path(TINYKG_BINARY_DIR) / "td_kill_test";
  fs::remove_all(work);
  const fs::path corpus = work / "corpus";
  const fs::path pre = work / "preloaded";
  auto files = WriteCorpus(corpus);
  ASSERT_EQ(files.size(), static_cast<size_t>(kDocuments)) << "no real TDs under " << testing::WotDir();
  // The first kPreloaded TDs also as their own folder: the store's state before
  // the import under test.
  fs::create_directories(pre);
  for (int i = 0; i < kPreloaded; ++i) {
    fs::copy_file(files[kIdPrefix + std::to_string(i)], pre / fs::path(files[kIdPrefix + std::to_string(i)]).filename());
  }

  // One whole import: how long it takes, and what every TD becomes.
  const fs::path whole = work / "whole";
  auto start = Clock::now();
  int status = Wait(StartImport(whole, {corpus.string()}));
  const auto duration = Clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the uninterrupted import failed";
  Reference ref;
  {
    auto store = rdf::Store::Open(whole.string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto graphs = (*store)->Graphs();
    ASSERT_TRUE(graphs.ok());
    for (const auto& g : *graphs) {
      if (g.iri.rfind(kIdPrefix, 0) == 0) ref.triples[g.iri] = static_cast<size_t>(g.triples);
    }
  }
  ASSERT_EQ(ref.triples.size(), static_cast<size_t>(kDocuments));

  std::mt19937 rng(20261122);
  const auto total_ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  int killed = 0;
  // Rounds go on until 5 kills hit a running import (at most 12): on a busy
  // machine one import may run faster than the reference one and finish
  // before its kill point.
  for (int round = 0; round < 12 && killed < 5; ++round) {
    const fs::path store_dir = work / ("round-" + std::to_string(round));
    ASSERT_TRUE(WIFEXITED(status = Wait(StartImport(store_dir, {pre.string()}))) && WEXITSTATUS(status) == 0);
    // Kill somewhere in the import: from process start-up to the final sync.
    const auto at = std::chrono::milliseconds(
        static_cast<long>(rng() % static_cast<unsigned>(std::max<long>(total_ms * 9 / 10, 1))));
    pid_t child = StartImport(store_dir, {corpus.string()});
    std::this_thread::sleep_for(at);
    kill(child, SIGKILL);
    status = Wait(child);
    if (WIFSIGNALED(status)) ++killed;

    auto store = rdf::Store::Open(store_dir.string());
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status().ToString();
    auto graphs = (*store)->Graphs();
    ASSERT_TRUE(graphs.ok());
    int present = 0;
    for (const auto& g : *graphs) {
      if (g.iri.rfind(kIdPrefix, 0) != 0) continue;
      ++present;
      auto doc = (*store)->Get(g.iri, true);
      ASSERT_TRUE(doc.ok()) << g.iri;
      EXPECT_EQ(doc->triples.size(), ref.triples[g.iri]) << "round " << round << ", " << g.iri << " is partial";
      EXPECT_EQ(doc->original_text, *ReadFile(files[g.iri])) << g.iri;
    }
    // One import is one transaction: the batch is there or the old state is.
    EXPECT_TRUE(present == kPreloaded || present == kDocuments)
        << "round " << round << " (killed after " << at.count() << " ms of ~" << total_ms << " ms): " << present
        << " TDs present";
    auto stats = (*store)->Stats();
    ASSERT_TRUE(stats.ok());
  }
  // At least some of the kills must have hit a running import.
  EXPECT_GE(killed, 3) << "the import finished before most kills; kill points are not exercising it";
  fs::remove_all(work);
}

}  // namespace
}  // namespace tinykg::td
