#include "tinykg/engine/status.h"

namespace tinykg::engine {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kOutOfMemory: return "out of memory";
    case Status::kBadShape: return "bad shape";
    case Status::kBadType: return "bad type";
    case Status::kUnsupported: return "unsupported";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kEndOfData: return "end of data";
  }
  return "unknown";
}

}  // namespace tinykg::engine
