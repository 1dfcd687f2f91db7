// Internal: the Store backends and how Store::Open reaches them
// (store_open.cc parses the spec and picks one).
#ifndef TINYKG_RDF_LMDB_STORE_H_
#define TINYKG_RDF_LMDB_STORE_H_

#include <memory>
#include <string>

#include "tinykg/rdf/store.h"

namespace tinykg::rdf::internal {

// The LMDB engine's Store: spec.kind kLmdb (spec.dir) or kMemory. A
// non-empty `notice` is its first warning.
Result<std::unique_ptr<Store>> OpenLmdbStore(const StoreSpec& spec, const StoreOptions& options,
                                             const std::string& notice = "");

// Redland `hashes` storage: in memory, or BerkeleyDB files in `dir`.
Result<std::unique_ptr<Store>> OpenHashesStore(bool in_memory, const std::string& dir);

// Copies every graph, inference graph and catalog entry (load times and
// original texts included) of `from` into a new LMDB store in `dir`, in one
// transaction. Sets *quads to the number of quads read.
Status MigrateIntoLmdb(Store& from, const std::string& dir, std::int64_t* quads);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_LMDB_STORE_H_
