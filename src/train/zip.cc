#include "tinykg/train/zip.h"

#include <zlib.h>

#include "tinykg/base/file.h"

namespace tinykg::train {
namespace {

std::uint32_t Le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t Le16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    static_cast<unsigned char>(b[at + 1]) << 8);
}

bool Inflate(const char* data, std::size_t size, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return false;  // raw deflate, no zlib header
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(out->size());
  const int rc = inflate(&z, Z_FINISH);
  const bool ok = rc == Z_STREAM_END && z.total_out == out->size();
  inflateEnd(&z);
  return ok;
}

}  // namespace

Result<std::vector<ZipMember>> ReadZip(const std::string& path) {
  auto file = ReadFile(path);
  if (!file.ok()) return file.status();
  const std::string& b = *file;
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  if (b.size() < 22) return ParseError("not a zip archive (too short)", {path});
  std::size_t eocd = std::string::npos;
  const std::size_t lowest = b.size() > 65557 ? b.size() - 65557 : 0;
  for (std::size_t i = b.size() - 22 + 1; i-- > lowest;) {
    if (Le32(b, i) == 0x06054b50u) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string::npos) return ParseError("no end of central directory record", {path});
  const std::uint16_t count = Le16(b, eocd + 10);
  std::size_t at = Le32(b, eocd + 16);
  std::vector<ZipMember> members;
  members.reserve(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    if (at + 46 > b.size() || Le32(b, at) != 0x02014b50u) return ParseError("bad central directory entry", {path});
    const std::uint16_t method = Le16(b, at + 10);
    const std::uint32_t crc = Le32(b, at + 16);
    const std::uint32_t packed = Le32(b, at + 20);
    const std::uint32_t size = Le32(b, at + 24);
    const std::uint16_t name_len = Le16(b, at + 28), extra_len = Le16(b, at + 30), comment_len = Le16(b, at + 32);
    const std::uint32_t local = Le32(b, at + 42);
    if (at + 46 + name_len > b.size()) return ParseError("truncated central directory", {path});
    ZipMember m;
    m.name = b.substr(at + 46, name_len);
    at += 46u + name_len + extra_len + comment_len;
    if (local + 30 > b.size() || Le32(b, local) != 0x04034b50u) {
      return ParseError("bad local header for " + m.name, {path});
    }
    const std::size_t data_at = local + 30u + Le16(b, local + 26) + Le16(b, local + 28);
    if (data_at + packed > b.size()) return ParseError("truncated data for " + m.name, {path});
    if (method == 0) {
      m.data = b.substr(data_at, packed);
    } else if (method == 8) {
      m.data.assign(size, '\0');
      if (!Inflate(b.data() + data_at, packed, &m.data)) return ParseError("cannot inflate " + m.name, {path});
    } else {
      return ParseError("unsupported compression method " + std::to_string(method) + " for " + m.name, {path});
    }
    const uLong actual = crc32(0L, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size()));
    if (actual != crc) return ParseError("CRC mismatch for " + m.name, {path});
    members.push_back(std::move(m));
  }
  return members;
}

}  // namespace tinykg::train
