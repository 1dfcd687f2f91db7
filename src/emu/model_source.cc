#include "tinykg/emu/model_source.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include "tinykg/base/file.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::emu {
namespace {

const std::string kContentHash = std::string(vocab::kTkg) + "contentHash";

Result<std::string> HashOfFile(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return model::Sha256Hex({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

// Every model whose tkg:contentHash is sha256:<hex>, sorted by IRI. The hex
// is ours (computed), so it can stand in the query text.
Result<std::vector<match::Entity>> ModelsWithHash(rdf::Store& store, match::Matchmaker& mm, const std::string& hex) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult rows,
                          store.Query("SELECT DISTINCT ?m WHERE { ?m <" + kContentHash + "> \"sha256:" + hex + "\" }"));
  std::vector<std::string> iris;
  for (const auto& row : rows.rows) {
    if (row[0] && row[0]->is_iri()) iris.push_back(row[0]->value);
  }
  std::sort(iris.begin(), iris.end());
  std::vector<match::Entity> models;
  for (const std::string& iri : iris) {
    TINYKG_ASSIGN_OR_RETURN(match::Entity m, mm.ResolveModel(iri));
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace

Result<ModelSource> FindModelSource(rdf::Store& store, const model::ModelFiles& files, const std::string& model,
                                    const std::string& model_file, const std::string& file_option) {
  match::Matchmaker mm(store);
  ModelSource source;
  std::error_code ec;
  if (std::filesystem::is_regular_file(model, ec)) {
    source.file = model;
    TINYKG_ASSIGN_OR_RETURN(source.sha256, HashOfFile(model));
    TINYKG_ASSIGN_OR_RETURN(source.models, ModelsWithHash(store, mm, source.sha256));
    return source;
  }
  if (model_file.empty() && !files.keeps()) {
    return Unsupported(files.why_not() + ", so no model can be run by name (\"" + model +
                       "\" is no file): give the model's file with " + file_option +
                       " (or use a store in a folder and import it with tinykg import model FILE)");
  }
  TINYKG_ASSIGN_OR_RETURN(match::Entity named, mm.ResolveModel(model));
  TINYKG_ASSIGN_OR_RETURN(std::vector<rdf::Term> hashes, store.Objects(rdf::Term::Iri(named.iri), kContentHash));
  const std::string known = hashes.empty() ? std::string() : hashes.front().value;
  const std::string who = named.name + " <" + named.iri + ">";
  source.models.push_back(named);
  if (!model_file.empty()) {
    source.file = model_file;
    TINYKG_ASSIGN_OR_RETURN(source.sha256, HashOfFile(model_file));
    if (!known.empty() && known != "sha256:" + source.sha256) {
      return InvalidArgument(model_file + " is not " + named.name + " (its SHA-256 differs from the graph's " + known +
                             ")");
    }
    return source;
  }
  if (known.empty()) {
    return NotFound(who + " states no content hash (tkg:contentHash), so no file of it is kept: import it with " +
                    "tinykg import model FILE, or give its file with " + file_option);
  }
  Result<std::string> kept = files.Find(known);
  if (!kept.ok()) {
    if (kept.status().code() == StatusCode::kNotFound) {
      return NotFound("no file of " + who + " is kept in the store (" + files.dir() +
                      "): import it with tinykg import model FILE, or give its file with " + file_option);
    }
    return kept.status().WithContext("model " + who);
  }
  source.file = *kept;
  source.sha256 = known.substr(std::string("sha256:").size());
  source.kept = true;
  return source;
}

}  // namespace tinykg::emu
