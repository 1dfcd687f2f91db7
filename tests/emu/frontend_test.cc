// micro_speech's audio front end on the emulated Cortex-M4F (the Arduino
// Nano 33 BLE): the preprocessor model's Signal ops run by the engine's
// firmware from a graph blob in flash, one 30 ms frame per inference. The
// device's features must equal the host's bit for bit, and a frame must cost
// under 10 % of a 64 MHz core's 30 ms (192,000 instructions).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "shell.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/engine/mfcc.h"
#include "tinykg/train/audio_frontend.h"
#include "tinykg/train/model_loader.h"
#include "tinykg/train/wav.h"

namespace {

using tinykg::testing::Shell;
namespace train = tinykg::train;

const std::string kPreprocessor = std::string(TINYKG_SHARED_DATA) + "/models/tflite/audio_preprocessor_int8.tflite";
const std::string kYes = std::string(TINYKG_SHARED_DATA) + "/datasets/keyword_spotting/micro_speech_yes_1000ms.wav";

TEST(FrontendOnEmulator, NanoBle33FeaturesEqualHost_FrameUnder192kInstructions) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/emu-test/frontend";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  const std::string store = dir + "/store";
  const std::string cli = std::string(TINYKG_CLI) + " --store " + store;
  ASSERT_EQ(Shell(cli + " --quiet init").code, 0);
  auto clip = train::ReadWav(kYes, train::kKwsSampleRate);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  // 49 frames of 480 samples every 320, one CSV row each (label: any class).
  const std::string csv = dir + "/frames.csv";
  {
    std::ofstream f(csv);
    for (int i = 0; i < 480; ++i) f << "s" << i << ",";
    f << "label\n";
    for (int k = 0; k < 49; ++k) {
      for (int i = 0; i < 480; ++i) f << clip->samples[static_cast<std::size_t>(320 * k + i)] << ",";
      f << (k % 2) << "\n";
    }
  }
  // With --outputs the firmware runs the front end twice per row (the head's
  // prediction, then the features it prints), and the front end keeps state
  // (noise estimates): the host does the same and compares the second run.
  auto frontend = train::MicroFrontend::Load(kPreprocessor);
  ASSERT_TRUE(frontend.ok()) << frontend.status().ToString();
  ASSERT_TRUE((*frontend)->Reset().ok());
  std::vector<std::int8_t> host_features, discarded;
  for (int k = 0; k < 49; ++k) {
    const auto window = std::span<const std::int16_t>(clip->samples).subspan(static_cast<std::size_t>(320 * k), 480);
    ASSERT_TRUE((*frontend)->Frame(window, &discarded).ok());
    ASSERT_TRUE((*frontend)->Frame(window, &host_features).ok());
  }
  const std::vector<std::int8_t>* host = &host_features;
  ASSERT_EQ(host->size(), 49u * 40u);

  // --head 21: the preprocessor's last operator (the int8 CAST), so the
  // "backbone" is the whole front end and its outputs are the features.
  const auto run = Shell(cli + " train --on emulator --infer --outputs --device Arduino-Nano-BLE-33_1 --model " +
                         kPreprocessor + " --head 21 --data " + csv + " --label label --format json");
  ASSERT_EQ(run.code, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  if (j.is_array()) j = j[0];
  EXPECT_EQ(j["target"], "mps2-an386");
  ASSERT_EQ(j["outputs"].size(), 49u);
  int equal = 0;
  for (std::size_t f = 0; f < 49; ++f) {
    ASSERT_EQ(j["outputs"][f].size(), 40u);
    for (std::size_t i = 0; i < 40; ++i) {
      const int device = j["outputs"][f][i].get<int>();
      EXPECT_EQ(device, (*host)[f * 40 + i]) << "frame " << f << " feature " << i;
      equal += device == (*host)[f * 40 + i];
    }
  }
  const double per_frame = j["instructions_per_inference"].get<double>();
  std::printf(
      "front end on mps2-an386 (Nano 33 BLE): %d/1960 features equal the host's; %.0f instructions per "
      "30 ms frame (incl. a 40->2 dense head); peak RAM %d of %d bytes; flash %d bytes\n",
      equal, per_frame, j["peak_ram_bytes"].get<int>(), j["ram_limit_bytes"].get<int>(), j["flash_bytes"].get<int>());
  EXPECT_LT(per_frame, 192000.0);
  EXPECT_GT(per_frame, 10000.0);
  EXPECT_LT(j["peak_ram_bytes"].get<int>(), j["ram_limit_bytes"].get<int>());
}

}  // namespace

