// A TCP listener on 127.0.0.1 that counts the connections it gets: the
// "must receive no request" witness of the no-fetch tests (SERVICE, FROM,
// @base, XML entities). Each connection gets a SPARQL XML result with one
// row, so a query that did fetch from it would also show its answer.
#ifndef TINYKG_TESTS_LISTENER_H_
#define TINYKG_TESTS_LISTENER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace tinykg::testing {

class CountingListener {
 public:
  CountingListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CountingListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  CountingListener(const CountingListener&) = delete;
  CountingListener& operator=(const CountingListener&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/x") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      char buf[4096];
      pollfd q{c, POLLIN, 0};
      if (::poll(&q, 1, 500) > 0) (void)::recv(c, buf, sizeof buf, 0);
      static const std::string kBody =
          "<?xml version=\"1.0\"?><sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">"
          "<head><variable name=\"s\"/></head><results><result><binding name=\"s\">"
          "<uri>http://fetched.example/secret</uri></binding></result></results></sparql>";
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+xml\r\n"
                                "Content-Length: " + std::to_string(kBody.size()) +
                                "\r\nConnection: close\r\n\r\n" + kBody;
      (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_LISTENER_H_
