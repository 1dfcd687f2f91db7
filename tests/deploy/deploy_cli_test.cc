// `tinykg deploy`: the project for a real pair of the shipped graph builds
// with the cross compiler, runs under QEMU on the device's emulated target
// and gives the outputs `train --on emulator --infer` gives for the same
// inputs; the PlatformIO and Arduino routes name the board, framework and
// sources; pairs that do not fit are refused; bad input changes nothing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "shell.h"
#include "tinykg/match/matchmaker.h"

namespace {

namespace fs = std::filesystem;

using Output = tinykg::testing::ShellOutput;
using tinykg::testing::Shell;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kModels = std::string(TINYKG_SHARED_DATA) + "/seloc-ml/models/";
const std::string kMagicWand = kModels + "Magic_Wand_1.tflite";

// Magic_Wand_1 takes 128 accelerometer readings (x, y, z): real windows of
// the shared IMU gestures, three per gesture file, labelled 0..3.
struct Samples {
  std::vector<std::vector<float>> x;
  std::vector<int> y;
};
Samples ImuWindows() {
  Samples s;
  const fs::path root = fs::path(TINYKG_SHARED_DATA) / "datasets/imu_gestures/train";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(root)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (std::size_t f = 0; f < files.size(); ++f) {
    std::ifstream in(files[f]);
    std::string line;
    std::getline(in, line);  // header aX,aY,aZ,gX,gY,gZ
    std::vector<float> acc;
    while (std::getline(in, line)) {
      std::stringstream fields(line);
      std::string v;
      for (int c = 0; c < 3 && std::getline(fields, v, ','); ++c) acc.push_back(std::stof(v));
    }
    for (std::size_t w = 0; w < 3 && (w + 1) * 384 <= acc.size(); ++w) {
      s.x.emplace_back(acc.begin() + static_cast<std::ptrdiff_t>(w * 384),
                       acc.begin() + static_cast<std::ptrdiff_t>((w + 1) * 384));
      s.y.push_back(static_cast<int>(f % 4));
    }
  }
  return s;
}

void WriteCsv(const std::string& path, const Samples& s) {
  std::ofstream out(path);
  for (int i = 0; i < 384; ++i) out << "x" << i << ",";
  out << "label\n";
  char number[32];
  for (std::size_t r = 0; r < s.x.size(); ++r) {
    for (float v : s.x[r]) {
      std::snprintf(number, sizeof number, "%.9g,", static_cast<double>(v));
      out << number;
    }
    out << s.y[r] << "\n";
  }
}

// The semihosting board's stream: 384 floats and an int32 label per sample;
// -1: unlabelled, to be predicted.
void WriteSampleStream(const std::string& path, const Samples& s) {
  std::ofstream out(path, std::ios::binary);
  const std::int32_t unlabelled = -1;
  for (const auto& x : s.x) {
    out.write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(&unlabelled), sizeof unlabelled);
  }
}

struct DeviceRun {
  int code = -1;
  std::string log;
  std::vector<std::uint32_t> outputs, confidences;  // float bits
  std::vector<int> predicted;
  std::uint64_t arena_high_water = 0;
};

DeviceRun RunUnderQemu(const std::string& dir) {
  DeviceRun r;
  const Output o = Shell("cd " + dir +
                         " && timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none "
                         "-semihosting-config enable=on,target=native -kernel build/tinykg_deploy.elf");
  r.code = o.code;
  r.log = o.out;
  std::stringstream lines(o.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::stringstream fields(line);
    std::string kind, name, value;
    if (!(fields >> kind >> name >> value)) continue;
    if (kind == "result") {
      const auto bits = static_cast<std::uint32_t>(std::stoul(value, nullptr, 16));
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      if (name == "output") r.outputs.push_back(bits);
      if (name == "confidence") r.confidences.push_back(bits);
      if (name == "predicted") r.predicted.push_back(static_cast<int>(f));
    } else if (kind == "log" && name == "stat" && value == "arena_high_water") {
      fields >> r.arena_high_water;
    }
  }
  return r;
}

