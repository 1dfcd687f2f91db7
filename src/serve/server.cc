#include "tinykg/serve/server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string_view>
#include <thread>

#include "bounded_server.h"
#include "merge_patch.h"
#include "tinykg/base/input_check.h"
#include "sparql_kind.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/match/render.h"
// The HTML report route exists once the match module ships report.h.
#if __has_include("tinykg/match/report.h")
#include "tinykg/match/report.h"
#define TINYKG_SERVE_HAS_REPORT 1
#endif
#include "tinykg/base/utf8.h"
#include "tinykg/rdf/iri.h"
#include "tinykg/rdf/prefixes.h"
#include "tinykg/rdf/reserved.h"
#include "tinykg/rdf/results.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/syntax.h"
#include "tinykg/td/thing_description.h"

namespace tinykg::serve {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kProblemJson[] = "application/problem+json";
constexpr char kTdJson[] = "application/td+json";
constexpr char kThingRoute[] = R"(/things/(.+))";

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// RFC 7807 problem details; `extra` members (e.g. validationErrors) are added.
void Problem(httplib::Response& res, int status, const std::string& detail, Json extra = Json::object()) {
  Json body = Json::object();
  body["type"] = "about:blank";
  body["title"] = std::string(ReasonPhrase(status));
  body["status"] = status;
  if (!detail.empty()) body["detail"] = detail;
  for (auto& [key, value] : extra.items()) body[key] = value;
  res.status = status;
  // Replace, never throw, on ill-formed UTF-8 (input is checked on entry;
  // this is the last line of defence for text quoted back in `detail`).
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), kProblemJson);
}

// The first request text that is not UTF-8 (the decoded path, a parameter
// or the Host header), for a 400 before any handler sees it.
std::optional<std::string> IllFormedPart(const httplib::Request& req) {
  if (!IsValidUtf8(req.path)) return std::string("the path");
  for (const auto& [name, value] : req.params) {
    if (!IsValidUtf8(name) || !IsValidUtf8(value)) return "the query parameter " + ToValidUtf8(name);
  }
  if (!IsValidUtf8(req.get_header_value("Host"))) return std::string("the Host header");
  return std::nullopt;
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound: return 404;
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError:
    case StatusCode::kInvalidData:
    case StatusCode::kUnsupported: return 400;
    case StatusCode::kAlreadyExists: return 409;
    default: return 500;
  }
}

void ProblemFrom(httplib::Response& res, const Status& status) {
  Problem(res, HttpStatusFor(status), status.ToString());
}

// Media type without parameters, lower case.
std::string MediaType(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

bool IsJsonMediaType(const std::string& type) {
  return type.empty() || type == "application/json" || type == "application/td+json" ||
         type == "application/ld+json";
}

// An absolute IRI: a scheme, then ':' and more.
bool IsAbsoluteIri(std::string_view iri) {
  const std::size_t scheme = rdf::SchemeLength(iri);
  return scheme > 0 && scheme + 1 < iri.size();
}

// Percent-encodes everything but RFC 3986 unreserved characters, so an id is
// one path segment.
std::string EncodeSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string MintUuidUrn() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          static_cast<std::uint64_t>(
                                              std::chrono::steady_clock::now().time_since_epoch().count())};
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                       // version 4
  lo = (lo & ~(0xC0ull << 56)) | (0x80ull << 56);           // RFC 9562 variant
  char buf[48];
  std::snprintf(buf, sizeof buf, "urn:uuid:%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

// Inserts "id": ID as the first member of the JSON object in `text`, leaving
// every other byte as it was. Precondition: `text` is a JSON object.
std::string InjectId(const std::string& text, const std::string& id) {
  const std::size_t open = text.find('{');
  std::size_t next = text.find_first_not_of(" \t\r\n", open + 1);
  const bool empty = next != std::string::npos && text[next] == '}';
  std::string member = "\"id\": " + nlohmann::json(id).dump() + (empty ? "" : ",");
  std::string out = text;
  out.insert(open + 1, member);
  return out;
}

// Server-sent events: a bounded history of changes and waiting streams.
class EventHub {
 public:
  struct Event {
    std::uint64_t seq;
    std::string type;
    std::string id;
  };

  void Publish(std::string type, std::string id) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back({++last_seq_, std::move(type), std::move(id)});
      if (events_.size() > kHistory) events_.pop_front();
    }
    cv_.notify_all();
  }

  // Events after `after`, waiting up to `wait` for one. Empty on timeout or
  // when closed.
  std::vector<Event> Wait(std::uint64_t after, std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, wait, [&] { return closed_ || last_seq_ > after; });
    std::vector<Event> out;
    for (const Event& e : events_) {
      if (e.seq > after) out.push_back(e);
    }
    return out;
  }

  std::uint64_t LastSeq() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_seq_;
  }
  bool closed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }

 private:
  static constexpr std::size_t kHistory = 1024;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::uint64_t last_seq_ = 0;
  bool closed_ = false;
};

