// From a ModelSummary (+ metadata a file cannot carry) to RDF: one named
// graph per model file, described with the published TinyML ontology (nnet:)
// and tinykg's vocabulary (tkg:, ontology/tinykg.ttl).
//
// IRIs: the model is https://w3id.org/tinykg/id/model/<first 16 hex digits of
// the file's SHA-256>-<slug of the model name>, which is also the named
// graph's IRI: re-importing the same file under the same name replaces its
// graph, and byte-identical files published as different models (SeLoC-ML's
// Micro_Speech_Forward_Backward and Micro_Speech_Yes_No_3) stay apart; layers are <model>/layer/<index>, inputs
// and outputs <model>/input/<i> and <model>/output/<i>; operators are
// https://w3id.org/tinykg/op/<BUILTIN_NAME> (custom ops: CUSTOM_<code>).
//
// Metadata sources, later ones override earlier ones field by field:
//   1. a row of a metadata CSV keyed by file name (ReadMetadataCsv; the
//      columns of seloc-ml/models_metadata.csv);
//   2. a sidecar JSON next to the model: "<file>.json" (e.g.
//      kws.tflite.json) or "<stem>.json" (kws.json), an object with any of
//      "name", "task", "sensors" (string or array), "dataset", "creator",
//      "description", "category", "metrics" ({"accuracy": 0.92});
//   3. command-line flags (--task, --sensor, --dataset, --metric k=v, ...).
// Accuracy-like metrics are stored as fractions in [0, 1]; the CSV's
// top1_accuracy_percent is divided by 100.
#ifndef TINYKG_MODEL_GRAPH_H_
#define TINYKG_MODEL_GRAPH_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/model/summary.h"
#include "tinykg/rdf/store.h"

namespace tinykg::model {

struct ModelMetadata {
  std::optional<std::string> name;
  std::optional<std::string> task;         // "KeywordSpotting", "keyword-spotting", or an IRI
  std::vector<std::string> sensors;        // "Microphone", "sosa_extend:Camera", or an IRI
  std::optional<std::string> dataset;      // URL or name
  std::optional<std::string> creator;
  std::optional<std::string> description;
  std::optional<std::string> category;     // nnet:NetworkCategory local name ("Classification")
  std::optional<std::string> runtime;
  std::optional<std::string> input_info;
  std::optional<std::string> output_info;
  std::vector<std::pair<std::string, double>> metrics;  // ("accuracy", 0.92)

  // Fields set in `other` replace ours; sensors/metrics replace when non-empty.
  void MergeFrom(const ModelMetadata& other);
};

// Reads a metadata CSV (header row; columns file, name, sensors (';'-separated),
// category, top1_accuracy_percent, training_dataset, creator, runtime,
// description, input_info, output_info; optional task). Rows without a task
// column get one inferred from the description (InferTask). Keyed by file name.
Result<std::map<std::string, ModelMetadata>> ReadMetadataCsv(const std::string& path);

// Reads the sidecar of `model_path` when one exists; nullopt when none.
Result<std::optional<ModelMetadata>> ReadSidecar(const std::string& model_path);

// A tkg:Task local name guessed from free text ("speech commands" ->
// KeywordSpotting, "person" -> PersonDetection, "gesture" -> GestureRecognition,
// "anomal" -> AnomalyDetection, "sine" -> Regression, "snoring" ->
// AudioEventDetection, "noise" -> NoiseSuppression); nullopt when unsure.
std::optional<std::string> InferTask(const std::string& text);

// IRIs used for model resources.
std::string ModelIri(const ModelSummary& summary, const std::string& name);
std::string OperatorIri(const std::string& op_name);
// tkg:<Task> / sosa_extend:<Sensor> for a name read from a file (a sidecar,
// the metadata CSV): rdf::NameIriLenient, the one table of names and
// aliases, else the name in CamelCase; an IRI stays as is. Names a user
// types are checked first with rdf::ResolveName (the CLI does).
std::string TaskIri(const std::string& task);
std::string SensorIri(const std::string& sensor);

// The model's named graph. `source` is the file path (kept in the catalog).
rdf::GraphDocument ModelToGraph(const ModelSummary& summary, const ModelMetadata& metadata,
                                const std::string& source);

}  // namespace tinykg::model

#endif  // TINYKG_MODEL_GRAPH_H_
