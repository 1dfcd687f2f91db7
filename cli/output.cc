#include <CLI/CLI.hpp>

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "tinykg/rdf/known_names.h"

namespace tinykg::cli {

std::string ResolveStoreSpec(const GlobalOptions& options) {
  if (!options.store_spec.empty()) return options.store_spec;
  if (const char* env = std::getenv("TINYKG_STORE"); env != nullptr && *env != '\0') return env;
  return "./.tinykg";
}

int ReportError(const Status& status) {
  std::cerr << "tinykg: error: " << status.ToString() << "\n";
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument: return kExitUsage;
    case StatusCode::kStoreError: return kExitStore;
    case StatusCode::kInternal: return kExitInternal;
    default: return kExitFailure;
  }
}

void Warn(const GlobalOptions& options, const std::string& text) {
  if (!options.quiet) std::cerr << "tinykg: warning: " << text << "\n";
}

Status CheckKnownNames(const std::string& task, const std::vector<std::string>& sensors) {
  if (!task.empty()) TINYKG_RETURN_IF_ERROR(rdf::ResolveName(rdf::NameKind::kTask, task).status());
  for (const std::string& sensor : sensors) {
    TINYKG_RETURN_IF_ERROR(rdf::ResolveName(rdf::NameKind::kSensor, sensor).status());
  }
  return Status::Ok();
}

const CLI::Validator& FinitePositive() {
  static const CLI::Validator check(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        // The rates are floats: 1e39 became inf (NaN weights again) and
        // 1e-46 became 0.
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < FLT_MIN || v > FLT_MAX) {
          return "Value " + text + " is not a finite number above 0 (a float: 1.2e-38 to 3.4e38)";
        }
        return {};
      },
      "FINITE > 0", "FinitePositive");
  return check;
}

CLI::Validator AtLeast(long long min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (end == text.c_str() || *end != '\0' || errno == ERANGE || v < min) {
          return "Value " + text + " is not a whole number of at least " + std::to_string(min);
        }
        return {};
      },
      ">= " + std::to_string(min), "AtLeast");
}

}  // namespace tinykg::cli
