#include "tinykg/model/model_files.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>

#include "tinykg/base/file.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/store.h"

namespace tinykg::model {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHashPrefix = "sha256:";
constexpr const char* kFormats[] = {"tflite", "onnx"};

bool IsSha256Hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string HashOf(std::string_view bytes) {
  return Sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

}  // namespace

ModelFiles::ModelFiles() : why_not_("no store was named, so no model files are kept") {}

Result<ModelFiles> ModelFiles::ForStore(std::string_view spec) {
  TINYKG_ASSIGN_OR_RETURN(rdf::StoreSpec parsed, rdf::ParseStoreSpec(spec));
  ModelFiles files;
  switch (parsed.kind) {
    case rdf::StoreSpec::Kind::kLmdb:
    case rdf::StoreSpec::Kind::kHashes:
      files.dir_ = (fs::path(parsed.dir) / "models").string();
      files.why_not_.clear();
      break;
    case rdf::StoreSpec::Kind::kMemory:
    case rdf::StoreSpec::Kind::kHashesMemory:
      files.why_not_ = "the " + std::string(spec) + " store lives in memory and keeps no model files";
      break;
    case rdf::StoreSpec::Kind::kVirtuoso:
      files.why_not_ =
          "a Virtuoso store keeps the graph only, not model files (tinykg has no folder beside the server)";
      break;
  }
  return files;
}

std::string ModelFiles::PathOf(std::string_view sha256_hex, std::string_view format) const {
  return (fs::path(dir_) / (std::string(sha256_hex) + "." + std::string(format))).string();
}

Result<bool> ModelFiles::Keep(std::string_view bytes, std::string_view sha256_hex, std::string_view format) const {
  if (!keeps()) return Unsupported(why_not_);
  if (!IsSha256Hex(sha256_hex)) return InvalidArgument("not a SHA-256: " + std::string(sha256_hex));
  const std::string path = PathOf(sha256_hex, format);
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    // A good copy stays; a damaged one is replaced by the imported bytes.
    auto kept = ReadFile(path);
    if (kept.ok() && HashOf(*kept) == sha256_hex) return false;
  }
  fs::create_directories(dir_, ec);
  if (ec) return IoError("cannot create the model files folder: " + ec.message(), {dir_});
  const std::string tmp = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return IoError(std::string("cannot create: ") + std::strerror(errno), {tmp});
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return IoError("cannot write a copy of the model (disk full?)", {tmp});
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    return IoError("cannot keep the model file: " + why, {path});
  }
  return true;
}

void ModelFiles::Discard(std::string_view sha256_hex, std::string_view format) const {
  if (!keeps() || !IsSha256Hex(sha256_hex)) return;
  std::error_code ec;
  fs::remove(PathOf(sha256_hex, format), ec);
}

Result<std::string> ModelFiles::Find(std::string_view content_hash) const {
  if (!keeps()) return Unsupported(why_not_);
  std::string_view hex = content_hash;
  if (hex.substr(0, kHashPrefix.size()) == kHashPrefix) hex.remove_prefix(kHashPrefix.size());
  if (!IsSha256Hex(hex)) return InvalidData("content hash \"" + std::string(content_hash) + "\" is not a SHA-256");
  for (const char* format : kFormats) {
    const std::string path = PathOf(hex, format);
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    TINYKG_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
    const std::string actual = HashOf(bytes);
    if (actual != hex) {
      return InvalidData("hash mismatch: the kept model file " + path + " has SHA-256 " + actual + ", not the sha256:" +
                         std::string(hex) + " its model was imported with (changed on disk?); import the model again");
    }
    return path;
  }
  return NotFound("no model file with sha256:" + std::string(hex) + " is kept in " + dir_);
}

Result<std::vector<std::string>> PutModels(rdf::Store& store, const ModelFiles& files,
                                           const std::vector<ModelToPut>& models) {
  std::vector<std::string> kept(models.size());
  std::vector<std::size_t> written;  // copies this call wrote
  auto take_back = [&](bool all) {
    for (std::size_t i : written) {
      if (all || !store.Get(models[i].graph.iri, false).ok()) files.Discard(models[i].sha256, models[i].format);
    }
  };
  if (files.keeps()) {
    for (std::size_t i = 0; i < models.size(); ++i) {
      Result<std::string> bytes = ReadFile(models[i].path);
      Status s = bytes.status();
      if (s.ok() && HashOf(*bytes) != models[i].sha256)
        s = InvalidData(models[i].path + " changed while it was imported");
      Result<bool> wrote = s.ok() ? files.Keep(*bytes, models[i].sha256, models[i].format) : Result<bool>(s);
      if (!wrote.ok()) {
        take_back(true);
        return wrote.status().WithContext("keeping a copy of " + models[i].path + " (nothing was imported)");
      }
      if (*wrote) written.push_back(i);
      kept[i] = files.PathOf(models[i].sha256, models[i].format);
    }
  }
  std::vector<rdf::GraphDocument> docs;
  docs.reserve(models.size());
  for (const ModelToPut& m : models) docs.push_back(m.graph);
  if (Status put = store.PutAll(docs); !put.ok()) {
    take_back(false);
    return put;
  }
  return kept;
}

}  // namespace tinykg::model
