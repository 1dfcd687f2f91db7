// The Store on Virtuoso Open Source. Queries run inside Virtuoso through its
// SPARQL 1.1 Protocol endpoint (HTTP, libcurl, SPARQL JSON results); writes go
// over ODBC (Virtuoso's own driver through unixODBC) in one SQL transaction per
// batch, with the data handed to Virtuoso's Turtle/N-Quads loader (DB.DBA.TTLP
// in transactional mode). Measured on Virtuoso 7.2.5: one HTTP request of
// several SPARQL Update operations is not atomic (an operation that fails
// leaves the earlier ones applied), while an ODBC transaction rolls back
// both SPARQL and TTLP changes; and Redland's virtuoso storage runs SPARQL in
// Rasqal over ODBC (minutes for a selective query on 1M triples), so it is
// not used.
//
// Layout inside Virtuoso, for a store named NAME (P = urn:tinykg:store:NAME:):
//   <P + G>                   named graph G of the store
//   <P + urn:tinykg:inferred:G>  its RDFS companion graph
//   <P + urn:tinykg:catalog>  the catalog (subjects are the graph IRIs G)
//   <urn:tinykg:store:NAME#union>  the union of all graphs as a set; queries
//                             run with it as the default graph (Virtuoso
//                             returns a triple once per graph that holds it,
//                             as Rasqal does), and with no named graphs, as
//                             on the embedded store.
// Blank nodes of a document and their copies in the union graph are written
// in one TTLP call, so they are the same Virtuoso nodes.
#include "virtuoso_store.h"

#include <curl/curl.h>
#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_set>

#include "catalog.h"
#include "rdfs.h"
#include "tinykg/rdf/namespaces.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/syntax.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {

namespace {

using json = nlohmann::json;

const std::string kTkg = vocab::kTkg;
const std::string kXsdString = std::string(vocab::kXsd) + "string";
const std::string kXsdBoolean = std::string(vocab::kXsd) + "boolean";
constexpr char kNoGraph[] = "urn:tinykg:none";
constexpr char kDefaultDriver[] = "/usr/lib/x86_64-linux-gnu/odbc/virtodbc_r.so";
// Quads per transaction in PutAll (Virtuoso keeps a transaction's changes in
// memory until commit).
constexpr size_t kQuadsPerTransaction = 400000;
// Bytes of N-Quads per TTLP call.
constexpr size_t kPieceBytes = 8u << 20;

// --- ASCII-only N-Quads / SPARQL term text ----------------------------------
// Virtuoso's ODBC narrow-character path is not UTF-8 safe, so everything we
// send over ODBC is ASCII: other characters become \uXXXX / \UXXXXXXXX.

void AppendCodepointEscape(std::string& out, std::uint32_t cp) {
  char buf[16];
  if (cp <= 0xFFFF) std::snprintf(buf, sizeof buf, "\\u%04X", cp);
  else std::snprintf(buf, sizeof buf, "\\U%08X", cp);
  out += buf;
}

// Decodes one UTF-8 sequence at text[i]; invalid bytes decode as themselves.
std::uint32_t NextCodepoint(std::string_view text, size_t& i) {
  auto b = static_cast<unsigned char>(text[i]);
  size_t extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
  if (extra == 0 || i + extra >= text.size()) {
    ++i;
    return b;
  }
  std::uint32_t cp = b & (0x3Fu >> extra);
  for (size_t k = 1; k <= extra; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3Fu);
  }
  i += extra + 1;
  return cp;
}

std::string AsciiIri(std::string_view iri) {
  std::string out = "<";
  for (size_t i = 0; i < iri.size();) {
    std::uint32_t cp = NextCodepoint(iri, i);
    if (cp <= 0x20 || cp >= 0x7F || std::string_view("<>\"{}|^`\\").find(static_cast<char>(cp)) !=
                                          std::string_view::npos) {
      AppendCodepointEscape(out, cp);
    } else {
      out += static_cast<char>(cp);
    }
  }
  return out + ">";
}

std::string AsciiLiteralBody(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (size_t i = 0; i < text.size();) {
    std::uint32_t cp = NextCodepoint(text, i);
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (cp < 0x20 || cp >= 0x7F) AppendCodepointEscape(out, cp);
        else out += static_cast<char>(cp);
    }
  }
  out += '"';
  return out;
}

std::string BlankLabel(std::string_view label) {
  std::string out;
  for (unsigned char c : label) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "_%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string AsciiTerm(const Term& t) {
  if (t.is_iri()) return AsciiIri(t.value);
  if (t.is_blank()) return "_:" + BlankLabel(t.value);
  std::string out = AsciiLiteralBody(t.value);
  if (!t.language.empty()) return out + "@" + t.language;
  if (!t.datatype.empty() && t.datatype != kXsdString) out += "^^" + AsciiIri(t.datatype);
  return out;
}

