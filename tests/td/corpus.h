// The shared WoT corpus (../shared/data/wot) as lists of files by label.
#ifndef TINYKG_TESTS_TD_CORPUS_H_
#define TINYKG_TESTS_TD_CORPUS_H_

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace tinykg::td::testing {

inline std::string WotDir() { return std::string(TINYKG_SHARED_DATA) + "/wot"; }

// Regular files under WotDir()/relative, recursively, sorted.
inline std::vector<std::string> CorpusFiles(const std::string& relative) {
  std::vector<std::string> files;
  std::error_code ec;
  const std::string dir = WotDir() + "/" + relative;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every TD/TM labelled valid (or valid with warnings, or valid by the TD 1.1
// schema but newer than the playground: not_valid_yet).
inline std::vector<std::string> ValidFiles() {
  std::vector<std::string> all;
  for (const char* dir : {"td/valid", "td/valid_with_warnings", "td/not_valid_yet", "tm/valid"}) {
    for (auto& f : CorpusFiles(dir)) all.push_back(f);
  }
  return all;
}

inline std::vector<std::string> InvalidFiles() {
  std::vector<std::string> all;
  for (const char* dir : {"td/invalid", "tm/invalid"}) {
    for (auto& f : CorpusFiles(dir)) all.push_back(f);
  }
  return all;
}

}  // namespace tinykg::td::testing

#endif  // TINYKG_TESTS_TD_CORPUS_H_
