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

}  // namespace tinykg::cli
