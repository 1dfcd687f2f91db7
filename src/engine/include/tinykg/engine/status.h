// The engine's status: a small enum, no allocation, no text.
//
// Every engine function that can fail returns a Status. kOk is zero so a
// check costs one compare. Host code (src/train, the CLI) turns a Status into
// words with StatusName().
#ifndef TINYKG_ENGINE_STATUS_H_
#define TINYKG_ENGINE_STATUS_H_

#include <cstdint>

namespace tinykg::engine {

enum class [[nodiscard]] Status : std::uint8_t {
  kOk = 0,
  kOutOfMemory,      // the arena (or a compile-time capacity) is exhausted
  kBadShape,         // tensor shapes do not fit the operation
  kBadType,          // a data type the operation does not support
  kUnsupported,      // a valid option the engine does not implement
  kInvalidArgument,  // an argument is out of range (index, count, size)
  kEndOfData,        // a sample source has no more samples (not an error)
};

// A static lowercase name such as "out of memory"; never null.
const char* StatusName(Status status);

// Propagates a non-OK status to the caller.
#define TINYKG_ENGINE_TRY(expr)                                       \
  do {                                                                \
    ::tinykg::engine::Status tinykg_engine_status_ = (expr);          \
    if (tinykg_engine_status_ != ::tinykg::engine::Status::kOk) {     \
      return tinykg_engine_status_;                                   \
    }                                                                 \
  } while (false)

}  // namespace tinykg::engine

#endif  // TINYKG_ENGINE_STATUS_H_
