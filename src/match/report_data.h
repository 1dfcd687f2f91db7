// What the matchmaking report shows, gathered once from the store: the
// devices and models matchmaking sees, a compact verdict per (model, device)
// pair, the layers of each model, the emulator runs written back, the
// devices that could not be evaluated, and the benchmark winners. Every
// writer (md, html, json, csv) renders from this; nothing is computed twice.
#ifndef TINYKG_MATCH_REPORT_DATA_H_
#define TINYKG_MATCH_REPORT_DATA_H_

#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "facts.h"
#include "tinykg/match/report.h"

namespace tinykg::match {

// Checks that failed for a pair, as bits (a pair can fail several).
enum FailBit : std::uint8_t {
  kFailRam = 1,
  kFailFlash = 2,
  kFailSensor = 4,
  kFailOperators = 8,
  kFailLatency = 16,
  kFailOther = 32,
};
inline constexpr int kFailKinds = 6;
// Letter, word and bit of each failure kind, in the order the report shows.
struct FailKind {
  char letter;
  const char* word;
  std::uint8_t bit;
};
extern const FailKind kFailKindTable[kFailKinds];

// Where a latency figure comes from (matchmaker.h: Constraint::basis).
enum class LatencyBasis { kUnknown, kEstimated, kCalibrated, kMeasured };

// How a basis is written: "measured" (json/csv), "[M]" (the badge), and
// the words of the latency view.
struct BasisText {
  const char* name;
  const char* marker;
  const char* words;
};
const BasisText& TextOf(LatencyBasis basis);

// One (model, device) verdict in 40-odd bytes: the fleet-sized matrix is
// kept as these, not as Fit objects with their texts.
struct PairCell {
  bool fits = false;
  bool float_without_fpu = false;
  std::uint8_t failures = 0;  // FailBit set
  std::optional<std::int64_t> ram_margin, flash_margin;
  std::optional<double> latency_ms;
  LatencyBasis basis = LatencyBasis::kUnknown;
};

struct LayerRow {
  std::int64_t index = 0;
  std::string op;  // local name, e.g. CONV_2D
  std::string shape_in, shape_out;
  std::optional<std::int64_t> macs, weight_bytes, activation_bytes;
};

// A tkg:TrainingRun and what it measured (metric local name -> value).
struct EmulatorRun {
  std::string iri, label, device_iri, device_name, model_iri, model_name;
  std::string training;  // OnlineLearning, InferenceOnly, ...
  std::string target, toolchain, commit, date;
  std::optional<std::int64_t> steps;
  std::map<std::string, double> figures;
  std::map<std::string, double> kernel_instructions_per_mac;  // kernel -> figure
};

// A project `tinykg deploy` generated (a tkg:Deployment record).
struct DeploymentRow {
  std::string iri, label, model_iri, model_name, device_iri, device_name;
  std::string date, version, target;
  bool online = false, forced = false;
  std::optional<std::int64_t> arena_reserved, arena_measured, model_array;
};

// A described device matchmaking could not check, or checked with gaps.
struct UnevaluatedDevice {
  std::string iri, name;
  std::string why;
  bool skipped = false;  // true: not in the matrix at all; false: evaluated with gaps
};

struct ReportWinner {
  std::size_t device = 0, model = 0;  // indexes into ReportData
  std::string task;                   // IRI
  std::string basis;
};

// Above these the matrix is aggregated per model (counts per failure kind)
// and the per-device and per-model lists are cut to their best entries.
inline constexpr std::size_t kDetailMaxDevices = 16;
inline constexpr std::size_t kDetailMaxPairs = 2000;

struct ReportData {
  ReportContext context;             // with `generated` filled in
  std::vector<DeviceFacts> devices;  // sorted by name
  std::vector<ModelFacts> models;    // sorted by name
  std::vector<PairCell> cells;       // models.size() x devices.size(), row-major by model
  Catalog catalog;
  std::map<std::string, std::vector<LayerRow>> layers;  // model IRI -> layers by index
  std::vector<EmulatorRun> runs;                        // newest first
  std::set<std::string> published_needs;                // models whose needs are published figures
  std::vector<DeploymentRow> deployments;               // newest first
  std::vector<UnevaluatedDevice> unevaluated;
  std::vector<ReportWinner> winners;
  std::map<std::string, std::size_t> records_by_method;  // method local name -> count
  std::size_t records = 0;
  std::size_t fitting = 0;
  std::vector<std::size_t> fits_per_model, fits_per_device;
  std::size_t named_graphs = 0;

  const PairCell& At(std::size_t model, std::size_t device) const { return cells[model * devices.size() + device]; }
  std::size_t Pairs() const { return cells.size(); }
  // True when the matrix is too big to draw cell by cell.
  bool Aggregated() const { return devices.size() > kDetailMaxDevices || Pairs() > kDetailMaxPairs; }
  // The full verdict of one pair with its explanations (re-evaluated).
  Fit Explain(std::size_t model, std::size_t device) const;
};

Result<ReportData> GatherReport(rdf::Store& store, const ReportContext& context);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_REPORT_DATA_H_