// The store's lock, served in arrival order (a ticket lock). A long query
// hands it on through Yield() (rdf::Store::SetQueryYield calls it every
// 250 us of the query's work): when others wait, it lets them all go first
// and takes a new ticket. One runaway query then delays every other
// request by a slice per turn, not by its whole time bound.
class TurnLock {
 public:
  void lock() {
    std::unique_lock<std::mutex> l(mu_);
    const std::uint64_t ticket = next_++;
    cv_.wait(l, [&] { return serving_ == ticket; });
    holder_ = std::this_thread::get_id();
  }
  void unlock() {
    {
      std::lock_guard<std::mutex> l(mu_);
      holder_ = std::thread::id();
      ++serving_;
    }
    cv_.notify_all();
  }
  // By the holder: lets the threads waiting now run, then goes on.
  void Yield() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (holder_ != std::this_thread::get_id() || next_ - serving_ <= 1) return;
    }
    unlock();
    lock();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t next_ = 0;     // the next ticket handed out
  std::uint64_t serving_ = 0;  // the ticket that holds the lock
  std::thread::id holder_;
};

// A request's turn at the store. The store keeps the warnings of what it
// ran (Rasqal's messages, undeclared terms) until they are taken; a server
// reports none of them, so each turn drops them when it ends, on every path
// (handlers took them on their success paths only: an early return, such as
// /match's 404, left them to the store).
class StoreTurn {
 public:
  StoreTurn(TurnLock& mu, rdf::Store& store) : mu_(mu), store_(store) { mu_.lock(); }
  ~StoreTurn() {
    store_.TakeWarnings();
    mu_.unlock();
  }
  StoreTurn(const StoreTurn&) = delete;
  StoreTurn& operator=(const StoreTurn&) = delete;

 private:
  TurnLock& mu_;
  rdf::Store& store_;
};

ConnectionLimits LimitsOf(const ServerOptions& options) {
  ConnectionLimits limits;
  limits.threads = static_cast<std::size_t>(std::max(2, options.threads));
  limits.request_read = std::chrono::milliseconds(std::max<std::int64_t>(1, options.request_read_ms));
  limits.idle = std::chrono::milliseconds(std::max<std::int64_t>(1, options.idle_ms));
  limits.write_timeout = std::chrono::milliseconds(std::max<std::int64_t>(1, options.write_timeout_ms));
  return limits;
}

}  // namespace

struct Server::Impl {
  Impl(rdf::Store& store_in, const ServerOptions& options_in)
      : store(store_in), options(options_in), http(LimitsOf(options_in)) {}

  void Routes();

  // 401 (and false) unless the request may write.
  bool Authorized(const httplib::Request& req, httplib::Response& res) const;
  // Validates `text` and writes it as graph `id` (precondition: the text's id
  // is `id`). Sets the response: `created_status` for a new thing, 204 for a
  // replaced one, or the problem. Caller holds `mu`.
  void WriteTdLocked(const std::string& id, const std::string& text, httplib::Response& res);

  void ListThings(const httplib::Request& req, httplib::Response& res);
  void GetThing(const httplib::Request& req, httplib::Response& res);
  void PutThing(const httplib::Request& req, httplib::Response& res);
  void PostThing(const httplib::Request& req, httplib::Response& res);
  void PatchThing(const httplib::Request& req, httplib::Response& res);
  void DeleteThing(const httplib::Request& req, httplib::Response& res);
  void Sparql(const httplib::Request& req, httplib::Response& res, std::string query);
  void Events(const httplib::Request& req, httplib::Response& res);
  void DirectoryTd(const httplib::Request& req, httplib::Response& res) const;
  void Match(const httplib::Request& req, httplib::Response& res);
  void Report(const httplib::Request& req, httplib::Response& res);

