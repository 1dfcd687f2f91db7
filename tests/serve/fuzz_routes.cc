// libFuzzer target for the HTTP side of `tinykg serve`: raw request bytes go
// through httplib's parser, the routes and tinykg's handlers
// (Server::ServeBytes, no socket) on a memory store holding one TD. A
// response must be HTTP, no handler may throw, and no exception text may
// reach the client. Event streams are off (they would never end).
//   build-fuzz/tests/serve/serve_fuzz_routes corpus-http ../tests/serve/fuzz_seeds -timeout=10
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
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
  // A request to this server carried the exception marker (below).
  bool marker_planted = false;
  std::unique_ptr<tinykg::rdf::Store> store;
  std::unique_ptr<tinykg::serve::Server> server;  // declared last: destroyed before the store
};

// Set by the server's handler-failure hook: a handler threw.
bool& HandlerThrew() {
  static bool threw = false;
  return threw;
}

std::unique_ptr<Served> MakeServer() {
  auto served = std::make_unique<Served>();
  served->store = tinykg::rdf::Store::Open("memory:").value();
  tinykg::serve::ServerOptions options;
  options.port = 0;
  options.max_event_streams = 0;
  options.query_timeout_ms = 2000;
  options.context_dirs = {std::string(TINYKG_SOURCE_DIR) + "/ontology/contexts"};
  options.schema_dir = std::string(TINYKG_SOURCE_DIR) + "/ontology/schemas";
  // A handler that throws is a finding (below); say what it threw.
  options.on_handler_failure = [](std::string_view what) {
    std::fprintf(stderr, "handler threw: %.*s\n", static_cast<int>(what.size()), what.data());
    HandlerThrew() = true;
  };
  served->server = tinykg::serve::Server::Create(*served->store, options).value();
  const std::string td =
      "{\"@context\": \"https://www.w3.org/2022/wot/td/v1.1\", \"id\": \"urn:example:lamp\", "
      "\"title\": \"Lamp\", \"securityDefinitions\": {\"nosec_sc\": {\"scheme\": \"nosec\"}}, "
      "\"security\": \"nosec_sc\"}";
  (void)served->server->ServeBytes("PUT /things/urn%3Aexample%3Alamp HTTP/1.1\r\nContent-Type: application/td+json\r\n"
                                   "Content-Length: " + std::to_string(td.size()) + "\r\n\r\n" + td);
  return served;
}

Served& TheServer() {
  static std::unique_ptr<Served> served;
  static int inputs = 0;
  if (!served || ++inputs % kInputsPerServer == 0) {
    served.reset();
    served = MakeServer();
  }
  return *served;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  HandlerThrew() = false;
  Served& served = TheServer();
  const std::string response = served.server->ServeBytes(request);
  // A 500 is worth a look even when nothing threw (the status said it was
  // tinykg's fault, or the store failed): shown, not a finding by itself.
  if (response.rfind("HTTP/1.1 500", 0) == 0) {
    std::fprintf(stderr, "500 answered:\n%.*s\n", static_cast<int>(std::min<std::size_t>(response.size(), 2048)),
                 response.data());
  }
  // A handler that threw (the server's hook says so, with what it threw) is
  // a finding. (This was a marker in the 500's text before; the fuzzer
  // learns such strings from the comparisons, stores them in a TD and has a
  // later request quote them back: false findings.)
  if (HandlerThrew()) std::abort();
  if (response.empty()) return 0;
  if (response.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  // No exception text may ever reach the client. Problem details may quote
  // the request, and a CONSTRUCT or a TD quotes what earlier requests stored,
  // so the marker proves something only while no request to this server has
  // carried it (the fuzzer learns it from this comparison: a session-12
  // finding was a stored literal that a later CONSTRUCT returned).
  if (request.find("json.exception") != std::string_view::npos) served.marker_planted = true;
  if (!served.marker_planted && response.find("json.exception") != std::string::npos) std::abort();
  return 0;
}
