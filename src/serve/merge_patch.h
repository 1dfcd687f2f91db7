// JSON Merge Patch (RFC 7396) on nlohmann::ordered_json (member order of the
// target is kept, new members go last).
#ifndef TINYKG_SERVE_MERGE_PATCH_H_
#define TINYKG_SERVE_MERGE_PATCH_H_

#include <nlohmann/json.hpp>

namespace tinykg::serve {

// Returns `target` with `patch` applied: an object patch merges member by
// member (null removes a member), anything else replaces the target.
nlohmann::ordered_json MergePatch(nlohmann::ordered_json target, const nlohmann::ordered_json& patch);

}  // namespace tinykg::serve

#endif  // TINYKG_SERVE_MERGE_PATCH_H_
