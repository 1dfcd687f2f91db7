// The prefixes a query may use without declaring them, as GraphDB and
// Virtuoso predefine the namespaces of the data they hold: the ones the
// loaded documents declare (Turtle @prefix / PREFIX, kept in the catalog as
// tkg:declaresPrefix when a document is loaded), then tinykg's own
// (DefaultPrefixes) for a prefix no document declares.
#ifndef TINYKG_RDF_PREFIXES_H_
#define TINYKG_RDF_PREFIXES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::rdf {

// What the loaded documents declare, prefix by prefix.
struct DeclaredPrefix {
  std::string ns;                      // the namespace chosen (empty: ambiguous)
  std::vector<std::string> candidates;  // every namespace declared for it, most declared first
  std::int64_t graphs = 0;              // how many graphs declare `ns`
};
// A prefix declared for several namespaces takes the one most ontology
// graphs declare, then the one most graphs declare (the published SeLoC-ML
// data binds td: to the TD 1.1 namespace in 14 files and to an older one in
// one); an exact tie leaves `ns` empty. The empty prefix (`:`) is never
// taken: every document binds it to its own namespace. Reads the catalog
// (Store::Graphs), so it costs one catalog scan.
Result<std::map<std::string, DeclaredPrefix>> DeclaredPrefixes(Store& store);

struct PrefixCompletion {
  std::string text;                // the query, with the PREFIX lines added before it
  std::vector<std::string> added;  // "s3n: <http://w3id.org/s3n/> (declared by 19 loaded graphs)"
};
// `sparql` unchanged when it declares every prefix it uses (no catalog read);
// else with a PREFIX line for each prefix it uses undeclared. kInvalidArgument
// naming the prefix when no loaded document (nor tinykg) declares it, when
// documents declare it for different namespaces as often, or for the empty
// prefix.
Result<PrefixCompletion> CompleteQueryPrefixes(Store& store, std::string_view sparql);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_PREFIXES_H_
