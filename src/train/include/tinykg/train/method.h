// How a model is trained on the host or over a fleet: online (one device,
// sample by sample), from scratch, or federated (FedAvg, Reptile,
// TinyMetaFed).
#ifndef TINYKG_TRAIN_METHOD_H_
#define TINYKG_TRAIN_METHOD_H_

#include <string>

#include "tinykg/base/status.h"

namespace tinykg::train {

enum class Method { kOnline, kScratch, kFedAvg, kReptile, kTinyMetaFed };
// "online", "scratch", "fedavg", "reptile", "tinymetafed".
const char* MethodName(Method method);
// Parses a MethodName; kInvalidArgument (listing the names) otherwise.
Result<Method> ParseMethod(const std::string& name);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_METHOD_H_
