#include "tinykg/model/model_files.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "tinykg/model/graph.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/store.h"

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

// A failed graph write takes back the copies it made; a file that cannot be
// kept stops the import before the graph is written.
TEST(PutModels, KeepsFilesWithTheGraphs_AndTakesThemBackOnFailure) {
  fs::remove_all(Dir());
  fs::create_directories(Dir());
  const std::string store_dir = Dir() + "/store";
  auto store = rdf::Store::Open(store_dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto files = ModelFiles::ForStore(store_dir);
  ASSERT_TRUE(files.ok());
  const std::string path = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/Hello_World.tflite";
  auto summary = SummarizeFile(path);
  ASSERT_TRUE(summary.ok());
  const rdf::GraphDocument graph = ModelToGraph(*summary, {}, path);

  rdf::GraphDocument bad = graph;
  bad.triples.push_back(
      {rdf::Term::Literal("not a subject"), rdf::Term::Literal("nor a predicate"), rdf::Term::Literal("x")});
  auto failed = PutModels(**store, *files, {{path, summary->sha256, summary->format, bad}});
  ASSERT_FALSE(failed.ok());
  EXPECT_FALSE(fs::exists(files->PathOf(summary->sha256, "tflite")));
  EXPECT_FALSE((*store)->Get(graph.iri, false).ok());

  auto changed = PutModels(**store, *files, {{path, Hash("other bytes"), summary->format, graph}});
  EXPECT_EQ(changed.status().code(), StatusCode::kInvalidData);
  EXPECT_FALSE((*store)->Get(graph.iri, false).ok());

  auto kept = PutModels(**store, *files, {{path, summary->sha256, summary->format, graph}});
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(kept->front(), files->PathOf(summary->sha256, "tflite"));
  EXPECT_TRUE(files->Find("sha256:" + summary->sha256).ok());
  EXPECT_TRUE((*store)->Get(graph.iri, false).ok());
}

}  // namespace
}  // namespace tinykg::model
