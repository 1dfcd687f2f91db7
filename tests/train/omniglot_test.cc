// Omniglot from the dataset's zip: loading (zip + PNG + downscale) and a
// short few-shot run that must beat chance.
#include "tinykg/train/omniglot.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tinykg/train/zip.h"

namespace tinykg::train {
namespace {

const Omniglot& Data() {
  static const Omniglot data = [] {
    auto d = LoadOmniglot(DefaultOmniglotZip());
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : Omniglot{};
  }();
  return data;
}

TEST(Zip, ReadsDeflatedMembersAndChecksCrc) {
  auto members = ReadZip(DefaultOmniglotZip());
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  EXPECT_GT(members->size(), 2700u);
  EXPECT_FALSE(ReadZip(std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/datatest.txt").ok());
}

TEST(Omniglot, LoadsCharactersAsInkImages) {
  const Omniglot& d = Data();
  ASSERT_GE(d.characters.size(), 135u);
  std::size_t images = 0;
  for (const auto& c : d.characters) images += c.images.size();
  EXPECT_EQ(images, 2720u);  // 136 characters x 20 drawers
  const auto& img = d.characters[0].images[0];
  ASSERT_EQ(img.size(), 28u * 28u);
  double ink = 0;
  for (float v : img) {
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
    ink += v;
  }
  EXPECT_GT(ink / img.size(), 0.02);  // strokes are present ...
  EXPECT_LT(ink / img.size(), 0.5);   // ... on white paper
}

TEST(Omniglot, FewShotAdaptationBeatsChance) {
  OmniglotOptions o;
  o.method = Method::kReptile;
  o.server.visits = 60;
  o.shots = 5;
  o.eval_tasks = 15;
  o.channels = 8;
  o.server.seed = 1;
  auto r = RunOmniglot(Data(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::printf("omniglot 5-way 5-shot reptile(60 visits): accuracy %.3f, %d devices, %zu/%zu characters, %.1fs\n",
              r->accuracy(), r->devices, r->train_characters, r->test_characters, r->run.seconds);
  EXPECT_GT(r->accuracy(), 0.3);  // chance is 0.2
  EXPECT_EQ(r->devices, 3);
  EXPECT_EQ(r->run.device_steps, 60 * 5);
}

}  // namespace
}  // namespace tinykg::train
