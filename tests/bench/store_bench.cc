// Store benchmark: load N-Triples files into a tinykg Store and time queries.
//
//   tinykg_store_bench --backend disk|memory|hashes [--dir DIR] [--repeat N]
//                      [--query NAME=FILE.rq ...] [--replace TD.nt --times K]
//                      DATA.nt ...
//
// Prints one JSON object per line: {"event":"load",...} then one
// {"event":"query",...} per query with the median of N runs, then with
// --replace one {"event":"replace",...}: the median and p99 of K writes that
// each replace one named graph (a Thing Description's triples and its text)
// in the loaded store. Queries go
// through the same guard as `tinykg query` (tinykg::rdf::RunQuery). Driven by store_bench.sh, which
// runs Oxigraph on the same data and prints the ratios.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tinykg/base/file.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Fail(const tinykg::Status& s) {
  std::fprintf(stderr, "store_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string backend = "disk", dir = "/tmp/tinykg-store-bench";
  int repeat = 5;
  std::vector<std::pair<std::string, std::string>> queries;
  std::vector<std::string> files;
  std::string replace_file;
  int replace_times = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--backend") backend = next();
    else if (a == "--dir") dir = next();
    else if (a == "--repeat") repeat = std::max(1, std::atoi(next().c_str()));
    else if (a == "--replace") replace_file = next();
    else if (a == "--times") replace_times = std::max(1, std::atoi(next().c_str()));
    else if (a == "--query") {
      std::string q = next();
      size_t eq = q.find('=');
      if (eq == std::string::npos) return Fail(tinykg::InvalidArgument("--query NAME=FILE"));
      queries.emplace_back(q.substr(0, eq), q.substr(eq + 1));
    } else {
      files.push_back(a);
    }
  }
  std::string spec = backend == "memory" ? "memory:" : backend == "hashes" ? "hashes:" + dir : dir;
  if (backend != "memory") std::filesystem::remove_all(dir);

  auto t0 = Clock::now();
  auto store = tinykg::rdf::Store::Open(spec);
  if (!store.ok()) return Fail(store.status());
  std::vector<tinykg::rdf::GraphDocument> docs;
  size_t triples = 0;
  for (const auto& f : files) {
    auto text = tinykg::ReadFile(f);
    if (!text.ok()) return Fail(text.status());
    auto parsed = tinykg::rdf::ParseRdf(*text, tinykg::rdf::Syntax::kNTriples, tinykg::FileIri(f), f);
    if (!parsed.ok()) return Fail(parsed.status());
    tinykg::rdf::GraphDocument doc;
    doc.iri = tinykg::FileIri(f);
    doc.source = f;
    doc.triples = std::move(parsed).value();
    triples += doc.triples.size();
    docs.push_back(std::move(doc));
  }
  auto t1 = Clock::now();
  tinykg::Status put = (*store)->PutAll(docs);
  if (!put.ok()) return Fail(put);
  auto t2 = Clock::now();
  std::printf("{\"event\":\"load\",\"backend\":\"%s\",\"triples\":%zu,\"parse_ms\":%.1f,\"write_ms\":%.1f,"
              "\"triples_per_s\":%.0f}\n",
              backend.c_str(), triples, Ms(t1 - t0), Ms(t2 - t1),
              static_cast<double>(triples) / (Ms(t2 - t0) / 1000.0));
  std::fflush(stdout);

  for (const auto& [name, file] : queries) {
    auto text = tinykg::ReadFile(file);
    if (!text.ok()) return Fail(text.status());
    std::vector<double> times;
    size_t rows = 0;
    for (int r = 0; r < repeat; ++r) {
      auto q0 = Clock::now();
      auto result = tinykg::rdf::RunQuery(**store, *text);
      auto q1 = Clock::now();
      if (!result.ok()) return Fail(result.status());
      rows = result->rows.size();
      times.push_back(Ms(q1 - q0));
    }
    std::sort(times.begin(), times.end());
    std::printf("{\"event\":\"query\",\"backend\":\"%s\",\"query\":\"%s\",\"rows\":%zu,\"median_ms\":%.2f}\n",
                backend.c_str(), name.c_str(), rows, times[times.size() / 2]);
    std::fflush(stdout);
  }
  if (!replace_file.empty()) {
    auto text = tinykg::ReadFile(replace_file);
    if (!text.ok()) return Fail(text.status());
    auto parsed = tinykg::rdf::ParseRdf(*text, tinykg::rdf::Syntax::kNTriples, tinykg::FileIri(replace_file),
                                        replace_file);
    if (!parsed.ok()) return Fail(parsed.status());
    tinykg::rdf::GraphDocument doc;
    doc.iri = "urn:bench:replaced-thing";
    doc.kind = tinykg::rdf::kKindTd;
    doc.source = replace_file;
    doc.original_text = *text;
    doc.triples = std::move(parsed).value();
    std::vector<double> times;
    for (int r = 0; r < std::max(1, replace_times); ++r) {
      auto w0 = Clock::now();
      tinykg::Status s = (*store)->Put(doc);
      auto w1 = Clock::now();
      if (!s.ok()) return Fail(s);
      (void)(*store)->TakeWarnings();
      times.push_back(Ms(w1 - w0));
    }
    std::sort(times.begin(), times.end());
    std::printf("{\"event\":\"replace\",\"backend\":\"%s\",\"triples\":%zu,\"times\":%zu,\"median_ms\":%.3f,"
                "\"p99_ms\":%.3f}\n",
                backend.c_str(), doc.triples.size(), times.size(), times[times.size() / 2],
                times[std::min(times.size() - 1, times.size() * 99 / 100)]);
    std::fflush(stdout);
  }
  store->reset();  // close the store files before removing them
  if (backend != "memory") std::filesystem::remove_all(dir);
  return 0;
}
