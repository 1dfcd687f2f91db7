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
//  - ORDER BY is quadratic (160 s for 25,000 rows, 1.4 s without it): with
//    GuardOptions::order_in_client the ORDER BY (and a LIMIT/OFFSET after
//    it) is taken out of the query and applied to the rows in C++
//    (RunQuery does this), when every key is a projected variable.
//  - noted (the query still runs): GROUP_CONCAT ignores SEPARATOR and joins
//    with a space.
//  - the outer SELECT DISTINCT (or REDUCED) leaks: Rasqal's distinct
//    rowsource never frees the rows it has seen (about 200 KB per query
//    over the shipped graph's rdf:type triples; tinykg serve's /match grew
//    5 KB per request). GuardQuery always takes it out of the text
//    (GuardedQuery::distinct, together with a LIMIT/OFFSET at the end, which
//    must come after it) and ApplySolutionModifiers removes duplicate rows
//    after sorting, before slicing, as SPARQL orders the modifiers.
//
// A query never leaves the store (issue 15): Rasqal implements SERVICE with
// libcurl, so `SERVICE <http://127.0.0.1:.../>` made tinykg fetch that URL
// (and `SERVICE <file:///...>` read a local file) for any client of the open
// SPARQL endpoint. The guard refuses SERVICE unless
// GuardOptions::allow_service (only `tinykg query --allow-service` sets
// it), and always refuses Virtuoso's pragmas (DEFINE get:soft fetches) and
// its bif:/sql: functions (http_get, file_to_string). FROM and FROM NAMED
// stay allowed: librdf's triples source ignores the data graphs and
// Virtuoso reads them from its own store; tests/rdf/guard_test.cc and
// tests/serve check with a local listener that neither fetches them.
#ifndef TINYKG_RDF_SPARQL_GUARD_H_
#define TINYKG_RDF_SPARQL_GUARD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::rdf {

struct GuardOptions {
  // Take ORDER BY / LIMIT / OFFSET out of the query text and return them in
  // GuardedQuery::order_by/limit/offset for ApplySolutionModifiers.
  bool order_in_client = false;
  // Take top-level `OPTIONAL { ?s <p> ?o }` groups out of a SELECT when ?o
  // is used nowhere else but the projection, and return them in
  // GuardedQuery::optionals (Rasqal evaluates OPTIONAL quadratically: about
  // 1 ms per row); RunQuery fills them in with one index lookup per row.
  bool optional_in_client = false;
  // With optional_in_client: the client keeps the OPTIONAL values apart
  // (RunQueryNested), so the query projects their subjects instead of
  // their objects (a row of 12 unbound cells cost 1.3 KB at a million rows).
  bool nest_optionals = false;
  // Let SERVICE through (a trusted local user asked for it). Off by default
  // and never set by the server.
  bool allow_service = false;
};

struct ClientOptional {
  std::string subject;    // variable name, without '?'
  std::string predicate;  // IRI
  std::string object;     // variable name, without '?'
};

struct SortKey {
  std::string variable;  // without '?'
  bool descending = false;
};

struct GuardedQuery {
  std::string text;                 // the query to run
  std::vector<std::string> notes;     // rewrites applied (same answers, for --show-rewrite)
  std::vector<std::string> caveats;   // where the answer differs from SPARQL 1.1 (warn)
  std::vector<SortKey> order_by;      // client-side ORDER BY (order_in_client only)
  std::int64_t limit = -1;            // client-side LIMIT, -1 for none
  std::int64_t offset = 0;            // client-side OFFSET
  std::vector<ClientOptional> optionals;  // client-side OPTIONALs (optional_in_client only)
  bool distinct = false;              // client-side DISTINCT of the outer SELECT
  // PREFIX lines RunQuery added because the query used them undeclared and
  // the loaded documents declare them ("s3n: <http://w3id.org/s3n/>").
  std::vector<std::string> added_prefixes;
};

// OK when `sparql` cannot make the store reach outside itself (see above);
// kInvalidArgument naming the construct otherwise. GuardQuery applies it;
// `tinykg query --raw` calls it alone.
Status CheckStaysInStore(std::string_view sparql, bool allow_service = false);

// The most a REGEX pattern may repeat (see RegexRepetitionSize): RE2's
// bound on one repetition. `a{1,1000}` compiles in 0.1 s and 33 MB with
// glibc's regcomp, `a{1,4000}` takes 158 MB, `a{1,30000}` more than 3 GB.
inline constexpr std::uint64_t kMaxRegexRepetition = 1000;

// What a regular expression's bounded repetitions expand to: for each
// `{m,n}` (or `{m}`, `{m,}`, `\{m,n\}`) the size of what it repeats times
// its upper bound, nested repetitions multiplied, summed over the pattern.
// `a{1,30}` is 30, `(ab{2}){10}` 2 + 40 = 42; a pattern without intervals 0.
std::uint64_t RegexRepetitionSize(std::string_view pattern);

