// A small, bounds-checked reader for the FlatBuffers binary format (internal
// to the model module).
//
// Format facts used (flatbuffers.dev, "Internals"): little-endian; the buffer
// starts with a uoffset_t (u32) to the root table; a table starts with a
// soffset_t (i32) that is subtracted from the table's position to find its
// vtable; a vtable is u16 vtable_bytes, u16 table_bytes, then one u16 per
// field giving the field's offset inside the table (0 = absent, use the
// default). Offsets to sub-tables, vectors and strings are u32 relative to
// where they are stored. A vector is a u32 element count followed by the
// elements; a string is a vector of bytes followed by a NUL.
//
// Every read checks that the bytes lie inside the buffer; nothing is ever
// dereferenced outside it. Failures are recorded in the Reader (first error
// wins) and reads then return defaults, so callers can read a whole table and
// check `ok()` once. A work budget bounds the number of elements a hostile
// file can make us visit (many offsets pointing to one large vector).
#ifndef TINYKG_MODEL_FLATBUFFER_H_
#define TINYKG_MODEL_FLATBUFFER_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tinykg::model::fb {

class Reader;

// A position of a table inside the buffer; invalid (absent) when pos == 0.
struct Table {
  std::uint32_t pos = 0;
  std::uint32_t vtable = 0;
  std::uint16_t vtable_bytes = 0;
  bool present() const { return pos != 0; }
};

// A vector: element count and position of the first element.
struct Vector {
  std::uint32_t pos = 0;  // first element
  std::uint32_t size = 0;
  bool present = false;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Records the first error only; `where` names the table/field path.
  void Fail(std::string message);
  std::span<const std::uint8_t> data() const { return data_; }

  // The root table (checks the first uoffset).
  Table Root();

  // Reads a scalar field `id`, or `fallback` when absent or on error.
  template <typename T>
  T Scalar(const Table& table, int id, T fallback) {
    std::uint32_t at = FieldPos(table, id);
    if (at == 0) return fallback;
    T value;
    if (!Read(at, &value)) return fallback;
    return value;
  }

  // Sub-table, vector, string fields; absent -> empty value.
  Table SubTable(const Table& table, int id);
  Vector VectorField(const Table& table, int id, std::uint32_t element_bytes);
  std::string String(const Table& table, int id);
  bool HasField(const Table& table, int id) { return FieldPos(table, id) != 0; }

  // Element `i` of a vector of tables.
  Table TableAt(const Vector& vec, std::uint32_t i);
  // Element `i` of a vector of strings.
  std::string StringAt(const Vector& vec, std::uint32_t i);

  // Copies a vector of scalars (charges the work budget).
  template <typename T>
  std::vector<T> Scalars(const Vector& vec) {
    std::vector<T> out;
    if (!vec.present || !Charge(vec.size)) return out;
    out.resize(vec.size);
    if (vec.size > 0) std::memcpy(out.data(), data_.data() + vec.pos, sizeof(T) * vec.size);
    return out;
  }
  // The bytes of a vector of bytes, as a view into the buffer.
  std::span<const std::uint8_t> Bytes(const Vector& vec) const {
    if (!vec.present) return {};
    return data_.subspan(vec.pos, vec.size);
  }

  // Deducts `elements` from the work budget; false (and an error) when spent.
  bool Charge(std::uint64_t elements);

 private:
  template <typename T>
  bool Read(std::uint64_t at, T* out) {
    if (!InBounds(at, sizeof(T))) return false;
    std::memcpy(out, data_.data() + at, sizeof(T));
    return true;
  }
  bool InBounds(std::uint64_t at, std::uint64_t bytes);
  Table TableAtPos(std::uint64_t pos);
  std::uint32_t FieldPos(const Table& table, int id);
  // Follows the u32 offset stored at `at`; 0 on error.
  std::uint32_t Deref(std::uint32_t at);
  std::string StringAtPos(std::uint32_t pos);

  std::span<const std::uint8_t> data_;
  std::string error_;
  std::uint64_t budget_;
};

}  // namespace tinykg::model::fb

#endif  // TINYKG_MODEL_FLATBUFFER_H_
