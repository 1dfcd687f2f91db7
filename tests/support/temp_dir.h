// A directory under the system's temporary folder, named for the test and
// the process, removed (with everything in it) at the end of the scope.
#ifndef TINYKG_TESTS_SUPPORT_TEMP_DIR_H_
#define TINYKG_TESTS_SUPPORT_TEMP_DIR_H_

#include <unistd.h>

#include <filesystem>
#include <string>

namespace tinykg::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("tinykg-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string str() const { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_SUPPORT_TEMP_DIR_H_
