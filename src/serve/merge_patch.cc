#include "merge_patch.h"

namespace tinykg::serve {

nlohmann::ordered_json MergePatch(nlohmann::ordered_json target, const nlohmann::ordered_json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = nlohmann::ordered_json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else if (target.contains(key)) {
      target[key] = MergePatch(std::move(target[key]), value);
    } else {
      target[key] = MergePatch(nlohmann::ordered_json(), value);
    }
  }
  return target;
}

}  // namespace tinykg::serve
