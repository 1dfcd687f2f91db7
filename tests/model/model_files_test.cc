#include "tinykg/model/model_files.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "tinykg/model/summary.h"

namespace tinykg::model {
namespace {

namespace fs = std::filesystem;

std::string Dir() {
  return std::string(TINYKG_BINARY_DIR) + "/model-files-test/" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::string Hash(const std::string& bytes) {
  return Sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

TEST(ModelFiles, DirectoryStoresKeepFiles_OthersSayWhyNot) {
  auto lmdb = ModelFiles::ForStore("/tmp/some-store");
  ASSERT_TRUE(lmdb.ok());
  EXPECT_TRUE(lmdb->keeps());
  EXPECT_EQ(lmdb->dir(), "/tmp/some-store/models");
  auto hashes = ModelFiles::ForStore("hashes:/tmp/old-store");
  ASSERT_TRUE(hashes.ok());
  EXPECT_EQ(hashes->dir(), "/tmp/old-store/models");
  for (const char* spec : {"memory:", "hashes-memory:", "virtuoso://localhost:1111"}) {
    auto none = ModelFiles::ForStore(spec);
    ASSERT_TRUE(none.ok()) << spec;
    EXPECT_FALSE(none->keeps()) << spec;
    EXPECT_NE(none->why_not().find("keeps"), std::string::npos) << spec;
    EXPECT_EQ(none->Keep("x", Hash("x"), "tflite").status().code(), StatusCode::kUnsupported) << spec;
    EXPECT_EQ(none->Find("sha256:" + Hash("x")).status().code(), StatusCode::kUnsupported) << spec;
  }
  EXPECT_FALSE(ModelFiles::ForStore("").ok());
}

TEST(ModelFiles, Keep_Find_Discard_AndAChangedCopyIsRefused) {
  fs::remove_all(Dir());
  auto files = ModelFiles::ForStore(Dir());
  ASSERT_TRUE(files.ok());
  const std::string bytes = "TFL3 not really a model";
  const std::string hex = Hash(bytes);
  EXPECT_EQ(files->Find("sha256:" + hex).status().code(), StatusCode::kNotFound);

  auto wrote = files->Keep(bytes, hex, "tflite");
  ASSERT_TRUE(wrote.ok()) << wrote.status().ToString();
  EXPECT_TRUE(*wrote);
  EXPECT_FALSE(*files->Keep(bytes, hex, "tflite"));  // a good copy is there already
  auto found = files->Find("sha256:" + hex);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, Dir() + "/models/" + hex + ".tflite");
  EXPECT_EQ(*files->Find(hex), *found);
  for (const auto& entry : fs::directory_iterator(Dir() + "/models")) {
    EXPECT_EQ(entry.path().filename().string(), hex + ".tflite");  // no temporary file left
  }

  std::ofstream(*found, std::ios::app | std::ios::binary) << "!";
  auto changed = files->Find("sha256:" + hex);
  EXPECT_EQ(changed.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(changed.status().message().find("hash mismatch"), std::string::npos) << changed.status().ToString();
  EXPECT_TRUE(*files->Keep(bytes, hex, "tflite"));  // re-importing repairs it
  EXPECT_TRUE(files->Find(hex).ok());

  files->Discard(hex, "tflite");
  EXPECT_EQ(files->Find(hex).status().code(), StatusCode::kNotFound);
  // Names that are no SHA-256 never become paths.
  EXPECT_EQ(files->Find("sha256:../../etc/passwd").status().code(), StatusCode::kInvalidData);
  EXPECT_EQ(files->Keep(bytes, "../x", "tflite").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tinykg::model
