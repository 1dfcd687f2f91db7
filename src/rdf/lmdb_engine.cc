#include "lmdb_engine.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>
#include <tuple>
#include <utility>

namespace tinykg::rdf::internal {

namespace {

namespace fs = std::filesystem;

// Format 2 inlines integer literals (see lmdb_engine.h); format 1 stores
// are read and written as format 1.
constexpr char kFormatVersion[] = "2";
constexpr char kFormatVersionDictionaryOnly[] = "1";
constexpr char kXsdInteger[] = "http://www.w3.org/2001/XMLSchema#integer";
constexpr TermId kInlineOffset = TermId{1} << 62;
// Terms longer than this are keyed by their hash (LMDB keys are <= 511 bytes).
constexpr size_t kMaxInlineTerm = 400;
constexpr size_t kIdBytes = 8;
constexpr unsigned kDeadlineEvery = 256;  // scan steps between clock reads

void PutId(char* out, TermId id) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(id & 0xFF);
    id >>= 8;
  }
}

// An index key: the ids one after the other (gspo: 4, spo/pos/osp: 3).
void PutIds(char* out, std::initializer_list<TermId> ids) {
  for (TermId id : ids) {
    PutId(out, id);
    out += kIdBytes;
  }
}

TermId GetId(const char* in) {
  TermId id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | static_cast<unsigned char>(in[i]);
  return id;
}

std::string IdKey(TermId id) {
  std::string k(kIdBytes, '\0');
  PutId(k.data(), id);
  return k;
}

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view View(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

// Two FNV-1a passes with different offsets: 128 bits for the key of a long
// term. Collisions are harmless (the ids under a hash are compared by value).
std::string LongTermKey(std::string_view bytes) {
  std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (unsigned char c : bytes) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
    b ^= b >> 29;
  }
  std::string k(16, '\0');
  PutId(k.data(), a);
  PutId(k.data() + 8, b ^ bytes.size());
  return k;
}

Status LmdbError(int rc, const std::string& what, const std::string& dir) {
  std::string text = what + ": " + mdb_strerror(rc);
  if (rc == ENOSPC) text = what + ": no space left on the device (the store is unchanged)";
  if (rc == MDB_MAP_FULL) text = what + ": the store reached its map size (the store is unchanged)";
  return StoreError(text, {dir});
}

// Catalog entry value: length-prefixed kind, source, label, load time, the
// triple count, then (stores written since the declared prefixes were kept;
// older entries end after the count) one length-prefixed field of
// "prefix\tnamespace\n" lines.
void PutField(std::string& out, std::string_view s) {
  std::uint32_t n = static_cast<std::uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}

bool GetField(std::string_view& in, std::string& out) {
  std::uint32_t n = 0;
  if (in.size() < sizeof n) return false;
  std::memcpy(&n, in.data(), sizeof n);
  in.remove_prefix(sizeof n);
  if (in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

std::string EncodeCatalog(const GraphInfo& info) {
  std::string out;
  PutField(out, info.kind);
  PutField(out, info.source);
  PutField(out, info.label);
  PutField(out, info.loaded_at);
  std::int64_t n = info.triples;
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  if (!info.prefixes.empty()) {
    std::string lines;
    for (const auto& [prefix, ns] : info.prefixes) lines += prefix + "\t" + ns + "\n";
    PutField(out, lines);
  }
  return out;
}

bool DecodeCatalog(std::string_view in, GraphInfo& info) {
  if (!GetField(in, info.kind) || !GetField(in, info.source) || !GetField(in, info.label) ||
      !GetField(in, info.loaded_at) || in.size() < sizeof(std::int64_t)) {
    return false;
  }
  std::memcpy(&info.triples, in.data(), sizeof info.triples);
  in.remove_prefix(sizeof info.triples);
  info.prefixes.clear();
  if (in.empty()) return true;
  std::string lines;
  if (!GetField(in, lines) || !in.empty()) return false;
  for (std::size_t at = 0; at < lines.size();) {
    const std::size_t tab = lines.find('\t', at), end = lines.find('\n', at);
    if (tab == std::string::npos || end == std::string::npos || tab > end) return false;
    info.prefixes.emplace_back(lines.substr(at, tab - at), lines.substr(tab + 1, end - tab - 1));
    at = end + 1;
  }
  return true;
}

}  // namespace

std::optional<TermId> InlineId(const Term& term) {
  if (!term.is_literal() || !term.language.empty() || term.datatype != kXsdInteger) return std::nullopt;
  std::string_view v = term.value;
  const bool negative = !v.empty() && v.front() == '-';
  if (negative) v.remove_prefix(1);
  if (v.empty() || v.size() > 18) return std::nullopt;
  if (v.size() > 1 && v.front() == '0') return std::nullopt;  // "007" is another term than "7"
  if (negative && v == "0") return std::nullopt;              // "-0" too
  std::int64_t value = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (negative) value = -value;
  return kInlineTag | (static_cast<TermId>(value) + kInlineOffset);
}

std::int64_t InlineValue(TermId id) {
  return static_cast<std::int64_t>((id & ~kInlineTag) - kInlineOffset);
}


void EncodeTermTo(const Term& term, std::string& out) {
  out.clear();
  switch (term.kind) {
    case TermKind::kIri:
      out += 'I';
      break;
    case TermKind::kBlank:
      out += 'B';
      break;
    case TermKind::kLiteral:
      if (!term.language.empty()) {
        out += 'G';
        out += term.language;
        out += '\0';
      } else if (!term.datatype.empty() && term.datatype != "http://www.w3.org/2001/XMLSchema#string") {
        out += 'T';
        out += term.datatype;
        out += '\0';
      } else {
        out += 'L';
      }
      break;
  }
  out += term.value;
}

std::string EncodeTerm(const Term& term) {
  std::string out;
  EncodeTermTo(term, out);
  return out;
}

Term DecodeTerm(std::string_view bytes) {
  if (bytes.empty()) return Term::Literal("");
  char kind = bytes[0];
  bytes.remove_prefix(1);
  switch (kind) {
    case 'I': return Term::Iri(std::string(bytes));
    case 'B': return Term::Blank(std::string(bytes));
    case 'G':
    case 'T': {
      size_t nul = bytes.find('\0');
      std::string head(bytes.substr(0, nul));
      std::string value(nul == std::string_view::npos ? std::string_view() : bytes.substr(nul + 1));
      return kind == 'G' ? Term::Literal(std::move(value), "", std::move(head))
                         : Term::Literal(std::move(value), std::move(head));
    }
    default: return Term::Literal(std::string(bytes));
  }
}

// --- opening -----------------------------------------------------------------

bool LmdbEngine::Exists(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "data.mdb", ec);
}

Result<std::unique_ptr<LmdbEngine>> LmdbEngine::Open(const Options& options) {
  std::unique_ptr<LmdbEngine> engine(new LmdbEngine());
  engine->options_ = options;
  TINYKG_RETURN_IF_ERROR(engine->OpenEnv(options));
  return engine;
}

