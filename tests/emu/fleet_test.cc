// `tinykg fleet train`: TinyReptile over emulated Cortex-M4F devices of the
// shipped knowledge graph. The meta-learned initialisation adapts better
// round after round and better than training from scratch; instruction
// counts repeat exactly; the emulated devices compute what the host engine
// computes; the run is written back into the store.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "shell.h"

namespace {

using Output = tinykg::testing::ShellOutput;

Output Tinykg(const std::string& args) { return tinykg::testing::Shell(std::string(TINYKG_CLI) + " " + args); }

class FleetTrain : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(std::system(("rm -rf " + Store()).c_str()), 0);
    const Output init = Tinykg("--store " + Store() + " --quiet init");
    ASSERT_EQ(init.code, 0) << init.out;
  }
  static std::string Store() {
    return std::string(TINYKG_BINARY_DIR) + "/emu-test/fleet-store-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  // 3 Cortex-M4F devices of the shipped graph (mps2-an386).
  static nlohmann::json Run(int rounds, const std::string& extra) {
    const Output o =
        Tinykg("--store " + Store() + " fleet train --device-class mps2-an386 --count 3 --rounds " +
               std::to_string(rounds) + " --inner-steps 8 --eval-tasks 50 --format json " + extra);
    EXPECT_EQ(o.code, 0) << o.out;
    return o.code == 0 ? nlohmann::json::parse(o.out) : nlohmann::json::object();
  }
  static double After(const nlohmann::json& eval, const char* steps) {
    return eval["mse_after_steps"][steps].get<double>();
  }
};