  rdf::Store& store;
  ServerOptions options;
  TurnLock mu;  // guards `store` and `reader`
  std::unique_ptr<td::TdReader> reader;
  BoundedServer http;
  EventHub events;
  std::atomic<int> streams{0};  // open /events connections
  int port = 0;
  bool bound = false;
  std::atomic<bool> stopping{false};
  // SPARQL queries still running after their client got a timeout.
  std::mutex background_mu;
  std::condition_variable background_cv;
  int background = 0;
  void WaitForBackgroundQueries() {
    std::unique_lock<std::mutex> lock(background_mu);
    background_cv.wait(lock, [this] { return background == 0; });
  }
  Result<rdf::QueryResult> QueryWithDeadline(const std::string& text, bool& timed_out);
};

bool Server::Impl::Authorized(const httplib::Request& req, httplib::Response& res) const {
  if (options.token.empty()) return true;
  const std::string expected = "Bearer " + options.token;
  const std::string given = req.get_header_value("Authorization");
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < given.size() && i < expected.size(); ++i) {
    diff |= static_cast<unsigned>(given[i] ^ expected[i]);
  }
  if (diff == 0) return true;
  Problem(res, 401, given.empty() ? "writes need 'Authorization: Bearer TOKEN'" : "wrong bearer token");
  res.set_header("WWW-Authenticate", "Bearer realm=\"tinykg\"");
  return false;
}

void Server::Impl::WriteTdLocked(const std::string& id, const std::string& text, httplib::Response& res) {
  if (Status reserved = rdf::CheckUserGraphIri(id); !reserved.ok()) return ProblemFrom(res, reserved);
  auto existing = store.Get(id, false);
  const bool exists = existing.ok();
  if (exists && existing->kind != rdf::kKindTd) {
    Problem(res, 409, "graph " + id + " exists and is not a Thing Description (kind " + existing->kind + ")");
    return;
  }
  td::TdReadResult read = reader->Read(text, id);
  if (read.ok() && read.kind != td::TdKind::kThingDescription) {
    Problem(res, 400, "a Thing Model is not accepted by a Thing Description Directory");
    return;
  }
  if (!read.ok()) {
    Json errors = Json::array();
    for (const Status& p : read.problems) {
      errors.push_back({{"field", p.where().pointer.empty() ? "/" : p.where().pointer},
                        {"description", p.message()}});
    }
    Problem(res, 400, "the Thing Description is not valid", {{"validationErrors", errors}});
    return;
  }
  if (read.document.iri != id) {
    Problem(res, 400, "the Thing Description's id " + read.document.iri + " differs from " + id);
    return;
  }
  Status put = store.Put(read.document);
  store.TakeWarnings();
  if (!put.ok()) {
    ProblemFrom(res, put);
    return;
  }
  if (exists) {
    res.status = 204;
    events.Publish("thing_updated", id);
  } else {
    res.status = 201;
    res.set_header("Location", "/things/" + EncodeSegment(id));
    events.Publish("thing_created", id);
  }
}

void Server::Impl::ListThings(const httplib::Request& req, httplib::Response& res) {
  auto number = [&](const char* name, std::size_t fallback, std::size_t& out) {
    if (!req.has_param(name)) {
      out = fallback;
      return true;
    }
    const std::string v = req.get_param_value(name);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
      Problem(res, 400, std::string(name) + " must be a non-negative integer");
      return false;
    }
    out = std::stoul(v);
    return true;
  };
  std::size_t offset = 0;
  std::size_t limit = 0;
  if (!number("offset", 0, offset) || !number("limit", options.max_page, limit)) return;
  if (limit == 0 || limit > options.max_page) {
    Problem(res, 400, "limit must be between 1 and " + std::to_string(options.max_page));
    return;
  }
  std::string body = "[";
  std::size_t total = 0;
  {
    StoreTurn turn(mu, store);
    auto graphs = store.Graphs();
    if (!graphs.ok()) return ProblemFrom(res, graphs.status());
    std::vector<const rdf::GraphInfo*> things;
    for (const auto& g : *graphs) {
      if (g.kind == rdf::kKindTd) things.push_back(&g);
    }
    total = things.size();
    for (std::size_t i = offset; i < things.size() && i < offset + limit; ++i) {
      auto text = td::ExportTdText(store, things[i]->iri);
      if (!text.ok()) return ProblemFrom(res, text.status());
      if (body.size() > 1) body += ",\n";
      body += *text;
    }
  }
  body += "]\n";
  if (offset + limit < total) {
    res.set_header("Link", "</things?offset=" + std::to_string(offset + limit) +
                               "&limit=" + std::to_string(limit) + ">; rel=\"next\"");
  }
  res.set_header("X-Total-Count", std::to_string(total));
  res.set_content(body, "application/ld+json");
}

