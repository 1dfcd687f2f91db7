// Bytes of a training setup, by part. All figures are exact sizes of what the
// engine allocated from its arena for that purpose (alignment padding
// excluded), so they can be compared with a device's RAM.
#ifndef TINYKG_ENGINE_MEMORY_H_
#define TINYKG_ENGINE_MEMORY_H_

#include <cstddef>

namespace tinykg::engine {

struct MemoryReport {
  std::size_t weights = 0;          // trainable parameters
  std::size_t frozen_weights = 0;   // backbone parameters held in RAM (0 when in flash)
  std::size_t gradients = 0;        // one float per trainable parameter
  std::size_t optimizer_state = 0;  // momentum / Adam moments
  std::size_t activations = 0;      // kept from forward for backward
  std::size_t scratch = 0;          // temporaries (backbone activations, backward buffers)
  std::size_t other = 0;            // normalizer statistics and the like

  std::size_t Total() const {
    return weights + frozen_weights + gradients + optimizer_state + activations + scratch + other;
  }
  MemoryReport& operator+=(const MemoryReport& o) {
    weights += o.weights;
    frozen_weights += o.frozen_weights;
    gradients += o.gradients;
    optimizer_state += o.optimizer_state;
    activations += o.activations;
    scratch += o.scratch;
    other += o.other;
    return *this;
  }
};

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_MEMORY_H_