LmdbEngine::~LmdbEngine() {
  if (write_txn_) Abort();
  if (read_txn_) mdb_txn_abort(read_txn_);
  if (env_) mdb_env_close(env_);
  if (compact_fd_ >= 0) close(compact_fd_);
  if (lock_fd_ >= 0) close(lock_fd_);
}

// Sets this process's fcntl lock of `type` (F_RDLCK, F_WRLCK) on the first
// byte of `fd`'s file without waiting: 0, or -1 when another process holds a
// conflicting lock.
static int LockFirstByte(int fd, short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;
  return fcntl(fd, F_SETLK, &lock);
}

// Index keys written among older ones (a literal many devices share, an
// object of every device) split pages half full: at a million devices pos,
// osp and t2i held about twice the pages their keys need. They are written
// again, in key order and appended, from spo and i2t (which new ids only
// ever extend); the pages freed go with the compacting copy.
Status LmdbEngine::RepackIndexes() {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) return LmdbError(rc, "cannot write the store", dir_);
  struct Abort {
    MDB_txn** txn;
    ~Abort() {
      if (*txn) mdb_txn_abort(*txn);
    }
  } abort{&txn};
  auto each = [&](MDB_dbi dbi, auto&& f) -> int {
    MDB_cursor* cursor = nullptr;
    int got = mdb_cursor_open(txn, dbi, &cursor);
    if (got != 0) return got;
    MDB_val k, v;
    for (got = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); got == 0; got = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      f(k, v);
    }
    mdb_cursor_close(cursor);
    return got == MDB_NOTFOUND ? 0 : got;
  };
  // pos and osp from spo: 24-byte keys, empty values.
  using Key = std::array<char, 24>;
  std::vector<Key> keys;
  for (auto [dbi, first, second, third] : {std::tuple<MDB_dbi, int, int, int>{pos_, 1, 2, 0}, {osp_, 2, 0, 1}}) {
    // Plain copies: clang 14 cannot capture structured bindings in a lambda.
    const int a = first, b = second, c = third;
    keys.clear();
    rc = each(spo_, [&](const MDB_val& k, const MDB_val&) {
      if (k.mv_size != 24) return;
      const char* key = static_cast<const char*>(k.mv_data);
      const TermId ids[3] = {GetId(key), GetId(key + kIdBytes), GetId(key + 2 * kIdBytes)};
      PutIds(keys.emplace_back().data(), {ids[a], ids[b], ids[c]});
    });
    if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
    // In LMDB's order: bytes compared unsigned, as memcmp does.
    std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) { return std::memcmp(x.data(), y.data(), 24) < 0; });
    if ((rc = mdb_drop(txn, dbi, 0)) != 0) return LmdbError(rc, "cannot write the store", dir_);
    MDB_val empty{0, nullptr};
    for (Key& key : keys) {
      MDB_val k{key.size(), key.data()};
      if ((rc = mdb_put(txn, dbi, &k, &empty, MDB_APPEND)) != 0) return LmdbError(rc, "cannot write the store", dir_);
    }
  }
  keys = {};
  // t2i from i2t: term bytes -> id for the terms short enough to be keys.
  std::vector<std::pair<std::string_view, TermId>> terms;  // views into the map
  rc = each(i2t_, [&](const MDB_val& k, const MDB_val& v) {
    if (k.mv_size == kIdBytes && v.mv_size <= kMaxInlineTerm) {
      terms.emplace_back(View(v), GetId(static_cast<const char*>(k.mv_data)));
    }
  });
  if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
  std::sort(terms.begin(), terms.end());
  if ((rc = mdb_drop(txn, t2i_, 0)) != 0) return LmdbError(rc, "cannot write the store", dir_);
  for (const auto& [bytes, id] : terms) {
    char value[kIdBytes];
    PutId(value, id);
    MDB_val k = Val(bytes), v{kIdBytes, value};
    if ((rc = mdb_put(txn, t2i_, &k, &v, MDB_APPEND)) != 0) return LmdbError(rc, "cannot write the store", dir_);
  }
  rc = mdb_txn_commit(txn);
  txn = nullptr;
  if (rc != 0) return LmdbError(rc, "cannot commit the repacked indexes (the store is unchanged)", dir_);
  return Status::Ok();
}

