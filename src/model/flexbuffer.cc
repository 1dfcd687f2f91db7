#include "tinykg/model/flexbuffer.h"

namespace tinykg::model {
namespace {

// FlexBuffers value types (flexbuffers.h: FBT_*).
constexpr std::uint8_t kInt = 1, kUint = 2, kIndirectInt = 6, kIndirectUint = 7, kMap = 9, kBool = 26;

bool ValidWidth(std::size_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

}  // namespace

bool FlexbufferMap::Read(std::size_t at, std::size_t width, std::uint64_t* value) const {
  if (!ValidWidth(width) || at > bytes_.size() || bytes_.size() - at < width) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(bytes_[at + i]) << (8 * i);
  *value = v;
  return true;
}

Result<FlexbufferMap> FlexbufferMap::Parse(std::span<const std::uint8_t> bytes) {
  FlexbufferMap m;
  m.bytes_ = bytes;
  if (bytes.size() < 3)
    return ParseError("custom options: " + std::to_string(bytes.size()) + " bytes, too short for a FlexBuffer");
  const std::size_t root_width = bytes[bytes.size() - 1];
  const std::uint8_t root_type = bytes[bytes.size() - 2];
  if (!ValidWidth(root_width) || bytes.size() < 2 + root_width) {
    return ParseError("custom options: root byte width " + std::to_string(root_width) + " is invalid");
  }
  if ((root_type >> 2) != kMap) {
    return ParseError("custom options: the root is FlexBuffer type " + std::to_string(root_type >> 2) + ", not a map");
  }
  const std::size_t root_at = bytes.size() - 2 - root_width;
  std::uint64_t offset = 0;
  if (!m.Read(root_at, root_width, &offset) || offset > root_at) {
    return ParseError("custom options: the map offset points outside the buffer");
  }
  m.values_ = root_at - static_cast<std::size_t>(offset);
  m.width_ = std::size_t{1} << (root_type & 3);
  const std::size_t w = m.width_;
  std::uint64_t size = 0, keys_offset = 0, key_width = 0;
  if (m.values_ < 3 * w || !m.Read(m.values_ - w, w, &size) || !m.Read(m.values_ - 2 * w, w, &key_width) ||
      !m.Read(m.values_ - 3 * w, w, &keys_offset)) {
    return ParseError("custom options: the map header lies outside the buffer");
  }
  const std::size_t keys_field = m.values_ - 3 * w;
  if (keys_offset > keys_field || !ValidWidth(static_cast<std::size_t>(key_width))) {
    return ParseError("custom options: the map's keys vector is invalid");
  }
  m.keys_ = keys_field - static_cast<std::size_t>(keys_offset);
  m.key_width_ = static_cast<std::size_t>(key_width);
  // Values, then one type byte each; the keys vector must also fit.
  if (size > bytes.size() || m.values_ + size * (w + 1) > bytes.size() ||
      m.keys_ + size * m.key_width_ > bytes.size()) {
    return ParseError("custom options: a map of " + std::to_string(size) + " elements does not fit in " +
                      std::to_string(bytes.size()) + " bytes");
  }
  m.size_ = static_cast<std::size_t>(size);
  return m;
}

Result<std::string_view> FlexbufferMap::Key(std::size_t i) const {
  const std::size_t at = keys_ + i * key_width_;
  std::uint64_t offset = 0;
  if (i >= size_ || !Read(at, key_width_, &offset) || offset > at) {
    return ParseError("custom options: key " + std::to_string(i) + " points outside the buffer");
  }
  const std::size_t begin = at - static_cast<std::size_t>(offset);
  std::size_t end = begin;
  while (end < bytes_.size() && bytes_[end] != 0) ++end;
  if (end == bytes_.size()) return ParseError("custom options: key " + std::to_string(i) + " is not terminated");
  return std::string_view(reinterpret_cast<const char*>(bytes_.data() + begin), end - begin);
}

Result<std::int64_t> FlexbufferMap::Int(std::string_view key) const {
  for (std::size_t i = 0; i < size_; ++i) {
    auto k = Key(i);
    if (!k.ok()) return k.status();
    if (*k != key) continue;
    const std::uint8_t packed = bytes_[values_ + size_ * width_ + i];
    const std::uint8_t type = packed >> 2;
    const std::size_t at = values_ + i * width_;
    std::uint64_t raw = 0;
    if (!Read(at, width_, &raw))
      return ParseError("custom options: value '" + std::string(key) + "' is outside the buffer");
    std::size_t width = width_;
    if (type == kIndirectInt || type == kIndirectUint) {
      if (raw > at) return ParseError("custom options: value '" + std::string(key) + "' points outside the buffer");
      width = std::size_t{1} << (packed & 3);
      if (!Read(at - static_cast<std::size_t>(raw), width, &raw)) {
        return ParseError("custom options: value '" + std::string(key) + "' points outside the buffer");
      }
    } else if (type != kInt && type != kUint && type != kBool) {
      return InvalidData("custom options: '" + std::string(key) + "' is FlexBuffer type " + std::to_string(type) +
                         ", not an integer");
    }
    if ((type == kInt || type == kIndirectInt) && width < 8) {
      const std::uint64_t sign = std::uint64_t{1} << (8 * width - 1);
      return static_cast<std::int64_t>((raw ^ sign) - sign);
    }
    return static_cast<std::int64_t>(raw);
  }
  return NotFound("custom options have no '" + std::string(key) + "'");
}

}  // namespace tinykg::model