// A term inside a SPARQL text sent over HTTP: blank nodes named by Virtuoso
// come back as labels of its internal IRIs (nodeID://...).
std::string SparqlTerm(const Term& t) {
  if (t.is_blank()) return AsciiIri("nodeID://" + t.value);
  return AsciiTerm(t);
}

std::string SqlString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) of a SPARQL text: the
// first of those words outside comments, IRIs and strings, not a prefix name.
std::string QueryForm(std::string_view q) {
  for (size_t i = 0; i < q.size();) {
    char c = q[i];
    if (c == '#') {
      while (i < q.size() && q[i] != '\n') ++i;
    } else if (c == '<') {
      while (i < q.size() && q[i] != '>') ++i;
      ++i;
    } else if (c == '"' || c == '\'') {
      ++i;
      while (i < q.size() && q[i] != c) i += q[i] == '\\' ? 2 : 1;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_' || q[i] == '-')) ++i;
      if (i < q.size() && q[i] == ':') continue;
      std::string word(q.substr(start, i - start));
      for (auto& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (word == "SELECT" || word == "ASK" || word == "CONSTRUCT" || word == "DESCRIBE") return word;
    } else {
      ++i;
    }
  }
  return "";
}

// Virtuoso 7.2 fails on GROUP_CONCAT without a SEPARATOR (SR183); SPARQL's
// default separator is one space, so it is written out.
std::string WithGroupConcatSeparators(std::string text) {
  std::string upper = text;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  size_t from = 0;
  while ((from = upper.find("GROUP_CONCAT", from)) != std::string::npos) {
    size_t open = upper.find_first_not_of(" \t\r\n", from + 12);
    from += 12;
    if (open == std::string::npos || upper[open] != '(') continue;
    int depth = 0;
    size_t close = open;
    for (; close < upper.size(); ++close) {
      if (upper[close] == '(') ++depth;
      if (upper[close] == ')' && --depth == 0) break;
    }
    if (close >= upper.size()) break;
    if (upper.substr(open, close - open).find("SEPARATOR") != std::string::npos) continue;
    const std::string insert = " ; SEPARATOR=\" \"";
    text.insert(close, insert);
    upper.insert(close, insert);
  }
  return text;
}

// --- HTTP (libcurl) -------------------------------------------------------

struct HttpReply {
  long status = 0;
  std::string content_type;
  std::string sql_state;  // Virtuoso's X-SQL-State header (S1TAT: time bound hit)
  std::string body;
};

struct CurlDeleter {
  void operator()(CURL* c) const {
    if (c) curl_easy_cleanup(c);
  }
};

size_t AppendBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t ReadHeader(char* data, size_t size, size_t n, void* user) {
  auto* reply = static_cast<HttpReply*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    if (name == "content-type") reply->content_type = value;
    if (name == "x-sql-state") reply->sql_state = value;
  }
  return size * n;
}

// --- ODBC -----------------------------------------------------------------