namespace {

// Keywords learned on the emulated Nano 33 BLE: MFCC rows of synthesized
// speakers (scripts/kws_voices.sh, scripts/kws_features.py) through the
// frozen int8 DS-CNN in flash and a head trained online on the device; the
// run's figures go back into the graph.
TEST(KwsOnEmulator, NanoBle33LearnsKeywordsWithTheDsCnnInFlash) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/emu-test/kws";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  const std::string voices = std::string(TINYKG_BINARY_DIR) + "/kws_voices_test";
  const std::string source = TINYKG_SOURCE_DIR;
  ASSERT_EQ(
      std::system(("flock " + voices + ".lock bash " + source + "/scripts/kws_voices.sh " + voices + " 8 6").c_str()),
      0);
  const std::string features = "/usr/bin/python3 " + source + "/scripts/kws_features.py " + voices + " ";
  ASSERT_EQ(std::system((features + dir + "/train.csv --speakers en-us-m1 --per-class 5").c_str()), 0);
  ASSERT_EQ(std::system((features + dir + "/eval.csv --speakers en-gb-m1,en-gb-scotland-m1 --per-class 3").c_str()), 0);
  const std::string cli = std::string(TINYKG_CLI) + " --store " + dir + "/store";
  ASSERT_EQ(Shell(cli + " --quiet init").code, 0);
  const auto run = Shell(cli + " train --on emulator --device Arduino-Nano-BLE-33_1 --model " +
                         std::string(TINYKG_SHARED_DATA) + "/models/tflite/kws_ref_model.tflite --data " + dir +
                         "/train.csv --eval " + dir + "/eval.csv --label label --task keyword-spotting --format json");
  ASSERT_EQ(run.code, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  if (j.is_array()) j = j[0];
  std::printf(
      "kws on mps2-an386: accuracy %.3f on 2 unseen speakers after 25 online steps; %.0f instructions per "
      "step, %.0f per inference; peak RAM %d B, flash %d B\n",
      j["accuracy"].get<double>(), j["instructions_per_step"].get<double>(),
      j["instructions_per_inference"].get<double>(), j["peak_ram_bytes"].get<int>(), j["flash_bytes"].get<int>());
  EXPECT_EQ(j["steps"], 25);
  EXPECT_GT(j["accuracy"].get<double>(), 0.3);  // chance 0.2
  EXPECT_GT(j["instructions_per_inference"].get<double>(), 1e6);
  EXPECT_LT(j["peak_ram_bytes"].get<int>(), j["ram_limit_bytes"].get<int>());
  // The run is in the graph with its measured figures.
  const auto q =
      Shell(cli + " query --format tsv 'SELECT ?r WHERE { ?r a <https://w3id.org/tinykg/ontology#TrainingRun> }'");
  EXPECT_EQ(q.code, 0) << q.out;
  EXPECT_NE(q.out.find(j["run"].get<std::string>()), std::string::npos) << q.out;
}

}  // namespace

