// Internal: the Store on a Virtuoso Open Source server (spec syntax in
// tinykg/rdf/store.h). Store::Open dispatches `virtuoso://` specs here.
#ifndef TINYKG_RDF_VIRTUOSO_STORE_H_
#define TINYKG_RDF_VIRTUOSO_STORE_H_

#include <cstdint>
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

// The status of a query's HTTP answer: Ok for 200; kDeadlineExceeded when
// Virtuoso stopped it at `timeout_ms` (X-SQL-State S1TAT, an S1T00 or
// timeout message, or HY008 when a bound was set); kInvalidArgument with
// Virtuoso's message otherwise.
Status VirtuosoReplyStatus(long http_status, std::string_view sql_state, std::string_view body,
                           std::int64_t timeout_ms);

// Connects to the server named by `spec` (a query answers, the store's
// RDFS hierarchy is read). Returns a new Store owned by the caller;
// kStoreError when the server does not answer.
Result<std::unique_ptr<Store>> OpenVirtuosoStore(std::string_view spec);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_VIRTUOSO_STORE_H_