TEST_F(FleetTrain, Reptile_ImprovesOverRounds_BeatsScratch_CountsRepeat_AndIsRecorded) {
  const nlohmann::json a = Run(3, "");
  ASSERT_EQ(a["rounds"].size(), 3u);
  ASSERT_EQ(a["devices"].size(), 3u);
  for (const auto& d : a["devices"]) EXPECT_EQ(d["target"], "mps2-an386");
  const auto& r = a["rounds"];
  for (const char* steps : {"1", "8"}) {
    std::printf("after %s steps: scratch %.3f, rounds %.3f %.3f %.3f\n", steps, After(a["scratch"], steps),
                After(r[0], steps), After(r[1], steps), After(r[2], steps));
    EXPECT_LT(After(r[0], steps), After(a["scratch"], steps));
    EXPECT_LT(After(r[1], steps), After(r[0], steps));
    EXPECT_LT(After(r[2], steps), After(r[1], steps));
  }
  for (const auto& round : r) {
    ASSERT_EQ(round["visits"].size(), 3u);
    for (const auto& v : round["visits"]) {
      EXPECT_GT(v["training_instructions"].get<std::uint64_t>(), 0u);
      std::printf("round %d %s: %llu instructions (%llu training)\n", round["round"].get<int>(),
                  v["device"].get<std::string>().c_str(),
                  static_cast<unsigned long long>(v["instructions"].get<std::uint64_t>()),
                  static_cast<unsigned long long>(v["training_instructions"].get<std::uint64_t>()));
    }
  }
  for (const auto& d : a["devices"]) {
    EXPECT_GT(d["peak_ram_bytes"].get<double>(), 0);
    EXPECT_LE(d["peak_ram_bytes"].get<double>(), d["ram_limit_bytes"].get<double>());
  }

  // The same run again: the same instructions per visit and the same losses.
  const nlohmann::json b = Run(3, "--no-record --jobs 1");
  ASSERT_EQ(b["rounds"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a["rounds"][i]["mse_after_steps"], b["rounds"][i]["mse_after_steps"]);
    for (std::size_t v = 0; v < 3; ++v) {
      EXPECT_EQ(a["rounds"][i]["visits"][v]["instructions"], b["rounds"][i]["visits"][v]["instructions"]);
    }
  }

  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?v WHERE { ?run a tkg:TrainingRun ; tkg:trainingMethod tkg:Reptile . "
                          "?rec tkg:partOfRun ?run ; tkg:metric tkg:Mse ; tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_NE(q.out.find('\n'), std::string::npos);
  EXPECT_GE(std::count(q.out.begin(), q.out.end(), '\n'), 7) << q.out;  // header + 2 x 3 step counts
}

// The emulated devices' float results agree with the host engine's: every
// visit's step losses and the meta-test of the initialisations within 1e-4
// relative (measured: 1e-7; newlib's and glibc's tanhf may differ in the
// last bit, and a Cortex-M kernel may sum in another order). 32 adaptation
// steps of the meta-test (on the host, with gradient clipping) magnify
// last-bit differences of the parameters, hence the looser bound there.
TEST_F(FleetTrain, Emulator_MatchesHostEngine) {
  const nlohmann::json emulated = Run(2, "--no-record");
  const nlohmann::json host = Run(2, "--on host");
  ASSERT_EQ(emulated["rounds"].size(), 2u);
  ASSERT_EQ(host["rounds"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& e = emulated["rounds"][i];
    const auto& h = host["rounds"][i];
    for (std::size_t v = 0; v < 3; ++v) {
      for (const char* key : {"first_loss", "last_loss"}) {
        const double a = e["visits"][v][key].get<double>(), b = h["visits"][v][key].get<double>();
        EXPECT_NEAR(a, b, 1e-4 * std::fabs(b)) << "round " << i + 1 << " visit " << v << " " << key;
      }
    }
    EXPECT_NEAR(e["mse_before"].get<double>(), h["mse_before"].get<double>(), 1e-4 * h["mse_before"].get<double>());
    for (const char* steps : {"1", "8"}) {
      EXPECT_NEAR(After(e, steps), After(h, steps), 1e-4 * After(h, steps)) << "round " << i + 1 << " after " << steps;
    }
    EXPECT_NEAR(After(e, "32"), After(h, "32"), 1e-2 * After(h, "32")) << "round " << i + 1;
  }
}

// TinyMetaFed over the same emulated devices: the server sends and receives
// 20 % of the shared parameters per visit (after each device's first,
// whole download), counted per round; the emulated visits give the host
// engine's losses, and the run is recorded as tkg:TinyMetaFed.
TEST_F(FleetTrain, TinyMetaFed_CountsBytes_MatchesHost_AndIsRecorded) {
  const nlohmann::json emulated = Run(2, "--method tinymetafed --top-p 20");
  const nlohmann::json host = Run(2, "--method tinymetafed --top-p 20 --on host");
  ASSERT_EQ(emulated["rounds"].size(), 2u);
  ASSERT_EQ(host["rounds"].size(), 2u);
  EXPECT_EQ(emulated["method"], "tinymetafed");
  // 1,761 parameters, the 41 of the output layer stay on the devices:
  // 344 of 1,720 sent as a 215 B bitmap and 344 floats (1,591 B).
  const std::uint64_t whole = 1761 * 4, sparse = 215 + 344 * 4;
  EXPECT_EQ(emulated["rounds"][0]["traffic"]["total_bytes"].get<std::uint64_t>(), 3 * (whole + sparse));
  EXPECT_EQ(emulated["rounds"][1]["traffic"]["total_bytes"].get<std::uint64_t>(), 3 * (whole + sparse) + 6 * sparse);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(emulated["rounds"][i]["traffic"], host["rounds"][i]["traffic"]);
    for (std::size_t v = 0; v < 3; ++v) {
      const double a = emulated["rounds"][i]["visits"][v]["last_loss"].get<double>();
      const double b = host["rounds"][i]["visits"][v]["last_loss"].get<double>();
      EXPECT_NEAR(a, b, 1e-4 * std::fabs(b)) << "round " << i + 1 << " visit " << v;
    }
  }
  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?run WHERE { ?run a tkg:TrainingRun ; tkg:trainingMethod tkg:TinyMetaFed }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 2) << q.out;  // header + the emulated run
}

TEST_F(FleetTrain, DeviceTooSmall_FailsWithDoesNotFit) {
  // The Syntiant board's M0+ runs on the micro:bit stand-in (16 KiB RAM):
  // the 1-40-40-1 network's training state (~15 KB) and the stack do not fit.
  const Output o = Tinykg("--store " + Store() +
                          " fleet train --device-class Syntiant-TinyML-Board_1 --count 2 --rounds 1 --format json");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("does not fit"), std::string::npos) << o.out;
}

