// Omniglot from the dataset's zip: loading (zip + PNG + downscale) and a
// short few-shot run that must beat chance.
#include "tinykg/train/omniglot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tinykg/base/file.h"

#include "tinykg/engine/arena.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
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

// Hostile archives (`train --data FILE.zip` takes any zip). A zip is written
// by hand: one stored member, then central directory entries pointing at it.
struct ZipEntry {
  std::string name;
  std::uint32_t size;
  std::uint32_t local;  // offset of the local header
  std::uint32_t crc;
};

void Put16(std::string& b, unsigned v) {
  b += static_cast<char>(v & 0xFF);
  b += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& b, std::uint32_t v) {
  Put16(b, v & 0xFFFF);
  Put16(b, v >> 16);
}

std::uint32_t Crc32(const std::string& data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string StoredZip(const std::string& data, const std::vector<ZipEntry>& entries) {
  std::string b;
  Put32(b, 0x04034b50u);
  for (unsigned v : {20u, 0u, 0u, 0u, 0u}) Put16(b, v);
  Put32(b, Crc32(data));
  Put32(b, static_cast<std::uint32_t>(data.size()));
  Put32(b, static_cast<std::uint32_t>(data.size()));
  Put16(b, 1);
  Put16(b, 0);
  b += "m" + data;
  const auto directory = static_cast<std::uint32_t>(b.size());
  for (const ZipEntry& e : entries) {
    Put32(b, 0x02014b50u);
    for (unsigned v : {20u, 20u, 0u, 0u, 0u, 0u}) Put16(b, v);
    Put32(b, e.crc);
    Put32(b, e.size);
    Put32(b, e.size);
    Put16(b, static_cast<unsigned>(e.name.size()));
    for (unsigned v : {0u, 0u, 0u, 0u}) Put16(b, v);
    Put32(b, 0);
    Put32(b, e.local);
    b += e.name;
  }
  Put32(b, 0x06054b50u);
  for (unsigned v : {0u, 0u}) Put16(b, v);
  Put16(b, static_cast<unsigned>(entries.size()));
  Put16(b, static_cast<unsigned>(entries.size()));
  Put32(b, static_cast<std::uint32_t>(b.size()) - directory);
  Put32(b, directory);
  Put16(b, 0);
  return b;
}

std::string WriteZip(const std::string& name, const std::string& bytes) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/hostile_zips";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  EXPECT_TRUE(WriteFileAtomic(path, bytes).ok());
  return path;
}

