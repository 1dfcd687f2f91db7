// Reads the members of a .zip archive (stored or deflated, via zlib).
#ifndef TINYKG_TRAIN_ZIP_H_
#define TINYKG_TRAIN_ZIP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::train {

struct ZipMember {
  std::string name;  // path inside the archive ("dir/" for directories)
  std::string data;  // uncompressed bytes
};

// The members are held in memory: an archive whose members claim more than
// this many bytes uncompressed, in all, is refused before any is inflated.
// (Omniglot's whole background set is about 10 MB.)
inline constexpr std::uint64_t kMaxZipBytes = std::uint64_t{1} << 30;

// Every member of the archive at `path`, in central-directory order.
// kParseError for a damaged archive or an unsupported compression method
// (only 0 = stored and 8 = deflate exist in practice); checks CRC-32.
// kInvalidData past kMaxZipBytes.
Result<std::vector<ZipMember>> ReadZip(const std::string& path);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_ZIP_H_
