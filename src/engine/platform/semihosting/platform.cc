// The microcontroller platform (Cortex-M and RISC-V alike): log lines and
// results go to the host's stdout and samples come from the host file
// "tinykg-samples.bin" (in QEMU's working directory), all through
// semihosting. Results are printed as the float's bit pattern so the host
// reads back exactly what the MCU computed.
#include <cstdint>
#include <cstring>

#include "semihosting.h"
#include "tinykg/engine/platform.h"

namespace tinykg::engine {
namespace {

std::int32_t sample_file = -1;  // semihosting handle; -1 until first read

void AppendHex(char* out, std::uint32_t value) {
  static const char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) out[i] = kDigits[(value >> (28 - 4 * i)) & 0xfu];
  out[8] = '\0';
}

bool ReadExactly(void* buffer, std::uint32_t bytes) {
  const std::uint32_t block[3] = {static_cast<std::uint32_t>(sample_file),
                                  reinterpret_cast<std::uint32_t>(buffer), bytes};
  // SYS_READ returns the number of bytes NOT read.
  return semihosting::Call(semihosting::kRead, block) == 0;
}

}  // namespace

void PlatformLog(const char* message) {
  semihosting::Write0("log ");
  semihosting::Write0(message);
  semihosting::Write0("\n");
}

// QEMU models no cycle-accurate counter on these boards; instructions are
// counted from outside (the emulator's counting plugin) instead.
std::uint64_t PlatformCycles() { return 0; }

// The stream is raw little-endian records: features.size() floats then one
// int32 label, as the reader asks for them.
Status PlatformReadSample(std::span<float> features, std::int32_t* label) {
  if (sample_file < 0) {
    static const char kName[] = "tinykg-samples.bin";
    const std::uint32_t block[3] = {reinterpret_cast<std::uint32_t>(kName), 1 /* "rb" */,
                                    sizeof(kName) - 1};
    sample_file = semihosting::Call(semihosting::kOpen, block);
    if (sample_file < 0) return Status::kEndOfData;
  }
  if (!ReadExactly(features.data(), static_cast<std::uint32_t>(features.size_bytes()))) {
    return Status::kEndOfData;
  }
  if (!ReadExactly(label, sizeof(*label))) return Status::kEndOfData;
  return Status::kOk;
}

void PlatformReportResult(const char* name, float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof(bits));
  char hex[9];
  AppendHex(hex, bits);
  semihosting::Write0("result ");
  semihosting::Write0(name);
  semihosting::Write0(" ");
  semihosting::Write0(hex);
  semihosting::Write0("\n");
}

}  // namespace tinykg::engine
