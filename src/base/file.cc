#include "tinykg/base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tinykg {

Result<FileReader> FileReader::Open(const std::string& path) {
  if (path == "-") return FileReader(STDIN_FILENO, path, 0);
  // A directory opens like a file on Linux: say what it is. Told by the
  // fstat of the open file (one path lookup per file, not two: a TD batch
  // opens thousands of small files).
  const auto directory = [&path] { return IoError("is a directory, not a file", {path}); };
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int error = errno;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return directory();
    return IoError(std::string("cannot open: ") + std::strerror(error), {path});
  }
  struct stat st {};
  const bool stated = fstat(fd, &st) == 0;
  if (stated && S_ISDIR(st.st_mode)) {
    close(fd);
    return directory();
  }
  // A device never ends (/dev/zero, /dev/urandom: a whole-file read grew
  // until memory ran out) or is a terminal; files and pipes are input.
  if (stated && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))) {
    close(fd);
    return IoError(std::string(S_ISSOCK(st.st_mode) ? "is a socket" : "is a device") +
                       ", not a file (give a file, a pipe or - for standard input)",
                   {path});
  }
  const std::size_t size =
      stated && S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
  return FileReader(fd, path, size);
}

FileReader::FileReader(FileReader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_hint_(other.size_hint_) {}

FileReader& FileReader::operator=(FileReader&& other) noexcept {
  if (this != &other) {
    if (fd_ > STDIN_FILENO) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    size_hint_ = other.size_hint_;
  }
  return *this;
}

FileReader::~FileReader() {
  if (fd_ > STDIN_FILENO) close(fd_);
}

Result<std::size_t> FileReader::Read(char* out, std::size_t size) {
  for (;;) {
    const ssize_t n = read(fd_, out, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    return IoError(std::string("read failed: ") + std::strerror(errno), {path_});
  }
}

Result<std::string> ReadFile(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(FileReader file, FileReader::Open(path));
  // One read(2) loop into a buffer sized from fstat: an istreambuf_iterator
  // copy went character by character (7 % of a 1M-triple load).
  std::string data(file.size_hint() > 0 ? file.size_hint() : 64 * 1024, '\0');
  size_t used = 0;
  char probe[16 * 1024];  // read when the buffer is full: the end, or a file that grew
  for (;;) {
    const bool full = used == data.size();
    TINYKG_ASSIGN_OR_RETURN(size_t n, full ? file.Read(probe, sizeof probe)
                                           : file.Read(data.data() + used, data.size() - used));
    if (n == 0) break;
    if (full) {
      data.resize(std::max(data.size() * 2, used + n));
      std::memcpy(data.data() + used, probe, n);
    }
    used += n;
  }
  data.resize(used);
  return data;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError(std::string("cannot create: ") + std::strerror(errno), {tmp});
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) return IoError("write failed", {tmp});
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError("rename failed: " + ec.message(), {path});
  return Status::Ok();
}

std::string FileIri(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  std::string p = (ec ? std::filesystem::path(path) : abs.lexically_normal()).generic_string();
  std::string out = "file://";
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : p) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::strchr("/-._~:@!$&'()*+,;=", c) != nullptr;
    if (plain && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace tinykg
