// Opening the store for a command and printing its warnings.
#ifndef TINYKG_CLI_STORE_ACCESS_H_
#define TINYKG_CLI_STORE_ACCESS_H_

#include <memory>

#include "cli.h"
#include "tinykg/rdf/store.h"

namespace tinykg::cli {

// Opens the store named by the global options (see ResolveStoreSpec).
Result<std::unique_ptr<rdf::Store>> OpenStore(const GlobalOptions& options);

// Prints the store's pending warnings as "tinykg: warning: ..." (unless quiet).
void FlushWarnings(const GlobalOptions& options, rdf::Store& store);

// Where `tinykg init` finds the ontology and the shipped graph:
// $TINYKG_HOME/ontology and $TINYKG_HOME/kg when TINYKG_HOME is set, else the
// source tree this binary was built from.
std::string OntologyDir();
std::string KgDir();

}  // namespace tinykg::cli

#endif  // TINYKG_CLI_STORE_ACCESS_H_
