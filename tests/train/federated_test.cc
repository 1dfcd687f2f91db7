// The federated servers over the task families: every server serves every
// family, TinyMetaFed with everything sent is Reptile, top-P counts the
// bytes it sends, and the drift experiment on UCI occupancy.
#include "tinykg/train/federated_server.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "occupancy_data.h"
#include "tinykg/train/omniglot.h"
#include "tinykg/train/sine.h"
#include "tinykg/train/tabular.h"

namespace tinykg::train {
namespace {

SineOptions SmallSine() {
  SineOptions o;
  o.server.visits = 200;
  o.eval_tasks = 10;
  o.server.seed = 3;
  return o;
}

TEST(TinyMetaFed, EverythingSentAndSharedHead_IsReptile) {
  SineOptions o = SmallSine();
  auto reptile = RunSine(o);
  o.method = Method::kTinyMetaFed;
  o.server.top_p = 1.0;
  o.server.local_head = false;
  auto tiny = RunSine(o);
  ASSERT_TRUE(reptile.ok() && tiny.ok());
  EXPECT_EQ(reptile->test.after, tiny->test.after);
  EXPECT_EQ(reptile->traffic.total(), tiny->traffic.total());
  EXPECT_EQ(reptile->traffic.total(), 200u * 2 * 1761 * 4);  // every visit: the whole vector down and up
}

TEST(TinyMetaFed, TopP_SendsThatShareOfTheSharedParameters) {
  SineOptions o = SmallSine();
  o.method = Method::kTinyMetaFed;
  o.server.top_p = 0.2;
  o.server.local_head = true;
  auto r = RunSine(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // 1,761 parameters, 41 of them the output layer kept on the device: 1,720
  // shared, 344 (20 %) sent each way as a bitmap (215 B) + 344 floats.
  const std::uint64_t sparse = 215 + 344 * 4;
  const std::uint64_t first = 1761 * 4;  // a device's first download: everything
  EXPECT_EQ(r->traffic.down_bytes, 5 * first + (200 - 5) * sparse);
  EXPECT_EQ(r->traffic.up_bytes, 200 * sparse);
  EXPECT_LT(r->traffic.total(), 0.3 * 200 * 2 * 1761 * 4);
  EXPECT_TRUE(std::isfinite(r->test.Final()));
  EXPECT_LT(r->test.Final(), r->test.before);  // it still learns to adapt
}

TEST(FederatedServer, RejectsTopPOutOfRangeAndNonFederatedMethods) {
  auto family = SineFamily::Create(SmallSine());
  ASSERT_TRUE(family.ok());
  ServerOptions o;
  o.top_p = 0.0;
  EXPECT_EQ(MakeServer(Method::kTinyMetaFed, **family, o).status().code(), StatusCode::kInvalidArgument);
  o.top_p = 1.5;
  EXPECT_FALSE(MakeServer(Method::kTinyMetaFed, **family, o).ok());
  o.top_p = 1.0;
  EXPECT_FALSE(MakeServer(Method::kOnline, **family, o).ok());
  EXPECT_FALSE(MakeServer(Method::kScratch, **family, o).ok());
  auto server = MakeServer(Method::kReptile, **family, o);
  ASSERT_TRUE(server.ok());
  (void)(*server)->NextRound();
  EXPECT_EQ((*server)->Update({}).code(), StatusCode::kInvalidArgument);  // one vector per visit
}

TEST(FederatedServer, FedAvgVisitsEveryDeviceEachRound) {
  auto family = SineFamily::Create(SmallSine());
  ASSERT_TRUE(family.ok());
  ServerOptions o;
  o.visits = 12;  // 5 devices: two whole rounds
  auto server = MakeServer(Method::kFedAvg, **family, o);
  ASSERT_TRUE(server.ok());
  int rounds = 0;
  while (!(*server)->done()) {
    const std::vector<DeviceVisit> round = (*server)->NextRound();
    ASSERT_EQ(round.size(), 5u);
    std::vector<std::vector<float>> adapted;
    for (std::size_t d = 0; d < round.size(); ++d) {
      EXPECT_EQ(round[d].device, static_cast<int>(d));
      adapted.push_back(std::vector<float>(round[d].init.size(), static_cast<float>(d)));
    }
    ASSERT_TRUE((*server)->Update(adapted).ok());
    ++rounds;
  }
  EXPECT_EQ(rounds, 2);
  for (float v : (*server)->meta()) ASSERT_FLOAT_EQ(v, 2.0f);  // the mean of 0..4
}

// One Reptile, one FedAvg and one TinyMetaFed server for the sine, tabular
// and Omniglot families: a few visits each, budgets and metrics as stated.
TEST(TaskFamilies, EveryServerServesEveryFamily) {
  const Dataset train = LoadOccupancy("datatraining.txt");
  const Dataset test = LoadOccupancy("datatest.txt");
  auto omniglot_data = LoadOmniglot(DefaultOmniglotZip());
  ASSERT_TRUE(omniglot_data.ok()) << omniglot_data.status().ToString();
  std::vector<std::unique_ptr<TaskFamily>> families;
  families.push_back(std::move(SineFamily::Create(SmallSine())).value());
  TabularFamilyOptions t;
  t.devices = 3;
  families.push_back(std::move(TabularFamily::Create(train, test, t)).value());
  OmniglotOptions om;
  om.channels = 4;
  om.inner_steps = 2;
  om.eval_tasks = 3;
  om.eval_steps = 2;
  families.push_back(std::move(OmniglotFamily::Create(*omniglot_data, om)).value());
  for (auto& family : families) {
    for (Method m : {Method::kReptile, Method::kFedAvg, Method::kTinyMetaFed}) {
      ServerOptions o;
      o.visits = 2 * family->devices();
      o.top_p = 0.5;
      auto r = RunFederated(*family, m, o);
      ASSERT_TRUE(r.ok()) << family->name() << " " << MethodName(m) << ": " << r.status().ToString();
      EXPECT_EQ(r->device_steps, 2 * family->devices() * family->local_steps()) << family->name();
      EXPECT_EQ(r->traffic.visits, static_cast<std::uint64_t>(2 * family->devices()));
      EXPECT_GT(r->traffic.total(), 0u);
      EXPECT_TRUE(std::isfinite(r->test.Final())) << family->name() << " " << MethodName(m);
      EXPECT_EQ(r->test.metric, std::string(family->name()) == "sine" ? "mse" : "accuracy");
    }
  }
  EXPECT_TRUE(families[0]->FirmwareTask().ok());
  EXPECT_TRUE(families[1]->FirmwareTask().ok());
  // Omniglot's CNN as the firmware builds it (emu firmware mode 3): the
  // image, its conv layers, the zeroed head; Adam and the prototype head
  // are the host's only.
  auto cnn = families[2]->FirmwareTask();
  ASSERT_TRUE(cnn.ok()) << cnn.status().ToString();
  EXPECT_EQ(cnn->image_size, 28);
  EXPECT_EQ(cnn->inputs, 28 * 28);
  EXPECT_EQ(cnn->outputs, 5);
  EXPECT_EQ(cnn->conv_layers, om.conv_layers);
  EXPECT_EQ(cnn->channels, 4);
  EXPECT_EQ(cnn->hidden_layers, 0);
  EXPECT_TRUE(cnn->cross_entropy && cnn->normalize && cnn->zero_head);
  EXPECT_EQ(cnn->local_steps, 2);
  for (int unsupported = 0; unsupported < 2; ++unsupported) {
    OmniglotOptions other = om;
    if (unsupported == 0) other.inner_optimizer = engine::OptimizerKind::kAdam;
    if (unsupported == 1) other.head_init = HeadInit::kProto;
    auto f = OmniglotFamily::Create(*omniglot_data, other);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->FirmwareTask().status().code(), StatusCode::kUnsupported) << unsupported;
  }
}

TEST(Omniglot, HeldOutAlphabetsFollowTheNameOrderRule) {
  Omniglot data;
  for (const char* a : {"Latin", "Greek", "Korean", "Balinese", "Early_Aramaic", "Bengali", "Armenian"}) {
    data.characters.push_back({a, "character01", {}});
  }
  // Name order: Armenian, Balinese, Bengali, Early_Aramaic, Greek, Korean,
  // Latin; every third from the second is held out.
  EXPECT_EQ(OmniglotTestAlphabets(data), (std::vector<std::string>{"Balinese", "Greek"}));
}

TEST(Drift, OnlineUpdatedModelIsAheadOfTheStaticOne) {
  const Dataset train = LoadOccupancy("datatraining.txt");
  const Dataset test = LoadOccupancy("datatest.txt");
  DriftOptions o;
  o.online.seed = 7;
  o.windows = 5;
  auto r = RunDrift(train, test, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::printf("drift: static %.4f online %.4f (first period prequential %.4f)\n", r->static_accuracy,
              r->online_accuracy, r->first_period_prequential);
  // The static device is the one-pass online learner of RunTabular.
  TabularOptions one_pass;
  one_pass.seed = 7;
  auto single = RunTabular(train, test, one_pass);
  ASSERT_TRUE(single.ok());
  EXPECT_DOUBLE_EQ(r->static_accuracy, single->accuracy);
  EXPECT_GT(r->online_accuracy, r->static_accuracy + 0.005);
  ASSERT_EQ(r->windows.size(), 5u);
  EXPECT_EQ(r->windows.front().begin, 0u);
  EXPECT_EQ(r->windows.back().end, test.rows);
  EXPECT_DOUBLE_EQ(r->windows.back().online_cumulative, r->online_accuracy);
  EXPECT_EQ(r->updates, static_cast<std::int64_t>(test.rows));
  Dataset other = test;
  other.feature_names.pop_back();
  EXPECT_EQ(RunDrift(train, other, o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tinykg::train
