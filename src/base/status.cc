#include "tinykg/base/status.h"

namespace tinykg {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kParseError: return "parse error";
    case StatusCode::kInvalidData: return "invalid data";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kAlreadyExists: return "already exists";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kIoError: return "i/o error";
    case StatusCode::kStoreError: return "store error";
    case StatusCode::kInternal: return "internal error";
    case StatusCode::kDeadlineExceeded: return "deadline exceeded";
  }
  return "unknown";
}

// Appended piece by piece: `":" + std::to_string(n)` inserts at the front of
// a temporary, which GCC 12 at -O3 flags as an overlapping memcpy
// (-Wrestrict false positive, GCC bug 105329).
std::string SourceLocation::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  if (!pointer.empty()) {
    if (!out.empty()) out += '#';
    out += pointer;
  }
  return out;
}

Status::Status(StatusCode code, std::string message, SourceLocation where) {
  if (code == StatusCode::kOk) return;
  rep_ = std::make_shared<const Rep>(Rep{code, std::move(message), std::move(where)});
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return rep_ ? rep_->message : kEmpty;
}

const SourceLocation& Status::where() const {
  static const SourceLocation kNowhere;
  return rep_ ? rep_->where : kNowhere;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string location = rep_->where.ToString();
  return location.empty() ? rep_->message : location + ": " + rep_->message;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(rep_->code, std::string(context) + ": " + rep_->message, rep_->where);
}

Status InvalidArgument(std::string m, SourceLocation w) { return {StatusCode::kInvalidArgument, std::move(m), std::move(w)}; }
Status ParseError(std::string m, SourceLocation w) { return {StatusCode::kParseError, std::move(m), std::move(w)}; }
Status InvalidData(std::string m, SourceLocation w) { return {StatusCode::kInvalidData, std::move(m), std::move(w)}; }
Status NotFound(std::string m, SourceLocation w) { return {StatusCode::kNotFound, std::move(m), std::move(w)}; }
Status Unsupported(std::string m, SourceLocation w) { return {StatusCode::kUnsupported, std::move(m), std::move(w)}; }
Status IoError(std::string m, SourceLocation w) { return {StatusCode::kIoError, std::move(m), std::move(w)}; }
Status StoreError(std::string m, SourceLocation w) { return {StatusCode::kStoreError, std::move(m), std::move(w)}; }
Status Internal(std::string m, SourceLocation w) { return {StatusCode::kInternal, std::move(m), std::move(w)}; }
Status DeadlineExceeded(std::string m, SourceLocation w) {
  return {StatusCode::kDeadlineExceeded, std::move(m), std::move(w)};
}

}  // namespace tinykg