// The shipped HiFive1 Rev B runs on sifive_e: the record names the RISC-V
// cross compiler the firmware was built with, not the Arm one.
TEST_F(FleetTrain, RiscvFleet_RecordsTheRiscvToolchain) {
  const Output o = Tinykg("--store " + Store() +
                          " fleet train --device-class HiFive1-RevB_1 --count 2 --rounds 1 --hidden 16 "
                          "--inner-steps 2 --eval-tasks 5 --format json");
  ASSERT_EQ(o.code, 0) << o.out;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  for (const auto& d : j["devices"]) EXPECT_EQ(d["target"], "sifive_e");
  EXPECT_EQ(j["toolchain"].get<std::string>().rfind("riscv64-unknown-elf-gcc ", 0), 0u) << j["toolchain"];
  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?t WHERE { ?run a tkg:TrainingRun ; tkg:trainingMethod tkg:Reptile ; "
                          "tkg:toolchain ?t }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_NE(q.out.find("riscv64-unknown-elf-gcc"), std::string::npos) << q.out;
  EXPECT_EQ(q.out.find("arm-none-eabi"), std::string::npos) << q.out;
}

// A real-data task family: UCI occupancy's training days split over three
// emulated Cortex-M4F devices (each its own time window), meta-tested on
// held-out days (datatest.txt): after a few adaptation steps the
// meta-learned initialisation classifies better than training from scratch.
TEST_F(FleetTrain, OccupancyData_EachDeviceItsWindow_BeatsScratchAfterAdaptation) {
  const std::string occupancy = std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/";
  const Output o = Tinykg("--store " + Store() + " fleet train --device-class mps2-an386 --count 3 --rounds 3 " +
                          "--hidden 16 --inner-steps 8 --data " + occupancy + "datatraining.txt --eval " + occupancy +
                          "datatest.txt --label Occupancy --eval-tasks 10 --shots 10 --eval-steps 1,8 --format json");
  ASSERT_EQ(o.code, 0) << o.out;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["rounds"].size(), 3u);
  ASSERT_EQ(j["devices"].size(), 3u);
  std::size_t rows = 0;
  for (const auto& d : j["devices"]) {
    EXPECT_EQ(d["target"], "mps2-an386");
    EXPECT_GT(d["instructions_per_step"].get<double>(), 0);
    rows += d["window_rows"].get<std::size_t>();
  }
  EXPECT_EQ(rows, 8143u);  // datatraining.txt, every row in exactly one window
  // The windows see different label balances (the days differ).
  EXPECT_NE(j["devices"][0]["window_positives"], j["devices"][1]["window_positives"]);
  const auto acc = [](const nlohmann::json& e, const char* steps) {
    return e["accuracy_after_steps"][steps].get<double>();
  };
  const auto& last = j["rounds"][2];
  std::printf("accuracy after 1/8 steps: scratch %.3f/%.3f, rounds %.3f/%.3f %.3f/%.3f %.3f/%.3f\n",
              acc(j["scratch"], "1"), acc(j["scratch"], "8"), acc(j["rounds"][0], "1"), acc(j["rounds"][0], "8"),
              acc(j["rounds"][1], "1"), acc(j["rounds"][1], "8"), acc(last, "1"), acc(last, "8"));
  for (const char* steps : {"1", "8"}) EXPECT_GT(acc(last, steps), acc(j["scratch"], steps)) << steps;

  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?v WHERE { ?run a tkg:TrainingRun ; tkg:trainingMethod tkg:Reptile . "
                          "?rec tkg:partOfRun ?run ; tkg:metric tkg:Accuracy ; tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 5) << q.out;  // header + 2 x 2 step counts
}

// Keywords over a fleet of emulated Nano 33 BLE boards: each device one
// synthesized speaker (scripts/kws_voices.sh, 8 speakers x 6 takes, made at
// test time), the frozen DS-CNN's features of its shots sent with the visit,
// the softmax head trained on the MCU (firmware mode 3 with cross-entropy);
// the meta-learned start knows the keywords before any shot where the random
// one does not, adapts better, and the emulated devices compute what the
// host engine computes.
TEST_F(FleetTrain, Keywords_EachDeviceASpeaker_BeatsScratch_MatchesHost_AndIsRecorded) {
  const std::string voices = std::string(TINYKG_BINARY_DIR) + "/kws_voices_test";
  ASSERT_EQ(std::system(("flock " + voices + ".lock bash " + std::string(TINYKG_SOURCE_DIR) +
                         "/scripts/kws_voices.sh " + voices + " 8 6")
                            .c_str()),
            0);
  const std::string args = " fleet train --device-class Arduino-Nano-BLE-33_1 --count 3 --rounds 3 --data " + voices +
                           " --model " + std::string(TINYKG_SHARED_DATA) +
                           "/models/tflite/kws_ref_model.tflite --shots 2 --adapt-epochs 2 --format json";
  const Output o = Tinykg("--store " + Store() + args);
  ASSERT_EQ(o.code, 0) << o.out;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["rounds"].size(), 3u);
  ASSERT_EQ(j["devices"].size(), 3u);
  EXPECT_EQ(j["parameters"], 64 * 5 + 5);
  EXPECT_EQ(j["inner_steps"], 2 * 5 * 2);  // shots x classes x passes, one clip per step
  EXPECT_EQ(j["test_speakers"].size(), 2u);
  std::set<std::string> speakers;
  for (const auto& d : j["devices"]) {
    EXPECT_EQ(d["target"], "mps2-an386");
    EXPECT_GT(d["instructions_per_step"].get<double>(), 0);
    EXPECT_GT(d["peak_ram_bytes"].get<double>(), 0);
    EXPECT_LE(d["peak_ram_bytes"].get<double>(), d["ram_limit_bytes"].get<double>());
    speakers.insert(d["speaker"].get<std::string>());
  }
  EXPECT_EQ(speakers.size(), 3u);
  const auto acc = [](const nlohmann::json& e, const char* steps) {
    return e["accuracy_after_steps"][steps].get<double>();
  };
  const nlohmann::json& scratch = j["scratch"];
  const nlohmann::json& last = j["rounds"][2];
  std::printf(
      "kws fleet: before adapting scratch %.3f, round 3 %.3f; after 20 steps scratch %.3f, round 3 %.3f; "
      "%.0f instructions per step, peak RAM %.0f B\n",
      scratch["accuracy_before"].get<double>(), last["accuracy_before"].get<double>(), acc(scratch, "20"),
      acc(last, "20"), j["devices"][0]["instructions_per_step"].get<double>(),
      j["devices"][0]["peak_ram_bytes"].get<double>());
  EXPECT_LT(scratch["accuracy_before"].get<double>(), 0.4);  // chance is 0.2
  EXPECT_GT(last["accuracy_before"].get<double>(), scratch["accuracy_before"].get<double>() + 0.2);
  EXPECT_GT(acc(last, "20"), acc(scratch, "20"));

  // The same visits on the host engine: the same losses and accuracies.
  const Output h = Tinykg("--store " + Store() + args + " --on host");
  ASSERT_EQ(h.code, 0) << h.out;
  const nlohmann::json host = nlohmann::json::parse(h.out);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t v = 0; v < 3; ++v) {
      for (const char* key : {"first_loss", "last_loss"}) {
        const double a = j["rounds"][r]["visits"][v][key].get<double>();
        const double b = host["rounds"][r]["visits"][v][key].get<double>();
        EXPECT_NEAR(a, b, 1e-4 * std::fabs(b) + 1e-6) << "round " << r + 1 << " visit " << v << " " << key;
      }
    }
    EXPECT_NEAR(j["rounds"][r]["accuracy_before"].get<double>(), host["rounds"][r]["accuracy_before"].get<double>(),
                1e-9);
  }

  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?v WHERE { ?run a tkg:TrainingRun ; tkg:dataset ?d . FILTER(CONTAINS(?d, "
                          "\"kws_voices\")) ?rec tkg:partOfRun ?run ; tkg:metric tkg:InstructionsPerTrainingStep ; "
                          "tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  // header + one record: the three simulated devices copy one device of the graph
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 2) << q.out;
}

// Omniglot on the MCUs: each emulated Arduino Nano 33 BLE learns one training
// alphabet with the family's CNN (conv 3x3 stride 2 + layer normalisation,
// 16 channels) trained by the engine on the device, the head zeroed there at
// every visit; the visits compute what the host engine computes; the
// training state fits the device's free RAM (172,000 B) and is recorded.
// The default 20-channel CNN (191,116 B) does not fit it: a clear error.
TEST_F(FleetTrain, Omniglot_CnnTrainsOnTheMcu_MatchesHost_DefaultWidthDoesNotFit) {
  const std::string args =
      " fleet train --device-class Arduino-Nano-BLE-33_1 --count 3 --rounds 2 --data omniglot --channels 16 "
      "--inner-steps 2 --eval-tasks 5 --eval-steps 2 --format json";
  const Output o = Tinykg("--store " + Store() + args);
  ASSERT_EQ(o.code, 0) << o.out;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["rounds"].size(), 2u);
  EXPECT_EQ(j["parameters"], 7573);
  EXPECT_EQ(j["memory_bytes"], 139708);
  EXPECT_EQ(j["ways"], 5);
  for (const auto& d : j["devices"]) {
    EXPECT_EQ(d["target"], "mps2-an386");
    EXPECT_GT(d["instructions_per_step"].get<double>(), 0);
    EXPECT_GE(d["peak_ram_bytes"].get<double>(), 139708);
    EXPECT_LE(d["peak_ram_bytes"].get<double>(), d["ram_limit_bytes"].get<double>());
  }
  EXPECT_DOUBLE_EQ(j["scratch"]["accuracy_before"].get<double>(), 0.2);  // the head starts from zero
  const Output h = Tinykg("--store " + Store() + args + " --on host");
  ASSERT_EQ(h.code, 0) << h.out;
  const nlohmann::json host = nlohmann::json::parse(h.out);
  for (std::size_t r = 0; r < 2; ++r) {
    for (std::size_t v = 0; v < 3; ++v) {
      const auto& visit = j["rounds"][r]["visits"][v];
      // The device zeroed its head: every class scores the same at first.
      EXPECT_NEAR(visit["first_loss"].get<double>(), std::log(5.0), 1e-5);
      for (const char* key : {"first_loss", "last_loss"}) {
        const double a = visit[key].get<double>();
        const double b = host["rounds"][r]["visits"][v][key].get<double>();
        EXPECT_NEAR(a, b, 1e-4 * std::fabs(b)) << "round " << r + 1 << " visit " << v << " " << key;
      }
    }
    EXPECT_EQ(j["rounds"][r]["accuracy_after_steps"], host["rounds"][r]["accuracy_after_steps"]);
  }
  const Output q = Tinykg("--store " + Store() +
                          " query --format tsv 'PREFIX tkg: <https://w3id.org/tinykg/ontology#> "
                          "SELECT ?v WHERE { ?run a tkg:TrainingRun ; tkg:dataset \"omniglot\" . "
                          "?rec tkg:partOfRun ?run ; tkg:metric tkg:Accuracy ; tkg:value ?v }'");
  ASSERT_EQ(q.code, 0) << q.out;
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 3) << q.out;  // header + final and scratch after 2 steps

  const Output wide = Tinykg("--store " + Store() +
                             " fleet train --device-class Arduino-Nano-BLE-33_1 --count 3 --rounds 1 --data omniglot "
                             "--inner-steps 1 --eval-tasks 1 --no-record");
  EXPECT_EQ(wide.code, 1) << wide.out;
  EXPECT_NE(wide.out.find("does not fit"), std::string::npos) << wide.out;
  const Output count = Tinykg("--store " + Store() +
                              " fleet train --device-class Arduino-Nano-BLE-33_1 --count 2 --data omniglot --no-record");
  EXPECT_EQ(count.code, 2) << count.out;
  EXPECT_NE(count.out.find("--count 3"), std::string::npos) << count.out;
}

TEST_F(FleetTrain, Csv_HasScratchAndOneRowPerRound) {
  const Output o = Tinykg("--store " + Store() +
                          " fleet train --device-class CortexM4F --count 2 --rounds 2 --eval-tasks 5 --on host "
                          "--format csv");
  ASSERT_EQ(o.code, 0) << o.out;
  EXPECT_EQ(o.out.rfind("round,mse_before,mse_after_1,mse_after_8,mse_after_32,visits,instructions,bytes\r\n", 0), 0u)
      << o.out;  // RFC 4180 line ends, as every tinykg csv
  EXPECT_NE(o.out.find("\nscratch,"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\n2,"), std::string::npos) << o.out;
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 4) << o.out;
}

TEST_F(FleetTrain, UnknownDeviceClass_IsAnError) {
  const Output o = Tinykg("--store " + Store() + " fleet train --device-class NoSuchCore --count 2");
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("tinykg: error:"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("CortexM4F"), std::string::npos) << o.out;  // lists what exists
}

}  // namespace
