// Internal: SPARQL basic graph patterns evaluated on the LMDB indexes.
//
// Rasqal stays the SPARQL engine: it parses every query, and it evaluates
// every query outside the shape below. But Rasqal evaluates a join one
// librdf statement at a time (a node, a statement and a stream allocated per
// match, and the same pattern scanned again for each row), which made
// `match --model` take 2 s at 100,000 devices. The shape that matchmaking
// and most catalogue queries have after the guard (sparql_guard.h) is
//
//   SELECT ?v ... WHERE { triple patterns, FILTERs }
//
// with no GRAPH, FROM, OPTIONAL, UNION, MINUS, VALUES, sub-query,
// aggregate, expression in the projection, ORDER BY, LIMIT or DISTINCT left
// in the text (the guard takes ORDER BY, DISTINCT, LIMIT and the simple
// OPTIONALs out and applies them in C++). For that shape this file plans
// the join itself (most bound pattern first, filters as early as their
// variables allow, `sameTerm(?v, c)` and `?v = <iri>` turned back into
// constants) and runs it on term ids, decoding only the projected values.
//
// Filters: && || ! = != < <= > >= sameTerm bound isIRI isBlank isLiteral
// and IN / NOT IN, with SPARQL's semantics for numbers (xsd:integer and its
// subtypes, decimal, float, double), simple and xsd:string literals and
// booleans; errors are false, as SPARQL's effective boolean value says.
// Values outside those types in an ordered comparison are handed to Rasqal
// (the whole query is re-run there), so the answer is always Rasqal's or
// SPARQL's. tests/rdf/lmdb_query_test.cc checks both engines give the same
// rows on every shipped query and on edge cases.
#ifndef TINYKG_RDF_LMDB_QUERY_H_
#define TINYKG_RDF_LMDB_QUERY_H_

#include <librdf.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lmdb_engine.h"
#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::rdf::internal {

// Decoded terms by id, direct-mapped: the terms that repeat (predicates,
// classes, sensor kinds) stay; values seen once (numbers, titles) only pass
// through, without growing a hash table per row.
class TermCache {
 public:
  explicit TermCache(LmdbEngine& engine) : engine_(engine) {}
  // Null when the store has no such term (it was removed under us).
  const Term* Get(TermId id) {
    const size_t index = id & (kSlots - 1);
    std::unique_ptr<Slot[]>& chunk = chunks_[index / kChunkSlots];
    if (!chunk) chunk = std::make_unique<Slot[]>(kChunkSlots);
    Slot& slot = chunk[index % kChunkSlots];
    if (slot.id != id) {
      auto t = engine_.TermOf(id);
      if (!t.ok()) return nullptr;
      slot.id = id;
      slot.term = std::move(*t);
    }
    return &slot.term;
  }
  static bool SameSlot(TermId a, TermId b) { return (a & (kSlots - 1)) == (b & (kSlots - 1)); }

 private:
  static constexpr size_t kSlots = 1 << 12;
  // The slots come in chunks made on first use: a query that decodes a few
  // terms (a name lookup in the server) builds a few hundred bytes, not all
  // 4,096 slots (460 KB of Terms, built and freed per query, were most of a
  // small request's time and, under mimalloc, fresh pages every request).
  static constexpr size_t kChunkSlots = 64;
  struct Slot {
    TermId id = 0;
    Term term;
  };
  LmdbEngine& engine_;
  std::array<std::unique_ptr<Slot[]>, kSlots / kChunkSlots> chunks_;
};

// Parses queries for EvaluateOnIndexes in a Rasqal world of its own, whose
// log messages go nowhere: a query that falls back is parsed again by
// librdf's, which reports them as it always did.
class IndexQueryParser {
 public:
  IndexQueryParser() = default;
  ~IndexQueryParser();
  IndexQueryParser(const IndexQueryParser&) = delete;
  IndexQueryParser& operator=(const IndexQueryParser&) = delete;
  rasqal_world* world();  // created on first use; null if Rasqal fails

 private:
  rasqal_world* world_ = nullptr;
};

// Evaluates `sparql` on `engine` (inside the caller's read snapshot) when
// the query has the shape above; nullopt when it has not, or when a value
// met on the way needs Rasqal's rules (the caller then runs Rasqal). A
// syntax error is also nullopt: Rasqal reports it. With `max_rows` > 0, a
// result of more rows (RowBound: fewer when rows are wide) stops there:
// kInvalidArgument (RowLimitExceeded); with `max_bytes` > 0, so does a
// result whose values take more memory (ResultValueBytes,
// ResultBytesExceeded).
// `hidden`: helper columns the caller drops (DropVariables), not counted in
// the row bound.
std::optional<Result<QueryResult>> EvaluateOnIndexes(LmdbEngine& engine, IndexQueryParser& parser,
                                                     const std::string& sparql, std::int64_t max_rows = 0,
                                                     const std::vector<std::string>& hidden = {},
                                                     std::int64_t max_bytes = 0);

// A store's row bound counts a row of more than kRowBoundColumns columns as
// that many rows' worth: a result holds at most max_rows x kRowBoundColumns
// values. Rows were the only bound, and a cross product of 5 patterns (15
// columns) held 15 million values, 2 GB, for one request (serve_fuzz_routes).
inline constexpr std::int64_t kRowBoundColumns = 4;
// The bound on rows of `columns` values under `max_rows` (0: none).
std::int64_t RowBound(std::int64_t max_rows, std::size_t columns);

// The status of a query stopped at its row bound.
Status RowLimitExceeded(std::int64_t max_rows, std::size_t columns);

// The memory one value of a result takes: its slot and its strings. Rows
// bound the count of values, not their size: a 100 KB literal repeated by a
// cross product of 2,000 rows is 200 MB, and 266,000 rows of 15 short IRIs
// were 800 MB under ASan (serve_fuzz_routes' out-of-memory); the byte bound
// (Store::SetQueryByteLimit) counts this.
std::size_t ResultValueBytes(const std::optional<Term>& value);
std::size_t ResultValueBytes(const Term& value);
// The status of a query stopped at its byte bound.
Status ResultBytesExceeded(std::int64_t max_bytes);

}  // namespace tinykg::rdf::internal

#endif  // TINYKG_RDF_LMDB_QUERY_H_
