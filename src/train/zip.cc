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
  // Offsets are read as 32-bit values and added in 64 bits, each checked
  // against the file before it is used.
  std::uint64_t at = Le32(b, eocd + 16);
  // First the central directory alone: the sizes the members claim are
  // added up before anything is inflated or allocated, so a bomb (members
  // that claim gigabytes, or thousands of entries sharing one deflated
  // stream) is refused at once.
  struct Entry {
    std::uint16_t method;
    std::uint32_t crc, packed, size;
    std::uint64_t local;
    std::string name;
  };
  std::vector<Entry> entries;
  entries.reserve(count);
  std::uint64_t total = 0;
  for (std::uint16_t i = 0; i < count; ++i) {
    const std::string where = "central directory entry " + std::to_string(i + 1) + " of " + std::to_string(count);
    if (at + 46 > b.size() || Le32(b, at) != 0x02014b50u) {
      return ParseError(where + " at byte " + std::to_string(at) + ": no entry there", {path});
    }
    Entry e;
    e.method = Le16(b, at + 10);
    e.crc = Le32(b, at + 16);
    e.packed = Le32(b, at + 20);
    e.size = Le32(b, at + 24);
    const std::uint16_t name_len = Le16(b, at + 28), extra_len = Le16(b, at + 30), comment_len = Le16(b, at + 32);
    e.local = Le32(b, at + 42);
    if (at + 46 + name_len > b.size()) return ParseError(where + ": its name runs past the end of the file", {path});
    e.name = b.substr(at + 46, name_len);
    at += 46u + name_len + extra_len + comment_len;
    total += e.method == 0 ? e.packed : e.size;
    if (total > kMaxZipBytes) {
      return InvalidData(where + " (" + e.name + "): the members hold more than " + std::to_string(kMaxZipBytes) +
                             " bytes uncompressed; archives are read into memory up to that",
                         {path});
    }
    entries.push_back(std::move(e));
  }
  std::vector<ZipMember> members;
  members.reserve(count);
  for (const Entry& e : entries) {
    if (e.local + 30 > b.size() || Le32(b, e.local) != 0x04034b50u) {
      return ParseError("bad local header for " + e.name + " (byte " + std::to_string(e.local) + ")", {path});
    }
    const std::uint64_t data_at = e.local + 30 + Le16(b, e.local + 26) + Le16(b, e.local + 28);
    if (data_at + e.packed > b.size()) return ParseError("truncated data for " + e.name, {path});
    ZipMember m;
    m.name = e.name;
    if (e.method == 0) {
      m.data = b.substr(data_at, e.packed);
    } else if (e.method == 8) {
      m.data.assign(e.size, '\0');
      if (!Inflate(b.data() + data_at, e.packed, &m.data)) return ParseError("cannot inflate " + m.name, {path});
    } else {
      return ParseError("unsupported compression method " + std::to_string(e.method) + " for " + m.name, {path});
    }
    const uLong actual = crc32(0L, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size()));
    if (actual != e.crc) return ParseError("CRC mismatch for " + m.name, {path});
    members.push_back(std::move(m));
  }
  return members;
}

}  // namespace tinykg::train
