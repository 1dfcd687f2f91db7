// An httplib::Server whose connections are bounded in time, against
// slowloris clients (issue 15: 16 connections sending one header line every
// few seconds made `tinykg serve` unreachable).
//
// cpp-httplib 0.11.4 (Debian 12) bounds each recv() by the read timeout but
// not a whole request: a client that sends a byte before every timeout holds
// a request thread for ever. This class replaces the library's per-connection
// loop (Server::process_and_close_socket) with one that gives each request
// `request_read` to arrive completely (request line, headers and body) from
// its first byte, and an idle keep-alive connection `idle` to start the next
// request; the connection is closed when either passes. Writes are bounded per
// send by `write_timeout`. Connections are served by a pool of `threads`
// threads (one per open connection); more connections wait for a free
// thread, so with the bounds above a pool larger than the slow clients keeps
// the server answering, and a flood of them is cut within
// idle + request_read.
//
// The request itself is parsed and routed by httplib (Server::process_request).
#ifndef TINYKG_SERVE_BOUNDED_SERVER_H_
#define TINYKG_SERVE_BOUNDED_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace tinykg::serve {

struct ConnectionLimits {
  std::size_t threads = 128;                          // connections served at once
  std::chrono::milliseconds request_read{10000};       // one whole request
  std::chrono::milliseconds idle{5000};                // keep-alive wait between requests
  std::chrono::milliseconds write_timeout{10000};      // one send()
  std::size_t max_requests_per_connection = 1000;      // then the connection is closed
};

class BoundedServer : public httplib::Server {
 public:
  explicit BoundedServer(const ConnectionLimits& limits);

  // Runs the raw HTTP/1.1 request bytes in `request` through the parser,
  // routes and handlers a socket connection would use, without a socket;
  // returns the raw response bytes (empty when httplib wrote none). For the
  // fuzz target and tests; thread-safe as the handlers are.
  std::string ServeBytes(std::string_view request);

 private:
  // Overrides httplib's private virtual: serves one accepted socket, then
  // shuts it down and closes it.
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
};

}  // namespace tinykg::serve

#endif  // TINYKG_SERVE_BOUNDED_SERVER_H_
