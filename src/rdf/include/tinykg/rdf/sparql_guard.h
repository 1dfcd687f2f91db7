// Guarding queries against what Rasqal 0.9.33 (Debian 12) gets wrong.
//
// Measured on this project's machines:
//  - a triple pattern whose subject is bound by an earlier pattern and whose
//    object is a constant (`?m ex:task ex:task5` after `?m` is bound) is
//    evaluated as a scan (61 s on 100k triples); written as
//    `?m ex:task ?t FILTER(sameTerm(?t, ex:task5))` it takes milliseconds.
//    GuardQuery applies that rewrite. It is safe: sameTerm is exactly the
//    term equality that pattern matching uses.
//  - `VALUES ?x { a b }` (without parentheses) binds wrongly: rewritten to
//    the equivalent `VALUES (?x) { (a) (b) }`.
//  - refused with a message saying what to write instead: property paths,
//    FILTER (NOT) EXISTS (syntax errors in Rasqal), MINUS (silently returns
//    nothing), a VALUES block after the WHERE clause (crashes Rasqal),
//    CONCAT over STR() (emits garbage for numbers).
//  - noted (the query still runs): GROUP_CONCAT ignores SEPARATOR and joins
//    with a space.
#ifndef TINYKG_RDF_SPARQL_GUARD_H_
#define TINYKG_RDF_SPARQL_GUARD_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::rdf {

struct GuardedQuery {
  std::string text;                 // the query to run
  std::vector<std::string> notes;     // rewrites applied (same answers, for --show-rewrite)
  std::vector<std::string> caveats;   // where the answer differs from SPARQL 1.1 (warn)
};

// Returns the query to run, or kInvalidArgument naming the unsupported shape
// and the way to write it instead.
Result<GuardedQuery> GuardQuery(std::string_view sparql);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_SPARQL_GUARD_H_
