// Which store a test runs on. By default the embedded in-memory store; with
// TINYKG_TEST_STORE=virtuoso://HOST:PORT/NAME?http=PORT (set by the CTest
// label `virtuoso`, see tests/virtuoso.cmake) every call gets a store of its
// own on that server: NAME is replaced by a name unique to the process and
// the call, so tests never see each other's graphs.
#ifndef TINYKG_TESTS_TEST_STORE_H_
#define TINYKG_TESTS_TEST_STORE_H_

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <string>

namespace tinykg::testing {

// The virtuoso:// spec tests were asked to use, or "" for the embedded store.
inline std::string TestServerSpec() {
  const char* env = std::getenv("TINYKG_TEST_STORE");
  return env ? env : "";
}

// A fresh store spec for one test: "memory:" (embedded), or a new store on
// the TINYKG_TEST_STORE server.
inline std::string TestStoreSpec(const std::string& name) {
  std::string base = TestServerSpec();
  if (base.empty()) return "memory:";
  static int counter = 0;
  std::string unique = "t" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-";
  for (char c : name) unique += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  size_t host = base.find("://");
  size_t slash = base.find('/', host == std::string::npos ? 0 : host + 3);
  size_t query = base.find('?');
  std::string head = base.substr(0, std::min(slash, query));
  std::string tail = query == std::string::npos ? "" : base.substr(query);
  return head + "/" + unique + tail;
}

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_TEST_STORE_H_
