// Internal: the Store on a Virtuoso Open Source server (spec syntax in
// tinykg/rdf/store.h). Store::Open dispatches `virtuoso://` specs here.
#ifndef TINYKG_RDF_VIRTUOSO_STORE_H_
#define TINYKG_RDF_VIRTUOSO_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::rdf::internal {

struct VirtuosoSpec {
  std::string host = "127.0.0.1";
  int sql_port = 1111;    // ODBC (writes, in transactions)
  int http_port = 8890;   // SPARQL 1.1 Protocol (queries)
  std::string name = "tinykg";
  std::string user = "dba";
  std::string password = "dba";
};

// Parses `virtuoso://[USER[:PASSWORD]@]HOST[:SQL_PORT][/NAME][?http=PORT]`.
// kInvalidArgument on anything else.
Result<VirtuosoSpec> ParseVirtuosoSpec(std::string_view spec);

// Connects to the server named by `spec` (a query answers, the store's
// RDFS hierarchy is read). Returns a new Store owned by the caller;
// kStoreError when the server does not answer.
Result<std::unique_ptr<Store>> OpenVirtuosoStore(std::string_view spec);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_VIRTUOSO_STORE_H_