std::uint32_t Bits(float f) {
  std::uint32_t b = 0;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

class Deploy : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::remove_all(Dir());
    fs::create_directories(Dir());
    const Output init = Tinykg("--quiet init");
    ASSERT_EQ(init.code, 0) << init.out;
  }
  static std::string Dir() {
    return std::string(TINYKG_BINARY_DIR) + "/deploy-test/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  static Output Tinykg(const std::string& args) {
    return Shell(std::string(TINYKG_CLI) + " --store " + Dir() + "/store " + args);
  }
  static int Deployments() {
    const Output o =
        Tinykg("query 'SELECT ?d WHERE { ?d a <https://w3id.org/tinykg/ontology#Deployment> }' --format csv");
    int rows = 0;
    std::stringstream lines(o.out);
    std::string line;
    while (std::getline(lines, line)) rows += line.rfind("https://", 0) == 0 ? 1 : 0;
    return rows;
  }
  static std::string Build(const std::string& project, const std::string& extra = "") {
    const Output o =
        Shell("cd " + project + " && cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake " + extra +
              " >/dev/null && cmake --build build -j1");
    return o.code == 0 ? std::string() : o.out;
  }
};

TEST_F(Deploy, MagicWandOnNano33Ble_CmakeRouteUnderQemu_GivesTrainOnEmulatorOutputs) {
  const Samples samples = ImuWindows();
  ASSERT_GE(samples.x.size(), 12u);
  const std::string project = Dir() + "/magic-wand";
  const Output d = Tinykg("deploy --model Magic_Wand_1 --model-file " + kMagicWand +
                          " --device Arduino-Nano-BLE-33_1 -o " + project + " --format json");
  ASSERT_EQ(d.code, 0) << d.out;
  const nlohmann::json summary = nlohmann::json::parse(d.out.substr(d.out.find('{')));
  EXPECT_EQ(summary["target"], "mps2-an386");
  EXPECT_EQ(summary["inputs"], 384);
  EXPECT_EQ(summary["outputs"], 4);
  EXPECT_EQ(Deployments(), 1);

  const std::string build_error = Build(project);
  ASSERT_TRUE(build_error.empty()) << build_error;
  WriteSampleStream(project + "/tinykg-samples.bin", samples);
  const DeviceRun device = RunUnderQemu(project);
  ASSERT_EQ(device.code, 0) << device.log;
  ASSERT_EQ(device.outputs.size(), samples.x.size() * 4) << device.log;
  EXPECT_GT(device.arena_high_water, 0u);
  EXPECT_LE(device.arena_high_water, summary["arena_bytes"].get<std::uint64_t>());

  // The same inputs through the emulator: the whole model as the frozen part
  // (--head at its last node), its outputs reported per sample.
  WriteCsv(Dir() + "/imu.csv", samples);
  const Output emu = Tinykg("train --on emulator --infer --outputs --model " + kMagicWand + " --head " +
                            std::to_string(summary["cut"].get<int>()) + " --device Arduino-Nano-BLE-33_1 --data " +
                            Dir() + "/imu.csv --label label --format json");
  ASSERT_EQ(emu.code, 0) << emu.out;
  const nlohmann::json e = nlohmann::json::parse(emu.out.substr(emu.out.find('{')));
  std::vector<std::uint32_t> expected;
  for (const auto& sample : e["outputs"]) {
    for (const auto& v : sample) expected.push_back(Bits(v.get<float>()));
  }
  EXPECT_EQ(device.outputs, expected);
  std::printf(
      "Magic_Wand_1 on the Nano 33 BLE: %zu samples, outputs bit-identical to train --on emulator; arena "
      "%llu B reserved, %llu B measured on the host, %llu B used on the MCU\n",
      samples.x.size(), static_cast<unsigned long long>(summary["arena_bytes"].get<std::uint64_t>()),
      static_cast<unsigned long long>(summary["arena_measured_bytes"].get<std::uint64_t>()),
      static_cast<unsigned long long>(device.arena_high_water));

  // The start-up check: an arena far too small stops the application loudly.
  const std::string small_error = Build(project, "-DTINYKG_ARENA_BYTES=4096");
  ASSERT_TRUE(small_error.empty()) << small_error;
  const DeviceRun small = RunUnderQemu(project);
  EXPECT_EQ(small.code, 2) << small.log;
  EXPECT_NE(small.log.find("FATAL: the tensor arena is too small"), std::string::npos) << small.log;
  EXPECT_TRUE(small.outputs.empty());
}

