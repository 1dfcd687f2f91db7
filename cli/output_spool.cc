#include "output_spool.h"

#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace tinykg::cli {
namespace {

// write(2) until done; false on an error.
bool WriteAll(int fd, const char* data, std::uint64_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

OutputSpool::OutputSpool() { fd_ = memfd_create("tinykg-output", MFD_CLOEXEC); }

OutputSpool::~OutputSpool() {
  if (fd_ >= 0) close(fd_);
}

OutputSpool::Piece OutputSpool::Append(std::string_view text) {
  const Piece piece{size_, text.size()};
  if (fd_ >= 0 && !WriteAll(fd_, text.data(), text.size())) FallBackToMemory();
  if (fd_ < 0) {
    memory_.resize(size_);  // a failed write may have put part of the text in the file
    memory_.append(text);
  }
  size_ += text.size();
  return piece;
}

void OutputSpool::FallBackToMemory() {
  memory_.assign(size_, '\0');
  std::uint64_t done = 0;
  while (done < size_) {
    const ssize_t n = pread(fd_, memory_.data() + done, size_ - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::uint64_t>(n);
  }
  close(fd_);
  fd_ = -1;
}

bool OutputSpool::Print(const std::vector<Piece>& pieces, std::ostream& out) {
  out.flush();
  std::fflush(stdout);
  // Neighbouring pieces are written as one.
  std::vector<Piece> runs;
  for (const Piece& p : pieces) {
    if (p.size == 0) continue;
    if (!runs.empty() && runs.back().offset + runs.back().size == p.offset) {
      runs.back().size += p.size;
    } else {
      runs.push_back(p);
    }
  }
  for (const Piece& run : runs) {
    if (fd_ < 0) {
      if (!WriteAll(STDOUT_FILENO, memory_.data() + run.offset, run.size)) return false;
      continue;
    }
    off_t offset = static_cast<off_t>(run.offset);
    std::uint64_t left = run.size;
    while (left > 0) {
      const ssize_t n = sendfile(STDOUT_FILENO, fd_, &offset, left);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        left -= static_cast<std::uint64_t>(n);
        continue;
      }
      if (n == 0 || (errno != EINVAL && errno != ENOSYS)) return false;
      // Standard output sendfile cannot write to: read and write instead.
      char buffer[64 * 1024];
      while (left > 0) {
        const ssize_t got = pread(fd_, buffer, left < sizeof buffer ? left : sizeof buffer, offset);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0 || !WriteAll(STDOUT_FILENO, buffer, static_cast<std::uint64_t>(got))) return false;
        offset += got;
        left -= static_cast<std::uint64_t>(got);
      }
    }
  }
  return true;
}

}  // namespace tinykg::cli
