// A bounds-checked reader for the FlexBuffers maps that TensorFlow Lite
// stores in Operator::custom_options (the options of custom operators such as
// TFLite Micro's Signal library: "shift", "fft_length", "num_channels", ...).
//
// Format facts used (flatbuffers.dev, "FlexBuffers"): little-endian; the last
// byte of the buffer is the root's byte width, the byte before it the root's
// packed type (type << 2 | log2 of the child width), the root value before
// that. A map value is an unsigned offset back to the map's values; before the
// values lie the offset to the sorted keys vector, the keys' byte width and
// the element count; after the values, one packed type byte per value. Keys
// are offsets to NUL-terminated strings.
//
// Only what custom options need is read: integer, unsigned and boolean
// scalars (inline or indirect). Every read checks that it stays inside the
// buffer; a malformed buffer is kParseError naming what was wrong.
#ifndef TINYKG_MODEL_FLEXBUFFER_H_
#define TINYKG_MODEL_FLEXBUFFER_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tinykg/base/status.h"

namespace tinykg::model {

class FlexbufferMap {
 public:
  // Checks the root is a map whose header, keys and type bytes lie inside
  // `bytes`. The map borrows `bytes`: keep them alive while it is used.
  static Result<FlexbufferMap> Parse(std::span<const std::uint8_t> bytes);

  std::size_t size() const { return size_; }
  // The key of element i (i < size()).
  Result<std::string_view> Key(std::size_t i) const;
  // The integer value under `key`: kNotFound when absent, kInvalidData when
  // it is not an integer, unsigned or boolean scalar.
  Result<std::int64_t> Int(std::string_view key) const;

 private:
  FlexbufferMap() = default;
  bool Read(std::size_t at, std::size_t width, std::uint64_t* value) const;

  std::span<const std::uint8_t> bytes_;
  std::size_t values_ = 0;  // position of the first value
  std::size_t width_ = 0;   // byte width of the values
  std::size_t keys_ = 0;    // position of the first key offset
  std::size_t key_width_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_FLEXBUFFER_H_
