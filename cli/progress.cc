#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace tinykg::cli {

ProgressLine::ProgressLine(const GlobalOptions& options, std::string verb, std::string what,
                           size_t total)
    : enabled_(!options.quiet && isatty(STDERR_FILENO) == 1),
      verb_(std::move(verb)),
      what_(std::move(what)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() { Clear(); }

void ProgressLine::Update(size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  char line[160];
  if (rate > 0 && done < total_) {
    const long eta = static_cast<long>(static_cast<double>(total_ - done) / rate + 0.5);
    std::snprintf(line, sizeof line, "tinykg: %s %zu/%zu %s, %.0f/s, ETA %ld:%02ld",
                  verb_.c_str(), done, total_, what_.c_str(), rate, eta / 60, eta % 60);
  } else {
    std::snprintf(line, sizeof line, "tinykg: %s %zu/%zu %s, %.0f/s", verb_.c_str(), done, total_,
                  what_.c_str(), rate);
  }
  std::cerr << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  std::cerr << "\r\033[K" << std::flush;
  drawn_ = false;
}

}  // namespace tinykg::cli
