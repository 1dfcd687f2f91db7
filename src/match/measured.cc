// Measured figures that replace matchmaking's datasheet estimates: the
// emulator's kernel cost per MAC calibrates a core's float cycles per MAC,
// and a pair's measured instructions per inference gives its latency.
#include <cstdio>
#include <map>

#include "facts.h"

namespace tinykg::match {

Status LoadMeasuredFigures(rdf::Store& store, Catalog& catalog) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult kernel_result, RunNamed(store, "match-kernel-calibration"));
  const Rows kernels(kernel_result);
  struct Latest {
    double value = 0;
    std::string date, target;
  };
  std::map<std::string, std::map<std::string, Latest>> per_core;  // core -> kernel -> latest figure
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    auto value = kernels.Double(i, "value");
    if (!value || *value <= 0) continue;
    Latest& l = per_core[kernels.Str(i, "core")][kernels.Str(i, "kernel")];
    std::string date = kernels.Str(i, "date");
    if (l.value == 0 || date > l.date) l = {*value, date, kernels.Str(i, "target")};
  }
  for (const auto& [core, by_kernel] : per_core) {
    auto it = catalog.cores.find(core);
    if (it == catalog.cores.end() || by_kernel.empty()) continue;
    double sum = 0;
    std::string how, target;
    for (const auto& [kernel, figure] : by_kernel) {
      sum += figure.value;
      char text[64];
      std::snprintf(text, sizeof text, "%.1f", figure.value);
      how += (how.empty() ? "" : ", ") + (kernel.empty() ? std::string("kernel") : kernel) + " " + text;
      if (target.empty()) target = figure.target;
    }
    it->second.calibrated_cycles_per_mac_float = sum / static_cast<double>(by_kernel.size()) * kCyclesPerInstruction;
    it->second.calibration = how + " instructions/MAC" + (target.empty() ? "" : " on " + target);
  }

  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult inference_result, RunNamed(store, "match-measured-inference"));
  const Rows inference(inference_result);
  for (std::size_t i = 0; i < inference.size(); ++i) {
    auto value = inference.Double(i, "value");
    if (!value || *value <= 0) continue;
    const auto key = std::make_pair(inference.Str(i, "model"), inference.Str(i, "device"));
    std::string date = inference.Str(i, "date");
    auto [it, inserted] = catalog.measured_inference.try_emplace(key);
    if (inserted || date > it->second.date) it->second = {*value, inference.Str(i, "target"), date};
  }
  return Status::Ok();
}

}  // namespace tinykg::match
