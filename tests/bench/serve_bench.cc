// One load-test client of `tinykg serve`: N requests on one keep-alive
// connection, a fixed mix of reads and writes, each answer checked.
//
//   tinykg_serve_bench --port P --client K --requests N --td FILE [--write-percent W]
//
// Writes go to this client's own ids (urn:bench:K:i), so two clients never
// race on one TD and every expected status is known. Prints one JSON line:
// {"client", "requests", "errors", "seconds", "latencies_us": [...]}.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string Encode(const std::string& id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : id) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, client = 0, requests = 5000, write_percent = 30;
  std::string td_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--port") port = std::stoi(value);
    else if (flag == "--client") client = std::stoi(value);
    else if (flag == "--requests") requests = std::stoi(value);
    else if (flag == "--write-percent") write_percent = std::stoi(value);
    else if (flag == "--td") td_file = value;
  }
  if (port <= 0 || td_file.empty() || requests <= 0) {
    std::cerr << "usage: tinykg_serve_bench --port P --client K --requests N --td FILE [--write-percent W]\n";
    return 2;
  }
  std::ifstream in(td_file);
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::ordered_json td = nlohmann::ordered_json::parse(ss.str(), nullptr, false);
  if (td.is_discarded() || !td.is_object()) {
    std::cerr << "serve_bench: " << td_file << " is not a JSON object\n";
    return 2;
  }

  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);
  http.set_read_timeout(std::chrono::seconds(30));
  std::mt19937 rng(static_cast<unsigned>(client) * 7919u + 1u);
  std::uniform_int_distribution<int> percent(0, 99);
  const std::string prefix = "urn:bench:" + std::to_string(client) + ":";
  const std::string select = Encode(
      "PREFIX td: <https://www.w3.org/2019/wot/td#> SELECT ?t ?title WHERE { ?t td:title ?title } LIMIT 20");
  std::vector<std::string> live;  // ids this client has written and not deleted
  int next_id = 0;
  int errors = 0;
  std::vector<long> latencies;
  latencies.reserve(static_cast<std::size_t>(requests));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < requests; ++i) {
    const int p = percent(rng);
    const auto t0 = std::chrono::steady_clock::now();
    int want = 200;
    httplib::Result r = [&]() -> httplib::Result {
    if (p < write_percent || live.empty()) {
      const int w = live.empty() ? 0 : percent(rng) % 3;
      if (w == 0 || live.size() < 4) {  // create
        const std::string id = prefix + std::to_string(next_id++);
        want = 201;
        td["id"] = id;
        td["title"] = "bench " + id;
        live.push_back(id);
        return http.Put("/things/" + Encode(id), td.dump(), "application/td+json");
      } else if (w == 1) {  // patch
        const std::string& id = live[static_cast<std::size_t>(percent(rng)) % live.size()];
        want = 204;
        return http.Patch("/things/" + Encode(id), R"({"description": "patched )" + std::to_string(i) + "\"}",
                       "application/merge-patch+json");
      } else {  // delete
        const std::size_t k = static_cast<std::size_t>(percent(rng)) % live.size();
        const std::string id = live[k];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        want = 204;
        return http.Delete("/things/" + Encode(id));
      }
    } else if (p < write_percent + 35) {
      return http.Get("/things/" + Encode(live[static_cast<std::size_t>(percent(rng)) % live.size()]));
    } else if (p < write_percent + 55) {
      return http.Get("/things?offset=0&limit=10");
    } else {
      return http.Get("/search/sparql?query=" + select);
    }
    }();
    const auto t1 = std::chrono::steady_clock::now();
    latencies.push_back(static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
    if (!r || r->status != want) {
      ++errors;
      if (errors <= 5) {
        std::cerr << "serve_bench: client " << client << " request " << i << ": "
                  << (r ? std::to_string(r->status) + " " + r->body.substr(0, 200) : httplib::to_string(r.error()))
                  << "\n";
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json out = {{"client", client}, {"requests", requests}, {"errors", errors},
                        {"seconds", seconds}, {"latencies_us", latencies}};
  std::cout << out.dump() << "\n";
  return 0;
}
