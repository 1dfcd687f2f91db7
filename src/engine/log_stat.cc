// "stat <name> <decimal>" log lines, the figures drivers report to the host
// (the emulator reads them back), formatted without the C library.
#include "tinykg/engine/platform.h"

namespace tinykg::engine {

void PlatformLogStat(const char* name, std::uint64_t value) {
  char text[96];
  std::size_t n = 0;
  for (const char* p = "stat "; *p != '\0';) text[n++] = *p++;
  for (const char* p = name; *p != '\0' && n < 64;) text[n++] = *p++;
  text[n++] = ' ';
  char digits[24];
  std::size_t d = 0;
  do {
    digits[d++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (d > 0) text[n++] = digits[--d];
  text[n] = '\0';
  PlatformLog(text);
}

}  // namespace tinykg::engine