void Server::Impl::GetThing(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  StoreTurn turn(mu, store);
  auto doc = store.Get(id, false);
  if (!doc.ok() || doc->kind != rdf::kKindTd || doc->original_text.empty()) {
    return Problem(res, 404, "no Thing Description with id " + id);
  }
  res.set_content(doc->original_text, kTdJson);
}

void Server::Impl::PutThing(const httplib::Request& req, httplib::Response& res) {
  if (!Authorized(req, res)) return;
  const std::string id = req.matches[1];
  if (!IsJsonMediaType(MediaType(req))) return Problem(res, 415, "send application/td+json");
  if (!IsAbsoluteIri(id)) return Problem(res, 400, "the id must be an absolute IRI: " + id);
  if (Status reserved = rdf::CheckUserGraphIri(id); !reserved.ok()) return ProblemFrom(res, reserved);
  const Json parsed = Json::parse(req.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Problem(res, 400, "the body is not a JSON object");
  }
  std::string text = req.body;
  if (!parsed.contains("id")) {
    text = InjectId(text, id);
  } else if (!parsed["id"].is_string() || parsed["id"].get<std::string>() != id) {
    return Problem(res, 400, "the TD's id differs from the id in the path");
  }
  StoreTurn turn(mu, store);
  WriteTdLocked(id, text, res);
}

void Server::Impl::PostThing(const httplib::Request& req, httplib::Response& res) {
  if (!Authorized(req, res)) return;
  if (!IsJsonMediaType(MediaType(req))) return Problem(res, 415, "send application/td+json");
  const Json parsed = Json::parse(req.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Problem(res, 400, "the body is not a JSON object");
  }
  if (parsed.contains("id")) {
    return Problem(res, 400, "POST /things takes anonymous TDs; use PUT /things/{id} for a TD with an id");
  }
  const std::string id = MintUuidUrn();
  StoreTurn turn(mu, store);
  WriteTdLocked(id, InjectId(req.body, id), res);
}

void Server::Impl::PatchThing(const httplib::Request& req, httplib::Response& res) {
  if (!Authorized(req, res)) return;
  const std::string id = req.matches[1];
  if (MediaType(req) != "application/merge-patch+json") {
    return Problem(res, 415, "PATCH takes application/merge-patch+json");
  }
  if (Status reserved = rdf::CheckUserGraphIri(id); !reserved.ok()) return ProblemFrom(res, reserved);
  // MergePatch and dump() recurse once per level of the patch.
  if (Status checked = CheckJsonText(req.body, "the merge patch"); !checked.ok()) {
    return Problem(res, 400, checked.ToString());
  }
  const Json patch = Json::parse(req.body, nullptr, false);
  if (patch.is_discarded() || !patch.is_object()) {
    return Problem(res, 400, "the merge patch is not a JSON object");
  }
  StoreTurn turn(mu, store);
  auto doc = store.Get(id, false);
  if (!doc.ok() || doc->kind != rdf::kKindTd) return Problem(res, 404, "no Thing Description with id " + id);
  const Json current = Json::parse(doc->original_text, nullptr, false);
  if (current.is_discarded()) return Problem(res, 500, "the stored TD is not JSON");
  const Json merged = MergePatch(current, patch);
  if (!merged.is_object() || !merged.contains("id") || merged["id"] != id) {
    return Problem(res, 400, "a patch may not change or remove the id");
  }
  WriteTdLocked(id, merged.dump(2) + "\n", res);
}

void Server::Impl::DeleteThing(const httplib::Request& req, httplib::Response& res) {
  if (!Authorized(req, res)) return;
  const std::string id = req.matches[1];
  if (Status reserved = rdf::CheckDroppableGraphIri(id); !reserved.ok()) return ProblemFrom(res, reserved);
  StoreTurn turn(mu, store);
  auto doc = store.Get(id, false);
  if (!doc.ok() || doc->kind != rdf::kKindTd) return Problem(res, 404, "no Thing Description with id " + id);
  Status dropped = store.Drop(id);
  store.TakeWarnings();
  if (!dropped.ok()) return ProblemFrom(res, dropped);
  res.status = 204;
  events.Publish("thing_deleted", id);
}

