// The model file a run (`train --on emulator --model`) or a deployment
// (`tinykg deploy --model`) uses, and which models of the knowledge graph
// that file is, so that what is measured is written back to the right model.
//
// A model is named by a file path, or by the matchmaker's name resolver
// (IRI, name, unambiguous prefix; match::Matchmaker::ResolveModel). A named
// model's bytes come from the store's kept copy (model::ModelFiles, written
// by `tinykg import model`), checked against the graph's tkg:contentHash, or
// from a file the caller gives in its place.
#ifndef TINYKG_EMU_MODEL_SOURCE_H_
#define TINYKG_EMU_MODEL_SOURCE_H_

#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/model/model_files.h"
#include "tinykg/rdf/store.h"

namespace tinykg::emu {

struct ModelSource {
  std::string file;    // the .tflite/.onnx to read
  std::string sha256;  // lowercase hex SHA-256 of its bytes
  // The graph models with those bytes (tkg:contentHash "sha256:<hex>"): the
  // named model alone when one was named; every model with that hash when a
  // file was given (byte-identical files imported under two names are the
  // same network); empty for a file no import knows.
  std::vector<match::Entity> models;
  bool kept = false;  // `file` is the store's kept copy
};

// Finds the bytes of `model` (a path to an existing file, else a name for
// the resolver). `model_file`, when not empty, is the file to use for a
// named model; its SHA-256 must be the model's. `file_option` names the
// caller's option for giving a file ("--model FILE"), for error messages.
//
// Errors: the resolver's kNotFound / kInvalidArgument for unknown or
// ambiguous names; kInvalidArgument when `model_file` is not the named
// model; kNotFound when the named model has no kept copy (or no content
// hash), saying to import it; kUnsupported when the store keeps no files
// (files.why_not()); kInvalidData "hash mismatch" for a kept copy changed on
// disk; kIoError for unreadable files. `store` is only read.
Result<ModelSource> FindModelSource(rdf::Store& store, const model::ModelFiles& files, const std::string& model,
                                    const std::string& model_file, const std::string& file_option);

}  // namespace tinykg::emu

#endif  // TINYKG_EMU_MODEL_SOURCE_H_
