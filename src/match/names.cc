// Names people type, IRIs the graph uses, and numbers people read.
#include <algorithm>
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
