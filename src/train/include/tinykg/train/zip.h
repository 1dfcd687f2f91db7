// Reads the members of a .zip archive (stored or deflated, via zlib).
#ifndef TINYKG_TRAIN_ZIP_H_
#define TINYKG_TRAIN_ZIP_H_

#include <string>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::train {

struct ZipMember {
  std::string name;  // path inside the archive ("dir/" for directories)
  std::string data;  // uncompressed bytes
};

// Every member of the archive at `path`, in central-directory order.
// kParseError for a damaged archive or an unsupported compression method
// (only 0 = stored and 8 = deflate exist in practice); checks CRC-32.
Result<std::vector<ZipMember>> ReadZip(const std::string& path);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_ZIP_H_
