// The engine on emulated microcontrollers: exact instruction counts, the
// device's memory enforced, and the same numbers as the host build.
// Without the cross tools these tests FAIL and say what to install.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "int8_check.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/random.h"

namespace tinykg::emu {
namespace {

// Gaussian blobs: class c is centred at c on every feature.
Workload Blobs(std::int32_t features, std::int32_t classes, std::int32_t hidden, int train, int eval) {
  Workload w;
  w.features = features;
  w.classes = classes;
  w.hidden_units = hidden;
  w.learning_rate = 0.05f;
  w.seed = 7;
  engine::Pcg32 rng(42);
  auto fill = [&](std::vector<float>& x, std::vector<std::int32_t>& y, int n) {
    for (int i = 0; i < n; ++i) {
      const std::int32_t c = i % classes;
      for (std::int32_t f = 0; f < features; ++f) x.push_back(static_cast<float>(c) + 0.5f * rng.Normal());
      y.push_back(c);
    }
  };
  fill(w.train_x, w.train_y, train);
  fill(w.eval_x, w.eval_y, eval);
  return w;
}

std::string WorkDir(const std::string& name) { return std::string(TINYKG_BINARY_DIR) + "/emu-test/" + name; }

const Target& M4f() { return *FindTarget("cortex-m4f"); }

constexpr DeviceLimits kRoomy{256u << 10, 1u << 20, 4096};

TEST(Emulator, ToolsAreInstalled) {
  for (const Target& t : Targets()) {
    const Status s = CheckTools(t);
    EXPECT_TRUE(s.ok()) << s.message();
  }
}

TEST(Emulator, LearnsOnCortexM4f) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  Result<Measurement> m = RunOnEmulator(M4f(), kRoomy, Blobs(8, 3, 0, 150, 30), WorkDir("learns"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->losses.size(), 150u);
  EXPECT_GT(m->accuracy, 0.9f);
  EXPECT_GT(m->instructions_per_step, 0);
  EXPECT_GT(m->instructions_per_inference, 0);
  EXPECT_GT(m->flash_bytes, 1000u);
  EXPECT_GT(m->stack_high_water_bytes, 0u);
  EXPECT_EQ(m->peak_ram_bytes, m->static_ram_bytes + m->arena_high_water_bytes + m->stack_high_water_bytes);
  EXPECT_NE(m->toolchain.find("arm-none-eabi-gcc"), std::string::npos);
}

const Target& Rv32() { return *FindTarget("rv32imac"); }

// The plugin's count is the same on every run and equals the count from
// QEMU's own per-instruction trace, on the Arm and the RISC-V target.
void ExpectExactAndRepeatableCount(const Target& t) {
  ASSERT_TRUE(CheckTools(t).ok()) << CheckTools(t).message();
  const std::string dir = WorkDir("repeat-" + std::string(t.name));
  Result<Measurement> m = RunOnEmulator(t, kRoomy, Blobs(4, 2, 0, 10, 4), dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  Result<std::uint64_t> first = CountInstructions(t, dir + "/firmware.elf", dir, false);
  Result<std::uint64_t> second = CountInstructions(t, dir + "/firmware.elf", dir, false);
  Result<std::uint64_t> traced = CountInstructions(t, dir + "/firmware.elf", dir, true);
  ASSERT_TRUE(first.ok() && second.ok() && traced.ok()) << first.status().message();
  EXPECT_EQ(*first, m->instructions);
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(*first, *traced) << "plugin and -singlestep -d exec,nochain disagree";
}

TEST(Emulator, InstructionCountIsExactAndRepeatable) { ExpectExactAndRepeatableCount(M4f()); }
TEST(Emulator, InstructionCountIsExactAndRepeatableOnRiscV) { ExpectExactAndRepeatableCount(Rv32()); }

// As the matchmaker predicts: a small head fits a micro:bit-sized device,
// a 256x64 hidden layer (66 KiB of weights alone) does not fit 16 KiB RAM.
void ExpectFitAndNoFit(const Target& t) {
  ASSERT_TRUE(CheckTools(t).ok()) << CheckTools(t).message();
  const DeviceLimits small{16u << 10, 256u << 10, 4096};
  Result<Measurement> fits = RunOnEmulator(t, small, Blobs(8, 2, 0, 8, 2), WorkDir("fits-" + std::string(t.name)));
  ASSERT_TRUE(fits.ok()) << fits.status().message();
  EXPECT_LE(fits->peak_ram_bytes, small.ram_bytes);
  Result<Measurement> too_big = RunOnEmulator(t, small, Blobs(256, 2, 64, 4, 0), WorkDir("no-fit-" + std::string(t.name)));
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().message().find("does not fit"), std::string::npos) << too_big.status().message();
  EXPECT_NE(too_big.status().message().find("out of memory"), std::string::npos) << too_big.status().message();
}

TEST(Emulator, FittingPairRunsAndOversizedPairFailsAtArena) { ExpectFitAndNoFit(M4f()); }
TEST(Emulator, FittingPairRunsAndOversizedPairFailsAtArenaOnRiscV) { ExpectFitAndNoFit(Rv32()); }

void ExpectLinkFailure(const Target& t) {
  ASSERT_TRUE(CheckTools(t).ok()) << CheckTools(t).message();
  const DeviceLimits tiny_flash{64u << 10, 4u << 10, 2048};
  Result<Measurement> m = RunOnEmulator(t, tiny_flash, Blobs(4, 2, 0, 2, 0), WorkDir("no-flash-" + std::string(t.name)));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("does not fit"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("link failed"), std::string::npos) << m.status().message();
}

TEST(Emulator, ImageLargerThanFlashFailsAtLink) { ExpectLinkFailure(M4f()); }
TEST(Emulator, ImageLargerThanFlashFailsAtLinkOnRiscV) { ExpectLinkFailure(Rv32()); }

// The RISC-V target is the one for RV32IMAC and RV32IMC cores, and reports
// its own toolchain.
TEST(Emulator, RiscVTargetStandsForRv32Cores) {
  ASSERT_NE(FindTarget("rv32imac"), nullptr);
  EXPECT_EQ(FindTarget("rv32imc"), FindTarget("rv32imac"));
  EXPECT_EQ(FindTarget("rv32imac")->machine, "sifive_e");
  ASSERT_TRUE(CheckTools(Rv32()).ok()) << CheckTools(Rv32()).message();
  Result<Measurement> m = RunOnEmulator(Rv32(), kRoomy, Blobs(8, 3, 0, 150, 30), WorkDir("rv32-learns"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->losses.size(), 150u);
  EXPECT_GT(m->accuracy, 0.9f);
  EXPECT_NE(m->toolchain.find("riscv64-unknown-elf-gcc"), std::string::npos) << m->toolchain;
  EXPECT_LE(m->peak_ram_bytes, 16u << 10);
}

// The same online-learning run on the host engine build and on the M4F.
TEST(Emulator, HostAndCortexM4fAgree) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  const Workload w = Blobs(16, 4, 8, 40, 0);
  Result<Measurement> m = RunOnEmulator(M4f(), kRoomy, w, WorkDir("equal"));
  ASSERT_TRUE(m.ok()) << m.status().message();

  std::vector<std::byte> memory(64u << 10);
  engine::Arena arena(memory);
  const engine::LayerSpec hidden[1] = {engine::LayerSpec::Dense(w.hidden_units, engine::Activation::kRelu)};
  engine::OnlineConfig config;
  config.input_size = static_cast<std::size_t>(w.features);
  config.max_classes = w.classes;
  config.initial_classes = w.classes;
  config.hidden = hidden;
  config.optimizer = engine::OptimizerConfig{engine::OptimizerKind::kSgd, w.learning_rate, 0.0f};
  config.seed = w.seed;
  engine::OnlineLearner learner;
  ASSERT_EQ(learner.Build(config, arena), engine::Status::kOk);
  ASSERT_EQ(m->losses.size(), w.train_y.size());
  const auto n = static_cast<std::size_t>(w.features);
  for (std::size_t i = 0; i < w.train_y.size(); ++i) {
    float loss = 0;
    ASSERT_EQ(learner.Learn(std::span<const float>(w.train_x.data() + i * n, n), w.train_y[i], &loss),
              engine::Status::kOk);
    const float mcu = m->losses[i];
    EXPECT_LE(std::fabs(mcu - loss), 1e-5f * std::fmax(std::fabs(loss), 1e-3f)) << "step " << i;
  }
}

// Every target (Cortex-M and RISC-V) runs the same firmware and learns the
// same way.
TEST(Emulator, EveryTargetLearns) {
  for (const Target& t : Targets()) {
    ASSERT_TRUE(CheckTools(t).ok()) << CheckTools(t).message();
    const DeviceLimits limits{std::min<std::uint64_t>(t.ram_max, 16u << 10), 256u << 10, 4096};
    Result<Measurement> m = RunOnEmulator(t, limits, Blobs(8, 3, 0, 150, 30), WorkDir(std::string(t.name)));
    ASSERT_TRUE(m.ok()) << t.name << ": " << m.status().message();
    EXPECT_GT(m->accuracy, 0.9f) << t.name;
    std::printf("%s: %.1f instructions/step, %.1f /inference, %.2f per MAC (step), peak RAM %llu B, flash %llu B\n",
                std::string(t.name).c_str(), m->instructions_per_step, m->instructions_per_inference,
                m->instructions_per_mac_step, static_cast<unsigned long long>(m->peak_ram_bytes),
                static_cast<unsigned long long>(m->flash_bytes));
  }
}

// Instructions per MAC of the whole dense online-learning step on the M4F
// (normalisation, forward, softmax, weight gradients, SGD update) per
// training MAC. The goal for the kernels is <= 3; today's figure is guarded
// against regressions only.
TEST(Emulator, DenseTrainingStepCostPerMac) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  Result<Measurement> m = RunOnEmulator(M4f(), kRoomy, Blobs(128, 16, 0, 8, 4), WorkDir("per-mac"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  RecordProperty("instructions_per_mac_step", std::to_string(m->instructions_per_mac_step));
  std::printf("M4F dense 128x16 step: %.1f instructions, %.2f per MAC; inference %.1f\n",
              m->instructions_per_step, m->instructions_per_mac_step, m->instructions_per_inference);
  EXPECT_LT(m->instructions_per_mac_step, 16.0);
}

}  // namespace
}  // namespace tinykg::emu

namespace tinykg::emu {
namespace {

// Instructions per MAC of the float dense and conv kernels, forward and
// training pass, on every target (printed for the closing note). The M4F
// dense training pass must stay at or below 3 per MAC (the VLDMIA/VMLA
// loops of kernels/armv7em/float_loops.h); the other figures are guarded
// loosely against regressions.
TEST(Emulator, KernelInstructionsPerMac) {
  for (const Target& t : Targets()) {
    ASSERT_TRUE(CheckTools(t).ok()) << CheckTools(t).message();
    Result<KernelCost> dense = MeasureKernel(t, KernelKind::kDense, 32, 16, WorkDir("kernel-dense-" + std::string(t.name)));
    Result<KernelCost> conv = MeasureKernel(t, KernelKind::kConv2D, 4, 4, WorkDir("kernel-conv-" + std::string(t.name)));
    ASSERT_TRUE(dense.ok()) << dense.status().message();
    ASSERT_TRUE(conv.ok()) << conv.status().message();
    std::printf("%-11s dense 32x16: forward %.2f, training %.2f instr/MAC | conv 3x3 8x8x4->4: forward %.2f, training %.2f\n",
                std::string(t.name).c_str(), dense->forward_per_mac, dense->training_per_mac, conv->forward_per_mac,
                conv->training_per_mac);
    EXPECT_GT(dense->forward_per_mac, 0.5);
    if (t.name == "mps2-an386") {
      EXPECT_LE(dense->forward_per_mac, 3.0);
      EXPECT_LE(dense->training_per_mac, 3.0);
      EXPECT_LT(conv->training_per_mac, 8.0);
    }
  }
}

}  // namespace
}  // namespace tinykg::emu

namespace tinykg::emu {
namespace {

// The int8 FULLY_CONNECTED kernel (per-channel scales, zero points, fused
// ReLU) gives bit-identical outputs on the host and on the Cortex-M4F.
TEST(Emulator, Int8KernelBitIdenticalOnHostAndCortexM4f) {
  ASSERT_TRUE(CheckTools(M4f()).ok()) << CheckTools(M4f()).message();
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    Result<std::vector<std::int8_t>> mcu = RunInt8Check(M4f(), seed, WorkDir("int8"));
    ASSERT_TRUE(mcu.ok()) << mcu.status().message();
    std::array<std::int8_t, emu_firmware::kInt8Out> host{};
    ASSERT_EQ(emu_firmware::RunInt8Check(seed, host), engine::Status::kOk);
    ASSERT_EQ(mcu->size(), host.size());
    int non_zero = 0;
    for (std::size_t i = 0; i < host.size(); ++i) {
      EXPECT_EQ((*mcu)[i], host[i]) << "seed " << seed << " output " << i;
      if (host[i] != -128) ++non_zero;
    }
    EXPECT_GT(non_zero, 0) << "the check must exercise more than the ReLU floor";
  }
}

}  // namespace
}  // namespace tinykg::emu
