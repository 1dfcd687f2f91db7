#include "flatbuffer.h"

#include <bit>
#include <limits>

#include "tinykg/base/utf8.h"

namespace tinykg::model::fb {

static_assert(std::endian::native == std::endian::little,
              "the FlatBuffers reader copies little-endian scalars directly");

namespace {
// Enough for any real model: every element of every vector of a file could be
// visited 64 times over, plus slack for tiny files.
constexpr std::uint64_t kBudgetPerByte = 64;
constexpr std::uint64_t kBudgetSlack = 1 << 20;
}  // namespace

Reader::Reader(std::span<const std::uint8_t> data)
    : data_(data), budget_(data.size() * kBudgetPerByte + kBudgetSlack) {
  if (data_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    Fail("buffer larger than 4 GiB");
  }
}

void Reader::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

bool Reader::InBounds(std::uint64_t at, std::uint64_t bytes) {
  if (!ok()) return false;
  if (at > data_.size() || bytes > data_.size() - at) {
    Fail("offset " + std::to_string(at) + " (+" + std::to_string(bytes) +
         " bytes) is outside the " + std::to_string(data_.size()) + "-byte buffer");
    return false;
  }
  return true;
}

bool Reader::Charge(std::uint64_t elements) {
  if (!ok()) return false;
  if (elements > budget_) {
    Fail("too much indirection (work budget exhausted): hostile or corrupt file");
    return false;
  }
  budget_ -= elements;
  return true;
}

Table Reader::TableAtPos(std::uint64_t pos) {
  Table table;
  std::int32_t soffset = 0;
  if (pos == 0 || !Read(pos, &soffset)) {
    if (ok()) Fail("table at offset 0");
    return {};
  }
  const std::int64_t vtable = static_cast<std::int64_t>(pos) - soffset;
  std::uint16_t vtable_bytes = 0;
  if (vtable < 0 || !Read(static_cast<std::uint64_t>(vtable), &vtable_bytes)) {
    Fail("vtable of table at " + std::to_string(pos) + " is outside the buffer");
    return {};
  }
  if (vtable_bytes < 4 || vtable_bytes % 2 != 0 ||
      !InBounds(static_cast<std::uint64_t>(vtable), vtable_bytes)) {
    Fail("bad vtable size " + std::to_string(vtable_bytes) + " at " + std::to_string(vtable));
    return {};
  }
  std::uint16_t table_bytes = 0;
  if (!Read(static_cast<std::uint64_t>(vtable) + 2, &table_bytes) || table_bytes < 4 ||
      !InBounds(pos, table_bytes)) {
    Fail("table at " + std::to_string(pos) + " is truncated");
    return {};
  }
  if (!Charge(1)) return {};
  table.pos = static_cast<std::uint32_t>(pos);
  table.vtable = static_cast<std::uint32_t>(vtable);
  table.vtable_bytes = vtable_bytes;
  return table;
}

Table Reader::Root() {
  std::uint32_t root = 0;
  if (data_.size() < 8) {
    Fail("file too small for a FlatBuffer (" + std::to_string(data_.size()) + " bytes)");
    return {};
  }
  if (!Read(0, &root)) return {};
  return TableAtPos(root);
}

std::uint32_t Reader::FieldPos(const Table& table, int id) {
  if (!table.present() || !ok()) return 0;
  const std::uint32_t slot = 4 + 2 * static_cast<std::uint32_t>(id);
  if (slot + 2 > table.vtable_bytes) return 0;
  std::uint16_t field = 0;
  if (!Read(static_cast<std::uint64_t>(table.vtable) + slot, &field) || field == 0) return 0;
  return table.pos + field;
}

std::uint32_t Reader::Deref(std::uint32_t at) {
  std::uint32_t rel = 0;
  if (!Read(at, &rel)) return 0;
  const std::uint64_t target = static_cast<std::uint64_t>(at) + rel;
  if (rel == 0 || target >= data_.size()) {
    Fail("offset at " + std::to_string(at) + " points outside the buffer");
    return 0;
  }
  return static_cast<std::uint32_t>(target);
}

Table Reader::SubTable(const Table& table, int id) {
  std::uint32_t at = FieldPos(table, id);
  if (at == 0) return {};
  std::uint32_t target = Deref(at);
  if (target == 0) return {};
  return TableAtPos(target);
}

Vector Reader::VectorField(const Table& table, int id, std::uint32_t element_bytes) {
  std::uint32_t at = FieldPos(table, id);
  if (at == 0) return {};
  std::uint32_t target = Deref(at);
  if (target == 0) return {};
  std::uint32_t count = 0;
  if (!Read(target, &count)) return {};
  if (!InBounds(static_cast<std::uint64_t>(target) + 4,
                static_cast<std::uint64_t>(count) * element_bytes)) {
    return {};
  }
  return {target + 4, count, true};
}

std::string Reader::StringAtPos(std::uint32_t pos) {
  std::uint32_t length = 0;
  if (!Read(pos, &length)) return {};
  if (!InBounds(static_cast<std::uint64_t>(pos) + 4, length) || !Charge(length / 64)) return {};
  // Names feed JSON and RDF literals, which need well-formed UTF-8.
  return ToValidUtf8(std::string_view(reinterpret_cast<const char*>(data_.data()) + pos + 4, length));
}

std::string Reader::String(const Table& table, int id) {
  std::uint32_t at = FieldPos(table, id);
  if (at == 0) return {};
  std::uint32_t target = Deref(at);
  if (target == 0) return {};
  return StringAtPos(target);
}

Table Reader::TableAt(const Vector& vec, std::uint32_t i) {
  if (!vec.present || i >= vec.size || !ok()) return {};
  std::uint32_t target = Deref(vec.pos + 4 * i);
  if (target == 0) return {};
  return TableAtPos(target);
}

std::string Reader::StringAt(const Vector& vec, std::uint32_t i) {
  if (!vec.present || i >= vec.size || !ok()) return {};
  std::uint32_t target = Deref(vec.pos + 4 * i);
  if (target == 0) return {};
  return StringAtPos(target);
}

}  // namespace tinykg::model::fb
