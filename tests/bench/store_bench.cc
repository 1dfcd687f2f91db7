// Store benchmark: load N-Triples files into a tinykg Store and time queries.
//
//   tinykg_store_bench --backend disk|memory [--dir DIR] [--repeat N]
//                      --query NAME=FILE.rq ... DATA.nt ...
//
// Prints one JSON object per line: {"event":"load",...} then one
// {"event":"query",...} per query with the median of N runs. Queries go
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
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--backend") backend = next();
    else if (a == "--dir") dir = next();
    else if (a == "--repeat") repeat = std::max(1, std::atoi(next().c_str()));
    else if (a == "--query") {
      std::string q = next();
      size_t eq = q.find('=');
      if (eq == std::string::npos) return Fail(tinykg::InvalidArgument("--query NAME=FILE"));
      queries.emplace_back(q.substr(0, eq), q.substr(eq + 1));
    } else {
      files.push_back(a);
    }
  }
  std::string spec = backend == "memory" ? "memory:" : dir;
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
  store->reset();  // close the BerkeleyDB files before removing them
  if (backend != "memory") std::filesystem::remove_all(dir);
  return 0;
}
