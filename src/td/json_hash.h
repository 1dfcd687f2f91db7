// A hash of a JSON value that agrees with nlohmann::json equality: equal
// values hash alike. Numbers compare by value across their JSON types
// (1 == 1.0), so numbers hash as doubles; arrays and objects (ordered maps)
// hash their parts in order.
// For duplicate checks in linear time (uniqueItems, the JSON-LD node map's
// "add value unless present"), where a pairwise scan was quadratic.
#ifndef TINYKG_TD_JSON_HASH_H_
#define TINYKG_TD_JSON_HASH_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace tinykg::td::internal {

inline std::size_t HashMix(std::size_t seed, std::size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

inline std::size_t JsonHash(const nlohmann::json& j) {
  using Type = nlohmann::json::value_t;
  switch (j.type()) {
    case Type::string: return std::hash<std::string>()(j.get_ref<const std::string&>());
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float: {
      // nlohmann compares an integer with a float as doubles (2^53 + 1 ==
      // 2^53.0), so every number hashes as its double; -0.0 as 0.0. (An
      // unsigned past INT64_MAX equals, to nlohmann, the negative integer
      // of the same bits as well: JSON texts here never hold one.)
      const double d = j.get<double>();
      return d == 0.0 ? 0 : std::hash<double>()(d);
    }
    case Type::boolean: return j.get<bool>() ? 2 : 3;
    case Type::null: return 5;
    case Type::array: {
      std::size_t h = 7;
      for (const auto& item : j.get_ref<const nlohmann::json::array_t&>()) h = HashMix(h, JsonHash(item));
      return h;
    }
    case Type::object: {
      std::size_t h = 11;
      for (const auto& [key, value] : j.get_ref<const nlohmann::json::object_t&>()) {
        h = HashMix(HashMix(h, std::hash<std::string>()(key)), JsonHash(value));
      }
      return h;
    }
    default: return 13;  // binary, discarded: not in documents read here
  }
}

}  // namespace tinykg::td::internal

#endif  // TINYKG_TD_JSON_HASH_H_