void Server::Impl::Sparql(const httplib::Request& req, httplib::Response& res, std::string query) {
  if (query.empty()) return Problem(res, 400, "no query (give ?query= or a POST body)");
  if (!IsValidUtf8(query)) return Problem(res, 400, "the query is not valid UTF-8");
  if (query.size() > options.max_query_bytes) {
    return Problem(res, 413, "the query is longer than " + std::to_string(options.max_query_bytes) + " bytes");
  }
  const SparqlForm form = ClassifySparql(query);
  if (form == SparqlForm::kUpdate) return Problem(res, 403, "this SPARQL endpoint is read-only (no SPARQL Update)");
  if (form == SparqlForm::kUnknown) return Problem(res, 400, "not a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)");
  // As `tinykg query` (rdf::RunQuery): GraphDB's full-text search refused
  // with a hint, prefixes used undeclared taken from the loaded documents.
  if (Status fts = rdf::CheckNoFullTextConnector(query); !fts.ok()) return ProblemFrom(res, fts);
  Result<rdf::PrefixCompletion> completed = [&] {
    StoreTurn turn(mu, store);
    return rdf::CompleteQueryPrefixes(store, query);
  }();
  if (!completed.ok()) return ProblemFrom(res, completed.status());
  auto guarded = rdf::GuardQuery(completed->text);
  if (!guarded.ok()) return ProblemFrom(res, guarded.status());
  bool timed_out = false;
  Result<rdf::QueryResult> result = QueryWithDeadline(guarded->text, timed_out);
  if (timed_out) {
    res.set_header("Retry-After", "5");
    return Problem(res, 503, "the query did not finish within " + std::to_string(options.query_timeout_ms) +
                                 " ms (--query-timeout-ms)");
  }
  if (!result.ok()) return ProblemFrom(res, result.status());
  rdf::ApplySolutionModifiers(*guarded, *result);
  const std::string accept = req.get_header_value("Accept");
  if (result->kind == rdf::QueryResult::Kind::kGraph) {
    const bool ntriples = accept.find("application/n-triples") != std::string::npos;
    auto out = rdf::WriteRdf(result->triples, ntriples ? rdf::Syntax::kNTriples : rdf::Syntax::kTurtle,
                             rdf::DefaultPrefixes());
    if (!out.ok()) return ProblemFrom(res, out.status());
    res.set_content(*out, ntriples ? "application/n-triples" : "text/turtle");
    return;
  }
  rdf::ResultsFormat format = rdf::ResultsFormat::kJson;
  std::string type = "application/sparql-results+json";
  if (accept.find("text/csv") != std::string::npos) {
    format = rdf::ResultsFormat::kCsv;
    type = "text/csv";
  } else if (accept.find("text/tab-separated-values") != std::string::npos) {
    format = rdf::ResultsFormat::kTsv;
    type = "text/tab-separated-values";
  }
  auto out = rdf::WriteResults(*result, format);
  if (!out.ok()) return ProblemFrom(res, out.status());
  res.set_content(*out, type);
}

// Runs the query within the server's time bound. The LMDB engine and
// Virtuoso stop a query at the bound they are told, so the query runs on
// the request's thread. The hashes stores cannot: there it runs on a thread
// of its own, waited for until the deadline, and a query past it is left to
// finish in the background, counted so that the server outlives it. (A
// thread per query on every store had cost memory: each thread's allocator
// heap was left behind holding the result it had made, about 1 KB per
// request under the load test.)
Result<rdf::QueryResult> Server::Impl::QueryWithDeadline(const std::string& text, bool& timed_out) {
  const std::int64_t limit_ms = options.query_timeout_ms;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(limit_ms, 0));
  // Takes the store's turn and runs the query with what is left of the bound
  // (by value: on a thread of its own, it may outlive this call).
  auto run = [this, text, limit_ms, deadline]() -> Result<rdf::QueryResult> {
    StoreTurn turn(mu, store);
    std::int64_t left = 0;
    if (limit_ms > 0) {
      left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return StoreError("the query waited for the store past its time bound");
    }
    store.SetQueryTimeout(left);
    store.SetQueryRowLimit(options.max_result_rows);
    store.SetQueryByteLimit(options.max_result_bytes);
    auto result = store.Query(text);
    store.SetQueryTimeout(0);
    store.SetQueryRowLimit(0);
    store.SetQueryByteLimit(0);
    store.TakeWarnings();
    return result;
  };
  Result<rdf::QueryResult> result = StoreError("no query");
  if (limit_ms <= 0 || store.StopsQueriesAtDeadline()) {
    result = run();
  } else {
    auto promise = std::make_shared<std::promise<Result<rdf::QueryResult>>>();
    auto future = promise->get_future();
    {
      std::lock_guard<std::mutex> lock(background_mu);
      ++background;
    }
    // Detached: on these stores a query past the bound is left to finish.
    std::thread([this, promise, run] {
      promise->set_value(run());
      std::lock_guard<std::mutex> lock(background_mu);
      --background;
      background_cv.notify_all();
    }).detach();
    if (future.wait_until(deadline) != std::future_status::ready) {
      timed_out = true;
      return StoreError("timed out");
    }
    result = future.get();
  }
  // The LMDB engine and Virtuoso stop a query at the bound and say so.
  if (!result.ok() && (result.status().code() == StatusCode::kDeadlineExceeded ||
                       result.status().ToString().find("time bound") != std::string::npos)) {
    timed_out = true;
  }
  return result;
}

