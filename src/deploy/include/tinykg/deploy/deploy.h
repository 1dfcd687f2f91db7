// tinykg deploy: from a matched (model, device) pair to a project a user
// builds and flashes, as SeLoC-ML's "ML as a service" goes from a match to
// application code.
//
// Deploy() checks the pair with the matchmaker (refusing a pair that does
// not fit, with explain's reasons, unless forced), converts the model into
// the engine's graph blob, sizes the tensor arena by running the project's
// own start-up code (app/tinykg_app.cc) on the host engine plus a stated
// margin, writes the project (project.cc) and records the deployment in the
// graph. Nothing is written to the store or to the output folder before
// every check has passed; the folder is written first, the store last.
#ifndef TINYKG_DEPLOY_DEPLOY_H_
#define TINYKG_DEPLOY_DEPLOY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/model/model_files.h"
#include "tinykg/rdf/store.h"

namespace tinykg::deploy {

// The arena the project gets: the host engine's measurement of the same
// start-up (graph tables, planned activations, sample buffer, head) times
// (1 + kArenaMarginPercent / 100), plus kArenaMarginBytes, rounded up to 64
// bytes. The host's 64-bit pointers make the graph's tables larger than on a
// 32-bit MCU, so the figure errs on the safe side; the project checks it at
// start-up either way.
inline constexpr std::uint64_t kArenaMarginPercent = 10;
inline constexpr std::uint64_t kArenaMarginBytes = 1024;

struct Request {
  // A model of the graph (IRI or name), or a .tflite file whose SHA-256 is a
  // model's tkg:contentHash.
  std::string model;
  // The model's .tflite file when `model` is a name; it must have the
  // graph's tkg:contentHash. Empty: the copy the store keeps (model_files).
  std::string model_file;
  // Where the store keeps imported models' files (model::ModelFiles::ForStore).
  model::ModelFiles model_files;
  std::string device;  // IRI or name
  bool learn_online = false;
  std::string task;  // what the deployment is for (tkg:task), optional
  std::string head;  // online learning: where the model is cut (train::LoadedModel::FindCut)
  float learning_rate = 0.05f;
  std::uint64_t seed = 1;
  bool force = false;   // deploy a pair that does not fit
  std::string out_dir;  // must not exist, or be empty
  std::string tinykg_version;
};

struct Deployment {
  match::Fit fit;  // explain's figures for the pair
  std::string model_file;
  std::string target;                            // emulated target ("mps2-an386"); empty when none stands for the core
  std::string core;                              // "CortexM4F"
  std::string board_id;                          // PlatformIO board id (tkg:board), may be empty
  std::string platformio_platform;               // e.g. "nordicnrf52", may be empty
  std::string framework;                         // e.g. "arduino"
  std::vector<std::string> sensor_kinds;         // local names, one read function each
  std::string input_info;                        // the model's nnet:hasInputInfo, may be empty
  std::uint64_t ram_bytes = 0, flash_bytes = 0;  // the device's budget (free figures where stated)
  std::uint64_t model_array_bytes = 0;           // the blob in flash
  std::uint64_t arena_measured_bytes = 0;        // host engine, same start-up
  std::uint64_t arena_bytes = 0;                 // with the margin: what the project reserves
  std::uint64_t tflm_arena_bytes = 0;            // the model's TFLite Micro estimate (tkg:arenaBytes), 0 if unknown
  std::int32_t inputs = 0, outputs = 0, classes = 0;
  int cut = 0;            // last node of the graph in flash
  std::string graph_iri;  // the deployment record
  std::string date;
  std::vector<std::string> notes;  // forced misfit, no emulated target, ...
  std::vector<std::string> files;  // written, relative to out_dir
};

// Errors (nothing written): kNotFound for unknown names (with "did you
// mean"), kInvalidArgument for a bad request or an out_dir that exists and
// is not an empty folder, kInvalidData "does not fit" with explain's text,
// kIoError when out_dir cannot be written (removed again), kUnsupported for
// a model the engine cannot run; kStoreError when the record cannot be
// written (the project stays).
Result<Deployment> Deploy(rdf::Store& store, const Request& request);

// Summary as JSON (the CLI's --format json).
std::string DeploymentJson(const Deployment& d);

}  // namespace tinykg::deploy

#endif  // TINYKG_DEPLOY_DEPLOY_H_
