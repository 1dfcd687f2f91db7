// Runs the tinykg binary for CLI tests and captures what it prints.
#ifndef TINYKG_TESTS_CLI_RUN_H_
#define TINYKG_TESTS_CLI_RUN_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_store.h"

namespace tinykg::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `tinykg ARGS` through the shell (ARGS is shell text) with the given
// store; stdin is /dev/null unless `input` is set.
inline CliRun Tinykg(const std::string& store, const std::string& args, const std::string& input = "") {
  namespace fs = std::filesystem;
  static int counter = 0;
  fs::path base = fs::temp_directory_path() /
                  ("tinykg-cli-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::string in = "/dev/null";
  if (!input.empty()) {
    in = base.string() + ".in";
    std::ofstream(in) << input;
  }
  std::string cmd = std::string("NO_COLOR=1 TINYKG_STORE= ") + TINYKG_CLI + " --store '" + store +
                    "' " + args + " <" + in + " >" + base.string() + ".out 2>" + base.string() + ".err";
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  r.out = slurp(base.string() + ".out");
  r.err = slurp(base.string() + ".err");
  std::error_code ec;
  fs::remove(base.string() + ".out", ec);
  fs::remove(base.string() + ".err", ec);
  if (!input.empty()) fs::remove(in, ec);
  return r;
}

// A fresh store directory removed at the end of the scope; with
// TINYKG_TEST_STORE set, a fresh store on that server instead.
class TempStore {
 public:
  explicit TempStore(const std::string& name) {
    if (!TestServerSpec().empty()) {
      path_ = TestStoreSpec("cli-" + name);
      return;
    }
    path_ = (std::filesystem::temp_directory_path() /
             ("tinykg-cli-store-" + std::to_string(getpid()) + "-" + name)).string();
    std::filesystem::remove_all(path_);
  }
  ~TempStore() {
    if (TestServerSpec().empty()) std::filesystem::remove_all(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_CLI_RUN_H_
