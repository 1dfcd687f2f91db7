#include "tinykg/base/file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace tinykg {

Result<std::string> ReadFile(const std::string& path) {
  if (path == "-") {
    std::ostringstream out;
    out << std::cin.rdbuf();
    return out.str();
  }
  // A directory opens like a file on Linux, and reading it makes libstdc++
  // throw from inside istreambuf_iterator (uncaught: abort, exit 134).
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return IoError("is a directory, not a file", {path});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return IoError(std::string("cannot open: ") + std::strerror(errno), {path});
  }
  try {
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return IoError("read failed", {path});
    return data;
  } catch (const std::exception&) {
    return IoError(std::string("read failed: ") + std::strerror(errno), {path});
  }
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