namespace {

// MLPerf Tiny KWS's MFCC computed on the emulated Nano 33 BLE (firmware mode
// 6/7): one 30 ms frame per inference, features bit-identical to the host's.
TEST(MfccOnEmulator, NanoBle33FeaturesEqualHost_InstructionsPerFrame) {
  auto clip = train::ReadWav(kYes, train::kKwsSampleRate);
  ASSERT_TRUE(clip.ok());
  tinykg::emu::Workload w;
  w.features = 480;
  w.classes = 2;
  w.mfcc_frames = true;
  for (int k = 0; k < 49; ++k) {
    for (int i = 0; i < 480; ++i)
      w.eval_x.push_back(static_cast<float>(clip->samples[static_cast<std::size_t>(320 * k + i)]));
    w.eval_y.push_back(k % 2);
  }
  tinykg::emu::RunOptions options;
  options.infer_only = true;
  options.report_outputs = true;
  const tinykg::emu::DeviceLimits nano{172000, 628000, 4096};  // the Nano 33 BLE's free RAM and flash
  auto m = tinykg::emu::RunOnEmulator(*tinykg::emu::FindTarget("cortex-m4f"), nano, w,
                                      std::string(TINYKG_BINARY_DIR) + "/emu-test/mfcc", options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->eval_features.size(), 49u * 10u);
  // The host: the same frames, the same gain, the same code.
  std::vector<std::byte> memory(64u << 10);
  tinykg::engine::Arena arena(memory);
  tinykg::engine::Mfcc mfcc;
  ASSERT_EQ(mfcc.Init({}, arena), tinykg::engine::Status::kOk);
  int equal = 0;
  double worst = 0;
  std::vector<float> host(10);
  for (std::size_t k = 0; k < 49; ++k) {
    ASSERT_EQ(
        mfcc.Frame(std::span<const std::int16_t>(clip->samples).subspan(320 * k, 480), 1.0f / 32768.0f, host, arena),
        tinykg::engine::Status::kOk);
    for (std::size_t i = 0; i < 10; ++i) {
      const float device = m->eval_features[k * 10 + i];
      equal += device == host[i];
      worst = std::max(worst, static_cast<double>(std::fabs(device - host[i])));
    }
  }
  std::printf(
      "MFCC on mps2-an386 (Nano 33 BLE): %d/490 features bit-identical to the host (max difference %.3g); "
      "%.0f instructions per 30 ms frame (incl. a 10->2 dense head); peak RAM %llu B, flash %llu B\n",
      equal, worst, m->instructions_per_inference, static_cast<unsigned long long>(m->peak_ram_bytes),
      static_cast<unsigned long long>(m->flash_bytes));
  EXPECT_EQ(equal, 490) << "max difference " << worst;
  EXPECT_GT(m->instructions_per_inference, 10000.0);
  EXPECT_LT(m->instructions_per_inference, 192000.0);  // under 10 % of a 64 MHz core's 30 ms
  EXPECT_LT(m->peak_ram_bytes, 172000u);
}

}  // namespace

