// Small file helpers shared by the importers and the CLI.
#ifndef TINYKG_BASE_FILE_H_
#define TINYKG_BASE_FILE_H_

#include <string>
#include <string_view>

#include "tinykg/base/status.h"

namespace tinykg {

// Reads a whole file ("-" reads standard input). Fails with kIoError naming
// the path, also for a directory or a file that cannot be read (EIO).
Result<std::string> ReadFile(const std::string& path);

// Writes `data` to `path` atomically (temporary file + rename).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// "file:///abs/path" for a path (made absolute, percent-encoding spaces and
// characters not allowed in IRIs).
std::string FileIri(const std::string& path);

// Lowercase extension without the dot ("ttl"), or "" when there is none.
std::string Extension(const std::string& path);

}  // namespace tinykg

#endif  // TINYKG_BASE_FILE_H_
