// The graph facts matchmaking checks, fetched with the named queries
// (ontology/queries/match-*.rq). These are rows of query results grouped per
// resource for the checks in C++, held only for one call; the graph stays
// the one source of truth.
#ifndef TINYKG_MATCH_FACTS_H_
#define TINYKG_MATCH_FACTS_H_

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/match/device.h"
#include "tinykg/match/matchmaker.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/store.h"

namespace tinykg::match {

// What one runtime offers one model: the operators it lacks and how many
// of the model's operators it has optimised kernels for.
struct RuntimeSupport {
  std::vector<std::string> missing;
  std::size_t fast = 0;
};

struct ModelFacts {
  Entity entity;
  std::optional<std::int64_t> ram_need, flash_need, macs;
  std::string dtype;  // IRI
  std::string task;   // IRI
  std::vector<std::string> sensors, ops;
  std::optional<double> accuracy;  // best accuracy record
  // RuntimeSupport for every runtime of the catalog, worked out once
  // (FactSource::Models): a matrix evaluates each model against 100k
  // devices, and looking every operator up per pair was a third of it.
  // (runtime IRI, support), one per runtime of the catalog: a few, looked
  // up per pair by a scan that compares the IRIs' tails first (a map
  // compared or hashed the long common prefix, several times a pair).
  std::vector<std::pair<std::string, RuntimeSupport>> support;
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
  std::unordered_map<std::string, CoreFacts> cores;  // looked up per pair
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

struct Catalog;
// What `runtime` offers `m` (from the catalog; a runtime it does not list
// lacks every operator).
RuntimeSupport SupportOf(const ModelFacts& m, const Catalog& catalog, const std::string& runtime);

// Without `with_text` the verdicts, margins, latency and runtime are the
// same but no constraint carries its explanation (messages, need/have text):
// for long lists of pairs that fit.
Fit Evaluate(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
             bool with_text = true);
// The same into `fit`, reusing its buffers (a list's loop over pairs).
void EvaluateInto(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
                  bool with_text, Fit& fit);
// EvaluateInto without naming the pair: `fit.model` and `fit.device` are
// left as they are (a ranking pass that only reads the verdict and numbers).
void EvaluateVerdictInto(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
                         bool with_text, Fit& fit);
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

// RunBound with the OPTIONALs nested (rdf::RunQueryNested).
Result<rdf::NestedResult> RunBoundNested(rdf::Store& store, std::string_view name, const std::string& variable,
                                         const std::vector<rdf::Term>& values);

// Column access by variable name on a query result (which must outlive it).
class Rows {
 public:
  explicit Rows(const rdf::QueryResult& r) : r_(r) {
    for (std::size_t i = 0; i < r.variables.size(); ++i) index_[r.variables[i]] = i;
  }
  // With the nested OPTIONAL values of RunQueryNested (see ForEach).
  explicit Rows(const rdf::NestedResult& r) : Rows(r.result) {
    nested_result_ = &r;
    for (std::size_t i = 0; i < r.nested.size(); ++i) nested_[r.nested[i]] = i;
  }
  // Calls f(const rdf::Term&) for every value of `var` in `row`: the nested
  // ones, or the cell.
  template <class F>
  void ForEach(std::size_t row, std::string_view var, F&& f) const {
    if (auto it = nested_.find(var); it != nested_.end()) return nested_result_->ForEach(it->second, row, f);
    if (const auto& t = Get(row, var)) f(*t);
  }
  // The first value of `var` in `row` (nested or the cell); null if none.
  const rdf::Term* First(std::size_t row, std::string_view var) const {
    if (auto it = nested_.find(var); it != nested_.end()) return nested_result_->First(it->second, row);
    const auto& t = Get(row, var);
    return t ? &*t : nullptr;
  }
  std::size_t size() const { return r_.rows.size(); }

  // A variable's place, looked up once for a loop over many rows.
  struct Column {
    int nested = -1;  // index into the nested values, or
    int cell = -1;    // index of the cell in a row; both -1: no such variable
  };
  Column ColumnOf(std::string_view var) const {
    Column c;
    if (auto it = nested_.find(var); it != nested_.end()) {
      c.nested = static_cast<int>(it->second);
    } else if (auto at = index_.find(var); at != index_.end()) {
      c.cell = static_cast<int>(at->second);
    }
    return c;
  }
  const rdf::Term* First(std::size_t row, Column c) const {
    if (c.nested >= 0) return nested_result_->First(static_cast<std::size_t>(c.nested), row);
    if (c.cell < 0) return nullptr;
    const auto& t = r_.rows[row][static_cast<std::size_t>(c.cell)];
    return t ? &*t : nullptr;
  }
  template <class F>
  void ForEach(std::size_t row, Column c, F&& f) const {
    if (c.nested >= 0) return nested_result_->ForEach(static_cast<std::size_t>(c.nested), row, f);
    if (const rdf::Term* t = First(row, c)) f(*t);
  }
  // The index of `row`'s subject among the distinct subjects of the nested
  // column `c` (the OPTIONALs' shared subject, e.g. ?device), or
  // NestedResult::kNoSubject; rows of one subject share it.
  std::uint32_t SubjectOf(std::size_t row, Column c) const {
    if (c.nested < 0) return rdf::NestedResult::kNoSubject;
    return nested_result_->row_subject[nested_result_->columns[static_cast<std::size_t>(c.nested)].table][row];
  }
  // How many distinct subjects the table of nested column `c` has.
  std::size_t SubjectCount(Column c) const {
    if (c.nested < 0) return 0;
    return nested_result_->tables[nested_result_->columns[static_cast<std::size_t>(c.nested)].table].subjects();
  }
  std::string Str(std::size_t row, Column c) const {
    const rdf::Term* t = First(row, c);
    return t ? t->value : std::string();
  }
  std::optional<std::int64_t> Int(std::size_t row, Column c) const { return IntOf(First(row, c)); }

