// What a firmware image for one target is made of, in one place for the two
// builds that make images: the emulator (RunOnEmulator links one per device)
// and `tinykg deploy` (which writes the same parts into a project a user
// builds and flashes). Sharing them keeps the deployed project's engine,
// start-up code, linker script and model array exactly what was measured.
#ifndef TINYKG_EMU_FIRMWARE_PARTS_H_
#define TINYKG_EMU_FIRMWARE_PARTS_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/emu/run.h"
#include "tinykg/emu/target.h"

namespace tinykg::emu {

// Source files, as paths relative to `engine_dir` (src/engine of the tinykg
// checkout this library was built from).
struct FirmwareSources {
  std::string engine_dir;                   // absolute
  std::vector<std::string> engine_sources;  // the engine's own .cc files (src/engine/CMakeLists.txt's list)
  std::vector<std::string> engine_headers;  // include/tinykg/engine/*.h, kernels/**/*.h
  // The target's microcontroller platform: semihosting I/O and the target's
  // start-up (vector table or RISC-V reset, stack painting, FPU switch-on).
  std::vector<std::string> platform_sources;
  std::vector<std::string> platform_headers;
  std::vector<std::string> platform_include_dirs;  // relative to engine_dir
  std::string linker_template;                     // absolute path of the target's *.ld.in
  std::string toolchain_file;                      // absolute path of cmake/<tools>.cmake
};

// The parts for `target`. Cheap; no file is read.
FirmwareSources SourcesFor(const Target& target);

// The target's linker script filled in for `limits`: FLASH and RAM are the
// device's figures capped at what the QEMU board maps, the stack reserved
// at the top of RAM; everything between static data and stack is the
// emulator firmware's arena (__arena_start / __arena_end). kIoError when the
// template cannot be read.
Result<std::string> LinkerScript(const Target& target, const DeviceLimits& limits);

// The file names WriteModelArray writes.
inline constexpr char kModelArrayHeader[] = "tinykg_model_data.h";
inline constexpr char kModelArraySource[] = "tinykg_model_data.cc";

// Writes `blob` (engine::SerializeGraph of a model) as C++ into `dir`:
// kModelArrayHeader declares, and kModelArraySource defines, the C symbols
//   const unsigned char tinykg_model_blob[];   16-byte aligned, in section
//                                               .rodata.tinykg_model (flash)
//   const unsigned int tinykg_model_blob_bytes;
// so any C++ toolchain (the cross g++, PlatformIO, the Arduino IDE) puts the
// model in flash where the engine reads it in place. `dir` must exist.
// kIoError when a file cannot be written.
Status WriteModelArray(std::span<const std::byte> blob, const std::string& dir);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_FIRMWARE_PARTS_H_