TEST_F(Deploy, LearnOnline_CmakeRouteUnderQemu_PredictsAsTrainOnEmulator) {
  const Samples samples = ImuWindows();
  const std::string project = Dir() + "/magic-wand-online";
  const Output d = Tinykg("deploy --model " + kMagicWand + " --device Arduino-Nano-BLE-33_1 --learn online -o " +
                          project + " --task gesture-recognition --format json");
  ASSERT_EQ(d.code, 0) << d.out;
  const std::string build_error = Build(project);
  ASSERT_TRUE(build_error.empty()) << build_error;
  WriteSampleStream(project + "/tinykg-samples.bin", samples);
  const DeviceRun device = RunUnderQemu(project);
  ASSERT_EQ(device.code, 0) << device.log;
  ASSERT_EQ(device.predicted.size(), samples.x.size()) << device.log;

  WriteCsv(Dir() + "/imu.csv", samples);
  const Output emu = Tinykg("train --on emulator --infer --outputs --model " + kMagicWand +
                            " --device Arduino-Nano-BLE-33_1 --data " + Dir() + "/imu.csv --label label --format json");
  ASSERT_EQ(emu.code, 0) << emu.out;
  const nlohmann::json e = nlohmann::json::parse(emu.out.substr(emu.out.find('{')));
  std::vector<std::uint32_t> confidences;
  for (const auto& c : e["confidences"]) confidences.push_back(Bits(c.get<float>()));
  EXPECT_EQ(device.predicted, e["predictions"].get<std::vector<int>>());
  EXPECT_EQ(device.confidences, confidences);
}