// Rasqal 0.9.33 builds a query's joins before it reads a triple, and at
// each join looks up every variable of the query by name among the
// variables of both sides: time grows as joins x variables^2, out of reach
// of a deadline and of the server's store turns (it reads no triple). 1,000
// BINDs (1,000 variables) took 4.4 s, 3,700 (64 KB) more than 2 minutes, holding the
// server's store for all of it. A query's joins (`{` and BIND) times its
// variables (plus one) squared may not pass this: 0.1-0.3 s at the bound
// (268 BINDs, 2,800 OPTIONALs over 80 variables, SELECT of 3,150).
inline constexpr std::uint64_t kMaxRasqalSetup = 20'000'000;

// Operators (|| && = != < > <= >= + - * / !) in one query. Rasqal checks
// every sub-expression of a chain `a || b || ...` for constants, which is
// quadratic (16,000 terms, 64 KB: 1.1 s; 50,000: 19 s), and recurses over
// the chain (100,000 terms: SIGSEGV).
inline constexpr std::uint64_t kMaxSparqlOperators = 4096;

// How deep brackets ({ ( [) may nest in one query. The stores' rewrites
// walk groups recursively (200,000 nested groups under GRAPH overflowed the
// stack of `tinykg query`), and Rasqal's parser gives up near 5,000
// anyway ("memory exhausted"); real queries nest a few levels.
inline constexpr int kMaxSparqlNesting = 256;

// OK, or kInvalidArgument naming what would crash Rasqal 0.9.33, hang it
// or make it allocate without bound (each found by fuzzing or probing the
// engine): REPLACE (loops for ever on a pattern that can match the empty
// string), a REGEX whose pattern is not a string literal or repeats more
// than kMaxRegexRepetition, `VALUES ()`, `VALUES ?x { }`, a set-up past
// kMaxRasqalSetup, more than kMaxSparqlOperators operators, brackets nested
// deeper than kMaxSparqlNesting, a string that never ends (the lexer leaks). The embedded
// stores check every query with it (whatever the caller guarded); Virtuoso
// runs its own engine. `empty_construct_template`, when given, is set when
// the query is a CONSTRUCT whose template is empty (`CONSTRUCT { } WHERE
// ...`, comments allowed): its answer is the empty graph, and Rasqal reads
// past the (absent) template when asked for the triples (SIGSEGV in
// rasqal_query_results_get_triple, found by serve_fuzz_routes), so the
// stores run such a query but read no triples. `uses_graph`, when given, is
// set when the query has a GRAPH pattern: Rasqal evaluates GRAPH over the
// query's named data graphs only, so the stores run such a query on a model
// that declares every named graph of the store (see lmdb_store.cc).
Status CheckRasqalCanRun(std::string_view sparql, bool* empty_construct_template = nullptr,
                         bool* uses_graph = nullptr);

// Rasqal (0.9.33) evaluates a triple pattern without variables by asking
// librdf whether the store holds the triple, and librdf (1.0.17) asks
// without the graph: inside GRAPH such a pattern matched in every graph.
// This returns the query with each such pattern's object replaced by a
// fresh variable (?__tkg_graph_N, under a prefix none of the query's own
// variables starts with) and `FILTER(sameTerm(?__tkg_graph_N, o))` at the
// end of its group, which Rasqal evaluates within the graph, and the names
// it added (without '?'); the query as it was when nothing needs it. The
// embedded stores run queries with GRAPH through it and drop the added
// columns from the result (DropVariables).
struct QueryRewrite {
  std::string text;
  std::vector<std::string> added;
};
Result<QueryRewrite> BindGroundPatternsInGraphs(std::string_view sparql);
void DropVariables(QueryResult& result, const std::vector<std::string>& names);

// Rasqal 0.9.33 leaks the name of every blank node in a query pattern
// (rasqal_query_convert_blank_node_to_anonymous_variable copies it into the
// variable it makes and drops the literal's; fixed upstream in 2023, after
// the release Debian ships): `_:b`, `[]`, `[ p o ]` and each cell of a
// collection `( ... )`, one allocation each per parse, twice on the embedded
// stores (the index evaluator parses too). A query pattern's blank nodes are
// variables that are never projected (SPARQL 1.1, 4.1.4), so this returns
// the query with each written as one: a label as the same variable wherever
// it appears, `[ p o ]` as a fresh variable ?v with `?v p o` after its
// triple, a collection as its rdf:first/rdf:rest triples (`()` is rdf:nil);
// CONSTRUCT templates (new nodes per solution, which Rasqal frees) and VALUES
// as they are. The variables (?__tkg_blank_N, under a prefix none of the
// query's own starts with) are in `added`, for DropVariables; the text as it
// was when the patterns have no blank node.
Result<QueryRewrite> BlankNodesAsVariables(std::string_view sparql);

