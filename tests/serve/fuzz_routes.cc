// libFuzzer target for the HTTP side of `tinykg serve`: raw request bytes go
// through httplib's parser, the routes and tinykg's handlers
// (Server::ServeBytes, no socket) on a memory store holding one TD. A
// response must be HTTP, no handler may throw, and no exception text may
// reach the client. Event streams are off (they would never end).
//   build-fuzz/tests/serve/serve_fuzz_routes corpus-http ../tests/serve/fuzz_seeds -timeout=10
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "tinykg/rdf/store.h"
#include "tinykg/serve/server.h"

namespace {

// The store and server, made again every kInputsPerServer inputs: PUT and
// POST keep adding TDs, and a store that grew for millions of inputs would
// make every list and query slower (and the fuzzer's executions with them)
// without testing anything new.
constexpr int kInputsPerServer = 4096;

struct Served {
  std::unique_ptr<tinykg::rdf::Store> store;
  std::unique_ptr<tinykg::serve::Server> server;  // declared last: destroyed before the store
};

std::unique_ptr<Served> MakeServer() {
  auto served = std::make_unique<Served>();
  served->store = tinykg::rdf::Store::Open("memory:").value();
  tinykg::serve::ServerOptions options;
  options.port = 0;
  options.max_event_streams = 0;
  options.query_timeout_ms = 2000;
  options.context_dirs = {std::string(TINYKG_SOURCE_DIR) + "/ontology/contexts"};
  options.schema_dir = std::string(TINYKG_SOURCE_DIR) + "/ontology/schemas";
  served->server = tinykg::serve::Server::Create(*served->store, options).value();
  const std::string td =
      "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"urn:example:lamp\", "
      "\"title\": \"Lamp\", \"securityDefinitions\": {\"nosec_sc\": {\"scheme\": \"nosec\"}}, "
      "\"security\": \"nosec_sc\"}";
  (void)served->server->ServeBytes("PUT /things/urn%3Aexample%3Alamp HTTP/1.1\r\nContent-Type: application/td+json\r\n"
                                   "Content-Length: " + std::to_string(td.size()) + "\r\n\r\n" + td);
  return served;
}

tinykg::serve::Server& TheServer() {
  static std::unique_ptr<Served> served;
  static int inputs = 0;
  if (!served || ++inputs % kInputsPerServer == 0) {
    served.reset();
    served = MakeServer();
  }
  return *served->server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  const std::string response = TheServer().ServeBytes(request);
  if (response.empty()) return 0;
  if (response.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  // A handler that threw (the exception handler's 500) is a finding, and no
  // exception text may ever reach the client. Problem details may quote the
  // request, so a marker the request itself carries proves nothing (the
  // fuzzer learns these strings from the comparisons: 13 false findings).
  auto answered = [&](std::string_view marker) {
    return response.find(marker) != std::string::npos && request.find(marker) == std::string_view::npos;
  };
  if (response.rfind("HTTP/1.1 500", 0) == 0 && answered("a bug in tinykg")) std::abort();
  if (answered("json.exception")) std::abort();
  return 0;
}