TEST_F(Deploy, PlatformioAndArduinoFiles_NameBoardFrameworkAndSources) {
  const std::string project = Dir() + "/p";
  const Output before = Tinykg("report --format md");
  ASSERT_EQ(before.code, 0) << before.out;
  EXPECT_NE(before.out.find("Nothing deployed yet"), std::string::npos);
  const Output d = Tinykg("deploy --model " + kMagicWand + " --device Arduino-Nano-BLE-33_1 -o " + project);
  ASSERT_EQ(d.code, 0) << d.out;
  // The report lists what is deployed where, with the arena the project
  // reserves (the figure deploy recorded).
  const Output report = Tinykg("report --format md");
  ASSERT_EQ(report.code, 0) << report.out;
  const size_t section = report.out.find("## Deployments");
  ASSERT_NE(section, std::string::npos) << report.out;
  const std::string deployments = report.out.substr(section, report.out.find("\n## ", section + 1) - section);
  EXPECT_NE(deployments.find("Magic_Wand_1"), std::string::npos) << deployments;
  EXPECT_NE(deployments.find("Arduino"), std::string::npos) << deployments;
  EXPECT_NE(deployments.find("mps2-an386"), std::string::npos) << deployments;
  const Output arena =
      Tinykg("query 'SELECT ?a WHERE { ?d <https://w3id.org/tinykg/ontology#arenaReservedBytes> ?a }' --format csv");
  std::string reserved = arena.out.substr(arena.out.find('\n') + 1);
  reserved = reserved.substr(0, reserved.find_first_of("\r\n"));
  ASSERT_FALSE(reserved.empty()) << arena.out;
  EXPECT_NE(deployments.find(tinykg::match::FormatBytes(static_cast<double>(std::stoll(reserved)))), std::string::npos)
      << reserved << "\n"
      << deployments;
  const std::string ini = Slurp(project + "/platformio.ini");
  EXPECT_NE(ini.find("[env:nano33ble]"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nplatform = nordicnrf52\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nboard = nano33ble\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nframework = arduino\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nsrc_dir = arduino/tinykg_deploy\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nlib_dir = lib\n"), std::string::npos) << ini;
  // The Arduino sketch: folder and .ino share the name; the board layer has
  // one marked read for the sensor Magic_Wand_1 needs.
  EXPECT_TRUE(fs::exists(project + "/arduino/tinykg_deploy/tinykg_deploy.ino"));
  const std::string board = Slurp(project + "/arduino/tinykg_deploy/board.cpp");
  EXPECT_NE(board.find("SENSOR READ: Accelerometer"), std::string::npos);
  EXPECT_NE(board.find("static bool ReadAccelerometer(std::span<float> values)"), std::string::npos);
  EXPECT_EQ(board.find("ReadMicrophone"), std::string::npos);
  for (const char* platform_function :
       {"PlatformLog", "PlatformCycles", "PlatformReadSample", "PlatformReportResult"}) {
    EXPECT_NE(board.find(platform_function), std::string::npos) << platform_function;
  }
  // The libraries: every engine source the emulator firmware compiles
  // (src/engine/*.cc and kernels/*.cc of this checkout), the application,
  // its configuration and the model array.
  const fs::path engine = fs::path(TINYKG_SOURCE_DIR) / "src/engine";
  int sources = 0;
  for (const char* sub : {"", "kernels"}) {
    for (const auto& e : fs::directory_iterator(engine / sub)) {
      if (e.path().extension() != ".cc") continue;
      ++sources;
      const fs::path copied = fs::path(project) / "lib/tinykg_engine/src" / sub / e.path().filename();
      EXPECT_EQ(Slurp(copied), Slurp(e.path())) << copied;
    }
  }
  EXPECT_GT(sources, 20);
  EXPECT_TRUE(fs::exists(project + "/lib/tinykg_engine/src/tinykg/engine/graph.h"));
  EXPECT_TRUE(fs::exists(project + "/lib/tinykg_engine/library.properties"));
  EXPECT_TRUE(fs::exists(project + "/lib/tinykg_app/library.properties"));
  EXPECT_EQ(Slurp(project + "/lib/tinykg_app/src/tinykg_app.cc"),
            Slurp(fs::path(TINYKG_SOURCE_DIR) / "src/deploy/app/tinykg_app.cc"));
  const std::string model = Slurp(project + "/lib/tinykg_app/src/tinykg_model_data.cc");
  EXPECT_NE(model.find("aligned(16)"), std::string::npos);
  EXPECT_NE(model.find(".rodata.tinykg_model"), std::string::npos);
  const std::string config = Slurp(project + "/lib/tinykg_app/src/tinykg_config.h");
  EXPECT_NE(config.find("#define TINYKG_ARENA_BYTES "), std::string::npos);
  // The README: the match with explain's figures, the budget, the routes.
  const std::string readme = Slurp(project + "/README.md");
  for (const char* text : {"Magic_Wand_1 on Arduino Nano 33 BLE: fits", "ok  RAM: needs 18.8 kB",
                           "tensor arena reserved", "pio run -e nano33ble", "arduino-cli compile",
                           "-DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake", "qemu-system-arm -M mps2-an386"}) {
    EXPECT_NE(readme.find(text), std::string::npos) << text;
  }
}

TEST_F(Deploy, PairThatDoesNotFit_IsRefusedWithReasons_AndNothingIsWritten) {
  const std::string project = Dir() + "/no";
  const Output d =
      Tinykg("deploy --model " + kModels + "Person_Detection.tflite --device Syntiant-TinyML-Board_1 -o " + project);
  EXPECT_EQ(d.code, 1) << d.out;
  EXPECT_NE(d.out.find("refused: Person_Detection does not fit"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("NO  RAM: needs 96.2 kB, device has 25.0 kB free"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("missing Camera"), std::string::npos) << d.out;
  EXPECT_FALSE(fs::exists(project));
  EXPECT_EQ(Deployments(), 0);
  // --force writes a misfit, says so, and records it as one: Magic_Wand_1
  // on the HiFive1 Rev B (no accelerometer, 16 KiB RAM) gets the RISC-V
  // CMake route.
  const std::string forced_dir = Dir() + "/forced";
  const Output refused = Tinykg("deploy --model " + kMagicWand + " --device HiFive1-RevB_1 -o " + forced_dir);
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_NE(refused.out.find("missing Accelerometer"), std::string::npos) << refused.out;
  const Output forced = Tinykg("deploy --model " + kMagicWand + " --device HiFive1-RevB_1 --force -o " + forced_dir);
  ASSERT_EQ(forced.code, 0) << forced.out;
  EXPECT_NE(forced.out.find("note: forced"), std::string::npos) << forced.out;
  EXPECT_NE(Slurp(forced_dir + "/README.md").find("does not fit"), std::string::npos);
  EXPECT_NE(Slurp(forced_dir + "/CMakeLists.txt").find("cmake/riscv64-unknown-elf.cmake"), std::string::npos);
  const Output misfit =
      Tinykg("query 'SELECT ?d WHERE { ?d <https://w3id.org/tinykg/ontology#forcedMisfit> true }' --format csv");
  EXPECT_NE(misfit.out.find("https://w3id.org/tinykg/id/deployment/"), std::string::npos) << misfit.out;
}

TEST_F(Deploy, DeviceWithoutEmulatedTarget_GetsPlatformioAndArduinoRoutes_AndANote) {
  const std::string project = Dir() + "/ms200";
  const Output d =
      Tinykg("deploy --model " + kModels + "Motion_Trainer_Up_Forward.tflite --device MS200 -o " + project);
  ASSERT_EQ(d.code, 0) << d.out;
  EXPECT_NE(d.out.find("note: no emulated target"), std::string::npos) << d.out;
  EXPECT_TRUE(fs::exists(project + "/platformio.ini"));
  EXPECT_TRUE(fs::exists(project + "/arduino/tinykg_deploy/tinykg_deploy.ino"));
  EXPECT_TRUE(fs::exists(project + "/lib/tinykg_app/src/tinykg_model_data.cc"));
  EXPECT_FALSE(fs::exists(project + "/CMakeLists.txt"));
  EXPECT_FALSE(fs::exists(project + "/board"));
  const std::string readme = Slurp(project + "/README.md");
  EXPECT_NE(readme.find("no emulated target stands for"), std::string::npos) << readme;
  EXPECT_NE(readme.find("**Plain CMake / QEMU**: not generated"), std::string::npos) << readme;
  EXPECT_EQ(Deployments(), 1);
}

TEST_F(Deploy, DeviceFromAPlatformioBoard_TakesItsBoardIdPlatformAndFramework) {
  const Output imported = Tinykg("import board " + std::string(TINYKG_SHARED_DATA) +
                                 "/boards/platformio/espressif32/adafruit_feather_esp32_v2.json");
  ASSERT_EQ(imported.code, 0) << imported.out;
  const std::string project = Dir() + "/esp32";
  // A bare board has no sensors or free-memory figures: it does not fit.
  const Output refused = Tinykg("deploy --model " + kMagicWand + " --device 'Adafruit Feather ESP32 V2' -o " + project);
  EXPECT_EQ(refused.code, 1) << refused.out;
  const Output d =
      Tinykg("deploy --model " + kMagicWand + " --device 'Adafruit Feather ESP32 V2' --force -o " + project);
  ASSERT_EQ(d.code, 0) << d.out;
  const std::string ini = Slurp(project + "/platformio.ini");
  EXPECT_NE(ini.find("\nplatform = espressif32\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nboard = adafruit_feather_esp32_v2\n"), std::string::npos) << ini;
  EXPECT_NE(ini.find("\nframework = arduino\n"), std::string::npos) << ini;
  EXPECT_NE(d.out.find("no emulated target stands for core XtensaLX6"), std::string::npos) << d.out;
}

// Text from the graph went into the generated files as it was: a device
// titled "x\nextra_scripts = pre:evil.py" (a TD anyone may PUT to an open
// server) put that line into platformio.ini, which PlatformIO runs when the
// project is built. Titles are one comment line now, and a board, platform
// or framework that is not a PlatformIO id is refused.
TEST_F(Deploy, GraphTextCannotBreakOutOfTheGeneratedFiles) {
  const auto td = [](const std::string& id, const std::string& title, const std::string& board) {
    return std::string(R"({"@context": ["https://www.w3.org/2022/wot/td/v1.1", "https://w3id.org/tinykg/context/v1"],
      "id": ")") + id + R"(", "@type": ["Thing", "Device"], "title": ")" + title + R"(",
      "board": ")" + board + R"(", "platformioPlatform": "espressif32", "framework": "arduino",
      "mcu": "esp32", "coreType": "XtensaLX6", "clockHz": 240000000, "ramBytes": 327680, "flashBytes": 8388608,
      "securityDefinitions": {"n": {"scheme": "nosec"}}, "security": "n"})";
  };
  const std::string evil_title = Dir() + "/evil-title.json";
  std::ofstream(evil_title) << td("urn:ex:evil-title", R"(Evil\nextra_scripts = pre:evil.py\\)", "esp32dev");
  const Output title_imported = Tinykg("import td " + evil_title);
  ASSERT_EQ(title_imported.code, 0) << title_imported.out;
  const std::string project = Dir() + "/evil-title";
  const Output d = Tinykg("deploy --model " + kMagicWand + " --device urn:ex:evil-title --force -o " + project);
  ASSERT_EQ(d.code, 0) << d.out;
  const std::string ini = Slurp(project + "/platformio.ini");
  EXPECT_EQ(ini.find("\nextra_scripts"), std::string::npos) << ini;
  EXPECT_NE(ini.find("on Evil extra_scripts = pre:evil.py "), std::string::npos) << ini;
  const std::string header = Slurp(project + "/lib/tinykg_app/src/tinykg_config.h");
  EXPECT_EQ(header.find("\nextra_scripts"), std::string::npos) << header;
  EXPECT_EQ(header.find("\\\n"), std::string::npos) << header;  // no // comment continued by a backslash

  const std::string evil_board = Dir() + "/evil-board.json";
  std::ofstream(evil_board) << td("urn:ex:evil-board", "Board", R"(esp32dev\nextra_scripts = pre:evil.py)");
  const Output board_imported = Tinykg("import td " + evil_board);
  ASSERT_EQ(board_imported.code, 0) << board_imported.out;
  const Output refused =
      Tinykg("deploy --model " + kMagicWand + " --device urn:ex:evil-board --force -o " + Dir() + "/evil-board");
  EXPECT_NE(refused.code, 0) << refused.out;
  EXPECT_NE(refused.out.find("tkg:board"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("is not a PlatformIO id"), std::string::npos) << refused.out;
  EXPECT_FALSE(fs::exists(Dir() + "/evil-board/platformio.ini"));
}

// Issue 16, item 4: once imported, a model deploys by name from the copy of
// its file the store keeps; --model-file still overrides the copy.
TEST_F(Deploy, ImportedModel_DeploysByName_FromTheKeptFile) {
  ASSERT_EQ(Tinykg("--quiet import model " + kMagicWand).code, 0);
  const Output d =
      Tinykg("deploy --model Magic_Wand_1 --device Arduino-Nano-BLE-33_1 -o " + Dir() + "/by-name" + " --format json");
  ASSERT_EQ(d.code, 0) << d.out;
  const nlohmann::json by_name = nlohmann::json::parse(d.out.substr(d.out.find('{')));
  const std::string kept = by_name["model_file"];
  EXPECT_EQ(kept.rfind(Dir() + "/store/models/", 0), 0u) << kept;
  EXPECT_EQ(Slurp(kept), Slurp(kMagicWand));
  EXPECT_EQ(by_name["inputs"], 384);
  EXPECT_EQ(Deployments(), 1);

  const Output f = Tinykg("deploy --model Magic_Wand_1 --model-file " + kMagicWand +
                          " --device Arduino-Nano-BLE-33_1 -o " + Dir() + "/by-file --format json");
  ASSERT_EQ(f.code, 0) << f.out;
  const nlohmann::json by_file = nlohmann::json::parse(f.out.substr(f.out.find('{')));
  EXPECT_EQ(by_file["model_file"], kMagicWand);
  EXPECT_EQ(by_file["arena_bytes"], by_name["arena_bytes"]);
}

TEST_F(Deploy, BadInput_ClearError_NonZeroExit_StoreUnchanged) {
  const std::string project = Dir() + "/bad";
  Output o = Tinykg("deploy --model No_Such_Model --model-file " + kMagicWand + " --device Arduino-Nano-BLE-33_1 -o " +
                    project);
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("tinykg: error: "), std::string::npos) << o.out;
  o = Tinykg("deploy --model " + kMagicWand + " --device No-Such-Device -o " + project);
  EXPECT_EQ(o.code, 1) << o.out;
  EXPECT_NE(o.out.find("No-Such-Device"), std::string::npos) << o.out;
  o = Tinykg("deploy --model Magic_Wand_1 --device Arduino-Nano-BLE-33_1 -o " + project);
  EXPECT_NE(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("--model-file"), std::string::npos) << o.out;
  o = Tinykg("deploy --model Magic_Wand_1 --model-file " + kModels +
             "Hello_World.tflite --device Arduino-Nano-BLE-33_1 -o " + project);
  EXPECT_NE(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("is not Magic_Wand_1"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists(project));
  // An existing, non-empty folder.
  fs::create_directories(project);
  std::ofstream(project + "/keep.txt") << "mine\n";
  o = Tinykg("deploy --model " + kMagicWand + " --device Arduino-Nano-BLE-33_1 -o " + project);
  EXPECT_EQ(o.code, 2) << o.out;
  EXPECT_NE(o.out.find("not empty"), std::string::npos) << o.out;
  EXPECT_EQ(Slurp(project + "/keep.txt"), "mine\n");
  // A folder that cannot be made (its parent is a file).
  o = Tinykg("deploy --model " + kMagicWand + " --device Arduino-Nano-BLE-33_1 -o " + project + "/keep.txt/sub");
  EXPECT_NE(o.code, 0) << o.out;
  EXPECT_NE(o.out.find("keep.txt"), std::string::npos) << o.out;
  EXPECT_EQ(Deployments(), 0);
}

}  // namespace