// One ODBC connection with autocommit off: every write is a transaction that
// is committed or rolled back as a whole.
class Odbc {
 public:
  Odbc() = default;
  Odbc(const Odbc&) = delete;
  Odbc& operator=(const Odbc&) = delete;
  ~Odbc() {
    if (dbc_) {
      SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_ROLLBACK);
      SQLDisconnect(dbc_);
      SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    }
    if (env_) SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }

  Status Connect(const VirtuosoSpec& spec) {
    if (dbc_) return Status::Ok();
    const char* driver = std::getenv("TINYKG_VIRTUOSO_ODBC_DRIVER");
    std::string conn = std::string("DRIVER=") + (driver && *driver ? driver : kDefaultDriver) +
                       ";HOST=" + spec.host + ":" + std::to_string(spec.sql_port) + ";UID=" + spec.user +
                       ";PWD=" + spec.password;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_))) {
      return StoreError("cannot allocate an ODBC environment");
    }
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_))) {
      return StoreError("cannot allocate an ODBC connection");
    }
    SQLRETURN rc = SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(conn.data()),
                                    static_cast<SQLSMALLINT>(conn.size()), nullptr, 0, nullptr,
                                    SQL_DRIVER_NOPROMPT);
    if (!SQL_SUCCEEDED(rc)) {
      Status s = StoreError("cannot connect to Virtuoso over ODBC at " + spec.host + ":" +
                            std::to_string(spec.sql_port) + ": " + Diagnostics(SQL_HANDLE_DBC, dbc_));
      SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
      dbc_ = nullptr;
      return s;
    }
    SQLSetConnectAttr(dbc_, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0);
    return Status::Ok();
  }

  // Runs `sql`; when `param` is given it is bound to the one `?` in it.
  Status Exec(const std::string& sql, const std::string* param = nullptr) {
    SQLHSTMT stmt = nullptr;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt))) {
      return StoreError("cannot allocate an ODBC statement: " + Diagnostics(SQL_HANDLE_DBC, dbc_));
    }
    SQLLEN length = param ? static_cast<SQLLEN>(param->size()) : 0;
    SQLRETURN rc = SQLPrepare(stmt, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
    if (SQL_SUCCEEDED(rc) && param) {
      rc = SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_LONGVARCHAR,
                            static_cast<SQLULEN>(param->size()), 0,
                            const_cast<char*>(param->data()), length, &length);
    }
    if (SQL_SUCCEEDED(rc)) rc = SQLExecute(stmt);
    Status s = Status::Ok();
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
      s = StoreError("Virtuoso: " + Diagnostics(SQL_HANDLE_STMT, stmt));
    }
    SQLFreeHandle(SQL_HANDLE_STMT, stmt);
    return s;
  }

  Status Commit() {
    if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_COMMIT))) {
      return StoreError("Virtuoso commit failed: " + Diagnostics(SQL_HANDLE_DBC, dbc_));
    }
    return Status::Ok();
  }

  void Rollback() { SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_ROLLBACK); }

 private:
  static std::string Diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
    std::string out;
    SQLCHAR state[8];
    SQLCHAR text[1024];
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    for (SQLSMALLINT i = 1; SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &len) == SQL_SUCCESS; ++i) {
      if (!out.empty()) out += "; ";
      out += reinterpret_cast<char*>(text);
    }
    return out.empty() ? "unknown ODBC error" : out;
  }

  SQLHENV env_ = nullptr;
  SQLHDBC dbc_ = nullptr;
};

// --- the store ---------------------------------------------------------------

class VirtuosoStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Create(VirtuosoSpec spec) {
    std::unique_ptr<VirtuosoStore> store(new VirtuosoStore(std::move(spec)));
    TINYKG_ASSIGN_OR_RETURN(auto probe, store->Sparql("ASK {}", false, "application/sparql-results+json", 0));
    if (probe.status != 200) {
      return StoreError("Virtuoso at " + store->endpoint_ + " answered HTTP " + std::to_string(probe.status) +
                        ": " + probe.body.substr(0, 300));
    }
    TINYKG_RETURN_IF_ERROR(store->LoadHierarchy());
    return std::unique_ptr<Store>(std::move(store));
  }

  Status Put(const GraphDocument& doc) override { return PutAll({doc}); }

  Status PutAll(const std::vector<GraphDocument>& docs) override {
    std::vector<std::vector<std::string>> quads;  // N-Quads pieces per document
    Hierarchy staged = hierarchy_;
    for (const auto& doc : docs) {
      if (doc.iri.empty()) return InvalidArgument("a graph needs an IRI", {doc.source});
      TINYKG_RETURN_IF_ERROR(CheckUserGraphIri(doc.iri));
      for (const auto& t : doc.triples) staged.Add(NormalizedInGraph(t, doc.iri));
    }
    std::vector<std::vector<Triple>> used(docs.size());
    std::vector<size_t> counts(docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      TINYKG_ASSIGN_OR_RETURN(auto pieces, Prepare(docs[i], staged, used[i], counts[i]));
      quads.push_back(std::move(pieces));
    }
    TINYKG_ASSIGN_OR_RETURN(std::set<std::string> existing, CatalogSubjects());
    TINYKG_RETURN_IF_ERROR(odbc_.Connect(spec_));
    // Transactions of whole documents; a failure rolls back the current one
    // and stops (earlier transactions stay written).
    std::vector<std::string> batch;
    size_t batch_quads = 0;
    std::set<std::string> in_batch;
    bool committed = false;
    // After a failure, earlier transactions stay: the hierarchy is re-read.
    auto fail = [&](Status cause) -> Status {
      if (committed) (void)LoadHierarchy();
      return cause;
    };
    auto flush = [&]() -> Status {
      for (const auto& piece : batch) {
        if (piece.empty()) continue;
        Status s = odbc_.Exec("DB.DBA.TTLP(?, '', " + SqlString(kNoGraph) + ", 512, 1, 1)", &piece);
        if (!s.ok()) {
          odbc_.Rollback();
          return s;
        }
      }
      Status c = odbc_.Commit();
      if (!c.ok()) {
        odbc_.Rollback();
        return c;
      }
      batch.clear();
      batch_quads = 0;
      in_batch.clear();
      committed = true;
      return Status::Ok();
    };
    for (size_t i = 0; i < docs.size(); ++i) {
      // A graph written twice in one batch: the first write is committed
      // before the second removes it.
      if (in_batch.count(docs[i].iri)) {
        if (Status s = flush(); !s.ok()) return fail(s);
      }
      if (existing.count(docs[i].iri)) {
        Status s = RemoveGraph(docs[i].iri);
        if (!s.ok()) {
          odbc_.Rollback();
          return fail(s);
        }
      }
      existing.insert(docs[i].iri);
      in_batch.insert(docs[i].iri);
      for (auto& piece : quads[i]) {
        if (batch.empty() || batch.back().size() + piece.size() > kPieceBytes) {
          batch.push_back(std::move(piece));
        } else {
          batch.back() += piece;
        }
      }
      batch_quads += 2 * counts[i];
      if (batch_quads >= kQuadsPerTransaction) {
        if (Status s = flush(); !s.ok()) return fail(s);
      }
    }
    if (Status s = flush(); !s.ok()) return fail(s);
    hierarchy_ = std::move(staged);
    declared_.CheckBatch(docs, used, [this] { LoadDeclared(); }, warnings_);
    return Status::Ok();
  }

  Status Drop(std::string_view graph_iri) override {
    std::string iri(graph_iri);
    TINYKG_RETURN_IF_ERROR(CheckDroppableGraphIri(iri));
    TINYKG_ASSIGN_OR_RETURN(GraphDocument old, Get(iri, false));
    TINYKG_RETURN_IF_ERROR(odbc_.Connect(spec_));
    Status s = RemoveGraph(iri);
    if (s.ok()) s = odbc_.Commit();
    if (!s.ok()) {
      odbc_.Rollback();
      return s;
    }
    TINYKG_RETURN_IF_ERROR(LoadHierarchy());
    if (old.kind == kKindOntology) declared_.Invalidate();
    return Status::Ok();
  }

  Result<std::vector<GraphInfo>> Graphs() override {
    TINYKG_ASSIGN_OR_RETURN(
        QueryResult r,
        Select("SELECT ?g ?p ?o WHERE { GRAPH " + AsciiIri(Stored(kCatalogGraph)) +
               " { ?g ?p ?o FILTER (?p != " + AsciiIri(kTkg + "sourceText") + ") } }"));
    std::map<std::string, GraphInfo> by_iri;
    for (const auto& row : r.rows) {
      if (!row[0] || !row[1] || !row[2] || !row[0]->is_iri()) continue;
      GraphInfo& g = by_iri[row[0]->value];
      g.iri = row[0]->value;
      ReadCatalogField(row[1]->value, row[2]->value, g);
    }
    std::vector<GraphInfo> out;
    for (auto& [iri, info] : by_iri) out.push_back(std::move(info));
    return out;
  }

  Result<GraphDocument> Get(std::string_view graph_iri, bool with_triples) override {
    std::string iri(graph_iri);
    GraphDocument doc;
    doc.iri = iri;
    TINYKG_ASSIGN_OR_RETURN(QueryResult r, Select("SELECT ?p ?o WHERE { GRAPH " + AsciiIri(Stored(kCatalogGraph)) +
                                                  " { " + AsciiIri(iri) + " ?p ?o } }"));
    if (r.rows.empty()) return NotFound("no graph <" + iri + "> in the store");
    for (const auto& row : r.rows) {
      if (!row[0] || !row[1]) continue;
      ReadCatalogField(row[0]->value, row[1]->value, doc);
    }
    if (with_triples) {
      TINYKG_ASSIGN_OR_RETURN(doc.triples, GraphTriples(Stored(iri)));
    }
    return doc;
  }

  Result<QueryResult> Query(std::string_view sparql) override {
    if (UsesGraphPattern(sparql)) {
      // The store's graphs are <P + G> inside Virtuoso and a user query's
      // dataset is the union graph alone, so GRAPH would match nothing.
      return Unsupported("GRAPH patterns are not answered on a Virtuoso store (its graphs are kept under "
                         "the store's own prefix); query the union default graph, or use an embedded store");
    }
    std::string text = WithGroupConcatSeparators(NormalizeNamespacesInText(sparql));
    std::string form = QueryForm(text);
    bool graph = form == "CONSTRUCT" || form == "DESCRIBE";
    TINYKG_ASSIGN_OR_RETURN(HttpReply reply,
                            Sparql(text, true, graph ? "application/n-triples" : "application/sparql-results+json",
                                   query_timeout_ms_));
    TINYKG_RETURN_IF_ERROR(CheckReply(reply));
    if (graph) {
      QueryResult out;
      out.kind = QueryResult::Kind::kGraph;
      auto triples = ParseRdf(reply.body, Syntax::kNTriples, "", "Virtuoso's CONSTRUCT result");
      if (!triples.ok()) return StoreError("cannot read Virtuoso's answer: " + triples.status().ToString());
      out.triples = std::move(triples).value();
      return out;
    }
    return ParseJsonResults(reply.body);
  }

  Result<std::vector<Quad>> AllQuads() override {
    std::string prefix = GraphPrefix();
    TINYKG_ASSIGN_OR_RETURN(QueryResult r,
                            Select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), " +
                                   AsciiLiteralBody(prefix) + ")) }"));
    std::vector<Quad> out;
    out.reserve(r.rows.size());
    for (auto& row : r.rows) {
      if (!row[0] || !row[1] || !row[2] || !row[3]) continue;
      Quad q;
      q.graph = row[0]->value.substr(prefix.size());
      q.triple = {std::move(*row[1]), std::move(*row[2]), std::move(*row[3])};
      out.push_back(std::move(q));
    }
    return out;
  }

  Result<StoreStats> Stats() override {
    StoreStats stats;
    TINYKG_ASSIGN_OR_RETURN(QueryResult r, Select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH " + AsciiIri(UnionGraph()) +
                                                  " { ?s ?p ?o } }"));
    if (!r.rows.empty() && r.rows[0][0]) stats.triples = std::atoll(r.rows[0][0]->value.c_str());
    TINYKG_ASSIGN_OR_RETURN(auto subjects, CatalogSubjects());
    stats.graphs = static_cast<std::int64_t>(subjects.size());
    return stats;
  }

  Result<std::vector<Term>> Objects(const Term& subject, const std::string& predicate) override {
    TINYKG_ASSIGN_OR_RETURN(QueryResult r, Select("SELECT ?o WHERE { GRAPH " + AsciiIri(UnionGraph()) + " { " +
                                                  SparqlTerm(subject) + " " + AsciiIri(NormalizeIri(predicate)) +
                                                  " ?o } }"));
    std::vector<Term> out;
    for (auto& row : r.rows) {
      if (row[0]) out.push_back(std::move(*row[0]));
    }
    return out;
  }

  std::vector<std::string> TakeWarnings() override {
    std::vector<std::string> out = std::move(warnings_);
    warnings_.clear();
    return out;
  }

  void SetQueryTimeout(std::int64_t milliseconds) override { query_timeout_ms_ = milliseconds; }
  bool StopsQueriesAtDeadline() const override { return true; }
  bool EvaluatesOptionalsNatively() const override { return true; }

 private:
  using Hierarchy = internal::Hierarchy;

  explicit VirtuosoStore(VirtuosoSpec spec) : spec_(std::move(spec)) {
    endpoint_ = "http://" + spec_.host + ":" + std::to_string(spec_.http_port) + "/sparql";
    static std::once_flag curl_once;
    std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_.reset(curl_easy_init());
  }

  std::string GraphPrefix() const { return "urn:tinykg:store:" + spec_.name + ":"; }
  std::string Stored(const std::string& graph) const { return GraphPrefix() + graph; }
  std::string UnionGraph() const { return "urn:tinykg:store:" + spec_.name + "#union"; }

  // The N-Quads of one document: its triples in its graph and in the union
  // graph, its inferences likewise, and its catalog entry. Split into pieces
  // of about kPieceBytes (one TTLP call each) unless the document has blank
  // nodes: a blank label names one node only within one TTLP call.
  Result<std::vector<std::string>> Prepare(const GraphDocument& doc, const Hierarchy& hierarchy,
                                           std::vector<Triple>& used, size_t& count) {
    std::vector<Triple> normal;
    normal.reserve(doc.triples.size());
    for (const auto& t : doc.triples) normal.push_back(NormalizedInGraph(t, doc.iri));
    std::string graph = " " + AsciiIri(Stored(doc.iri)) + " .\n";
    std::string inferred = " " + AsciiIri(Stored(InferredGraphOf(doc.iri))) + " .\n";
    std::string catalog = " " + AsciiIri(Stored(kCatalogGraph)) + " .\n";
    std::string in_union = " " + AsciiIri(UnionGraph()) + " .\n";
    const bool splittable = std::none_of(normal.begin(), normal.end(), [](const Triple& t) {
      return t.subject.is_blank() || t.object.is_blank();
    });
    std::vector<std::string> pieces(1);
    std::string* out_ptr = &pieces.back();
    auto next_piece = [&] {
      if (splittable && out_ptr->size() > kPieceBytes) {
        pieces.emplace_back();
        out_ptr = &pieces.back();
      }
    };
    std::unordered_set<std::string> seen;  // a graph is a set: count each triple once
    for (const auto& t : normal) {
      next_piece();
      std::string& out = *out_ptr;
      if (!t.predicate.is_iri() || t.subject.is_literal()) {
        return InvalidData("not an RDF triple: " + t.ToNTriples(), {doc.source});
      }
      std::string spo = AsciiTerm(t.subject) + " " + AsciiTerm(t.predicate) + " " + AsciiTerm(t.object);
      if (!seen.insert(spo).second) continue;
      out += spo + graph;
      out += spo + in_union;
    }
    count = seen.size();
    for (const auto& t : hierarchy.Entailed(normal)) {
      next_piece();
      std::string& out = *out_ptr;
      std::string spo = AsciiTerm(t.subject) + " " + AsciiTerm(t.predicate) + " " + AsciiTerm(t.object);
      out += spo + inferred;
      out += spo + in_union;
    }
    const auto entry = CatalogEntryTriples(doc, static_cast<std::int64_t>(count));
    for (const auto& t : entry) {
      *out_ptr += AsciiTerm(t.subject) + " " + AsciiTerm(t.predicate) + " " + AsciiTerm(t.object) + catalog;
    }
    used = std::move(normal);
    return pieces;
  }

  // Inside the open transaction: the union graph keeps a triple while another
  // graph of this store still holds it.
  Status RemoveGraph(const std::string& iri) {
    std::string graph = Stored(iri);
    std::string inferred = Stored(InferredGraphOf(iri));
    std::string catalog = Stored(kCatalogGraph);
    for (const std::string& g : {graph, inferred}) {
      std::string sparql =
          "SPARQL DELETE { GRAPH " + AsciiIri(UnionGraph()) + " { ?s ?p ?o } } WHERE { GRAPH " + AsciiIri(g) +
          " { ?s ?p ?o } FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } FILTER (?h != " + AsciiIri(graph) +
          " && ?h != " + AsciiIri(inferred) + " && ?h != " + AsciiIri(catalog) + " && STRSTARTS(STR(?h), " +
          AsciiLiteralBody(GraphPrefix()) + ")) } }";
      TINYKG_RETURN_IF_ERROR(odbc_.Exec(sparql));
      TINYKG_RETURN_IF_ERROR(odbc_.Exec("DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id(" + SqlString(g) + ", 0)"));
    }
    return odbc_.Exec("DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id(" + SqlString(catalog) +
                      ", 0) AND S = iri_to_id(" + SqlString(iri) + ", 0)");
  }

  Result<std::set<std::string>> CatalogSubjects() {
    TINYKG_ASSIGN_OR_RETURN(QueryResult r, Select("SELECT DISTINCT ?g WHERE { GRAPH " +
                                                  AsciiIri(Stored(kCatalogGraph)) + " { ?g " +
                                                  AsciiIri(kTkg + "graphKind") + " ?k } }"));
    std::set<std::string> out;
    for (const auto& row : r.rows) {
      if (row[0]) out.insert(row[0]->value);
    }
    return out;
  }

  Result<std::vector<Triple>> GraphTriples(const std::string& stored_graph) {
    TINYKG_ASSIGN_OR_RETURN(QueryResult r,
                            Select("SELECT ?s ?p ?o WHERE { GRAPH " + AsciiIri(stored_graph) + " { ?s ?p ?o } }"));
    std::vector<Triple> out;
    out.reserve(r.rows.size());
    for (auto& row : r.rows) {
      if (row[0] && row[1] && row[2]) out.push_back({std::move(*row[0]), std::move(*row[1]), std::move(*row[2])});
    }
    return out;
  }

  // An internal SELECT over explicit graphs (no dataset restriction).
  Result<QueryResult> Select(const std::string& sparql) {
    TINYKG_ASSIGN_OR_RETURN(HttpReply reply, Sparql(sparql, false, "application/sparql-results+json", 0));
    TINYKG_RETURN_IF_ERROR(CheckReply(reply));
    return ParseJsonResults(reply.body);
  }

  Status CheckReply(const HttpReply& reply) {
    return VirtuosoReplyStatus(reply.status, reply.sql_state, reply.body, query_timeout_ms_);
  }

  // POSTs a query to the SPARQL endpoint. `dataset` restricts it to the
  // store's union graph (user queries); internal queries name their graphs.
  Result<HttpReply> Sparql(const std::string& sparql, bool dataset, const char* accept, std::int64_t timeout_ms) {
    CURL* c = curl_.get();
    if (!c) return StoreError("cannot create a libcurl handle");
    auto escape = [&](const std::string& s) {
      char* e = curl_easy_escape(c, s.data(), static_cast<int>(s.size()));
      std::string out = e ? e : "";
      curl_free(e);
      return out;
    };
    std::string body = "query=" + escape(sparql);
    if (dataset) {
      body += "&default-graph-uri=" + escape(UnionGraph()) + "&named-graph-uri=" + escape(kNoGraph);
    }
    if (timeout_ms > 0) body += "&timeout=" + std::to_string(timeout_ms);
    HttpReply reply;
    curl_easy_reset(c);
    struct curl_slist* headers = nullptr;
    std::string accept_header = std::string("Accept: ") + accept;
    headers = curl_slist_append(headers, accept_header.c_str());
    headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded; charset=UTF-8");
    curl_easy_setopt(c, CURLOPT_URL, endpoint_.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &AppendBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &ReadHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    // Virtuoso's own bound comes first; the client bound only catches a
    // server that does not answer at all.
    if (timeout_ms > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms + 5000));
    // Virtuoso refuses connections for a moment when its HTTP threads are
    // busy (ServerThreads): seen as "Couldn't connect" under two test
    // suites at once. Nothing was sent then, so a retry after a short wait
    // is safe; the wait doubles, about 3 s in all.
    CURLcode rc = curl_easy_perform(c);
    for (int wait_ms = 100; rc == CURLE_COULDNT_CONNECT && wait_ms <= 1600; wait_ms *= 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      reply = HttpReply();
      rc = curl_easy_perform(c);
    }
    curl_slist_free_all(headers);
    if (rc == CURLE_OPERATION_TIMEDOUT && timeout_ms > 0) {
      return DeadlineExceeded("the query exceeded its time bound of " + std::to_string(timeout_ms) + " ms");
    }
    if (rc != CURLE_OK) {
      return StoreError(std::string("cannot reach Virtuoso at ") + endpoint_ + ": " + curl_easy_strerror(rc));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
  }

  static Result<Term> TermOfJson(const json& j) {
    std::string type = j.value("type", "");
    const json& v = j.at("value");
    std::string value = v.is_string() ? v.get<std::string>() : v.dump();
    if (type == "uri") {
      if (value.rfind("_:", 0) == 0) return Term::Blank(value.substr(2));
      return Term::Iri(std::move(value));
    }
    if (type == "bnode") {
      if (value.rfind("nodeID://", 0) == 0) value = value.substr(9);
      return Term::Blank(std::move(value));
    }
    if (type == "literal" || type == "typed-literal") {
      std::string datatype = j.value("datatype", "");
      if (datatype == kXsdString) datatype.clear();
      // Virtuoso keeps booleans as numbers and answers 1/0.
      if (datatype == kXsdBoolean && (value == "1" || value == "0")) value = value == "1" ? "true" : "false";
      return Term::Literal(std::move(value), std::move(datatype), j.value("xml:lang", ""));
    }
    return StoreError("unknown term type '" + type + "' in Virtuoso's answer");
  }

  static Result<QueryResult> ParseJsonResults(const std::string& body) {
    QueryResult out;
    try {
      json doc = json::parse(body);
      if (doc.contains("boolean")) {
        out.kind = QueryResult::Kind::kBoolean;
        const json& b = doc["boolean"];
        out.boolean = b.is_boolean() ? b.get<bool>() : (b.is_number() && b.get<int>() != 0);
        return out;
      }
      out.kind = QueryResult::Kind::kBindings;
      for (const auto& v : doc.at("head").at("vars")) out.variables.push_back(v.get<std::string>());
      for (const auto& binding : doc.at("results").at("bindings")) {
        std::vector<std::optional<Term>> row(out.variables.size());
        for (size_t i = 0; i < out.variables.size(); ++i) {
          auto it = binding.find(out.variables[i]);
          if (it == binding.end()) continue;
          TINYKG_ASSIGN_OR_RETURN(Term t, TermOfJson(*it));
          row[i] = std::move(t);
        }
        out.rows.push_back(std::move(row));
      }
    } catch (const json::exception& e) {
      return StoreError(std::string("cannot read Virtuoso's SPARQL JSON answer: ") + e.what());
    }
    return out;
  }

  Status LoadHierarchy() {
    hierarchy_.Clear();
    // One pattern per property: Virtuoso does not push a FILTER on ?p into
    // the index lookup (114 ms on 7k triples).
    for (const char* name : {"subClassOf", "subPropertyOf"}) {
      std::string p = std::string(vocab::kRdfs) + name;
      TINYKG_ASSIGN_OR_RETURN(QueryResult r, Select("SELECT ?s ?o WHERE { GRAPH " + AsciiIri(UnionGraph()) +
                                                    " { ?s " + AsciiIri(p) + " ?o } }"));
      for (auto& row : r.rows) {
        if (row[0] && row[1]) hierarchy_.Add({*row[0], Term::Iri(p), *row[1]});
      }
    }
    return Status::Ok();
  }

  // The declared terms, from every ontology graph.
  void LoadDeclared() {
    auto graphs = Graphs();
    if (!graphs.ok()) {
      declared_.Reset();
      return;
    }
    declared_.Load(*graphs, [this](const std::string& iri) { return GraphTriples(Stored(iri)); });
  }

  VirtuosoSpec spec_;
  std::string endpoint_;
  std::unique_ptr<CURL, CurlDeleter> curl_;
  Odbc odbc_;
  std::int64_t query_timeout_ms_ = 0;
  Hierarchy hierarchy_;
  DeclaredTerms declared_;
  std::vector<std::string> warnings_;
};

