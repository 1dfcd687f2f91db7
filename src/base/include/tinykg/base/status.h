// Status and Result<T>: errors as values on the host side.
//
// A Status is either OK (cheap: no allocation) or carries a code, a message
// and an optional location (file, line, column, or a JSON pointer in
// `where`). Functions that can fail return Status or Result<T>; only the CLI
// turns them into text and an exit code. No exception ever crosses a module
// boundary.
#ifndef TINYKG_BASE_STATUS_H_
#define TINYKG_BASE_STATUS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tinykg {

// What went wrong, coarsely; the CLI maps these to exit codes.
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,  // the caller's input is malformed (bad flag, bad query)
  kParseError,       // a document could not be parsed
  kInvalidData,      // parsed, but violates a schema or a rule
  kNotFound,         // a named thing does not exist
  kAlreadyExists,
  kUnsupported,      // valid, but a feature we do not implement
  kIoError,          // the file system or a subprocess failed
  kStoreError,       // the RDF store failed
  kDeadlineExceeded, // a bounded operation (a query) ran out of time
  kInternal,         // a bug in tinykg
};

// Returns a short lowercase name such as "parse error".
std::string_view StatusCodeName(StatusCode code);

// Where in an input a problem sits. Every field is optional.
struct SourceLocation {
  SourceLocation() = default;
  SourceLocation(std::string file_in, std::int64_t line_in = 0, std::int64_t column_in = 0,
                 std::string pointer_in = {})
      : file(std::move(file_in)), line(line_in), column(column_in), pointer(std::move(pointer_in)) {}
  // A location that is only a pointer into the document (file unknown).
  static SourceLocation Pointer(std::string pointer_in) { return {{}, 0, 0, std::move(pointer_in)}; }

  std::string file;     // path or IRI of the document
  std::int64_t line = 0;    // 1-based; 0 when unknown
  std::int64_t column = 0;  // 1-based; 0 when unknown
  std::string pointer;  // JSON pointer or other in-document path

  bool empty() const {
    return file.empty() && line == 0 && column == 0 && pointer.empty();
  }
  // "file:line:column" / "file#/pointer", omitting what is unknown.
  std::string ToString() const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, SourceLocation where = {});

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Empty for OK.
  const std::string& message() const;
  // Empty location for OK or when unknown.
  const SourceLocation& where() const;

  // "where: message" (or just "message" when the location is unknown).
  std::string ToString() const;

  // Returns a copy with `context + ": "` prefixed to the message.
  Status WithContext(std::string_view context) const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    SourceLocation where;
  };
  std::shared_ptr<const Rep> rep_;  // null means OK; shared so copies are cheap
};

// Shorthands in the style of LevelDB's Status::NotFound(...).
Status InvalidArgument(std::string message, SourceLocation where = {});
Status ParseError(std::string message, SourceLocation where = {});
Status InvalidData(std::string message, SourceLocation where = {});
Status NotFound(std::string message, SourceLocation where = {});
Status Unsupported(std::string message, SourceLocation where = {});
Status IoError(std::string message, SourceLocation where = {});
Status StoreError(std::string message, SourceLocation where = {});
Status Internal(std::string message, SourceLocation where = {});
Status DeadlineExceeded(std::string message, SourceLocation where = {});

// Result<T> holds a T or a non-OK Status (std::expected is not in g++ 12).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {  // NOLINT
    if (std::get<Status>(value_).ok()) {
      value_ = Status(StatusCode::kInternal, "Result built from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(value_); }

  // Precondition: ok().
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace tinykg

// Returns early from the enclosing function when `expr` is not OK.
#define TINYKG_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::tinykg::Status tinykg_status_ = (expr);     \
    if (!tinykg_status_.ok()) return tinykg_status_; \
  } while (false)

#define TINYKG_CONCAT_INNER_(a, b) a##b
#define TINYKG_CONCAT_(a, b) TINYKG_CONCAT_INNER_(a, b)

// `TINYKG_ASSIGN_OR_RETURN(auto x, F());` binds the value or returns the error.
#define TINYKG_ASSIGN_OR_RETURN(lhs, expr) \
  TINYKG_ASSIGN_OR_RETURN_IMPL_(TINYKG_CONCAT_(tinykg_result_, __LINE__), lhs, expr)
#define TINYKG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // TINYKG_BASE_STATUS_H_