void Server::Impl::Events(const httplib::Request& req, httplib::Response& res) {
  // Each stream holds a request thread: keep half of them for other requests.
  if (streams.fetch_add(1) >= std::min(options.max_event_streams, std::max(1, options.threads / 2))) {
    streams.fetch_sub(1);
    return Problem(res, 503, "too many event streams open");
  }
  std::uint64_t after = events.LastSeq();
  if (req.has_header("Last-Event-ID")) {
    const std::string v = req.get_header_value("Last-Event-ID");
    if (!v.empty() && v.size() < 19 && v.find_first_not_of("0123456789") == std::string::npos) {
      after = std::stoull(v);
    }
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, after](std::size_t, httplib::DataSink& sink) mutable {
        if (events.closed()) {
          sink.done();
          return true;
        }
        const auto batch = events.Wait(after, std::chrono::milliseconds(500));
        std::string out;
        for (const auto& e : batch) {
          out += "id: " + std::to_string(e.seq) + "\nevent: " + e.type + "\ndata: " + e.id + "\n\n";
          after = e.seq;
        }
        if (out.empty()) out = ":\n\n";  // keep-alive comment; also detects a closed client
        return sink.write(out.data(), out.size());
      },
      [this](bool) { streams.fetch_sub(1); });
}

void Server::Impl::DirectoryTd(const httplib::Request& req, httplib::Response& res) const {
  const std::string host = req.has_header("Host") ? req.get_header_value("Host")
                                                  : options.bind + ":" + std::to_string(port);
  const bool secured = !options.token.empty();
  const std::string security = secured ? "bearer_sc" : "nosec_sc";
  auto form = [](const std::string& href, const std::string& op, const std::string& method,
                 const std::string& type = "") {
    Json f = {{"href", href}, {"op", op}, {"htv:methodName", method}};
    if (!type.empty()) f["contentType"] = type;
    return Json::array({f});
  };
  auto action = [&](const std::string& title, const std::string& href, const std::string& method,
                    const std::string& type, bool safe) {
    Json a = {{"description", title}, {"forms", form(href, "invokeaction", method, type)}};
    if (safe) a["safe"] = true;
    if (safe) a["idempotent"] = true;
    return a;
  };
  Json td = Json::object();
  td["@context"] = Json::array({"https://www.w3.org/2022/wot/td/v1.1", "https://www.w3.org/2022/wot/discovery"});
  td["@type"] = "ThingDirectory";
  td["id"] = "urn:tinykg:directory";
  td["title"] = "tinykg Thing Description Directory";
  td["description"] = "TinyML devices and models in one knowledge graph";
  td["version"] = {{"instance", "1.0.0"}};
  td["base"] = "http://" + host + "/";
  td["securityDefinitions"] = {{"nosec_sc", {{"scheme", "nosec"}}}};
  if (secured) td["securityDefinitions"]["bearer_sc"] = {{"scheme", "bearer"}, {"in", "header"}, {"name", "Authorization"}};
  td["security"] = "nosec_sc";
  Json things = {{"description", "All Thing Descriptions, paged with offset and limit"},
                 {"type", "array"}, {"readOnly", true},
                 {"uriVariables", {{"offset", {{"type", "integer"}, {"minimum", 0}}},
                                   {"limit", {{"type", "integer"}, {"minimum", 1}}}}},
                 {"forms", form("things{?offset,limit}", "readproperty", "GET", "application/ld+json")}};
  td["properties"] = {{"things", things}};
  Json id_var = {{"id", {{"type", "string"}, {"format", "iri-reference"}}}};
  Json actions = Json::object();
  actions["createThing"] = action("Create or replace a TD", "things/{id}", "PUT", kTdJson, false);
  actions["createAnonymousThing"] = action("Create an anonymous TD (id minted)", "things", "POST", kTdJson, false);
  actions["retrieveThing"] = action("Retrieve a TD", "things/{id}", "GET", kTdJson, true);
  actions["updateThing"] = action("Replace a TD", "things/{id}", "PUT", kTdJson, false);
  actions["partiallyUpdateThing"] =
      action("Merge-patch a TD", "things/{id}", "PATCH", "application/merge-patch+json", false);
  actions["deleteThing"] = action("Delete a TD", "things/{id}", "DELETE", "", false);
  actions["searchSPARQL"] = action("SPARQL query (read only)", "search/sparql?query={query}", "GET",
                                   "application/sparql-results+json", true);
  for (auto& [name, a] : actions.items()) {
    if (name != "createAnonymousThing" && name != "searchSPARQL") a["uriVariables"] = id_var;
    if (name == "searchSPARQL") a["uriVariables"] = {{"query", {{"type", "string"}}}};
    if (secured && name != "retrieveThing" && name != "searchSPARQL") a["forms"][0]["security"] = security;
  }
  td["actions"] = actions;
  Json evs = Json::object();
  for (const char* name : {"thingCreated", "thingUpdated", "thingDeleted"}) {
    Json f = form("events", "subscribeevent", "GET", "text/event-stream")[0];
    f["subprotocol"] = "sse";
    evs[name] = {{"data", {{"type", "string"}}}, {"forms", Json::array({f})}};
  }
  td["events"] = evs;
  res.set_content(td.dump(2) + "\n", kTdJson);
}