Result<Store::Compaction> LmdbEngine::Compact() {
  if (options_.temporary) return Unsupported("a memory: store has no file to compact");
  if (write_txn_ || read_depth_ > 0) return Internal("Compact inside a transaction");
  const std::string data = dir_ + "/data.mdb", copy = dir_ + "/data.mdb.compact";
  TINYKG_RETURN_IF_ERROR(LockWriter());
  struct Unlock {
    LmdbEngine* engine;
    ~Unlock() { engine->UnlockWriter(); }
  } unlock{this};
  // Every process with the environment open holds a shared fcntl lock on
  // the first byte of lock.mdb (LMDB's lock-file protocol; the first opener
  // takes it exclusively to initialise the file). Ours becomes exclusive
  // only when no other process holds one, and new openers wait on it until
  // the new file is in place.
  if (compact_fd_ < 0) compact_fd_ = open((dir_ + "/lock.mdb").c_str(), O_RDWR | O_CLOEXEC);
  if (compact_fd_ < 0) return StoreError(std::string("cannot open lock.mdb: ") + std::strerror(errno), {dir_});
  if (LockFirstByte(compact_fd_, F_WRLCK) != 0) {
    return StoreError("store " + dir_ + " is open in another process (a reader or tinykg serve); " +
                      "compact needs it to itself (the store is unchanged)");
  }
  struct Share {
    int fd;
    ~Share() { LockFirstByte(fd, F_RDLCK); }  // back to what LMDB holds for our environment
  } share{compact_fd_};
  Store::Compaction out;
  std::error_code ec;
  out.bytes_before = static_cast<std::int64_t>(fs::file_size(data, ec));
  TINYKG_RETURN_IF_ERROR(RepackIndexes());
  fs::remove(copy, ec);  // a copy a crash left behind
  int fd = open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return StoreError(std::string("cannot create ") + copy + ": " + std::strerror(errno), {dir_});
  int rc = mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
  if (rc == 0 && fsync(fd) != 0) rc = errno;
  close(fd);
  if (rc != 0) {
    fs::remove(copy, ec);
    return LmdbError(rc, "cannot write the compacted copy (the store is unchanged)", dir_);
  }
  // The swap: a crash before the rename leaves the old file, after it the
  // new one, both whole.
  if (std::rename(copy.c_str(), data.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    fs::remove(copy, ec);
    return StoreError("cannot replace data.mdb: " + why + " (the store is unchanged)", {dir_});
  }
  int dir_fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  // Our mapping is of the old file: open the environment again.
  mdb_env_close(env_);
  env_ = nullptr;
  TINYKG_RETURN_IF_ERROR(OpenEnv(options_));
  out.bytes_after = static_cast<std::int64_t>(fs::file_size(data, ec));
  return out;
}

Status LmdbEngine::OpenEnv(const Options& options) {
  std::error_code ec;
  if (options.temporary) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tinykg-memory-XXXXXX";
    if (!mkdtemp(pattern.data())) return StoreError(std::string("cannot create a memory store: ") + std::strerror(errno));
    dir_ = pattern;
  } else {
    dir_ = options.dir;
    fs::create_directories(dir_, ec);
    if (ec) return StoreError("cannot create store directory: " + ec.message(), {dir_});
    if (!fs::is_directory(dir_, ec)) return StoreError("not a directory", {dir_});
  }
  int rc = mdb_env_create(&env_);
  if (rc != 0) return LmdbError(rc, "cannot create an LMDB environment", dir_);
  mdb_env_set_maxdbs(env_, 16);
  mdb_env_set_maxreaders(env_, 1024);
  // Address space only: the file grows with the data.
  mdb_env_set_mapsize(env_, (options.temporary ? std::size_t{64} : std::size_t{1024}) << 30);
  unsigned flags = MDB_NOTLS;
  if (options.temporary) flags |= MDB_NOSYNC | MDB_NOMETASYNC;
  rc = mdb_env_open(env_, dir_.c_str(), flags, 0644);
  if (options.temporary) {
    // Nobody else may open it, and it is gone when the process ends (even
    // killed): the files live on only through our descriptors and mapping.
    fs::remove(fs::path(dir_) / "data.mdb", ec);
    fs::remove(fs::path(dir_) / "lock.mdb", ec);
    fs::remove(dir_, ec);
  }
  if (rc != 0) return LmdbError(rc, "cannot open the store", dir_);
  int dead = 0;
  mdb_reader_check(env_, &dead);

  // The databases: opened in a read transaction when they exist (a reader
  // never needs the write lock), created under the write lock otherwise.
  struct Db {
    const char* name;
    MDB_dbi* dbi;
    unsigned flags;
  } dbs[] = {{"t2i", &t2i_, 0},  {"h2i", &h2i_, MDB_DUPSORT}, {"i2t", &i2t_, 0},   {"refs", &refs_, 0},
             {"spo", &spo_, 0},  {"pos", &pos_, 0},           {"osp", &osp_, 0},   {"gspo", &gspo_, 0},
             {"cat", &cat_, 0},  {"text", &text_, 0},         {"meta", &meta_, 0}};
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
  if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
  bool all = true;
  for (auto& db : dbs) {
    if (mdb_dbi_open(txn, db.name, db.flags, db.dbi) != 0) {
      all = false;
      break;
    }
  }
  if (all) {
    MDB_val k = Val("version"), v;
    std::string version = mdb_get(txn, meta_, &k, &v) == 0 ? std::string(View(v)) : "";
    mdb_txn_commit(txn);  // keeps the handles
    if (version != kFormatVersion && version != kFormatVersionDictionaryOnly) {
      return StoreError("the store has format version '" + version + "'; this tinykg reads versions " +
                            kFormatVersionDictionaryOnly + " and " + kFormatVersion,
                        {dir_});
    }
    inline_integers_ = version == kFormatVersion;
    return Status::Ok();
  }
  mdb_txn_abort(txn);
  TINYKG_RETURN_IF_ERROR(LockWriter());
  rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc != 0) {
    UnlockWriter();
    return LmdbError(rc, "cannot write the store", dir_);
  }
  for (auto& db : dbs) {
    rc = mdb_dbi_open(txn, db.name, db.flags | MDB_CREATE, db.dbi);
    if (rc != 0) break;
  }
  std::string version = kFormatVersion;
  if (rc == 0) {
    MDB_val k = Val("version"), v = Val(version);
    rc = mdb_put(txn, meta_, &k, &v, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {  // made meanwhile by another process
      version = std::string(View(v));
      rc = 0;
    }
  }
  inline_integers_ = version == kFormatVersion;
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else {
    mdb_txn_abort(txn);
  }
  UnlockWriter();
  if (rc != 0) return LmdbError(rc, "cannot create the store", dir_);
  return Status::Ok();
}

// --- locking and transactions -------------------------------------------------