bool ParsePort(std::string_view text, int& port) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() && port > 0 && port < 65536;
}

}  // namespace

Status VirtuosoReplyStatus(long http_status, std::string_view sql_state, std::string_view body,
                           std::int64_t timeout_ms) {
  const std::string bound = "the query exceeded its time bound of " + std::to_string(timeout_ms) +
                            " ms (Virtuoso stopped it)";
  if (sql_state == "S1TAT") return DeadlineExceeded(bound);
  if (http_status == 200) return Status::Ok();
  std::string message(body.substr(0, 600));
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
  auto cut = message.find("\n\nSPARQL query:");
  if (cut != std::string::npos) message.resize(cut);
  if (http_status == 400 || message.find("37000") != std::string::npos) {
    return InvalidArgument("SPARQL syntax error: " + message);
  }
  if (message.find("S1T00") != std::string::npos || message.find("timeout") != std::string::npos) {
    return DeadlineExceeded(bound);
  }
  // HY008 (SR203, "Async statement killed by SQLCancel"): Virtuoso cancels
  // a query at its time bound this way too, under load (seen once in CI
  // instead of the S1TAT answer). tinykg cancels nothing itself, so with a
  // bound set this is the bound.
  if (timeout_ms > 0 && message.find("HY008") != std::string::npos) return DeadlineExceeded(bound);
  return InvalidArgument("query failed: Virtuoso answered HTTP " + std::to_string(http_status) + ": " + message);
}

