#include "tinykg/train/method.h"

namespace tinykg::train {

const char* MethodName(Method method) {
  switch (method) {
    case Method::kOnline: return "online";
    case Method::kScratch: return "scratch";
    case Method::kFedAvg: return "fedavg";
    case Method::kReptile: return "reptile";
    case Method::kTinyMetaFed: return "tinymetafed";
  }
  return "?";
}

Result<Method> ParseMethod(const std::string& name) {
  for (Method m : {Method::kOnline, Method::kScratch, Method::kFedAvg, Method::kReptile, Method::kTinyMetaFed}) {
    if (name == MethodName(m)) return m;
  }
  return InvalidArgument("unknown method '" + name + "' (online, scratch, fedavg, reptile, tinymetafed)");
}

}  // namespace tinykg::train