Status LmdbEngine::LockWriter() {
  if (options_.temporary) return Status::Ok();
  std::string path = dir_ + "/write.lock";
  if (lock_fd_ < 0) {
    lock_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return StoreError(std::string("cannot open the write lock: ") + std::strerror(errno), {path});
  }
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return StoreError(std::string("cannot lock the store: ") + std::strerror(errno), {path});
    char buf[32] = {0};
    ssize_t n = pread(lock_fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    std::string who = "store " + dir_ + " is being written by pid " + pid;
    if (options_.lock_timeout_ms == 0) return StoreError(who + " (--lock-timeout 0)");
    if (options_.on_wait) {
      options_.on_wait(who + "; waiting" +
                       (options_.lock_timeout_ms > 0 ? " up to " + std::to_string(options_.lock_timeout_ms) + " ms" : ""));
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.lock_timeout_ms);
    while (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (options_.lock_timeout_ms > 0 && std::chrono::steady_clock::now() >= until) {
        return StoreError(who + "; gave up after " + std::to_string(options_.lock_timeout_ms) + " ms (--lock-timeout)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(lock_fd_, 0) == 0) {
    ssize_t ignored = pwrite(lock_fd_, pid.data(), pid.size(), 0);
    (void)ignored;
  }
  return Status::Ok();
}

void LmdbEngine::UnlockWriter() {
  if (lock_fd_ >= 0) flock(lock_fd_, LOCK_UN);
}

Status LmdbEngine::BeginRead() {
  if (write_txn_) return Status::Ok();
  if (read_depth_++ > 0) return Status::Ok();
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &read_txn_);
  if (rc != 0) {
    read_depth_ = 0;
    read_txn_ = nullptr;
    return LmdbError(rc, "cannot read the store", dir_);
  }
  return Status::Ok();
}

void LmdbEngine::EndRead() {
  if (write_txn_ || read_depth_ == 0) return;
  if (--read_depth_ == 0 && read_txn_) {
    mdb_txn_abort(read_txn_);
    read_txn_ = nullptr;
  }
}

void LmdbEngine::Tick() {
  const auto now = std::chrono::steady_clock::now();
  if (has_deadline_ && now >= deadline_) {
    expired_ = true;
    return;
  }
  if (!may_yield_ || write_txn_ || now - slice_start_ < kYieldSlice) return;
  // This query's reader state, put aside while others use the engine.
  MDB_txn* const txn = std::exchange(read_txn_, nullptr);
  const int depth = std::exchange(read_depth_, 0);
  const bool had_deadline = std::exchange(has_deadline_, false);
  const auto deadline = deadline_;
  may_yield_ = false;
  yield_();
  read_txn_ = txn;
  read_depth_ = depth;
  has_deadline_ = had_deadline;
  deadline_ = deadline;
  expired_ = false;
  may_yield_ = static_cast<bool>(yield_);
  slice_start_ = std::chrono::steady_clock::now();
  if (has_deadline_ && slice_start_ >= deadline_) expired_ = true;
}

Status LmdbEngine::ReadTxn(MDB_txn** txn, MDB_txn** owned) {
  *owned = nullptr;
  if (write_txn_) {
    *txn = write_txn_;
  } else if (read_txn_) {
    *txn = read_txn_;
  } else {
    int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, owned);
    if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
    *txn = *owned;
  }
  return Status::Ok();
}

Status LmdbEngine::BeginWrite() {
  if (write_txn_) return Internal("nested write transaction");
  TINYKG_RETURN_IF_ERROR(LockWriter());
  int rc = mdb_txn_begin(env_, nullptr, 0, &write_txn_);
  if (rc != 0) {
    write_txn_ = nullptr;
    UnlockWriter();
    return LmdbError(rc, "cannot begin a write", dir_);
  }
  MDB_val k = Val("next-id"), v;
  next_id_ = 0;
  if (mdb_get(write_txn_, meta_, &k, &v) == 0 && v.mv_size == kIdBytes) {
    next_id_ = GetId(static_cast<const char*>(v.mv_data));
  }
  intern_cache_.clear();
  ref_delta_.clear();
  pending_union_.clear();
  triple_delta_ = quad_delta_ = 0;
  return Status::Ok();
}

Status LmdbEngine::AddCounter(const char* name, std::int64_t delta) {
  if (delta == 0) return Status::Ok();
  MDB_val k = Val(name), v;
  std::int64_t n = 0;
  if (mdb_get(write_txn_, meta_, &k, &v) == 0 && v.mv_size == sizeof n) std::memcpy(&n, v.mv_data, sizeof n);
  n += delta;
  v = MDB_val{sizeof n, &n};
  int rc = mdb_put(write_txn_, meta_, &k, &v, 0);
  return rc == 0 ? Status::Ok() : LmdbError(rc, "cannot write the store", dir_);
}

std::int64_t LmdbEngine::Counter(const char* name) {
  MDB_txn *txn = nullptr, *owned = nullptr;
  if (!ReadTxn(&txn, &owned).ok()) return 0;
  MDB_val k = Val(name), v;
  std::int64_t n = 0;
  if (mdb_get(txn, meta_, &k, &v) == 0 && v.mv_size == sizeof n) std::memcpy(&n, v.mv_data, sizeof n);
  if (owned) mdb_txn_abort(owned);
  if (write_txn_) n += std::string_view(name) == "triples" ? triple_delta_ : quad_delta_;
  return n;
}

std::int64_t LmdbEngine::triple_count() { return Counter("triples"); }
std::int64_t LmdbEngine::quad_count() { return Counter("quads"); }

Status LmdbEngine::Commit() {
  if (!write_txn_) return Internal("commit without a write");
  Status s = FlushUnion();
  if (s.ok()) s = FlushRefs();
  if (s.ok()) s = AddCounter("triples", triple_delta_);
  if (s.ok()) s = AddCounter("quads", quad_delta_);
  if (s.ok()) {
    std::string id = IdKey(next_id_);
    MDB_val k = Val("next-id"), v = Val(id);
    int rc = mdb_put(write_txn_, meta_, &k, &v, 0);
    if (rc != 0) s = LmdbError(rc, "cannot write the store", dir_);
  }
  if (!s.ok()) {
    Abort();
    return s;
  }
  CloseWriteCursors();
  int rc = mdb_txn_commit(write_txn_);
  write_txn_ = nullptr;
  intern_cache_.clear();
  ref_delta_.clear();
  pending_union_.clear();
  triple_delta_ = quad_delta_ = 0;
  UnlockWriter();
  if (rc != 0) return LmdbError(rc, "cannot commit the write", dir_);
  return Status::Ok();
}

void LmdbEngine::Abort() {
  if (!write_txn_) return;
  CloseWriteCursors();
  mdb_txn_abort(write_txn_);
  write_txn_ = nullptr;
  intern_cache_.clear();
  ref_delta_.clear();
  pending_union_.clear();
  triple_delta_ = quad_delta_ = 0;
  UnlockWriter();
}

// --- terms ----------------------------------------------------------------------

Result<std::optional<TermId>> LmdbEngine::Lookup(MDB_txn* txn, const std::string& bytes) {
  if (bytes.size() <= kMaxInlineTerm) {
    MDB_val k = Val(bytes), v;
    int rc = mdb_get(txn, t2i_, &k, &v);
    if (rc == MDB_NOTFOUND) return std::optional<TermId>();
    if (rc != 0 || v.mv_size != kIdBytes) return LmdbError(rc, "cannot read a term", dir_);
    return std::optional<TermId>(GetId(static_cast<const char*>(v.mv_data)));
  }
  std::string hash = LongTermKey(bytes);
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, h2i_, &cursor);
  if (rc != 0) return LmdbError(rc, "cannot read a term", dir_);
  MDB_val k = Val(hash), v;
  std::optional<TermId> found;
  for (rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_KEY); rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT_DUP)) {
    TermId id = GetId(static_cast<const char*>(v.mv_data));
    std::string key = IdKey(id);
    MDB_val ik = Val(key), iv;
    if (mdb_get(txn, i2t_, &ik, &iv) == 0 && View(iv) == bytes) {
      found = id;
      break;
    }
  }
  mdb_cursor_close(cursor);
  return found;
}

Result<std::optional<TermId>> LmdbEngine::Find(const Term& term) {
  if (auto id = Inlined(term)) return id;
  std::string bytes = EncodeTerm(term);
  if (write_txn_) {
    auto it = intern_cache_.find(bytes);
    if (it != intern_cache_.end()) return std::optional<TermId>(it->second);
  }
  MDB_txn *txn = nullptr, *owned = nullptr;
  TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &owned));
  auto r = Lookup(txn, bytes);
  if (owned) mdb_txn_abort(owned);
  return r;
}

