// Runs a shell command line for tests and captures its stdout and stderr
// together (for commands whose output a test only searches).
#ifndef TINYKG_TESTS_SUPPORT_SHELL_H_
#define TINYKG_TESTS_SUPPORT_SHELL_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace tinykg::testing {

struct ShellOutput {
  int code = -1;    // exit status, -1 when it did not exit normally
  std::string out;  // stdout and stderr, interleaved
};

inline ShellOutput Shell(const std::string& command_line) {
  ShellOutput o;
  FILE* pipe = popen((command_line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return o;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) o.out.append(buffer, n);
  const int status = pclose(pipe);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_SUPPORT_SHELL_H_
