// Bounded parallel loop for the emulator runs (each fn call starts and
// waits for a QEMU process). Internal to src/emu.
#ifndef TINYKG_EMU_BOUNDED_H_
#define TINYKG_EMU_BOUNDED_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace tinykg::emu::internal {

// Calls fn(0) ... fn(count - 1), at most `jobs` at once (0: the host's cores).
template <typename Fn>
void ForEachBounded(std::size_t count, unsigned jobs, Fn fn) {
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min<std::size_t>(count, jobs);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

}  // namespace tinykg::emu::internal

#endif  // TINYKG_EMU_BOUNDED_H_