  const std::optional<rdf::Term>& Get(std::size_t row, std::string_view var) const {
    static const std::optional<rdf::Term> kNone;
    auto it = index_.find(var);
    return it == index_.end() ? kNone : r_.rows[row][it->second];
  }
  std::string Str(std::size_t row, std::string_view var) const {
    const rdf::Term* t = First(row, var);
    return t ? t->value : std::string();
  }
  std::optional<std::int64_t> Int(std::size_t row, std::string_view var) const { return IntOf(First(row, var)); }
  static std::optional<std::int64_t> IntOf(const rdf::Term* t) {
    if (!t || !t->is_literal()) return std::nullopt;
    std::int64_t v = 0;
    const std::string& s = t->value;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
    try {
      return static_cast<std::int64_t>(std::stod(s));  // "2.5E5" style doubles
    } catch (...) {
      return std::nullopt;
    }
  }
  std::optional<double> Double(std::size_t row, std::string_view var) const {
    const rdf::Term* t = First(row, var);
    if (!t || !t->is_literal()) return std::nullopt;
    try {
      return std::stod(t->value);
    } catch (...) {
      return std::nullopt;
    }
  }

 private:
  const rdf::QueryResult& r_;
  // Looked up by string_view without building a string (C++20
  // heterogeneous lookup): the fact readers ask for columns by literal name
  // once per row and variable.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>()(name); }
  };
  using NameIndex = std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>>;
  NameIndex index_;
  const rdf::NestedResult* nested_result_ = nullptr;
  NameIndex nested_;
};

class FactSource {
 public:
  explicit FactSource(rdf::Store& store) : store_(store) {}

  rdf::Store& store() { return store_; }
  Result<const Catalog*> Reference();
  // Facts of the given models / devices; every one when `iris` is empty.
  Result<std::vector<ModelFacts>> Models(const std::vector<std::string>& iris);
  // Models({}) less the models whose RAM or flash need exceeds the budget
  // (match-models-within.rq): for the models that fit one device.
  Result<std::vector<ModelFacts>> ModelsWithin(std::int64_t max_ram, std::int64_t max_flash);
  Result<std::vector<DeviceFacts>> Devices(const std::vector<std::string>& iris);
  // Devices worth checking for `m`: unless `all`, those with its (first
  // specific) input sensor kind, selected in SPARQL; every device when the
  // model names no specific sensor. Budgets are checked by the caller.
  Result<std::vector<DeviceFacts>> CandidateDevices(const ModelFacts& m, bool all);

  Result<std::vector<Entity>> FindByIriOrName(const std::string& text, bool model);

  // Published model descriptions (tkg:needsBasis tkg:PublishedMinimum, see
  // src/rdf/published_needs.h) that describe a model tinykg also described
  // from its file: the same schema:name and that model states a
  // tkg:contentHash (the published graph states none), or owl:sameAs either
  // way (match-published-twins.rq, match-published-same-as*.rq). Published
  // IRI -> the other model's IRI, only where there is exactly one such model
  // (two files under one name stay two models). The file's figures win: the
  // published description is not listed, and names resolve to the other.
  // Three small queries, run once per FactSource; empty without published
  // models.
  Result<const std::map<std::string, std::string>*> PublishedTwins();
  // `iri`, or the model that a published description `iri` stands for.
  Result<std::string> Canonical(const std::string& iri);
  Result<std::vector<NamedEntity>> AllNames(bool model);

 private:
  // ModelFacts from the rows of match-model-facts.rq (or -within), with the
  // accuracy records of `terms` (every model when empty), or those that
  // `accuracy_query` lists (?model ?value rows; match-accuracy-within.rq).
  Result<std::vector<ModelFacts>> ModelsOf(const rdf::NestedResult& facts, const std::vector<rdf::Term>& terms,
                                           const std::string* accuracy_query = nullptr);

  rdf::Store& store_;
  std::optional<std::map<std::string, std::string>> twins_;
  std::optional<Catalog> catalog_;
};

}  // namespace tinykg::match

#endif  // TINYKG_MATCH_FACTS_H_