TEST(Zip, HostileArchivesAreErrorsNotCrashes) {
  // A local header offset near 2^32: the 32-bit sum wrapped and the reader
  // read far outside the file (SIGSEGV).
  auto far = ReadZip(WriteZip("far.zip", StoredZip("x", {{"a/b/c.png", 1, 0xFFFFFFF0u, Crc32("x")}})));
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.status().ToString().find("bad local header for a/b/c.png (byte 4294967280)"), std::string::npos)
      << far.status().ToString();
  // 1,100 entries sharing one 1 MiB member: 1.1 GiB from a 1 MiB file (with
  // deflate, 100 MB per entry from 100 KB: an overlapping zip bomb). Refused
  // from the central directory, before anything is copied.
  const std::string mib(1 << 20, 'i');
  std::vector<ZipEntry> shared;
  const std::uint32_t mib_crc = Crc32(mib);
  for (int i = 0; i < 1100; ++i) shared.push_back({"a/b/" + std::to_string(i) + ".png", 1u << 20, 0, mib_crc});
  auto bomb = ReadZip(WriteZip("bomb.zip", StoredZip(mib, shared)));
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.status().code(), StatusCode::kInvalidData);
  EXPECT_NE(bomb.status().ToString().find("entry 1025 of 1100 (a/b/1024.png): the members hold more than 1073741824 bytes"),
            std::string::npos)
      << bomb.status().ToString();
  // A member that claims 4 GiB.
  auto claim = ReadZip(WriteZip("claim.zip", StoredZip("x", {{"a/b/c.png", 0xFFFFFFFFu, 0, Crc32("x")}})));
  ASSERT_FALSE(claim.ok());
  EXPECT_EQ(claim.status().code(), StatusCode::kInvalidData);

  // A real drawing whose header claims 30,000 x 30,000 pixels: 900 MB were
  // allocated before libpng found no pixels behind it.
  auto members = ReadZip(DefaultOmniglotZip());
  ASSERT_TRUE(members.ok());
  const auto png = std::find_if(members->begin(), members->end(), [](const ZipMember& m) {
    return m.name.size() > 4 && m.name.compare(m.name.size() - 4, 4, ".png") == 0;
  });
  ASSERT_NE(png, members->end());
  std::string big = png->data;
  ASSERT_EQ(big.substr(12, 4), "IHDR");
  for (int at : {16, 20}) {
    big[at] = 0;
    big[at + 1] = 0;
    big[at + 2] = static_cast<char>(30000 >> 8);
    big[at + 3] = static_cast<char>(30000 & 0xFF);
  }
  const std::uint32_t ihdr_crc = Crc32(big.substr(12, 17));
  for (int k = 0; k < 4; ++k) big[29 + k] = static_cast<char>(ihdr_crc >> (24 - 8 * k));
  auto loaded = LoadOmniglot(WriteZip("big.zip", StoredZip(big, {{"al/ch/1.png", static_cast<std::uint32_t>(big.size()), 0, Crc32(big)}})));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().ToString().find("a PNG of 30000 x 30000 pixels"), std::string::npos)
      << loaded.status().ToString();
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
  o.server.meta_learning_rate = 1.0f;  // a fast configuration, not the defaults
  o.inner_steps = 5;
  o.eval_augment = 0;
  o.shots = 5;
  o.eval_tasks = 15;
  o.channels = 8;
  o.server.seed = 1;
  auto r = RunOmniglot(Data(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::printf("omniglot 5-way 5-shot reptile(60 visits): accuracy %.3f, %d devices, %zu/%zu characters, %.1fs\n",
              r->accuracy(), r->devices, r->train_characters, r->test_characters, r->run.seconds);
  // Chance is 0.2; 0.587 with the defaults (SGD, head zeroed per task), 0.627
  // with a prototype head (0.547 before any step); with Adam: 0.496 with the
  // meta-learned head, 0.581 zeroed (2026-12-02).
  EXPECT_GT(r->accuracy(), 0.45);
  EXPECT_DOUBLE_EQ(r->run.test.before, 0.2);
  o.head_init = HeadInit::kProto;
  auto p = RunOmniglot(Data(), o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::printf("... with a prototype head: accuracy %.3f, %.3f before any step\n", p->accuracy(), p->run.test.before);
  EXPECT_GT(p->accuracy(), 0.45);
  EXPECT_GT(p->run.test.before, 0.3);
  EXPECT_EQ(r->devices, 3);
  EXPECT_EQ(r->run.device_steps, 60 * 5);
}

// With the head reset to zero every class scores the same before
// adaptation (arg-max picks class 0: exactly 1 / ways of the balanced
// queries), and the meta-test reports its curve up to eval_steps.
TEST(Omniglot, ZeroHeadStartsEveryTaskAtChance) {
  OmniglotOptions o;
  o.head_init = HeadInit::kZero;
  o.channels = 4;
  o.eval_tasks = 6;
  o.eval_steps = 12;
  auto family = OmniglotFamily::Create(Data(), o);
  ASSERT_TRUE(family.ok()) << family.status().ToString();
  engine::Pcg32 rng(3);
  const std::vector<float> init = (*family)->Initialize(rng);
  const MetaTest t = (*family)->Evaluate(init);
  EXPECT_DOUBLE_EQ(t.before, 1.0 / o.ways);
  EXPECT_EQ(t.steps, (std::vector<int>{5, 10, 12}));
  ASSERT_EQ(t.after.size(), 3u);
  // A visit's adapted head is trained from zero, whatever the init's head.
  std::vector<float> other = init;
  const std::size_t head = (*family)->head_parameter_count();
  for (std::size_t i = other.size() - head; i < other.size(); ++i) other[i] = 5.0f;
  engine::Pcg32 a(7), b(7);
  const std::vector<float> samples = (*family)->VisitSamples(0, VisitKind::kTask, a);
  auto from_init = (*family)->Adapt(init, samples, nullptr);
  auto from_other = (*family)->Adapt(other, (*family)->VisitSamples(0, VisitKind::kTask, b), nullptr);
  ASSERT_TRUE(from_init.ok() && from_other.ok());
  EXPECT_EQ(*from_init, *from_other);
}

// A prototype head is the nearest-class-mean classifier before any step
// (scaled or not): adapted with 0 steps, the parameters send every drawing
// to the class whose mean support feature is nearest by squared distance.
void ExpectNearestClassMean(bool scaled) {
  OmniglotOptions o;
  o.head_init = HeadInit::kProto;
  o.proto_scaled = scaled;
  o.channels = 4;
  auto sampler = OmniglotFamily::Create(Data(), o);
  const auto records = static_cast<std::size_t>(o.inner_steps * o.inner_batch);
  o.inner_steps = 0;
  auto family = OmniglotFamily::Create(Data(), o);
  ASSERT_TRUE(sampler.ok() && family.ok());
  engine::Pcg32 rng(5);
  const std::vector<float> init = (*family)->Initialize(rng);
  const std::vector<float> samples = (*sampler)->VisitSamples(2, VisitKind::kTask, rng);
  auto adapted = (*family)->Adapt(init, samples, nullptr);
  ASSERT_TRUE(adapted.ok()) << adapted.status().ToString();

  // The same network, outside the family.
  std::vector<std::byte> memory(1 << 20);
  engine::Arena arena(memory);
  engine::Network net;
  std::vector<engine::LayerSpec> layers;
  for (int l = 0; l < o.conv_layers; ++l) {
    layers.push_back(engine::LayerSpec::Conv(o.channels, 3, 2, engine::Padding::kSame, engine::Activation::kNone));
    layers.push_back(engine::LayerSpec::Normalize(engine::Activation::kRelu));
  }
  layers.push_back(engine::LayerSpec::Dense(o.ways));
  ASSERT_EQ(net.Build(engine::Shape{28, 28, 1}, layers, arena), engine::Status::kOk);
  ASSERT_EQ(net.parameters().size(), adapted->size());
  std::copy(init.begin(), init.end(), net.parameters().begin());

  const std::size_t n = 28 * 28, features = 4 * 4;  // 28 -> 14 -> 7 -> 4 -> 2: 2 x 2 x 4
  const int last = net.layer_count() - 1;
  std::vector<std::vector<float>> z;
  std::vector<int> labels;
  std::vector<std::vector<double>> mean(static_cast<std::size_t>(o.ways), std::vector<double>(features, 0.0));
  std::vector<int> count(static_cast<std::size_t>(o.ways), 0);
  for (std::size_t r = 0; r + n + 1 <= samples.size(); r += n + 1) {
    (void)net.Forward(std::span<const float>(samples).subspan(r, n));
    const std::span<const float> f = net.layer_output(last - 1);
    ASSERT_EQ(f.size(), features);
    z.emplace_back(f.begin(), f.end());
    labels.push_back(static_cast<int>(samples[r + n]));
    for (std::size_t j = 0; j < features; ++j) mean[static_cast<std::size_t>(labels.back())][j] += f[j];
    ++count[static_cast<std::size_t>(labels.back())];
  }
  ASSERT_EQ(z.size(), records);
  for (std::size_t k = 0; k < mean.size(); ++k) {
    ASSERT_GT(count[k], 0);
    for (double& v : mean[k]) v /= count[k];
  }
  std::copy(adapted->begin(), adapted->end(), net.parameters().begin());
  int agree = 0, correct = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    std::size_t nearest = 0;
    double best = 1e300;
    for (std::size_t k = 0; k < mean.size(); ++k) {
      double d = 0;
      for (std::size_t j = 0; j < features; ++j) d += (z[i][j] - mean[k][j]) * (z[i][j] - mean[k][j]);
      if (d < best) best = d, nearest = k;
    }
    const auto predicted = static_cast<std::size_t>(
        engine::ArgMax(net.Forward(std::span<const float>(samples).subspan(i * (n + 1), n))));
    agree += predicted == nearest;
    correct += static_cast<int>(predicted) == labels[i];
  }
  EXPECT_EQ(agree, static_cast<int>(records));
  EXPECT_GT(correct, static_cast<int>(records) / o.ways);  // class means of the drawings themselves: better than chance
  // Only the head differs from the initialisation.
  const std::size_t head = (*family)->head_parameter_count();
  EXPECT_TRUE(std::equal(init.begin(), init.end() - static_cast<std::ptrdiff_t>(head), adapted->begin()));
}

TEST(Omniglot, ProtoHeadStartsAsNearestClassMean) {
  {
    SCOPED_TRACE("scaled by the spread of the class means");
    ExpectNearestClassMean(true);
  }
  {
    SCOPED_TRACE("unscaled");
    ExpectNearestClassMean(false);
  }
}

// Support copies at evaluation (eval_augment): the same tasks (the zeroed
// head's score before any step is the same), another adaptation, the same
// again with the same seed; out-of-range counts are refused.
TEST(Omniglot, EvalAugmentAddsShiftedSupportCopies) {
  OmniglotOptions plain, copies;
  plain.channels = copies.channels = 4;
  plain.eval_tasks = copies.eval_tasks = 6;
  plain.eval_steps = copies.eval_steps = 5;
  plain.shots = copies.shots = 2;
  plain.eval_augment = 0;
  copies.eval_augment = 3;
  auto p = OmniglotFamily::Create(Data(), plain);
  auto c = OmniglotFamily::Create(Data(), copies);
  ASSERT_TRUE(p.ok() && c.ok());
  engine::Pcg32 rng(9);
  const std::vector<float> init = (*p)->Initialize(rng);
  const MetaTest a = (*p)->Evaluate(init);
  const MetaTest b = (*c)->Evaluate(init);
  const MetaTest again = (*c)->Evaluate(init);
  EXPECT_DOUBLE_EQ(a.before, b.before);
  ASSERT_EQ(a.after.size(), b.after.size());
  EXPECT_NE(a.after, b.after);
  EXPECT_EQ(b.after, again.after);
  for (int bad : {-1, 17}) {
    OmniglotOptions o;
    o.eval_augment = bad;
    EXPECT_FALSE(OmniglotFamily::Create(Data(), o).ok()) << bad;
  }
}

// Shifted training drawings keep their ink (up to what leaves the frame)
// and move: the same draws without the shift give other pixels.
TEST(Omniglot, ShiftAugmentationMovesTrainingDrawings) {
  OmniglotOptions plain, shifted;
  plain.channels = shifted.channels = 4;
  plain.shift = 0;
  shifted.shift = 3;
  auto p = OmniglotFamily::Create(Data(), plain);
  auto s = OmniglotFamily::Create(Data(), shifted);
  ASSERT_TRUE(p.ok() && s.ok());
  engine::Pcg32 a(11), b(11);
  const std::vector<float> x = (*p)->VisitSamples(1, VisitKind::kTask, a);
  const std::vector<float> y = (*s)->VisitSamples(1, VisitKind::kTask, b);
  ASSERT_EQ(x.size(), y.size());
  const std::size_t n = 28 * 28;
  int moved = 0;
  for (std::size_t r = 0; r + n + 1 <= x.size(); r += n + 1) {
    EXPECT_EQ(x[r + n], y[r + n]);  // same class labels
    double ink_x = 0, ink_y = 0;
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) {
      ink_x += x[r + i];
      ink_y += y[r + i];
      same = same && x[r + i] == y[r + i];
    }
    EXPECT_LE(ink_y, ink_x + 1e-3);
    EXPECT_GT(ink_y, 0.7 * ink_x);
    moved += same ? 0 : 1;
  }
  EXPECT_GT(moved, 0);
}