Result<VirtuosoSpec> ParseVirtuosoSpec(std::string_view spec) {
  constexpr std::string_view kScheme = "virtuoso://";
  auto bad = [&](const std::string& why) {
    return InvalidArgument("bad store spec '" + std::string(spec) + "': " + why +
                           " (expected virtuoso://[USER[:PASSWORD]@]HOST[:SQL_PORT][/NAME][?http=PORT])");
  };
  if (spec.substr(0, kScheme.size()) != kScheme) return bad("not a virtuoso:// spec");
  VirtuosoSpec out;
  std::string_view rest = spec.substr(kScheme.size());
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    std::string_view name = rest.substr(slash + 1);
    if (!name.empty()) out.name = std::string(name);
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (auto colon = user.find(':'); colon != std::string_view::npos) {
      out.password = std::string(user.substr(colon + 1));
      user = user.substr(0, colon);
    }
    out.user = std::string(user);
  }
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    if (!ParsePort(authority.substr(colon + 1), out.sql_port)) return bad("bad SQL port");
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) out.host = std::string(authority);
  for (char c : out.name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return bad("the store NAME may use letters, digits, '-', '_' and '.'");
    }
  }
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view kv = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (kv.substr(0, 5) == "http=") {
      if (!ParsePort(kv.substr(5), out.http_port)) return bad("bad HTTP port");
    } else {
      return bad("unknown parameter '" + std::string(kv) + "'");
    }
  }
  if (const char* pw = std::getenv("TINYKG_VIRTUOSO_PASSWORD"); pw && *pw && spec.find('@') == std::string_view::npos) {
    out.password = pw;
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenVirtuosoStore(std::string_view spec) {
  TINYKG_ASSIGN_OR_RETURN(VirtuosoSpec parsed, ParseVirtuosoSpec(spec));
  return VirtuosoStore::Create(std::move(parsed));
}

}  // namespace tinykg::rdf::internal
