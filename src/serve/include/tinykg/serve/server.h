// Server: HTTP over one rdf::Store, implementing the W3C WoT Discovery
// Thing Description Directory (TDD) API plus a SPARQL 1.1 Protocol endpoint.
//
// Routes (see the README's "Serving" section):
//   GET    /things?offset=&limit=   TDs as a JSON array, sorted by id;
//                                   Link: <...>; rel="next" when more remain
//   POST   /things                  anonymous TD: id minted (urn:uuid v4) and
//                                   written into the TD; 201 + Location
//   PUT    /things/{id}             create (201) or replace (204)
//   GET    /things/{id}             the TD exactly as stored (byte for byte)
//   PATCH  /things/{id}             application/merge-patch+json (RFC 7396);
//                                   the merged TD is validated again
//   DELETE /things/{id}             204
//   GET/POST /search/sparql         SELECT/ASK -> application/sparql-results+json;
//                                   CONSTRUCT/DESCRIBE -> text/turtle or
//                                   application/n-triples (by Accept). Read
//                                   only: SPARQL Update is refused.
//   GET    /events                  server-sent events: thing_created,
//                                   thing_updated, thing_deleted (data: the id)
//   GET    /.well-known/wot         the directory's own TD
//   GET    /match?model=|device=    tinykg matchmaking as JSON
//   GET    /report?format=html|md|json|csv  the matchmaking report (html default)
// Every error is application/problem+json (RFC 7807); TD validation errors
// carry "validationErrors": [{"field", "description"}] as the TDD API says.
//
// Safety: request bodies are bounded (ServerOptions::max_body_bytes, 413
// beyond); with a token configured, every write needs
// "Authorization: Bearer TOKEN" (401 otherwise); each TD written goes through
// td::TdReader, the validation `tinykg import td` uses, and a rejected TD
// leaves the store unchanged; ids only ever name graphs, never files.
//
// Threads: httplib serves connections on a pool (ServerOptions::threads,
// bounded in time per request, see bounded_server.h); all store and
// TD-reader access is serialised by one mutex inside the Server (Store is
// not thread-safe).
#ifndef TINYKG_SERVE_SERVER_H_
#define TINYKG_SERVE_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::serve {

struct ServerOptions {
  std::string bind = "127.0.0.1";  // address to listen on
  int port = 8080;                 // 0: any free port (see Server::port())
  std::string token;               // bearer token for writes; empty: writes open
  std::size_t max_body_bytes = 4u << 20;  // larger bodies get 413
  std::size_t max_query_bytes = 64u << 10;  // longer SPARQL texts get 413
  std::size_t max_page = 1000;     // largest accepted `limit`; also the default
  // Connections: each open connection holds one of `threads` threads while
  // it is served (more wait for a free one). A request must arrive whole
  // (line, headers, body) within request_read_ms of its first byte, an idle
  // keep-alive connection is closed after idle_ms, one send() may take
  // write_timeout_ms: a client that trickles bytes (slowloris) holds a
  // thread for at most idle_ms + request_read_ms, and 64 such clients leave
  // the default pool room for everyone else (see bounded_server.h).
  int threads = 128;
  std::int64_t request_read_ms = 10000;
  std::int64_t idle_ms = 5000;
  std::int64_t write_timeout_ms = 10000;
  // Open /events streams at most (each holds a connection thread); never
  // more than threads / 2. 0 refuses streams (503).
  int max_event_streams = 64;
  // Time bound of one SPARQL request in ms (0: none). When it passes, the
  // client gets 503 (problem+json, Retry-After). The LMDB engine stops the
  // query there, and while it runs it hands the store to other requests
  // every few milliseconds (rdf::Store::SetQueryYield). On Virtuoso the
  // server stops the query itself (its checks come about every 2 s,
  // measured). The hashes stores cannot interrupt Redland's engine: the
  // query runs on to its end in the background, holding the store (later
  // requests wait for it), and Stop()/~Server wait for it too.
  std::int64_t query_timeout_ms = 30000;
  // Rows of one SPARQL result at most (0: no bound); past it the query
  // stops and the client gets 400 (rdf::Store::SetQueryRowLimit; the LMDB
  // engine).
  std::int64_t max_result_rows = 1000000;
  // Memory of one SPARQL result's values at most (0: no bound; each value
  // counts its strings and its slot, rdf::Store::SetQueryByteLimit): rows
  // alone let a long literal repeated by a cross product, or rows of many
  // columns, take gigabytes. 256 MiB holds a 1,000,000-device listing of
  // one IRI column (about 140 MB).
  std::int64_t max_result_bytes = 256LL << 20;
  // TD validation, as `tinykg import td` does it: JSON-LD context
  // directories (ontology/contexts first) and the JSON Schema directory.
  std::vector<std::string> context_dirs;
  std::string schema_dir;
  // Told what failed when a handler throws (a bug in tinykg): the request's
  // method and path and the exception's text. The client only gets a 500
  // without that text (it may quote the request); this is where an operator
  // (`tinykg serve` writes it to stderr) or a test learns what happened.
  // Called on the request's thread; may be empty.
  std::function<void(std::string_view what)> on_handler_failure;
};

class Server {
 public:
  // Prepares a server over `store` (which must outlive the Server and is
  // not used by anyone else while it runs). Fails when the TD reader cannot
  // be created (missing schema/context directory).
  static Result<std::unique_ptr<Server>> Create(rdf::Store& store, const ServerOptions& options);
  ~Server();  // stops the server if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; kIoError when the address/port is taken or
  // invalid. After it, port() is the real port.
  Status Bind();
  // Serves until Stop() (from any thread). Bind() first.
  Status Run();
  // Ends Run() and closes the event streams; safe to call more than once.
  void Stop();
  int port() const;

  // Serves one raw HTTP/1.1 request (request line, headers, body) through
  // the same parser, routes and handlers as a connection, without a socket
  // (Bind/Run not needed), and returns the raw response. For the fuzz target
  // (tests/serve/fuzz_routes.cc) and tests.
  std::string ServeBytes(std::string_view request);

 private:
  Server();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tinykg::serve

#endif  // TINYKG_SERVE_SERVER_H_