Result<TermId> LmdbEngine::Intern(const Term& term) {
  if (auto id = Inlined(term)) return *id;
  std::string& bytes = scratch_;
  EncodeTermTo(term, bytes);
  auto cached = intern_cache_.find(bytes);
  if (cached != intern_cache_.end()) return cached->second;
  TermId id = 0;
  int rc = 0;
  if (bytes.size() <= kMaxInlineTerm) {
    // Looked up with the write cursor: a new term is then put where the
    // lookup left the cursor, without a second descent.
    MDB_cursor* t2i = WriteCursor(t2i_, &rc);
    if (!t2i) return LmdbError(rc, "cannot read a term", dir_);
    MDB_val k = Val(bytes), v;
    rc = mdb_cursor_get(t2i, &k, &v, MDB_SET);
    if (rc == 0) {
      if (v.mv_size != kIdBytes) return LmdbError(MDB_CORRUPTED, "cannot read a term", dir_);
      id = GetId(static_cast<const char*>(v.mv_data));
    } else if (rc != MDB_NOTFOUND) {
      return LmdbError(rc, "cannot read a term", dir_);
    }
  } else {
    TINYKG_ASSIGN_OR_RETURN(auto found, Lookup(write_txn_, bytes));
    if (found) id = *found;
  }
  if (id == 0) {
    id = ++next_id_;
    char key[kIdBytes];
    PutId(key, id);
    // New ids are larger than every stored one: i2t's cursor stays at its end.
    MDB_val ik{kIdBytes, key}, iv = Val(bytes);
    rc = PutSorted(i2t_, &ik, &iv);
    if (rc == 0) {
      MDB_val v{kIdBytes, key};
      if (bytes.size() <= kMaxInlineTerm) {
        MDB_val k = Val(bytes);
        rc = PutSorted(t2i_, &k, &v);
      } else {
        std::string hash = LongTermKey(bytes);
        MDB_val k = Val(hash);
        rc = mdb_put(write_txn_, h2i_, &k, &v, 0);
      }
    }
    if (rc != 0) return LmdbError(rc, "cannot write a term", dir_);
    Ref(id, 0);  // a new term nobody ends up using is removed at commit
  }
  if (intern_cache_.size() > 1000000) intern_cache_.clear();
  intern_cache_.emplace(bytes, id);
  return id;
}

Result<Term> LmdbEngine::TermOf(TermId id) {
  if (IsInlineId(id)) return Term::Literal(std::to_string(InlineValue(id)), kXsdInteger);
  MDB_txn *txn = nullptr, *owned = nullptr;
  TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &owned));
  std::string key = IdKey(id);
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn, i2t_, &k, &v);
  Term t;
  if (rc == 0) t = DecodeTerm(View(v));
  if (owned) mdb_txn_abort(owned);
  if (rc != 0) return StoreError("term " + std::to_string(id) + " is missing from the store", {dir_});
  return t;
}

Status LmdbEngine::FlushRefs() {
  std::vector<std::pair<TermId, std::int64_t>> deltas(ref_delta_.begin(), ref_delta_.end());
  std::sort(deltas.begin(), deltas.end());
  int rc = 0;
  MDB_cursor* refs = WriteCursor(refs_, &rc);
  if (!refs) return LmdbError(rc, "cannot write the store", dir_);
  for (const auto& [id, delta] : deltas) {
    char key[kIdBytes];
    PutId(key, id);
    MDB_val k{kIdBytes, key}, v;
    std::int64_t n = 0;
    // In id order through one cursor: a count is read and written on the
    // page the cursor is on.
    rc = mdb_cursor_get(refs, &k, &v, MDB_SET);
    const bool found = rc == 0;
    if (found && v.mv_size == sizeof n) std::memcpy(&n, v.mv_data, sizeof n);
    if (delta == 0 && n > 0) continue;
    n += delta;
    rc = 0;
    if (n > 0) {
      k = MDB_val{kIdBytes, key};
      v = MDB_val{sizeof n, &n};
      rc = mdb_cursor_put(refs, &k, &v, found ? MDB_CURRENT : 0);
    } else {
      // Nothing names the term any more: it leaves the dictionary. (Only
      // the refs cursor stays open across deletes: see RemoveIds.)
      if (found) mdb_cursor_del(refs, 0);
      for (MDB_dbi dbi : {t2i_, i2t_}) {
        if (write_cursors_[dbi]) mdb_cursor_close(std::exchange(write_cursors_[dbi], nullptr));
      }
      k = MDB_val{kIdBytes, key};
      MDB_val tv;
      if (mdb_get(write_txn_, i2t_, &k, &tv) == 0) {
        std::string bytes(View(tv));
        if (bytes.size() <= kMaxInlineTerm) {
          MDB_val tk = Val(bytes);
          mdb_del(write_txn_, t2i_, &tk, nullptr);
        } else {
          std::string hash = LongTermKey(bytes);
          MDB_val hk = Val(hash), hv{kIdBytes, key};
          mdb_del(write_txn_, h2i_, &hk, &hv);
        }
        rc = mdb_del(write_txn_, i2t_, &k, nullptr);
      }
    }
    if (rc != 0 && rc != MDB_NOTFOUND) return LmdbError(rc, "cannot write the store", dir_);
  }
  ref_delta_.clear();
  return Status::Ok();
}

// --- quads ------------------------------------------------------------------------

