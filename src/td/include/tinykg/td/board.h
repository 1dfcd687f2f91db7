// PlatformIO board definitions -> device Thing Descriptions.
#ifndef TINYKG_TD_BOARD_H_
#define TINYKG_TD_BOARD_H_

#include <string>
#include <string_view>

#include "tinykg/base/status.h"

namespace tinykg::td {

// The hardware facts tinykg takes from a board definition.
struct BoardHardware {
  std::string board_id;   // file name without ".json", e.g. "nano33ble"
  std::string platform;   // PlatformIO platform: the definition's folder, e.g. "nordicnrf52"
  std::string framework;  // the first of "frameworks", e.g. "arduino" (empty when none)
  std::string name;       // "Arduino Nano 33 BLE"
  std::string vendor;
  std::string mcu;        // "nrf52840"
  std::string core_type;  // term of the tinykg context, e.g. "CortexM4F"
  long long clock_hz = 0;
  long long ram_bytes = 0;
  long long flash_bytes = 0;
  bool has_fpu = false;
  bool has_dsp = false;
};

// Reads the hardware of a PlatformIO board JSON (its folder is the PlatformIO
// platform, as in boards/platformio/<platform>/<id>.json). The core comes from
// build.cpu (cortex-m0, -m0plus, -m3, -m4, -m7, -m33) or, for Espressif
// boards, from build.mcu (esp32 -> Xtensa LX6, esp32s2/s3 -> LX7, esp32c3 ->
// RV32IMC, esp32c6 -> RV32IMAC); a Cortex-M4 counts as M4F when the build
// flags select hardware floating point or its MCU family has the FPU (nRF52832/3/
// 40, SAMD51, STM32F3/F4/G4/L4/WB). Clock from build.f_cpu, RAM and flash
// from upload.maximum_ram_size / maximum_size. kParseError / kInvalidData
// (naming the field) when something needed is missing, kUnsupported for an
// unknown core.
Result<BoardHardware> ReadBoard(std::string_view board_json, const std::string& path);

// A TD 1.1 document (pretty JSON text) describing the board as a tkg:Device
// with the tinykg context: id https://w3id.org/tinykg/id/board/platformio/ID,
// title = board name, no interaction affordances, nosec security.
std::string BoardToTdText(const BoardHardware& hardware);

}  // namespace tinykg::td

#endif  // TINYKG_TD_BOARD_H_
