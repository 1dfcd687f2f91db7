// Names people type, IRIs the graph uses, and numbers people read.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/known_names.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {

std::string LocalName(std::string_view iri) {
  std::size_t at = iri.find_last_of("#/");
  return std::string(at == std::string_view::npos ? iri : iri.substr(at + 1));
}

std::string TaskIri(std::string_view text) { return rdf::NameIriLenient(rdf::NameKind::kTask, text); }

std::string SensorIri(std::string_view text) { return rdf::NameIriLenient(rdf::NameKind::kSensor, text); }

std::string RuntimeIri(std::string_view text) { return rdf::NameIriLenient(rdf::NameKind::kRuntime, text); }

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string FormatBytes(double bytes) {
  char buf[64];
  double a = bytes < 0 ? -bytes : bytes;
  if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f MB", bytes / 1e6);
  } else if (a >= 1000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
  }
  return buf;
}

std::string FormatMs(double ms) {
  char buf[64];
  if (ms >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  } else if (ms >= 1) {
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  }
  return buf;
}

}  // namespace tinykg::match