Status LmdbEngine::RemoveIds(const QuadIds& q) {
  TINYKG_RETURN_IF_ERROR(FlushUnion());
  // Deletes rebalance pages under the write cursors: they are opened again
  // where the next sorted run starts rather than trusted to follow.
  CloseWriteCursors();
  char key[32];
  PutIds(key, {q.g, q.s, q.p, q.o});
  MDB_val k{32, key};
  int rc = mdb_del(write_txn_, gspo_, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::Ok();
  if (rc != 0) return LmdbError(rc, "cannot write the store", dir_);
  Ref(q.s, -1);
  Ref(q.p, -1);
  Ref(q.o, -1);
  Ref(q.g, -1);
  --quad_delta_;
  MDB_val sk{24, key + 8}, sv;
  std::uint32_t graphs = 0;
  if (mdb_get(write_txn_, spo_, &sk, &sv) == 0 && sv.mv_size == sizeof graphs) {
    std::memcpy(&graphs, sv.mv_data, sizeof graphs);
  }
  if (graphs > 1) {
    --graphs;
    sv = MDB_val{sizeof graphs, &graphs};
    rc = mdb_put(write_txn_, spo_, &sk, &sv, 0);
  } else {
    --triple_delta_;
    char pos[24], osp[24];
    PutId(pos, q.p);
    PutId(pos + 8, q.o);
    PutId(pos + 16, q.s);
    PutId(osp, q.o);
    PutId(osp + 8, q.s);
    PutId(osp + 16, q.p);
    MDB_val pk{24, pos}, ok{24, osp};
    rc = mdb_del(write_txn_, spo_, &sk, nullptr);
    if (rc == 0) rc = mdb_del(write_txn_, pos_, &pk, nullptr);
    if (rc == 0) rc = mdb_del(write_txn_, osp_, &ok, nullptr);
  }
  return rc == 0 ? Status::Ok() : LmdbError(rc, "cannot write the store", dir_);
}

Result<std::int64_t> LmdbEngine::ClearGraph(const std::string& iri) {
  if (!write_txn_) return Internal("write outside a transaction");
  TINYKG_ASSIGN_OR_RETURN(auto gid, Find(Term::Iri(iri)));
  if (!gid) return std::int64_t{0};
  std::vector<QuadIds> doomed;
  {
    QuadIds pattern;
    pattern.g = *gid;
    TINYKG_ASSIGN_OR_RETURN(auto scan, Find(pattern));
    QuadIds q;
    while (scan->Next(q)) doomed.push_back(q);
  }
  for (const auto& q : doomed) TINYKG_RETURN_IF_ERROR(RemoveIds(q));
  return static_cast<std::int64_t>(doomed.size());
}

MDB_cursor* LmdbEngine::WriteCursor(MDB_dbi dbi, int* rc) {
  *rc = 0;
  if (dbi >= write_cursors_.size()) {
    *rc = EINVAL;
    return nullptr;
  }
  MDB_cursor*& cursor = write_cursors_[dbi];
  if (!cursor) *rc = mdb_cursor_open(write_txn_, dbi, &cursor);
  return *rc == 0 ? cursor : nullptr;
}

void LmdbEngine::CloseWriteCursors() {
  for (MDB_cursor*& cursor : write_cursors_) {
    if (cursor) mdb_cursor_close(cursor);
    cursor = nullptr;
  }
}

int LmdbEngine::PutSorted(MDB_dbi dbi, MDB_val* key, MDB_val* value) {
  int rc = 0;
  MDB_cursor* cursor = WriteCursor(dbi, &rc);
  return cursor ? mdb_cursor_put(cursor, key, value, MDB_NOOVERWRITE) : rc;
}

Result<std::int64_t> LmdbEngine::AddToGraph(const std::string& iri, const std::vector<Triple>& triples) {
  std::vector<std::int64_t> added;
  TINYKG_RETURN_IF_ERROR(AddToGraphs({{iri, &triples}}, added));
  return added[0];
}

// The batch is written index by index, each in its key order through the
// index's write cursor: neighbouring keys land on the same pages (a bulk
// load touches each page once, and finds it without a descent), and where
// keys come after everything stored (new ids are larger than all older
// ones) pages are filled whole. A document and its inferences go in one
// pass over spo: written one after the other, the inferences (about the
// same subjects) would split every page the document had just filled. pos
// and osp are written at the end of the batch (FlushUnion).
Status LmdbEngine::AddToGraphs(const std::vector<std::pair<std::string, const std::vector<Triple>*>>& graphs,
                               std::vector<std::int64_t>& added) {
  if (!write_txn_) return Internal("write outside a transaction");
  added.assign(graphs.size(), 0);
  MDB_val empty{0, nullptr};
  std::vector<QuadIds> fresh;
  auto same_triple = [](const QuadIds& a, const QuadIds& b) { return a.s == b.s && a.p == b.p && a.o == b.o; };
  auto spo = [](const QuadIds& a, const QuadIds& b) { return std::tie(a.s, a.p, a.o) < std::tie(b.s, b.p, b.o); };
  // Graph ids first, the last graph first: a new document's inferences
  // (few) get an id below the document's (many), so that every part of a
  // document read in parts comes after all of gspo and fills its pages,
  // instead of splitting the pages before the inferences' range in half.
  std::vector<TermId> graph_ids(graphs.size());
  for (size_t i = graphs.size(); i-- > 0;) {
    TINYKG_ASSIGN_OR_RETURN(graph_ids[i], Intern(Term::Iri(graphs[i].first)));
  }
  for (size_t i = 0; i < graphs.size(); ++i) {
    const TermId g = graph_ids[i];
    std::vector<QuadIds> quads;
    quads.reserve(graphs[i].second->size());
    const Term* last_subject = nullptr;  // a subject's triples come together
    TermId last_s = 0;
    for (const auto& t : *graphs[i].second) {
      QuadIds q;
      q.g = g;
      if (last_subject && t.subject == *last_subject) {
        q.s = last_s;
      } else {
        TINYKG_ASSIGN_OR_RETURN(q.s, Intern(t.subject));
        last_subject = &t.subject;
        last_s = q.s;
      }
      TINYKG_ASSIGN_OR_RETURN(q.p, Intern(t.predicate));
      TINYKG_ASSIGN_OR_RETURN(q.o, Intern(t.object));
      quads.push_back(q);
    }
    std::sort(quads.begin(), quads.end(), spo);
    quads.erase(std::unique(quads.begin(), quads.end(), same_triple), quads.end());
    for (const auto& q : quads) {
      char key[32];
      PutIds(key, {q.g, q.s, q.p, q.o});
      MDB_val k{32, key}, v = empty;
      int rc = PutSorted(gspo_, &k, &v);
      if (rc == MDB_KEYEXIST) continue;
      if (rc != 0) return LmdbError(rc, "cannot write the store", dir_);
      Ref(q.s, 1);
      Ref(q.p, 1);
      Ref(q.o, 1);
      Ref(q.g, 1);
      fresh.push_back(q);
      ++added[i];
    }
  }
  quad_delta_ += static_cast<std::int64_t>(fresh.size());

  // The union: a triple new to the store goes into all three indexes; one
  // already there counts its new graphs.
  std::stable_sort(fresh.begin(), fresh.end(), spo);
  std::vector<QuadIds> new_triples;
  for (size_t i = 0; i < fresh.size();) {
    size_t j = i + 1;
    while (j < fresh.size() && same_triple(fresh[i], fresh[j])) ++j;
    const QuadIds& q = fresh[i];
    char key[24];
    PutIds(key, {q.s, q.p, q.o});
    MDB_val k{24, key}, v;
    std::uint32_t count = static_cast<std::uint32_t>(j - i);
    v = MDB_val{sizeof count, &count};
    int rc = PutSorted(spo_, &k, &v);
    if (rc == MDB_KEYEXIST) {  // v is the stored count, the cursor on its key
      std::uint32_t graphs_before = 0;
      if (v.mv_size == sizeof graphs_before) std::memcpy(&graphs_before, v.mv_data, sizeof graphs_before);
      count += graphs_before;
      v = MDB_val{sizeof count, &count};
      rc = mdb_cursor_put(write_cursors_[spo_], &k, &v, MDB_CURRENT);
    } else if (rc == 0) {
      new_triples.push_back(q);
    }
    if (rc != 0) return LmdbError(rc, "cannot write the store", dir_);
    i = j;
  }
  triple_delta_ += static_cast<std::int64_t>(new_triples.size());
  if (!new_triples.empty()) {
    auto& keys = pending_union_.emplace_back();
    keys.reserve(new_triples.size());
    for (const auto& q : new_triples) keys.push_back({q.s, q.p, q.o});
  }
  return Status::Ok();
}

// The batch's new triples go into pos and osp in one sorted run each. A
// run put before a key the index holds splits every page it fills in half
// (LMDB splits a page in the middle unless the key goes at its end, and
// the older key stays beside the insertion point): a load into an
// initialised store, whose few thousand keys sit between the fleet's, left
// pos and osp twice the pages their keys need. So when the batch brings at
// least as many keys as the index holds, the index is written again whole,
// in order, the older keys merged in: every key then goes at the end.
Status LmdbEngine::FlushUnion() {
  if (pending_union_.empty()) return Status::Ok();
  size_t n = 0;
  for (const auto& keys : pending_union_) n += keys.size();
  std::vector<TripleKey> all;
  all.reserve(n);
  for (auto& keys : pending_union_) {
    all.insert(all.end(), keys.begin(), keys.end());
    keys = {};
  }
  pending_union_.clear();
  MDB_val empty{0, nullptr};
  auto put = [&](MDB_dbi dbi, const TripleKey& t) -> int {
    char key[24];
    PutIds(key, {t[0], t[1], t[2]});
    MDB_val k{24, key}, v = empty;
    const int rc = PutSorted(dbi, &k, &v);
    return rc == MDB_KEYEXIST ? 0 : rc;
  };
  // s p o -> p o s, then p o s -> o s p: each a rotation by one.
  for (MDB_dbi dbi : {pos_, osp_}) {
    for (auto& t : all) t = {t[1], t[2], t[0]};
    // Word by word (std::array's < goes through lexicographical_compare).
    std::sort(all.begin(), all.end(), [](const TripleKey& x, const TripleKey& y) {
      if (x[0] != y[0]) return x[0] < y[0];
      if (x[1] != y[1]) return x[1] < y[1];
      return x[2] < y[2];
    });
    MDB_stat stat;
    int rc = mdb_stat(write_txn_, dbi, &stat);
    if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
    std::vector<TripleKey> older;
    if (stat.ms_entries > all.size()) {
      for (const auto& t : all) {
        if ((rc = put(dbi, t)) != 0) return LmdbError(rc, "cannot write the store", dir_);
      }
      continue;
    }
    older.reserve(stat.ms_entries);
    MDB_cursor* cursor = WriteCursor(dbi, &rc);
    if (!cursor) return LmdbError(rc, "cannot read the store", dir_);
    MDB_val k, v;
    for (rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      if (k.mv_size != 24) return StoreError("a key of the wrong size in an index", {dir_});
      const char* key = static_cast<const char*>(k.mv_data);
      older.push_back({GetId(key), GetId(key + kIdBytes), GetId(key + 2 * kIdBytes)});
    }
    if (rc != MDB_NOTFOUND) return LmdbError(rc, "cannot read the store", dir_);
    mdb_cursor_close(std::exchange(write_cursors_[dbi], nullptr));
    if ((rc = mdb_drop(write_txn_, dbi, 0)) != 0) return LmdbError(rc, "cannot write the store", dir_);
    for (size_t i = 0, j = 0; i < all.size() || j < older.size();) {
      const bool take_new = j == older.size() || (i < all.size() && all[i] < older[j]);
      if ((rc = put(dbi, take_new ? all[i++] : older[j++])) != 0) return LmdbError(rc, "cannot write the store", dir_);
    }
  }
  return Status::Ok();
}

Status LmdbEngine::AddQuad(const Triple& triple, const std::string& graph) {
  return AddToGraph(graph, {triple}).status();
}

Status LmdbEngine::RemoveQuad(const Triple& triple, const std::string& graph) {
  if (!write_txn_) return Internal("write outside a transaction");
  QuadIds q;
  for (auto [term, id] : {std::pair<const Term*, TermId*>{&triple.subject, &q.s}, {&triple.predicate, &q.p},
                          {&triple.object, &q.o}}) {
    TINYKG_ASSIGN_OR_RETURN(auto found, Find(*term));
    if (!found) return Status::Ok();
    *id = *found;
  }
  TINYKG_ASSIGN_OR_RETURN(auto g, Find(Term::Iri(graph)));
  if (!g) return Status::Ok();
  q.g = *g;
  return RemoveIds(q);
}

// --- catalog -------------------------------------------------------------------------

Status LmdbEngine::PutCatalog(const GraphInfo& info, const std::string& original_text) {
  if (!write_txn_) return Internal("write outside a transaction");
  TINYKG_ASSIGN_OR_RETURN(TermId g, Intern(Term::Iri(info.iri)));
  std::string key = IdKey(g);
  std::string value = EncodeCatalog(info);
  MDB_val k = Val(key), v;
  if (mdb_get(write_txn_, cat_, &k, &v) == MDB_NOTFOUND) Ref(g, 1);
  v = Val(value);
  int rc = mdb_put(write_txn_, cat_, &k, &v, 0);
  if (rc == 0) {
    if (original_text.empty()) {
      rc = mdb_del(write_txn_, text_, &k, nullptr);
      if (rc == MDB_NOTFOUND) rc = 0;
    } else {
      MDB_val tv = Val(original_text);
      rc = mdb_put(write_txn_, text_, &k, &tv, 0);
    }
  }
  return rc == 0 ? Status::Ok() : LmdbError(rc, "cannot write the catalog", dir_);
}

Status LmdbEngine::DeleteCatalog(const std::string& iri) {
  if (!write_txn_) return Internal("write outside a transaction");
  TINYKG_ASSIGN_OR_RETURN(auto g, Find(Term::Iri(iri)));
  if (!g) return Status::Ok();
  std::string key = IdKey(*g);
  MDB_val k = Val(key);
  int rc = mdb_del(write_txn_, cat_, &k, nullptr);
  if (rc == 0) Ref(*g, -1);
  if (rc == MDB_NOTFOUND) rc = 0;
  if (rc == 0) rc = mdb_del(write_txn_, text_, &k, nullptr);
  if (rc == MDB_NOTFOUND) rc = 0;
  return rc == 0 ? Status::Ok() : LmdbError(rc, "cannot write the catalog", dir_);
}

Result<std::optional<GraphInfo>> LmdbEngine::Catalog(const std::string& iri, std::string* original_text) {
  TINYKG_ASSIGN_OR_RETURN(auto g, Find(Term::Iri(iri)));
  if (!g) return std::optional<GraphInfo>();
  MDB_txn *txn = nullptr, *owned = nullptr;
  TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &owned));
  std::string key = IdKey(*g);
  MDB_val k = Val(key), v;
  std::optional<GraphInfo> out;
  bool corrupt = false;
  if (mdb_get(txn, cat_, &k, &v) == 0) {
    GraphInfo info;
    info.iri = iri;
    if (DecodeCatalog(View(v), info)) {
      out = std::move(info);
    } else {
      corrupt = true;
    }
    if (original_text && mdb_get(txn, text_, &k, &v) == 0) original_text->assign(View(v));
  }
  if (owned) mdb_txn_abort(owned);
  if (corrupt) return StoreError("the catalog entry of <" + iri + "> is damaged", {dir_});
  return out;
}

