// The graph facts matchmaking checks, fetched with the named queries
// (ontology/queries/match-*.rq). These are rows of query results grouped per
// resource for the checks in C++, held only for one call; the graph stays
// the one source of truth.
#ifndef TINYKG_MATCH_FACTS_H_
#define TINYKG_MATCH_FACTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/match/device.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

struct ModelFacts {
  Entity entity;
  std::optional<std::int64_t> ram_need, flash_need, macs;
  std::string dtype;  // IRI
  std::string task;   // IRI
  std::vector<std::string> sensors, ops;
  std::optional<double> accuracy;  // best accuracy record
};


struct CoreFacts {
  double cycles_per_mac = 1;
  std::optional<double> cycles_per_mac_float;
  // Float cycles per MAC calibrated from tkg:KernelInstructionsPerMac records
  // measured on the emulator (see LoadMeasuredFigures); used instead of the
  // table's cycles_per_mac_float when present.
  std::optional<double> calibrated_cycles_per_mac_float;
  std::string calibration;  // how: "dense-32x16 12.5, conv3x3-8x8x4x4 9.9 instructions/MAC on mps2-an386"
};

// Instructions per inference of a (model, device) pair measured on the
// emulator (the latest record).
struct MeasuredInference {
  double instructions = 0;
  std::string target;  // the emulated machine, e.g. "mps2-an386"
  std::string date;
};

// Small reference data: runtimes' operators and cores' cycles per MAC, and
// the measured figures that replace estimates.
struct Catalog {
  std::map<std::string, std::set<std::string>> runtime_ops;
  std::map<std::string, std::set<std::string>> runtime_optimised;
  std::map<std::string, CoreFacts> cores;
  std::map<std::pair<std::string, std::string>, MeasuredInference> measured_inference;  // (model, device)
};

// Adds what emulator runs measured to `catalog` (cores must be loaded):
// per core the mean over kernels of the latest tkg:KernelInstructionsPerMac
// of each kernel, times kCyclesPerInstruction, as calibrated float cycles per
// MAC (only for cores the table has); per (model, device) the latest
// tkg:InstructionsPerInference. Queries match-kernel-calibration.rq and
// match-measured-inference.rq; few rows (one per emulator run).
Status LoadMeasuredFigures(rdf::Store& store, Catalog& catalog);

struct NamedEntity {
  Entity entity;
  std::vector<std::string> names;
};

// Without `with_text` the verdicts, margins, latency and runtime are the
// same but no constraint carries its explanation (messages, need/have text):
// for long lists of pairs that fit.
Fit Evaluate(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
             bool with_text = true);
// A cheap screen: true only when Evaluate(m, d, ...).fits would be false.
bool CertainlyMisfits(const ModelFacts& m, const DeviceFacts& d, const Filters& filters);

// Runs a named query with optional VALUES bindings (see BindValues).
Result<rdf::QueryResult> RunNamed(rdf::Store& store, std::string_view name,
                                  const std::vector<std::string>& variables = {},
                                  const std::vector<std::vector<rdf::Term>>& rows = {});

// Runs a named query with `variable` bound to `values`: unbound when empty, as
// a constant (BindConstants, index lookups) for one value, as VALUES rows for
// several. For one value the projected column is filled in with it.
Result<rdf::QueryResult> RunBound(rdf::Store& store, std::string_view name, const std::string& variable,
                                  const std::vector<rdf::Term>& values);

class FactSource {
 public:
  explicit FactSource(rdf::Store& store) : store_(store) {}

  rdf::Store& store() { return store_; }
  Result<const Catalog*> Reference();
  // Facts of the given models / devices; every one when `iris` is empty.
  Result<std::vector<ModelFacts>> Models(const std::vector<std::string>& iris);
  Result<std::vector<DeviceFacts>> Devices(const std::vector<std::string>& iris);
  // Devices worth checking for `m`: unless `all`, those with its (first
  // specific) input sensor kind, selected in SPARQL; every device when the
  // model names no specific sensor. Budgets are checked by the caller.
  Result<std::vector<DeviceFacts>> CandidateDevices(const ModelFacts& m, bool all);

  Result<std::vector<Entity>> FindByIriOrName(const std::string& text, bool model);
  Result<std::vector<NamedEntity>> AllNames(bool model);

 private:
  rdf::Store& store_;
  std::optional<Catalog> catalog_;
};

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_FACTS_H_
