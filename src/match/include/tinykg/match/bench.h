// Benchmark records (tkg:BenchmarkRecord): list, add, and select the best
// model for a device and task by a metric, with the record relied on.
#ifndef TINYKG_MATCH_BENCH_H_
#define TINYKG_MATCH_BENCH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

struct BenchmarkRecord {
  std::string iri;
  Entity model;
  std::optional<Entity> device;  // absent for device-independent figures (accuracy)
  std::string metric;            // IRI, e.g. tkg:Accuracy
  double value = 0;
  std::string unit;              // IRI (om:one, om:millisecond, om:byte) or empty
  std::string method;            // IRI, e.g. tkg:Published
  std::string date;              // xsd:date lexical form, or empty
  std::string source;            // where the figure comes from
  std::string dataset;
};

// Metric, method and unit names people type: "accuracy" -> tkg:Accuracy,
// "latency" -> tkg:LatencyMs, "ram" -> tkg:PeakRamBytes, "flash" ->
// tkg:FlashBytes; "published", "estimated", "measured-on-emulator",
// "measured-on-device" -> tkg: methods ("emulated" = measured-on-emulator).
// IRIs pass through. kInvalidArgument
// for an unknown short name.
Result<std::string> MetricIri(std::string_view name);
Result<std::string> MethodIri(std::string_view name);
// The default unit of a metric (om:one for accuracy, om:millisecond, om:byte).
std::string DefaultUnit(std::string_view metric_iri);

// Every record, optionally only those of one method (IRI), sorted by model
// name, metric, value. Names are filled in from the graph.
Result<std::vector<BenchmarkRecord>> ListRecords(rdf::Store& store,
                                                 const std::optional<std::string>& method = std::nullopt);

// The record as its own named graph (kind "benchmark"); its IRI (and the
// graph's) is https://w3id.org/tinykg/id/benchmark/<hash of model, device,
// metric, method, source, dataset, date>, so adding the same record twice
// replaces it. `record.iri` is ignored.
rdf::GraphDocument RecordDocument(const BenchmarkRecord& record);

// The best model that fits `device` for `task` by `metric`:
//   accuracy: highest accuracy record (any method) among fitting models;
//   latency:  lowest latency record for this device; models without one use
//             matchmaking's estimate (then `record` is unset, `estimated`);
//   ram:      lowest RAM: a tkg:PeakRamBytes record, else the model's need.
// kNotFound when no model for the task fits.
struct Selection {
  Fit fit;
  std::optional<BenchmarkRecord> record;
  double value = 0;   // the figure the choice rests on, in `unit`
  std::string unit;   // "fraction", "ms", "bytes"
  std::string basis;  // e.g. "published accuracy record", "estimate"
  std::vector<Fit> candidates;  // every fitting model for the task, best first
};
Result<Selection> SelectBest(rdf::Store& store, Matchmaker& mm, const Entity& device,
                             const std::string& task_iri, std::string_view metric);

// JSON object {"device", "task", "metric", "model", "model_iri", "value",
// "unit", "basis", "fit": {...}, "record": {...} | null}.
std::string SelectionJson(const Selection& s, const std::string& task_iri, std::string_view metric);
std::string RecordJson(const BenchmarkRecord& r);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_BENCH_H_