Result<std::vector<GraphInfo>> LmdbEngine::AllCatalog() {
  MDB_txn *txn = nullptr, *owned = nullptr;
  TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &owned));
  std::vector<GraphInfo> out;
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, cat_, &cursor);
  MDB_val k, v;
  for (rc = rc == 0 ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST) : rc; rc == 0;
       rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
    GraphInfo info;
    MDB_val tv;
    if (k.mv_size != kIdBytes || !DecodeCatalog(View(v), info) || mdb_get(txn, i2t_, &k, &tv) != 0) continue;
    info.iri = DecodeTerm(View(tv)).value;
    out.push_back(std::move(info));
  }
  if (cursor) mdb_cursor_close(cursor);
  if (owned) mdb_txn_abort(owned);
  std::sort(out.begin(), out.end(), [](const GraphInfo& a, const GraphInfo& b) { return a.iri < b.iri; });
  return out;
}

// --- scans -----------------------------------------------------------------------------

LmdbEngine::Scan::~Scan() {
  if (cursor_) mdb_cursor_close(cursor_);
  if (own_txn_) mdb_txn_abort(own_txn_);
}

Result<std::unique_ptr<LmdbEngine::Scan>> LmdbEngine::Find(const QuadIds& pattern) {
  std::unique_ptr<Scan> scan(new Scan());
  scan->engine_ = this;
  TINYKG_RETURN_IF_ERROR(Refind(*scan, pattern));
  return scan;
}

