#include "iri.h"

#include <cctype>
#include <optional>

namespace tinykg::td {
namespace {

using rdf::SchemeLength;

struct IriParts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

IriParts Split(std::string_view value) {
  IriParts parts;
  if (const size_t n = SchemeLength(value); n > 0) {
    parts.scheme = std::string(value.substr(0, n));
    value.remove_prefix(n + 1);
  }
  if (const size_t hash = value.find('#'); hash != std::string_view::npos) {
    parts.fragment = std::string(value.substr(hash + 1));
    value = value.substr(0, hash);
  }
  if (const size_t q = value.find('?'); q != std::string_view::npos) {
    parts.query = std::string(value.substr(q + 1));
    value = value.substr(0, q);
  }
  if (value.substr(0, 2) == "//") {
    value.remove_prefix(2);
    const size_t slash = value.find('/');
    parts.authority = std::string(value.substr(0, slash));
    value = slash == std::string_view::npos ? std::string_view() : value.substr(slash);
  }
  parts.path = std::string(value);
  return parts;
}

std::string RemoveDotSegments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.substr(0, 3) == "../") {
      input.remove_prefix(3);
    } else if (input.substr(0, 2) == "./") {
      input.remove_prefix(2);
    } else if (input.substr(0, 3) == "/./") {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.substr(0, 4) == "/../" || input == "/..") {
      input = input.size() == 3 ? std::string_view("/") : input.substr(3);
      const size_t last = output.rfind('/');
      output.erase(last == std::string::npos ? 0 : last);
      if (input == "/") {
        output += '/';
        input = {};
      }
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      const size_t start = input[0] == '/' ? 1 : 0;
      const size_t next = input.find('/', start);
      output += input.substr(0, next);
      input = next == std::string_view::npos ? std::string_view() : input.substr(next);
    }
  }
  return output;
}

std::string Join(const IriParts& parts) {
  std::string out;
  if (parts.scheme) out += *parts.scheme + ":";
  if (parts.authority) out += "//" + *parts.authority;
  out += parts.path;
  if (parts.query) out += "?" + *parts.query;
  if (parts.fragment) out += "#" + *parts.fragment;
  return out;
}

}  // namespace

std::string ResolveIri(std::string_view base, std::string_view reference) {
  if (base.empty()) return std::string(reference);
  const IriParts r = Split(reference);
  const IriParts b = Split(base);
  IriParts t;
  if (r.scheme) {
    t = r;
    t.path = RemoveDotSegments(r.path);
    return Join(t);
  }
  if (r.authority) {
    t.authority = r.authority;
    t.path = RemoveDotSegments(r.path);
    t.query = r.query;
  } else {
    if (r.path.empty()) {
      t.path = b.path;
      t.query = r.query ? r.query : b.query;
    } else {
      if (r.path[0] == '/') {
        t.path = RemoveDotSegments(r.path);
      } else {
        std::string merged;
        if (b.authority && b.path.empty()) {
          merged = "/" + r.path;
        } else {
          const size_t last = b.path.rfind('/');
          merged = (last == std::string::npos ? std::string() : b.path.substr(0, last + 1)) + r.path;
        }
        t.path = RemoveDotSegments(merged);
      }
      t.query = r.query;
    }
    t.authority = b.authority;
  }
  t.scheme = b.scheme;
  t.fragment = r.fragment;
  return Join(t);
}

}  // namespace tinykg::td