// Rasqal 0.9.33 leaks a sequence per group (64 bytes) for an aggregate that
// HAVING uses and the SELECT does not project (`SELECT ?s ... GROUP BY ?s
// HAVING (COUNT(?o) > 1)`), and for a HAVING condition that evaluates to an
// error (`HAVING (SUM(?o) > 1)` over IRIs: rasqal_expression_sequence_evaluate
// drops its sequence). This returns the query with each such aggregate added
// to its SELECT as `(agg AS ?__tkg_having_N)` (the names in `added`, for
// DropVariables) and each HAVING condition C written COALESCE((C), false):
// the same groups (an error there drops the group either way), never an
// error. The text as it was without HAVING; SELECT * keeps its projection.
// Under SELECT DISTINCT an added column could split rows: kInvalidArgument
// asks to project the aggregate.
Result<QueryRewrite> RewriteHaving(std::string_view sparql);

// Whether the query has a GRAPH pattern (false for a text that does not
// tokenize: the engine reports that).
bool UsesGraphPattern(std::string_view sparql);

// The prefixes `sparql` uses in prefixed names (datatypes included) without
// a PREFIX line, in order of first use; "" is the empty prefix (`:x`).
Result<std::vector<std::string>> UndeclaredPrefixes(std::string_view sparql);

// kInvalidArgument with a hint to `tinykg search` when `sparql` uses GraphDB's
// full-text search (its Lucene connector, `luc:`, or a similarity index,
// `inst:index ; :searchTerm`): tinykg has neither, and such a query matched
// nothing in silence. OK otherwise.
Status CheckNoFullTextConnector(std::string_view sparql);

// Returns the query to run, or kInvalidArgument naming the unsupported shape
// (or a construct CheckStaysInStore refuses) and the way to write it instead.
Result<GuardedQuery> GuardQuery(std::string_view sparql, GuardOptions options = {});

// Sorts, removes duplicate rows (DISTINCT) and slices `result` as the
// ORDER BY / DISTINCT / LIMIT / OFFSET taken out of the query say, with
// SPARQL's ordering (unbound < blank < IRI < literal; numbers by value,
// other literals by lexical form). Every caller of GuardQuery that runs the
// guarded text must apply it.
void ApplySolutionModifiers(const GuardedQuery& query, QueryResult& result);

// Guards `sparql` (order_in_client on), runs it on `store` and applies the
// solution modifiers: the way tinykg runs every user and shipped query.
// First, a query naming GraphDB's full-text search is refused with a hint
// (CheckNoFullTextConnector), and prefixes it uses undeclared get the PREFIX
// lines the loaded documents declare (CompleteQueryPrefixes, prefixes.h;
// kInvalidArgument naming a prefix nobody declares). `guarded`, when given,
// receives the guard's notes and caveats and the prefixes added.
Result<QueryResult> RunQuery(Store& store, std::string_view sparql, GuardedQuery* guarded = nullptr,
                             bool allow_service = false);

// A SELECT's rows with its client-side OPTIONALs kept apart instead of
// multiplying the rows: a device with 4 sensor kinds and 2 runtimes is one
// row, not 8 (for stores that do not evaluate OPTIONAL themselves; the
// others give flat rows and `nested` is empty). The values of a nested
// variable are not cells of the rows: ForEach / First read them from one
// ObjectTable per subject variable, each distinct value decoded once.
struct NestedResult {
  QueryResult result;
  std::vector<std::string> nested;  // the variables kept apart

  // Calls f(const Term&) for each value of nested[n] in `row`.
  template <class F>
  void ForEach(std::size_t n, std::size_t row, F&& f) const {
    const Column& c = columns[n];
    const std::uint32_t subject = row_subject[c.table][row];
    if (subject == kNoSubject) return;
    const ObjectTable& t = tables[c.table];
    for (std::uint32_t ref : t.Of(subject, c.predicate)) f(t.terms()[ref]);
  }
  // The first value of nested[n] in `row`; null if none.
  const Term* First(std::size_t n, std::size_t row) const {
    const Term* first = nullptr;
    ForEach(n, row, [&first](const Term& t) {
      if (!first) first = &t;
    });
    return first;
  }

  static constexpr std::uint32_t kNoSubject = UINT32_MAX;
  struct Column {
    std::size_t table = 0, predicate = 0;
  };
  std::vector<Column> columns;                           // per nested variable
  std::vector<ObjectTable> tables;                       // per subject variable
  std::vector<std::vector<std::uint32_t>> row_subject;   // per table: row -> subject, or kNoSubject
};

// RunQuery, with the OPTIONALs nested (see NestedResult).
Result<NestedResult> RunQueryNested(Store& store, std::string_view sparql);

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_SPARQL_GUARD_H_
