// Matchmaking: which model fits which device, and why (not).
//
// A Matchmaker answers from the knowledge graph in an rdf::Store. The graph
// facts it reads are fetched with the named queries in ontology/queries/
// (match-*.rq, compiled into the library; users can run the same files with
// `tinykg query -f`); parameters are bound with a VALUES block of escaped
// terms, never by pasting user text. The final numeric checks run in C++ on
// the rows those queries return (Rasqal 0.9.33 cannot compare across two
// resources quickly; see match.md / the README's performance section).
//
// A (model, device) pair fits when every constraint holds:
//   ram        model tkg:ramNeedBytes   <= device tkg:freeRamBytes
//   flash      model tkg:flashNeedBytes <= device tkg:freeFlashBytes
//   sensor     every tkg:inputSensor kind of the model is among the device's
//              tkg:hasSensorKind (a model whose input is the generic
//              sosa_extend:OtherSensor or sosa:Sensor takes any device with
//              at least one sensor)
//   operators  one runtime the device offers (tkg:offersRuntime) supports
//              every tkg:usesOperator of the model (runtimes are not mixed)
//   fpu        never fails: a float model (tkg:inputDtype nnet:Float32 and no
//              QUANTIZE operator, which would make the network int8) on a
//              device without FPU is flagged, and its latency estimate uses
//              soft-float cycles (at least kSoftFloatCyclesPerMac)
//   latency    estimated ms = MACs (nnet:hasMultiplyAccumulateOps) x cycles
//              per MAC of the core (tkg:cyclesPerMac, or tkg:cyclesPerMacFloat
//              for float models) / tkg:clockHz x 1000; checked against
//              Filters::max_latency_ms when given. Unknown core or clock: the
//              estimate is unknown and the check passes, flagged.
//              Measured figures win over the table (Constraint::basis says
//              which was used): a pair with tkg:InstructionsPerInference
//              measured on the emulator takes instructions x
//              kCyclesPerInstruction / clock ("measured"); a float model on a
//              core whose kernels were measured on the emulator
//              (tkg:KernelInstructionsPerMac) takes MACs x those instructions
//              per MAC x kCyclesPerInstruction / clock ("calibrated"); else
//              the table ("table"). int8 models keep the table: the emulator
//              measures the engine's float kernels.
//   runtime    with Filters::runtime: the device offers that runtime.
// Missing needs on the model side (no RAM need stated) count as unknown and
// pass, flagged; missing budgets on the device side fail.
//
// Ranking (documented, stable):
//   devices for a model: fitting pairs first; then the tightest RAM fit
//     (smallest non-negative free-RAM margin, so big devices stay free for big
//     models); then lowest estimated latency; then name.
//   models for a device: fitting pairs first; then best published/measured
//     accuracy (the best tkg:BenchmarkRecord with metric tkg:Accuracy, any
//     method); then lowest latency; then name.
//   matrix: by model name, then device name.
#ifndef TINYKG_MATCH_MATCHMAKER_H_
#define TINYKG_MATCH_MATCHMAKER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

// Cycles per float MAC assumed on a core without FPU when the graph says less.
inline constexpr double kSoftFloatCyclesPerMac = 40.0;

// Cycles per executed instruction assumed when turning instruction counts
// measured on an emulated MCU (QEMU counts instructions, not cycles) into
// time. 1.0 holds for the single-issue Cortex-M0/M3/M4 pipelines on ALU and
// FPU work; loads, taken branches and divides take more, the dual-issue M7
// less, so measured latencies are a lower bound within about 2x.
inline constexpr double kCyclesPerInstruction = 1.0;

// A model or device as the user sees it.
struct Entity {
  std::string iri;
  std::string name;  // rdfs:label, else schema:name, else td:title, else the IRI
};

// One checked constraint. Numbers are in `unit`; `need_text`/`have_text` are
// used instead when the constraint is about names (sensor kinds, operators).
struct Constraint {
  std::string name;  // ram, flash, sensor, operators, fpu, latency, runtime
  std::optional<double> need;
  std::optional<double> have;
  std::string need_text;
  std::string have_text;
  std::string unit;       // bytes, ms, or empty for name lists
  bool ok = true;
  bool flagged = false;   // holds, but with a caveat (float without FPU, unknown)
  std::string message;    // one line for people: "RAM: needs 207.0 kB, ..."
  std::string basis;      // latency: "measured", "calibrated" or "table"; RAM/flash: "default" (the
                          // device's free figure is a default), else "published" (the model's need is a
                          // published description's figure) or "file" (from the model's file, a published
                          // description states another); else empty
};