// Turned and scaled training drawings (--tilt, --zoom): same labels, other
// pixels, about the same ink (bilinear; a 0.85-1.15 scale changes the area
// by at most a third); a warp of almost nothing gives back the drawing, so
// the inverse map is centred and not transposed.
TEST(Omniglot, TiltAndZoomWarpTrainingDrawings) {
  OmniglotOptions plain, warped, almost;
  plain.channels = warped.channels = almost.channels = 4;
  plain.shift = warped.shift = almost.shift = 0;
  warped.tilt_degrees = 15.0f;
  warped.zoom = 0.15f;
  almost.tilt_degrees = 1e-4f;
  auto p = OmniglotFamily::Create(Data(), plain);
  auto w = OmniglotFamily::Create(Data(), warped);
  auto a = OmniglotFamily::Create(Data(), almost);
  ASSERT_TRUE(p.ok() && w.ok() && a.ok());
  engine::Pcg32 r1(11), r2(11), r3(11);
  const std::vector<float> x = (*p)->VisitSamples(1, VisitKind::kTask, r1);
  const std::vector<float> y = (*w)->VisitSamples(1, VisitKind::kTask, r2);
  const std::vector<float> z = (*a)->VisitSamples(1, VisitKind::kTask, r3);
  ASSERT_EQ(x.size(), y.size());
  ASSERT_EQ(x.size(), z.size());
  const std::size_t n = 28 * 28;
  int moved = 0;
  for (std::size_t r = 0; r + n + 1 <= x.size(); r += n + 1) {
    EXPECT_EQ(x[r + n], y[r + n]);
    double ink_x = 0, ink_y = 0, worst = 0;
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) {
      ink_x += x[r + i];
      ink_y += y[r + i];
      same = same && std::abs(x[r + i] - y[r + i]) < 1e-3f;
      worst = std::max(worst, static_cast<double>(std::abs(x[r + i] - z[r + i])));
    }
    EXPECT_GT(ink_y, 0.6 * ink_x);
    EXPECT_LT(ink_y, 1.4 * ink_x);
    EXPECT_LT(worst, 1e-3);
    moved += same ? 0 : 1;
  }
  EXPECT_GT(moved, static_cast<int>(x.size() / (n + 1)) / 2);
}

