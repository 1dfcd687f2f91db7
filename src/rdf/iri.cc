#include "tinykg/rdf/iri.h"

#include <array>
#include <cctype>

namespace tinykg::rdf {
namespace {

// 1: a byte IRIs forbid (controls, space, <>"{}|\^`); 2: '#'.
constexpr std::array<unsigned char, 256> IriByteClasses() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c <= 0x20; ++c) t[c] = 1;
  for (unsigned char c : std::string_view("<>\"{}|\\^`")) t[c] = 1;
  t['#'] = 2;
  return t;
}
constexpr std::array<unsigned char, 256> kIriByteClass = IriByteClasses();

}  // namespace

std::size_t SchemeLength(std::string_view value) {
  if (value.empty() || !std::isalpha(static_cast<unsigned char>(value[0]))) return 0;
  for (std::size_t i = 1; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ':') return i;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

bool IsWellFormedIri(std::string_view value) {
  if (!HasScheme(value)) return false;
  // One pass (toRdf checks every subject, property and object IRI): no
  // forbidden byte, at most one '#'.
  int hashes = 0;
  for (const char c : value) {
    const unsigned char k = kIriByteClass[static_cast<unsigned char>(c)];
    if (k == 0) continue;
    if (k == 1 || ++hashes > 1) return false;
  }
  return true;
}

}  // namespace tinykg::rdf
