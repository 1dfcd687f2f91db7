#include <filesystem>

#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"
#include "tinykg/td/jsonld.h"

namespace tinykg::td {
namespace {

// Well-known context IRIs and the file names they ship under.
struct KnownContext {
  const char* iri;
  const char* file;
};
constexpr KnownContext kKnownContexts[] = {
    {"https://www.w3.org/2019/wot/td/v1", "td-context-1.0.jsonld"},
    {"https://www.w3.org/2022/wot/td/v1.1", "td-context-1.1.jsonld"},
    {"https://www.w3.org/2022/wot/discovery", "discovery-context.jsonld"},
    {"https://www.w3.org/2019/wot/hypermedia", "hypermedia-context.jsonld"},
    {"https://www.w3.org/2019/wot/json-schema", "json-schema-context.jsonld"},
    {"https://www.w3.org/2019/wot/security", "wot-security-context.jsonld"},
    {"https://w3id.org/tinykg/context/v1", "tinykg-context.jsonld"},
};

}  // namespace

Result<int> LocalDocumentLoader::AddContextDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound("context directory not found: " + dir);
  int mapped = 0;
  for (const KnownContext& known : kKnownContexts) {
    const fs::path path = fs::path(dir) / known.file;
    if (fs::exists(path, ec)) {
      AddFile(known.iri, path.string());
      ++mapped;
    }
  }
  const fs::path index = fs::path(dir) / "index.json";
  if (fs::exists(index, ec)) {
    TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(index.string()));
    if (Status checked = CheckJsonText(text, index.string()); !checked.ok()) return checked;
    Json json = Json::parse(text, nullptr, false);
    if (!json.is_object()) return ParseError("not a JSON object", SourceLocation(index.string()));
    for (auto& [iri, file] : json.items()) {
      if (!file.is_string()) {
        return ParseError("entry must name a file", SourceLocation(index.string(), 0, 0, "/" + iri));
      }
      AddFile(iri, (fs::path(dir) / file.get<std::string>()).string());
      ++mapped;
    }
  }
  return mapped;
}

void LocalDocumentLoader::AddFile(std::string iri, std::string path) {
  cache_.erase(iri);
  files_[std::move(iri)] = std::move(path);
}

void LocalDocumentLoader::AddPrefix(std::string iri_prefix, std::string dir) {
  prefixes_[std::move(iri_prefix)] = std::move(dir);
}

void LocalDocumentLoader::Ignore(std::string iri) {
  AddDocument(std::move(iri), Json{{"@context", Json::object()}});
}

void LocalDocumentLoader::AddDocument(std::string iri, Json document) {
  files_[iri] = "";
  cache_[std::move(iri)] = std::make_shared<const Json>(std::move(document));
}

std::vector<std::string> LocalDocumentLoader::KnownIris() const {
  std::vector<std::string> out;
  for (const auto& [iri, file] : files_) out.push_back(iri);
  return out;
}

Result<RemoteDocument> LocalDocumentLoader::Load(std::string_view iri_view) {
  std::string iri(iri_view);
  if (const size_t hash = iri.find('#'); hash != std::string::npos) iri.erase(hash);
  if (auto it = cache_.find(iri); it != cache_.end()) return RemoteDocument{iri, it->second};
  std::string path;
  if (auto it = files_.find(iri); it != files_.end()) {
    path = it->second;
  } else {
    for (const auto& [prefix, dir] : prefixes_) {
      if (iri.compare(0, prefix.size(), prefix) == 0) {
        path = dir + "/" + iri.substr(prefix.size());
        break;
      }
    }
  }
  if (path.empty()) {
    return NotFound("unknown remote context " + iri +
                    " (tinykg never fetches from the network: put the context file in a "
                    "directory given with --context-dir and map it in that directory's "
                    "index.json, or pass --ignore-context " + iri + " to proceed without it)");
  }
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  if (Status checked = CheckJsonText(*text, path); !checked.ok()) return checked;
  Json json = Json::parse(*text, nullptr, false);
  if (json.is_discarded()) return ParseError("not valid JSON: " + path + " (for " + iri + ")");
  auto shared = std::make_shared<const Json>(std::move(json));
  cache_[iri] = shared;
  return RemoteDocument{iri, shared};
}

}  // namespace tinykg::td