void Server::Impl::Match(const httplib::Request& req, httplib::Response& res) {
  const bool by_model = req.has_param("model");
  if (by_model == req.has_param("device")) return Problem(res, 400, "give ?model= or ?device= (one of them)");
  const std::string name = req.get_param_value(by_model ? "model" : "device");
  StoreTurn turn(mu, store);
  match::Matchmaker matchmaker(store);
  auto entity = by_model ? matchmaker.ResolveModel(name) : matchmaker.ResolveDevice(name);
  if (!entity.ok()) return ProblemFrom(res, entity.status());
  match::Filters filters;
  filters.include_misfits = req.get_param_value("all") == "true";
  filters.explain = req.get_param_value("explain") == "true";
  auto fits = by_model ? matchmaker.DevicesFor(*entity, filters) : matchmaker.ModelsFor(*entity, filters);
  store.TakeWarnings();
  if (!fits.ok()) return ProblemFrom(res, fits.status());
  res.set_content(match::FitsJson(*fits, req.get_param_value("explain") == "true"), "application/json");
}

void Server::Impl::Report(const httplib::Request& req, httplib::Response& res) {
#ifdef TINYKG_SERVE_HAS_REPORT
  const std::string name = req.has_param("format") ? req.get_param_value("format") : "html";
  auto format = match::ReportFormatFromName(name);
  if (!format.ok()) return ProblemFrom(res, format.status());
  Result<std::string> text = Internal("not run");
  {
    StoreTurn turn(mu, store);
    text = match::RenderReport(store, *format, {"", "served by tinykg serve", ""});
    store.TakeWarnings();
  }
  if (!text.ok()) return ProblemFrom(res, text.status());
  const char* type = *format == match::ReportFormat::kHtml       ? "text/html; charset=utf-8"
                     : *format == match::ReportFormat::kMarkdown ? "text/markdown; charset=utf-8"
                     : *format == match::ReportFormat::kJson     ? "application/json"
                     : *format == match::ReportFormat::kTsv      ? "text/tab-separated-values"
                                                                 : "text/csv";
  res.set_content(*text, type);
#else
  (void)req;
  Problem(res, 404, "this build has no report (match/report.h)");
#endif
}

