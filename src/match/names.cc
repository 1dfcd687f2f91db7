// Names people type, IRIs the graph uses, and numbers people read.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {
namespace {

bool LooksLikeIri(std::string_view text) {
  return text.find("://") != std::string_view::npos || text.rfind("urn:", 0) == 0;
}

// "keyword-spotting", "keyword_spotting", "keyword spotting" -> "KeywordSpotting".
std::string UpperCamel(std::string_view text) {
  std::string out;
  bool up = true;
  for (char c : text) {
    if (c == '-' || c == '_' || c == ' ') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string LocalName(std::string_view iri) {
  std::size_t at = iri.find_last_of("#/");
  return std::string(at == std::string_view::npos ? iri : iri.substr(at + 1));
}

std::string TaskIri(std::string_view text) {
  if (LooksLikeIri(text)) return std::string(text);
  if (text.rfind("tkg:", 0) == 0) return std::string(vocab::kTkg) + std::string(text.substr(4));
  std::string l = Lower(text);
  if (l == "kws" || l == "speech") return std::string(vocab::kTkg) + "KeywordSpotting";
  if (l == "vww" || l == "person") return std::string(vocab::kTkg) + "PersonDetection";
  return std::string(vocab::kTkg) + UpperCamel(text);
}

std::string SensorIri(std::string_view text) {
  if (LooksLikeIri(text)) return std::string(text);
  std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) text = text.substr(colon + 1);
  return std::string(vocab::kSosaExtend) + UpperCamel(text);
}

std::string RuntimeIri(std::string_view text) {
  if (LooksLikeIri(text)) return std::string(text);
  if (text.rfind("tkg:", 0) == 0) return std::string(vocab::kTkg) + std::string(text.substr(4));
  std::string l = Lower(text);
  std::erase_if(l, [](char c) { return c == '-' || c == '_' || c == ' '; });
  if (l == "tflm" || l == "tflitemicro" || l == "tflite") return std::string(vocab::kTkg) + "TFLiteMicro";
  if (l == "cmsisnn" || l == "tflmcmsisnn" || l == "tflitemicrocmsisnn")
    return std::string(vocab::kTkg) + "TFLiteMicroCmsisNn";
  if (l == "tinykg" || l == "engine" || l == "tinykgengine") return std::string(vocab::kTkg) + "TinykgEngine";
  return std::string(vocab::kTkg) + UpperCamel(text);
}

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
