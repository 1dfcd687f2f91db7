// TinykgCommit(): the commit the build was made from (generated header, see
// build_info.cmake). Kept in its own file so a new commit recompiles only it.
#include "tinykg/emu/run.h"
#include "tinykg_build_info.h"

namespace tinykg::emu {

std::string_view TinykgCommit() { return TINYKG_COMMIT; }

}  // namespace tinykg::emu
