// ModelFiles: the bytes of imported models, kept beside the store they were
// imported into, so that commands given a model's name (`train --on emulator
// --model NAME`, `deploy --model NAME`) can run the model without its file.
//
// Content-addressed: a file is kept as DIR/models/<sha256 hex>.<format> for
// a directory store DIR (DIR, lmdb:DIR, hashes:DIR), named by the SHA-256
// the graph records as the model's tkg:contentHash ("sha256:<hex>"). Byte-
// identical models share one copy; a copy is never changed, only added or
// removed. Stores without a directory (memory:, hashes-memory:,
// virtuoso://) keep no files: keeps() is false and why_not() says so.
//
// Reading a copy checks its bytes against its name: a copy changed on disk
// is refused (kInvalidData, "hash mismatch"), never run.
#ifndef TINYKG_MODEL_MODEL_FILES_H_
#define TINYKG_MODEL_MODEL_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::model {

class ModelFiles {
 public:
  // Keeps nothing; why_not() says that no store was named.
  ModelFiles();

  // The files of the store `spec` names (rdf::ParseStoreSpec syntax).
  // kInvalidArgument for a spec ParseStoreSpec rejects. Creates nothing.
  static Result<ModelFiles> ForStore(std::string_view spec);

  bool keeps() const { return !dir_.empty(); }
  // The folder of the copies (empty when !keeps()).
  const std::string& dir() const { return dir_; }
  // Why this store keeps no model files, as a sentence for an error
  // message ("the memory: store keeps no model files").
  const std::string& why_not() const { return why_not_; }

  // Where the copy of content `sha256_hex` in format `format` ("tflite",
  // "onnx") is, or would be, kept.
  std::string PathOf(std::string_view sha256_hex, std::string_view format) const;

  // Keeps `bytes` (whose SHA-256 is `sha256_hex`) as PathOf(...), written to
  // a temporary file of this process and renamed into place, so no reader
  // ever sees part of a copy. Returns true when it wrote the copy, false
  // when a good copy was there already (Discard() must then leave it).
  // kUnsupported when !keeps(); kIoError naming the path when the folder or
  // file cannot be written (nothing is left behind).
  Result<bool> Keep(std::string_view bytes, std::string_view sha256_hex, std::string_view format) const;

  // Removes a copy Keep() wrote (a failed import takes it back). Missing
  // copies are no error.
  void Discard(std::string_view sha256_hex, std::string_view format) const;

  // The path of the kept copy of content hash `content_hash` ("sha256:<hex>"
  // or "<hex>"), after reading it and checking its SHA-256. kNotFound when
  // no copy is kept; kInvalidData ("hash mismatch") when the copy's bytes
  // differ from its name; kUnsupported when !keeps(); kIoError when it
  // cannot be read. Costs one read and hash of the file.
  Result<std::string> Find(std::string_view content_hash) const;

 private:
  std::string dir_;
  std::string why_not_;
};

// One model file for PutModels: its path, the SHA-256 and format its
// summary found, and its graph (ModelToGraph).
struct ModelToPut {
  std::string path;
  std::string sha256;  // lowercase hex, ModelSummary::sha256
  std::string format;  // "tflite" or "onnx"
  rdf::GraphDocument graph;
};

// `tinykg import model`'s write: keeps every file's bytes (when
// files.keeps()), then writes the graphs in one batch (Store::PutAll).
// Copies this call wrote are removed again when a file cannot be kept
// (nothing is written) or when the graph write fails (for the graphs that
// are not in the store). Returns, per model, the kept copy's path (empty
// when the store keeps no files). Errors: kInvalidData when a file's bytes
// no longer have its summary's SHA-256, ModelFiles::Keep's and
// Store::PutAll's errors.
Result<std::vector<std::string>> PutModels(rdf::Store& store, const ModelFiles& files,
                                           const std::vector<ModelToPut>& models);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_MODEL_FILES_H_
