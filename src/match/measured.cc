// Measured figures that replace matchmaking's datasheet estimates: the
// emulator's kernel cost per MAC calibrates a core's float cycles per MAC,
// and a pair's measured instructions per inference gives its latency.
#include <cstdio>
#include <map>

#include "facts.h"

namespace tinykg::match {
namespace {

std::string Column(const rdf::QueryResult& r, std::size_t row, const char* name) {
  for (std::size_t i = 0; i < r.variables.size(); ++i) {
    if (r.variables[i] == name && r.rows[row][i]) return r.rows[row][i]->value;
  }
  return {};
}

std::optional<double> NumberColumn(const rdf::QueryResult& r, std::size_t row, const char* name) {
  const std::string text = Column(r, row, name);
  try {
    return text.empty() ? std::nullopt : std::optional<double>(std::stod(text));
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

Status LoadMeasuredFigures(rdf::Store& store, Catalog& catalog) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult kernels, RunNamed(store, "match-kernel-calibration"));
  struct Latest {
    double value = 0;
    std::string date, target;
  };
  std::map<std::string, std::map<std::string, Latest>> per_core;  // core -> kernel -> latest figure
  for (std::size_t i = 0; i < kernels.rows.size(); ++i) {
    auto value = NumberColumn(kernels, i, "value");
    if (!value || *value <= 0) continue;
    Latest& l = per_core[Column(kernels, i, "core")][Column(kernels, i, "kernel")];
    std::string date = Column(kernels, i, "date");
    if (l.value == 0 || date > l.date) l = {*value, date, Column(kernels, i, "target")};
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

  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult inference, RunNamed(store, "match-measured-inference"));
  for (std::size_t i = 0; i < inference.rows.size(); ++i) {
    auto value = NumberColumn(inference, i, "value");
    if (!value || *value <= 0) continue;
    const auto key = std::make_pair(Column(inference, i, "model"), Column(inference, i, "device"));
    std::string date = Column(inference, i, "date");
    auto [it, inserted] = catalog.measured_inference.try_emplace(key);
    if (inserted || date > it->second.date) it->second = {*value, Column(inference, i, "target"), date};
  }
  return Status::Ok();
}

}  // namespace tinykg::match
