#include "bounded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

// mimalloc's, when the process links it (the tinykg command does; tests and
// fuzz targets do not): weak, so that this library needs no allocator.
extern "C" void mi_collect(bool force) __attribute__((weak));

namespace tinykg::serve {
namespace {

using Clock = std::chrono::steady_clock;

// Waits until `sock` has `events` or `timeout` passes; true when ready.
bool WaitFor(int sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  const auto ms = static_cast<int>(std::clamp<std::int64_t>(timeout.count(), 0, 1 << 30));
  for (;;) {
    const int n = ::poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;
    return n > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
  }
}

void AddressOf(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &a->sin_addr, text.data(), text.size());
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, text.data(), text.size());
    port = ntohs(a->sin6_port);
  }
  ip = text.data();
}

// A buffered socket stream whose reads fail once the current request's
// deadline has passed (httplib's own SocketStream bounds each read only).
class DeadlineStream final : public httplib::Stream {
 public:
  DeadlineStream(int sock, std::chrono::milliseconds write_timeout)
      : sock_(sock), write_timeout_(write_timeout) {}

  void set_deadline(Clock::time_point deadline) {
    deadline_ = deadline;
    timed_out_ = false;
  }
  bool has_buffered() const { return begin_ < end_; }
  // Whether a read failed because the request's time was up.
  bool timed_out() const { return timed_out_; }

  bool is_readable() const override {
    return has_buffered() || WaitFor(sock_, POLLIN, Left());
  }
  bool is_writable() const override { return WaitFor(sock_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (!has_buffered()) {
      if (!WaitFor(sock_, POLLIN, Left())) {
        timed_out_ = true;
        return -1;
      }
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    const std::size_t count = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_.data() + begin_, count);
    begin_ += count;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { AddressOf(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { AddressOf(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::chrono::milliseconds Left() const {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()));
  }

  int sock_;
  std::chrono::milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::now();
  bool timed_out_ = false;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// Request bytes in, response bytes out: a connection in memory.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}

  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t count = std::min(size, in_.size());
    std::memcpy(ptr, in_.data(), count);
    in_.remove_prefix(count);
    return static_cast<ssize_t>(count);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

  std::string& out() { return out_; }

 private:
  std::string_view in_;
  std::string out_;
};

}  // namespace

std::string BoundedServer::ServeBytes(std::string_view request) {
  MemoryStream stream(request);
  bool closed = false;
  process_request(stream, true, closed, nullptr);
  return std::move(stream.out());
}

BoundedServer::BoundedServer(const ConnectionLimits& limits) : limits_(limits) {
  const std::size_t threads = std::max<std::size_t>(2, limits_.threads);
  new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
}

bool BoundedServer::process_and_close_socket(socket_t sock) {
  // httplib writes the status line and headers, then the body, in separate
  // sends: with Nagle's algorithm on, the body waited for the client's
  // delayed ACK (about 40 ms per response on loopback, the p50 of every
  // earlier load test).
  const int on = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  DeadlineStream stream(sock, limits_.write_timeout);
  bool ok = false;
  for (std::size_t served = 0; served < limits_.max_requests_per_connection; ++served) {
    // Idle wait for the next request, in slices so that stop() is noticed.
    if (!stream.has_buffered()) {
      const auto idle_end = Clock::now() + limits_.idle;
      bool readable = false;
      while (svr_sock_ != INVALID_SOCKET && Clock::now() < idle_end) {
        if (WaitFor(sock, POLLIN, std::min(std::chrono::milliseconds(100), limits_.idle))) {
          readable = true;
          break;
        }
      }
      if (!readable) break;
    }
    if (svr_sock_ == INVALID_SOCKET) break;
    stream.set_deadline(Clock::now() + limits_.request_read);
    const bool last = served + 1 == limits_.max_requests_per_connection;
    bool closed = false;
    ok = process_request(stream, last, closed, nullptr);
    if (!ok || closed || stream.timed_out()) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  // Each of the connection threads keeps an allocator heap of its own
  // (mimalloc's), holding the pages its requests freed. Spread over 128
  // threads they grew the server by 1-2 KB per request, without end in
  // sight at 120,000 requests (112 MB): hand them back as a connection ends.
  if (mi_collect) mi_collect(false);
  return ok;
}

}  // namespace tinykg::serve
