// A one-line progress display on stderr for long batches ("tinykg: reading
// 120/5000 documents, 410/s, ETA 0:12"), redrawn in place at most ten times a
// second. Only when stderr is a terminal and --quiet is off: piped or
// redirected stderr gets nothing, so logs and tests see no control bytes.
#ifndef TINYKG_CLI_PROGRESS_H_
#define TINYKG_CLI_PROGRESS_H_

#include <chrono>
#include <cstddef>
#include <string>

#include "cli.h"

namespace tinykg::cli {

class ProgressLine {
 public:
  // `what` names the items ("documents"); `total` is how many there will be.
  ProgressLine(const GlobalOptions& options, std::string verb, std::string what, size_t total);
  ~ProgressLine();  // clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `done` items are finished; redraws when 100 ms have passed.
  void Update(size_t done);
  // Erases the line (call before printing anything else on stderr; the next
  // Update draws it again).
  void Clear();
  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = false;
  bool drawn_ = false;
  std::string verb_;
  std::string what_;
  size_t total_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace tinykg::cli

#endif  // TINYKG_CLI_PROGRESS_H_
