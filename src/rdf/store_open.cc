// Store specs and Store::Open: which backend a spec names, and the one-time
// move of an old `hashes` store directory onto the LMDB engine.
#include <cstdlib>
#include <filesystem>
#include <iterator>

#include "lmdb_engine.h"
#include "lmdb_store.h"
#include "tinykg/rdf/store.h"
#include "virtuoso_store.h"

namespace tinykg::rdf {

namespace {

namespace fs = std::filesystem;

constexpr char kHashesProbe[] = "tinykg-sp2o.db";  // a file every hashes store has
constexpr char kHashesKept[] = "hashes-old";

// Moves a hashes store in `dir` onto the LMDB engine. The old files go to
// DIR/hashes-old, so nothing is lost if the user wants them back.
Status MigrateHashesStore(const std::string& dir, const StoreOptions& options, std::string& note) {
  std::int64_t quads = 0;
  {
    TINYKG_ASSIGN_OR_RETURN(auto old, internal::OpenHashesStore(false, dir));
    Status s = internal::MigrateIntoLmdb(*old, dir, &quads);
    if (!s.ok()) {
      std::error_code ec;
      for (const char* f : {"data.mdb", "lock.mdb", "write.lock"}) fs::remove(fs::path(dir) / f, ec);
      return s.WithContext("migrating the hashes store " + dir + " to the LMDB engine (the store is unchanged)");
    }
  }
  std::error_code ec;
  fs::path kept = fs::path(dir) / kHashesKept;
  fs::create_directories(kept, ec);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (entry.path().extension() == ".db" || name == "lock" || name == "journal")) {
      fs::rename(entry.path(), kept / name, ec);
    }
  }
  (void)options;
  note = "store " + dir + " was moved from the Redland hashes format to the LMDB engine (" + std::to_string(quads) +
         " quads); the old files are in " + kept.string() + " (hashes:" + kept.string() + " opens them)";
  return Status::Ok();
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

Result<std::int64_t> Store::Count(const std::optional<Term>& subject, const std::optional<Term>& predicate,
                                  const std::optional<Term>& object) {
  auto part = [](const std::optional<Term>& t, const char* var) {
    return t ? (t->is_blank() ? "_:" + t->value : t->ToNTriples()) : std::string(var);
  };
  TINYKG_ASSIGN_OR_RETURN(auto r, Query("SELECT (COUNT(*) AS ?n) WHERE { " + part(subject, "?s") + " " +
                                        part(predicate, "?p") + " " + part(object, "?o") + " }"));
  if (r.rows.empty() || !r.rows[0][0]) return std::int64_t{0};  // Rasqal: no row for no match
  return static_cast<std::int64_t>(std::atoll(r.rows[0][0]->value.c_str()));
}

Result<ObjectTable> Store::ObjectsOfMany(std::span<const Term* const> subjects,
                                        const std::vector<std::string>& predicates,
                                        std::span<const std::uint64_t> /*subject_ids*/) {
  ObjectTable out(predicates.size());
  for (const Term* s : subjects) {
    for (const auto& p : predicates) {
      TINYKG_ASSIGN_OR_RETURN(auto objects, Objects(*s, p));
      for (auto& o : objects) out.AddObject(out.AddTerm(std::move(o)));
      out.EndCell();
    }
  }
  return out;
}

namespace {

// Store::Batch for stores that write a batch at once: the documents are
// gathered and written by PutAllConsuming at Commit.
class GatheringBatch final : public Store::Batch {
 public:
  explicit GatheringBatch(Store& store) : store_(store) {}
  Status Put(GraphDocument&& doc) override {
    docs_.push_back(std::move(doc));
    return Status::Ok();
  }
  Status Append(GraphDocument&& more) override {
    if (docs_.empty() || docs_.back().iri != more.iri) {
      return Internal("Append() continues the document of the last Put()");
    }
    GraphDocument& doc = docs_.back();
    doc.triples.insert(doc.triples.end(), std::make_move_iterator(more.triples.begin()),
                       std::make_move_iterator(more.triples.end()));
    if (!more.prefixes.empty()) doc.prefixes = std::move(more.prefixes);
    return Status::Ok();
  }
  Status Commit() override {
    std::vector<GraphDocument> docs = std::move(docs_);
    docs_.clear();
    return store_.PutAllConsuming(std::move(docs));
  }

 private:
  Store& store_;
  std::vector<GraphDocument> docs_;
};

}  // namespace

Result<std::unique_ptr<Store::Batch>> Store::BeginBatch() {
  return std::unique_ptr<Store::Batch>(new GatheringBatch(*this));
}

Result<StoreSpec> ParseStoreSpec(std::string_view text) {
  StoreSpec spec;
  std::string s(text);
  if (s.empty()) return InvalidArgument("empty store spec");
  if (HasControl(s)) return InvalidArgument("store spec contains a control character");
  if (s == "memory:" || s == "memory") {
    spec.kind = StoreSpec::Kind::kMemory;
    return spec;
  }
  if (s == "hashes-memory:") {
    spec.kind = StoreSpec::Kind::kHashesMemory;
    return spec;
  }
  if (s.rfind("virtuoso://", 0) == 0) {
    spec.kind = StoreSpec::Kind::kVirtuoso;
    spec.virtuoso = s;
    return spec;
  }
  if (s.rfind("hashes:", 0) == 0) {
    spec.kind = StoreSpec::Kind::kHashes;
    s = s.substr(7);
  } else if (s.rfind("lmdb:", 0) == 0) {
    s = s.substr(5);
  }
  if (s.empty()) return InvalidArgument("store spec '" + std::string(text) + "' names no directory");
  if (s.find("://") != std::string::npos) {
    return InvalidArgument("unsupported store spec '" + s +
                           "' (expected a directory, lmdb:DIR, memory:, hashes:DIR, hashes-memory: or "
                           "virtuoso://HOST:PORT/NAME)");
  }
  spec.dir = s;
  return spec;
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view text, const StoreOptions& options) {
  TINYKG_ASSIGN_OR_RETURN(StoreSpec spec, ParseStoreSpec(text));
  switch (spec.kind) {
    case StoreSpec::Kind::kMemory: return internal::OpenLmdbStore(spec, options);
    case StoreSpec::Kind::kHashesMemory: return internal::OpenHashesStore(true, "");
    case StoreSpec::Kind::kHashes: return internal::OpenHashesStore(false, spec.dir);
    case StoreSpec::Kind::kVirtuoso: return internal::OpenVirtuosoStore(spec.virtuoso);
    case StoreSpec::Kind::kLmdb: break;
  }
  std::string note;
  std::error_code ec;
  if (!internal::LmdbEngine::Exists(spec.dir) && fs::exists(fs::path(spec.dir) / kHashesProbe, ec)) {
    TINYKG_RETURN_IF_ERROR(MigrateHashesStore(spec.dir, options, note));
  }
  return internal::OpenLmdbStore(spec, options, note);
}

}  // namespace tinykg::rdf