void Server::Impl::Routes() {
  http.Get("/things", [this](const httplib::Request& q, httplib::Response& r) { ListThings(q, r); });
  http.Post("/things", [this](const httplib::Request& q, httplib::Response& r) { PostThing(q, r); });
  http.Get(kThingRoute, [this](const httplib::Request& q, httplib::Response& r) { GetThing(q, r); });
  http.Put(kThingRoute, [this](const httplib::Request& q, httplib::Response& r) { PutThing(q, r); });
  http.Patch(kThingRoute, [this](const httplib::Request& q, httplib::Response& r) { PatchThing(q, r); });
  http.Delete(kThingRoute, [this](const httplib::Request& q, httplib::Response& r) { DeleteThing(q, r); });
  http.Get("/search/sparql", [this](const httplib::Request& q, httplib::Response& r) {
    Sparql(q, r, q.get_param_value("query"));
  });
  http.Post("/search/sparql", [this](const httplib::Request& q, httplib::Response& r) {
    const std::string type = MediaType(q);
    if (type == "application/sparql-update" || q.has_param("update")) {
      return Problem(r, 403, "this SPARQL endpoint is read-only (no SPARQL Update)");
    }
    if (type == "application/sparql-query") return Sparql(q, r, q.body);
    if (type == "application/x-www-form-urlencoded") return Sparql(q, r, q.get_param_value("query"));
    Problem(r, 415, "POST application/sparql-query or application/x-www-form-urlencoded");
  });
  http.Get("/events", [this](const httplib::Request& q, httplib::Response& r) { Events(q, r); });
  http.Get("/.well-known/wot", [this](const httplib::Request& q, httplib::Response& r) { DirectoryTd(q, r); });
  http.Get("/match", [this](const httplib::Request& q, httplib::Response& r) { Match(q, r); });
  http.Get("/report", [this](const httplib::Request& q, httplib::Response& r) { Report(q, r); });

  http.set_error_handler([](const httplib::Request&, httplib::Response& r) {
    if (r.body.empty()) {
      Problem(r, r.status, r.status == 404 ? "no such resource" : "");
    }
  });
  // A handler that throws is a bug in tinykg; the client gets a 500 without
  // the exception's text (it may quote the request, and says nothing useful
  // to a client).
  http.set_exception_handler([this](const httplib::Request& q, httplib::Response& r, std::exception_ptr e) {
    Problem(r, 500, "the server failed on this request (a bug in tinykg)");
    if (!options.on_handler_failure) return;
    std::string what = q.method + " " + q.path + ": ";
    try {
      if (e) std::rethrow_exception(e);
      what += "no exception";
    } catch (const std::exception& caught) {
      what += caught.what();
    } catch (...) {
      what += "an exception that is not a std::exception";
    }
    // The path is the client's (decoded): no control bytes reach a terminal.
    for (char& c : what) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    options.on_handler_failure(what);
  });
  http.set_pre_routing_handler([](const httplib::Request& q, httplib::Response& r) {
    if (auto part = IllFormedPart(q)) {
      Problem(r, 400, *part + " is not valid UTF-8 (percent-encode the UTF-8 bytes of the text)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

Server::Server() = default;

Server::~Server() {
  Stop();
  if (impl_) impl_->store.SetQueryYield(nullptr);
}

Result<std::unique_ptr<Server>> Server::Create(rdf::Store& store, const ServerOptions& options) {
  td::TdReaderOptions reader_options;
  reader_options.context_dirs = options.context_dirs;
  reader_options.schema_dir = options.schema_dir;
  reader_options.keep_quads = false;  // the server stores document.triples only
  auto reader = td::TdReader::Create(reader_options);
  if (!reader.ok()) return reader.status();
  std::unique_ptr<Server> server(new Server());
  server->impl_ = std::make_unique<Impl>(store, options);
  Impl& impl = *server->impl_;
  impl.reader = std::move(reader).value();
  impl.http.set_payload_max_length(options.max_body_bytes);
  // Replies go out at once: with Nagle on, a small reply waits for the
  // client's delayed ACK (40 ms per request on keep-alive connections).
  impl.http.set_tcp_nodelay(true);
  impl.Routes();
  // A long query lets the requests waiting for the store go first.
  store.SetQueryYield([&impl] { impl.mu.Yield(); });
  return server;
}

Status Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(impl_->options.bind);
    impl_->bound = impl_->port > 0;
  } else {
    impl_->bound = impl_->http.bind_to_port(impl_->options.bind, impl_->options.port);
    impl_->port = impl_->options.port;
  }
  if (!impl_->bound) {
    return IoError("cannot listen on " + impl_->options.bind + ":" + std::to_string(impl_->options.port));
  }
  return Status::Ok();
}

Status Server::Run() {
  if (!impl_->bound) return InvalidArgument("Server::Run before Bind");
  if (!impl_->http.listen_after_bind() && !impl_->stopping) {
    return IoError("the server stopped with an error");
  }
  return Status::Ok();
}

void Server::Stop() {
  if (!impl_) return;
  impl_->stopping = true;
  impl_->events.Close();
  impl_->http.stop();
  impl_->WaitForBackgroundQueries();
}

int Server::port() const { return impl_->port; }

std::string Server::ServeBytes(std::string_view request) { return impl_->http.ServeBytes(request); }

}  // namespace tinykg::serve