Status LmdbEngine::Refind(Scan& scan, const QuadIds& pattern) {
  scan.want_ = pattern;
  scan.started_ = false;
  scan.done_ = false;
  scan.prefix_.clear();
  if (CheckDeadline()) {
    scan.done_ = true;
    return Status::Ok();
  }
  MDB_txn* txn = nullptr;
  if (!scan.cursor_) {
    TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &scan.own_txn_));
  } else {
    txn = mdb_cursor_txn(scan.cursor_);
  }
  // Pick the index whose key starts with the most bound terms. Positions:
  // 0 s, 1 p, 2 o, 3 g.
  MDB_dbi dbi = spo_;
  const TermId ids[4] = {pattern.s, pattern.p, pattern.o, pattern.g};
  auto use = [&](MDB_dbi d, std::initializer_list<int> order) {
    dbi = d;
    int i = 0;
    for (int pos : order) scan.order_[i++] = pos;
    scan.key_terms_ = i;
  };
  if (pattern.g) {
    use(gspo_, {3, 0, 1, 2});
  } else if (pattern.s) {
    if (pattern.o && !pattern.p) use(osp_, {2, 0, 1});
    else use(spo_, {0, 1, 2});
  } else if (pattern.p) {
    use(pos_, {1, 2, 0});
  } else if (pattern.o) {
    use(osp_, {2, 0, 1});
  } else {
    use(spo_, {0, 1, 2});
  }
  for (int i = 0; i < scan.key_terms_ && ids[scan.order_[i]] != 0; ++i) {
    char buf[8];
    PutId(buf, ids[scan.order_[i]]);
    scan.prefix_.append(buf, 8);
  }
  // The batch's pos and osp keys, when the scan reads one of them.
  if (write_txn_ && !pending_union_.empty() && (dbi == pos_ || dbi == osp_)) TINYKG_RETURN_IF_ERROR(FlushUnion());
  // The same index in the same transaction: the cursor moves (no new one).
  if (scan.cursor_ && mdb_cursor_dbi(scan.cursor_) == dbi) return Status::Ok();
  if (scan.cursor_) {
    mdb_cursor_close(scan.cursor_);
    scan.cursor_ = nullptr;
  }
  int rc = mdb_cursor_open(txn, dbi, &scan.cursor_);
  if (rc != 0) return LmdbError(rc, "cannot read the store", dir_);
  return Status::Ok();
}

bool LmdbEngine::Scan::Next(QuadIds& out) {
  if (done_) return false;
  MDB_val k, v;
  int rc;
  if (!started_) {
    started_ = true;
    if (prefix_.empty()) {
      rc = mdb_cursor_get(cursor_, &k, &v, MDB_FIRST);
    } else {
      k = Val(prefix_);
      rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
    }
  } else {
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT);
  }
  const TermId want[4] = {want_.s, want_.p, want_.o, want_.g};
  for (; rc == 0; rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT)) {
    if (++steps_ % kDeadlineEvery == 0 && engine_->CheckDeadline()) break;
    if (k.mv_size != static_cast<size_t>(key_terms_) * 8 ||
        std::memcmp(k.mv_data, prefix_.data(), prefix_.size()) != 0) {
      break;
    }
    TermId got[4] = {0, 0, 0, 0};
    const char* key = static_cast<const char*>(k.mv_data);
    for (int i = 0; i < key_terms_; ++i) got[order_[i]] = GetId(key + 8 * i);
    bool match = true;
    for (int i = 0; i < 4; ++i) {
      if (want[i] && got[i] != want[i]) match = false;
    }
    if (!match) continue;
    out = QuadIds{got[0], got[1], got[2], got[3]};
    return true;
  }
  done_ = true;
  return false;
}

std::int64_t LmdbEngine::Scan::CountRest() {
  const int bound = (want_.s != 0) + (want_.p != 0) + (want_.o != 0) + (want_.g != 0);
  std::int64_t n = 0;
  if (done_ || started_ || static_cast<size_t>(bound) * 8 != prefix_.size()) {
    QuadIds q;
    while (Next(q)) ++n;
    return n;
  }
  // Every bound term is in the prefix: a key matches when it starts with it.
  started_ = true;
  MDB_val k, v;
  int rc;
  if (prefix_.empty()) {
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_FIRST);
  } else {
    k = Val(prefix_);
    rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET_RANGE);
  }
  const size_t key_size = static_cast<size_t>(key_terms_) * 8;
  for (; rc == 0; rc = mdb_cursor_get(cursor_, &k, &v, MDB_NEXT)) {
    if (++steps_ % kDeadlineEvery == 0 && engine_->CheckDeadline()) break;
    if (k.mv_size != key_size || std::memcmp(k.mv_data, prefix_.data(), prefix_.size()) != 0) break;
    ++n;
  }
  done_ = true;
  return n;
}

Result<std::vector<TermId>> LmdbEngine::GraphIds() {
  MDB_txn *txn = nullptr, *owned = nullptr;
  TINYKG_RETURN_IF_ERROR(ReadTxn(&txn, &owned));
  std::vector<TermId> out;
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn, gspo_, &cursor);
  MDB_val k, v;
  for (rc = rc == 0 ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST) : rc; rc == 0;) {
    TermId g = GetId(static_cast<const char*>(k.mv_data));
    out.push_back(g);
    // Jump past this graph: the first key of graph g + 1.
    char next[8];
    PutId(next, g + 1);
    k = MDB_val{8, next};
    rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
  }
  if (cursor) mdb_cursor_close(cursor);
  if (owned) mdb_txn_abort(owned);
  return out;
}

}  // namespace tinykg::rdf::internal