namespace {

// The whole keyword pipeline on the emulated Nano 33 BLE (`train --on
// emulator --frontend mfcc`): rows of raw PCM (1 s clips of synthesized
// speakers, scripts/kws_features.py --pcm) go in, the device computes their
// MFCC, runs the int8 DS-CNN from flash and trains the head. The backbone
// features it reports equal the host's pipeline (engine MFCC + DS-CNN) bit
// for bit; the inference is split into front end and model, and the run
// with both figures is written to the graph.
TEST(KwsPipelineOnEmulator, NanoBle33PcmToMfccToDsCnnToHead_FeaturesEqualHost) {
  const std::string dir = std::string(TINYKG_BINARY_DIR) + "/emu-test/kws-pipeline";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  const std::string voices = std::string(TINYKG_BINARY_DIR) + "/kws_voices_test";
  const std::string source = TINYKG_SOURCE_DIR;
  ASSERT_EQ(
      std::system(("flock " + voices + ".lock bash " + source + "/scripts/kws_voices.sh " + voices + " 8 6").c_str()),
      0);
  const std::string pcm = "/usr/bin/python3 " + source + "/scripts/kws_features.py --pcm " + voices + " ";
  ASSERT_EQ(std::system((pcm + dir + "/train.csv --speakers en-us-m1 --per-class 2").c_str()), 0);
  ASSERT_EQ(std::system((pcm + dir + "/eval.csv --speakers en-gb-m1 --per-class 1").c_str()), 0);
  const std::string model = std::string(TINYKG_SHARED_DATA) + "/models/tflite/kws_ref_model.tflite";
  const std::string cli = std::string(TINYKG_CLI) + " --store " + dir + "/store";
  ASSERT_EQ(Shell(cli + " --quiet init").code, 0);
  const auto run = Shell(cli + " train --on emulator --device Arduino-Nano-BLE-33_1 --model " + model +
                         " --frontend mfcc --data " + dir + "/train.csv --eval " + dir +
                         "/eval.csv --label label --task keyword-spotting --outputs --format json");
  ASSERT_EQ(run.code, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  if (j.is_array()) j = j[0];
  const double frontend = j["frontend_instructions_per_inference"].get<double>();
  const double backbone = j["model_instructions_per_inference"].get<double>();
  std::printf(
      "kws pipeline on mps2-an386: %.0f instructions per training step, %.0f per inference (front end %.0f, "
      "model + head %.0f); peak RAM %d B of %d, flash %d B; accuracy %.3f\n",
      j["instructions_per_step"].get<double>(), j["instructions_per_inference"].get<double>(), frontend, backbone,
      j["peak_ram_bytes"].get<int>(), j["ram_limit_bytes"].get<int>(), j["flash_bytes"].get<int>(),
      j["accuracy"].get<double>());
  EXPECT_EQ(j["steps"], 10);
  EXPECT_EQ(j["frontend"], "mfcc");
  EXPECT_GT(frontend, 1e6);                                                  // 49 frames of MFCC
  EXPECT_GT(backbone, 1e7);                                                  // the DS-CNN's 2.66 M MACs
  EXPECT_GT(j["instructions_per_step"].get<double>(), frontend + backbone);  // + the head's backward and SGD
  EXPECT_LT(j["peak_ram_bytes"].get<int>(), j["ram_limit_bytes"].get<int>());

  // The host's pipeline on the same clips: engine MFCC, then the DS-CNN cut.
  auto loaded = train::LoadedModel::Load(model);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto cut = (*loaded)->FindCut("");
  ASSERT_TRUE(cut.ok());
  tinykg::engine::GraphBackbone host_backbone((*loaded)->graph(), *cut);
  std::ifstream eval(dir + "/eval.csv");
  std::string line;
  std::getline(eval, line);  // header
  const auto& outputs = j["outputs"];
  std::size_t row = 0, equal = 0, total = 0;
  while (std::getline(eval, line)) {
    std::vector<std::int16_t> clip;
    std::size_t at = 0;
    for (int i = 0; i < 16000; ++i) {
      const std::size_t comma = line.find(',', at);
      clip.push_back(static_cast<std::int16_t>(std::stoi(line.substr(at, comma - at))));
      at = comma + 1;
    }
    auto mfcc = train::MfccFeatures(clip);
    ASSERT_TRUE(mfcc.ok());
    std::vector<float> host(host_backbone.feature_count());
    ASSERT_EQ(host_backbone.Extract(*mfcc, host), tinykg::engine::Status::kOk);
    ASSERT_LT(row, outputs.size());
    ASSERT_EQ(outputs[row].size(), host.size());
    for (std::size_t k = 0; k < host.size(); ++k, ++total) equal += outputs[row][k].get<float>() == host[k];
    ++row;
  }
  EXPECT_EQ(row, 5u);
  EXPECT_EQ(equal, total) << equal << "/" << total << " backbone features equal";

  // Both parts of the inference are in the graph.
  const auto q = Shell(cli +
                       " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> SELECT ?v WHERE { "
                       "?r tkg:partOfRun <" +
                       j["run"].get<std::string>() + "> ; tkg:metric tkg:InstructionsPerInference ; tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 4) << q.out;  // header + whole, front end, model
}

}  // namespace
