// Output a command must hold back until it knows what to print (import td
// --dry-run --format nquads: a later rejection prints nothing, a later file
// with the same id drops an earlier document's statements).
#ifndef TINYKG_CLI_OUTPUT_SPOOL_H_
#define TINYKG_CLI_OUTPUT_SPOOL_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tinykg::cli {

// Pieces of text appended one after another and written out at the end,
// any subset of them, in order. The text goes to an unnamed in-memory file
// (memfd_create) rather than the heap: 100 MB of N-Quads kept in strings
// faulted in 25,000 fresh pages of zeroed memory (7 % of a 5,000-TD dry
// run); the file's pages are filled by one copy per piece and sent to
// standard output by the kernel (sendfile). Without memfd (or once a write
// to it fails) the text is kept in memory instead; nothing is lost either way.
// Not copyable; the file is closed by the destructor.
class OutputSpool {
 public:
  struct Piece {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };

  OutputSpool();
  ~OutputSpool();
  OutputSpool(const OutputSpool&) = delete;
  OutputSpool& operator=(const OutputSpool&) = delete;

  // Appends `text`; the returned piece names it for Print.
  Piece Append(std::string_view text);
  // Writes `pieces` (from Append, in the order given) to standard output,
  // flushing `out` (std::cout) first so what it holds comes before them.
  // False when standard output cannot take it all (a full disk, a closed
  // descriptor): the caller must not report success.
  bool Print(const std::vector<Piece>& pieces, std::ostream& out);

 private:
  // Moves what the file holds into memory_ and stops using the file.
  void FallBackToMemory();

  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string memory_;  // the text when there is no file
};

}  // namespace tinykg::cli

#endif  // TINYKG_CLI_OUTPUT_SPOOL_H_