struct Fit {
  Entity model;
  Entity device;
  bool fits = false;
  std::vector<Constraint> constraints;
  std::optional<std::int64_t> ram_margin_bytes;    // free RAM - need
  std::optional<std::int64_t> flash_margin_bytes;  // free flash - need
  std::optional<double> latency_ms;                // estimate
  std::optional<double> accuracy;                  // best known, fraction
  std::string runtime;                             // runtime IRI that covers the operators
  bool float_without_fpu = false;

  // The first failing constraint, or null when the pair fits.
  const Constraint* FirstFailure() const;
};

struct Filters {
  std::optional<std::string> task;     // tkg:Task IRI
  std::optional<std::string> sensor;   // sensor kind IRI the model must take
  std::optional<std::string> runtime;  // runtime IRI the device must offer
  std::optional<double> max_latency_ms;
  bool include_misfits = false;        // also return pairs that do not fit
  // Every constraint of a fitting pair carries its explanation (message,
  // need/have text). Without it a fitting pair has the same verdict,
  // margins, latency and runtime but no text (lists print none); a misfit
  // always has its explanation.
  bool explain = false;
};

// A task / sensor / runtime name as an IRI through the one table of names
// and aliases (rdf::NameIriLenient): a full IRI stays; "keyword-spotting",
// "kws" -> tkg:KeywordSpotting; "mic" -> sosa_extend:Microphone; "cmsis-nn"
// / "tflm" -> runtimes; an unknown name in CamelCase. Commands check what a
// user types with rdf::ResolveName first (unknown: "did you mean").
std::string TaskIri(std::string_view text);
std::string SensorIri(std::string_view text);
std::string RuntimeIri(std::string_view text);

// The local name of an IRI (after '#' or the last '/').
std::string LocalName(std::string_view iri);

struct DeviceFacts;  // device.h

class Matchmaker {
 public:
  // `store` must outlive the Matchmaker; it is only read.
  explicit Matchmaker(rdf::Store& store);
  ~Matchmaker();
  Matchmaker(const Matchmaker&) = delete;
  Matchmaker& operator=(const Matchmaker&) = delete;

  // Finds a model / device by IRI, exact name (rdfs:label, schema:name,
  // td:title; case-insensitive) or unique name prefix. kNotFound with "did
  // you mean ..." (closest names by edit distance) when nothing matches;
  // kInvalidArgument listing the candidates when a prefix is ambiguous.
  Result<Entity> ResolveModel(std::string_view text);
  Result<Entity> ResolveDevice(std::string_view text);

  // Devices for a model / models for a device / every pair, ranked as the
  // header comment says. Pairs that do not fit are left out unless
  // filters.include_misfits.
  Result<std::vector<Fit>> DevicesFor(const Entity& model, const Filters& filters);
  Result<std::vector<Fit>> ModelsFor(const Entity& device, const Filters& filters);
  Result<std::vector<Fit>> Matrix(const Filters& filters);
  // Matrix() one pair at a time, in the same order, without holding the
  // list (a fleet's matrix has tens of millions of pairs): `emit` gets each
  // pair and returns false to stop. Fitting pairs carry no constraint texts
  // unless filters.include_misfits.
  Status StreamMatrix(const Filters& filters, const std::function<bool(const Fit&)>& emit);
  // DevicesFor() one device at a time, in the same order, without holding
  // the list (a model fits hundreds of thousands of a fleet's devices):
  // ranked on numbers first, each pair evaluated again as it is emitted.
  Status StreamDevicesFor(const Entity& model, const Filters& filters, const std::function<bool(const Fit&)>& emit);

  // Every constraint of one pair, whether it fits or not.
  Result<Fit> Explain(const Entity& model, const Entity& device,
                      std::optional<double> max_latency_ms = std::nullopt);

  // The facts of one device (see device.h), defaults applied; kNotFound
  // when `device` is not a tkg:Device. Every device when `device` is null.
  Result<std::vector<DeviceFacts>> DeviceFactsOf(const Entity* device);

  // All models / devices (IRI and name), sorted by name.
  Result<std::vector<Entity>> Models();
  Result<std::vector<Entity>> Devices();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Helpers for people-facing text: "207.0 kB" (1 kB = 1000 bytes, as the
// published figures), "12.3 ms".
std::string FormatBytes(double bytes);
std::string FormatMs(double ms);

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_MATCHMAKER_H_
