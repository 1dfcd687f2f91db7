// Internal: the LMDB engine as a Redland storage module ("tinykg-lmdb"), so
// librdf models, and Rasqal through them, read and write it.
//
// A storage opened with contexts='no' is the union of all graphs as a set:
// find_statements returns each triple once, whatever holds it, and Rasqal is
// given no named graphs. With contexts='yes' the named graphs are visible
// (find_statements_in_context, context_serialise, get_contexts, context
// add/remove); find_statements still answers from the union. Writes outside a
// transaction_start/commit pair are committed one by one.
#ifndef TINYKG_RDF_LMDB_STORAGE_H_
#define TINYKG_RDF_LMDB_STORAGE_H_

#include <redland.h>

#include "lmdb_engine.h"
#include "redland_handles.h"

namespace tinykg::rdf::internal {

inline constexpr char kLmdbStorageName[] = "tinykg-lmdb";
// Where statements added without a context go.
inline constexpr char kDefaultGraph[] = "urn:tinykg:default-graph";

// Registers the storage factory with `world` (once per world).
void RegisterLmdbStorage(librdf_world* world);

// A new storage of the factory over `engine` (which must outlive it).
StoragePtr NewLmdbStorage(librdf_world* world, LmdbEngine* engine, bool contexts);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_LMDB_STORAGE_H_
