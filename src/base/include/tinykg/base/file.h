// Small file helpers shared by the importers and the CLI.
#ifndef TINYKG_BASE_FILE_H_
#define TINYKG_BASE_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "tinykg/base/status.h"

namespace tinykg {

// Reads a whole file ("-" reads standard input). Fails with kIoError naming
// the path, also for a directory, a device or socket (/dev/zero never
// ends) or a file that cannot be read (EIO). Pipes are read to their end.
Result<std::string> ReadFile(const std::string& path);

// A file read a piece at a time, for input too large to hold ("-" is
// standard input). Open fails as ReadFile does (kIoError naming the path,
// also for a directory, a device or a socket).
class FileReader {
 public:
  static Result<FileReader> Open(const std::string& path);
  FileReader(FileReader&& other) noexcept;
  FileReader& operator=(FileReader&& other) noexcept;
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  ~FileReader();

  // Reads up to `size` bytes into `out`: 0 at the end of the file.
  Result<std::size_t> Read(char* out, std::size_t size);
  // The file's size when it is a regular file, else 0.
  std::size_t size_hint() const { return size_hint_; }

 private:
  FileReader(int fd, std::string path, std::size_t size_hint)
      : fd_(fd), path_(std::move(path)), size_hint_(size_hint) {}
  int fd_ = -1;
  std::string path_;
  std::size_t size_hint_ = 0;
};

// Writes `data` to `path` atomically (temporary file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// "file:///abs/path" for a path (made absolute, percent-encoding spaces and
// characters not allowed in IRIs).
std::string FileIri(const std::string& path);

// Lowercase extension without the dot ("ttl"), or "" when there is none.
std::string Extension(const std::string& path);

}  // namespace tinykg

#endif  // TINYKG_BASE_FILE_H_
