// The form of a SPARQL request, read from its first keyword after the
// prologue (BASE/PREFIX), skipping comments, IRIs and strings. Used to refuse
// SPARQL Update on the read-only endpoint before anything is parsed.
#ifndef TINYKG_SERVE_SPARQL_KIND_H_
#define TINYKG_SERVE_SPARQL_KIND_H_

#include <string_view>

namespace tinykg::serve {

enum class SparqlForm { kSelect, kAsk, kConstruct, kDescribe, kUpdate, kUnknown };

// kUpdate for INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD, WITH.
SparqlForm ClassifySparql(std::string_view text);

}  // namespace tinykg::serve

#endif  // TINYKG_SERVE_SPARQL_KIND_H_