// Lake et al.'s 20-way within-alphabet runs: 20 runs, each 20 classes with
// one training drawing and one test drawing per class.
TEST(Omniglot, ReadsTheTwentyWayOneShotRuns) {
  auto runs = LoadOneShotRuns(DefaultOneShotRunsZip());
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 20u);
  EXPECT_EQ(runs->front().name, "run01");
  for (const OneShotRun& run : *runs) {
    ASSERT_EQ(run.training.size(), 20u) << run.name;
    ASSERT_EQ(run.test.size(), 20u) << run.name;
    std::vector<int> seen(20, 0);
    for (int label : run.labels) ++seen[static_cast<std::size_t>(label)];
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 20) << run.name;  // each class tested once
    EXPECT_EQ(run.test[0].size(), 28u * 28u);
  }
  // A 20-way initialisation is scored on them; a 5-way one is refused.
  OmniglotOptions o;
  o.ways = 20;
  o.channels = 4;
  o.eval_steps = 2;
  auto family = OmniglotFamily::Create(Data(), o);
  ASSERT_TRUE(family.ok()) << family.status().ToString();
  engine::Pcg32 rng(1);
  const std::vector<float> init = (*family)->Initialize(rng);
  auto accuracy = (*family)->EvaluateOneShotRuns(init, *runs);
  ASSERT_TRUE(accuracy.ok()) << accuracy.status().ToString();
  EXPECT_GE(*accuracy, 0.0);
  EXPECT_LE(*accuracy, 1.0);
  o.ways = 5;
  auto five = OmniglotFamily::Create(Data(), o);
  ASSERT_TRUE(five.ok());
  EXPECT_EQ((*five)->EvaluateOneShotRuns((*five)->Initialize(rng), *runs).status().code(),
            StatusCode::kInvalidArgument);
  // The background zip has no runs: an error naming it.
  auto wrong = LoadOneShotRuns(DefaultOmniglotZip());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().ToString().find("images_background_small1.zip"), std::string::npos);
}

}  // namespace
}  // namespace tinykg::train
