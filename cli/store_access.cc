#include "store_access.h"

#include <cstdlib>
#include <iostream>

namespace tinykg::cli {

Result<std::unique_ptr<rdf::Store>> OpenStore(const GlobalOptions& options) {
  rdf::StoreOptions store_options;
  store_options.lock_timeout_ms = options.lock_timeout_ms;
  store_options.on_wait = [quiet = options.quiet](const std::string& text) {
    if (!quiet) std::cerr << "tinykg: note: " << text << std::endl;
  };
  auto store = rdf::Store::Open(ResolveStoreSpec(options), store_options);
  if (store.ok()) FlushWarnings(options, **store);
  return store;
}

void FlushWarnings(const GlobalOptions& options, rdf::Store& store) {
  for (const auto& w : store.TakeWarnings()) Warn(options, w);
}

static std::string HomeDir(const char* sub, const char* fallback) {
  if (const char* home = std::getenv("TINYKG_HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/" + sub;
  }
  return fallback;
}

std::string OntologyDir() { return HomeDir("ontology", TINYKG_DEFAULT_ONTOLOGY_DIR); }
std::string KgDir() { return HomeDir("kg", TINYKG_DEFAULT_KG_DIR); }

}  // namespace tinykg::cli
