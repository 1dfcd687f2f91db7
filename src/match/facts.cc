#include "facts.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "tinykg/match/named_queries.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {

Result<rdf::QueryResult> RunNamed(rdf::Store& store, std::string_view name,
                                  const std::vector<std::string>& variables,
                                  const std::vector<std::vector<rdf::Term>>& rows) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, QueryText(name));
  TINYKG_ASSIGN_OR_RETURN(std::string bound, BindValues(text, variables, rows));
  auto result = rdf::RunQuery(store, bound);
  if (!result.ok()) return result.status().WithContext(std::string("query ") + std::string(name));
  return result;
}

namespace {

// The text of named query `name` with `variable` bound to `values` (see
// RunBound); `constant` tells whether it was bound as a constant.
Result<std::string> BoundText(std::string_view name, const std::string& variable,
                              const std::vector<rdf::Term>& values, bool* constant) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, QueryText(name));
  *constant = values.size() == 1;
  if (values.empty()) return text;
  if (values.size() > 1) {
    std::vector<std::vector<rdf::Term>> rows;
    for (const auto& v : values) rows.push_back({v});
    return BindValues(text, {variable}, rows);
  }
  return BindConstants(text, {{variable, values.front()}});
}

// A variable bound as a constant is not projected any more: put it back in.
void ProjectConstant(rdf::QueryResult& result, const std::string& variable, const rdf::Term& value) {
  if (std::find(result.variables.begin(), result.variables.end(), variable) != result.variables.end()) return;
  result.variables.push_back(variable);
  for (auto& row : result.rows) row.push_back(value);
}

}  // namespace

Result<rdf::QueryResult> RunBound(rdf::Store& store, std::string_view name, const std::string& variable,
                                  const std::vector<rdf::Term>& values) {
  bool constant = false;
  TINYKG_ASSIGN_OR_RETURN(std::string text, BoundText(name, variable, values, &constant));
  auto result = rdf::RunQuery(store, text);
  if (!result.ok()) return result.status().WithContext(std::string("query ") + std::string(name));
  if (constant) ProjectConstant(*result, variable, values.front());
  return result;
}

Result<rdf::NestedResult> RunBoundNested(rdf::Store& store, std::string_view name, const std::string& variable,
                                         const std::vector<rdf::Term>& values) {
  bool constant = false;
  TINYKG_ASSIGN_OR_RETURN(std::string text, BoundText(name, variable, values, &constant));
  auto result = rdf::RunQueryNested(store, text);
  if (!result.ok()) return result.status().WithContext(std::string("query ") + std::string(name));
  if (constant) ProjectConstant(result->result, variable, values.front());
  return result;
}

namespace {

std::vector<rdf::Term> IriTerms(const std::vector<std::string>& iris) {
  std::vector<rdf::Term> terms;
  terms.reserve(iris.size());
  for (const auto& iri : iris) terms.push_back(rdf::Term::Iri(iri));
  return terms;
}

std::string NameOf(const std::string& iri, std::initializer_list<std::string> names) {
  for (const auto& n : names) {
    if (!n.empty()) return n;
  }
  return iri;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

}  // namespace

Result<const Catalog*> FactSource::Reference() {
  if (catalog_) return &*catalog_;
  Catalog c;
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult ops, RunNamed(store_, "match-runtime-operators"));
  Rows o(ops);
  for (std::size_t i = 0; i < o.size(); ++i) c.runtime_ops[o.Str(i, "runtime")].insert(o.Str(i, "op"));
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult fast, RunNamed(store_, "match-runtime-optimised"));
  Rows fo(fast);
  for (std::size_t i = 0; i < fo.size(); ++i) c.runtime_optimised[fo.Str(i, "runtime")].insert(fo.Str(i, "op"));
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult cores, RunNamed(store_, "match-cores"));
  Rows k(cores);
  for (std::size_t i = 0; i < k.size(); ++i) {
    CoreFacts f;
    f.cycles_per_mac = k.Double(i, "cycles_per_mac").value_or(1);
    f.cycles_per_mac_float = k.Double(i, "cycles_per_mac_float");
    c.cores[k.Str(i, "core")] = f;
  }
  TINYKG_RETURN_IF_ERROR(LoadMeasuredFigures(store_, c));
  catalog_ = std::move(c);
  return &*catalog_;
}

Result<std::vector<ModelFacts>> FactSource::Models(const std::vector<std::string>& iris) {
  auto terms = IriTerms(iris);
  TINYKG_ASSIGN_OR_RETURN(rdf::NestedResult facts, RunBoundNested(store_, "match-model-facts", "model", terms));
  return ModelsOf(facts, terms);
}

Result<std::vector<ModelFacts>> FactSource::ModelsWithin(std::int64_t max_ram, std::int64_t max_flash) {
  const std::string integer = std::string(vocab::kXsd) + "integer";
  TINYKG_ASSIGN_OR_RETURN(std::string text, QueryText("match-models-within"));
  const std::vector<std::pair<std::string, rdf::Term>> budget = {
      {"max_ram", rdf::Term::Literal(std::to_string(max_ram), integer)},
      {"max_flash", rdf::Term::Literal(std::to_string(max_flash), integer)}};
  TINYKG_ASSIGN_OR_RETURN(std::string query, BindConstants(text, budget));
  auto facts = rdf::RunQueryNested(store_, query);
  if (!facts.ok()) return facts.status().WithContext("query match-models-within");
  // Their accuracy records only (match-accuracy-within.rq, same budget).
  TINYKG_ASSIGN_OR_RETURN(std::string acc_text, QueryText("match-accuracy-within"));
  TINYKG_ASSIGN_OR_RETURN(std::string acc_query, BindConstants(acc_text, budget));
  return ModelsOf(*facts, {}, &acc_query);
}

Result<std::vector<ModelFacts>> FactSource::ModelsOf(const rdf::NestedResult& facts,
                                                     const std::vector<rdf::Term>& terms,
                                                     const std::string* accuracy_query) {
  std::vector<ModelFacts> out;
  std::unordered_map<std::string, std::size_t> at;
  Rows f(facts);
  for (std::size_t i = 0; i < f.size(); ++i) {
    std::string iri = f.Str(i, "model");
    auto [it, fresh] = at.emplace(iri, out.size());
    if (fresh) {  // several labels (flat rows): the first row names the model
      ModelFacts m;
      m.entity = {iri, NameOf(iri, {f.Str(i, "label"), f.Str(i, "name")})};
      m.ram_need = f.Int(i, "ram_need");
      m.flash_need = f.Int(i, "flash_need");
      m.macs = f.Int(i, "macs");
      m.dtype = f.Str(i, "dtype");
      m.task = f.Str(i, "task");
      out.push_back(std::move(m));
    }
    ModelFacts& m = out[it->second];
    f.ForEach(i, "sensor", [&m](const rdf::Term& s) { AddUnique(m.sensors, s.value); });
    f.ForEach(i, "op", [&m](const rdf::Term& op) { AddUnique(m.ops, op.value); });
  }
  if (out.empty()) return out;
  // A published description of a model described from its file is that
  // model, whose figures win: listed once, as the other.
  TINYKG_ASSIGN_OR_RETURN(const auto* twins, PublishedTwins());
  if (!twins->empty()) {
    std::erase_if(out, [&](const ModelFacts& m) { return twins->count(m.entity.iri) > 0; });
    at.clear();
    for (std::size_t i = 0; i < out.size(); ++i) at.emplace(out[i].entity.iri, i);
    if (out.empty()) return out;
  }
  // Nested: only ?value is read, and a record's optional method, device and
  // source must not multiply its rows (10k records at a 1M-device fleet).
  rdf::NestedResult acc;
  if (accuracy_query) {
    auto within = rdf::RunQueryNested(store_, *accuracy_query);
    if (!within.ok()) return within.status().WithContext("query match-accuracy-within");
    acc = std::move(*within);
  } else {
    TINYKG_ASSIGN_OR_RETURN(acc, RunBoundNested(store_, "match-accuracy", "model", terms));
  }
  Rows a(acc);
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto it = at.find(a.Str(i, "model"));
    auto v = a.Double(i, "value");
    if (it == at.end() || !v) continue;
    auto& best = out[it->second].accuracy;
    if (!best || *v > *best) best = v;
  }
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, Reference());
  for (auto& m : out) {
    std::sort(m.sensors.begin(), m.sensors.end());
    std::sort(m.ops.begin(), m.ops.end());
    for (const auto& entry : catalog->runtime_ops) m.support.emplace_back(entry.first, SupportOf(m, *catalog, entry.first));
  }
  return out;
}

namespace {

// Groups the rows of match-device-facts.rq / match-candidate-devices.rq (one
// row per device, sensor kind and runtime) into one DeviceFacts per device,
// in first-seen order.
std::vector<DeviceFacts> GroupDeviceRows(const rdf::NestedResult& result) {
  std::vector<DeviceFacts> out;
  Rows f(result);
  out.reserve(f.size());  // at most a device per row: no DeviceFacts moved as it grows
  const Rows::Column device = f.ColumnOf("device"), label = f.ColumnOf("label"), title = f.ColumnOf("title"),
                     free_ram = f.ColumnOf("free_ram"), free_flash = f.ColumnOf("free_flash"),
                     ram = f.ColumnOf("ram"), flash = f.ColumnOf("flash"), clock_hz = f.ColumnOf("clock_hz"),
                     core = f.ColumnOf("core"), fpu = f.ColumnOf("fpu"), sensor = f.ColumnOf("sensor"),
                     runtime = f.ColumnOf("runtime");
  // The rows of one device: when the OPTIONALs were nested on ?device, the
  // nested tables already numbered the distinct devices (no IRI hashed a
  // second time); otherwise by IRI. Keys point into the result's terms,
  // which outlive the map.
  std::vector<std::size_t> of_subject(f.SubjectCount(sensor), SIZE_MAX);
  std::unordered_map<std::string_view, std::size_t> at;
  if (of_subject.empty()) at.reserve(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const rdf::Term* iri = f.First(i, device);
    if (!iri) continue;
    std::size_t* slot = nullptr;
    if (const std::uint32_t subject = f.SubjectOf(i, sensor); subject != rdf::NestedResult::kNoSubject) {
      slot = &of_subject[subject];
    } else {
      slot = &at.emplace(iri->value, SIZE_MAX).first->second;
    }
    if (*slot == SIZE_MAX) {
      *slot = out.size();
      DeviceFacts d;
      d.entity = {iri->value, NameOf(iri->value, {f.Str(i, label), f.Str(i, title)})};
      d.free_ram = f.Int(i, free_ram);
      d.free_flash = f.Int(i, free_flash);
      d.ram_total = f.Int(i, ram);
      d.flash_total = f.Int(i, flash);
      d.clock_hz = f.Int(i, clock_hz);
      d.core = f.Str(i, core);
      if (const rdf::Term* has = f.First(i, fpu)) d.fpu = has->value == "true" || has->value == "1";
      out.push_back(std::move(d));
    }
    DeviceFacts& d = out[*slot];
    f.ForEach(i, sensor, [&d](const rdf::Term& kind) { AddUnique(d.sensors, kind.value); });
    f.ForEach(i, runtime, [&d](const rdf::Term& r) { AddUnique(d.runtimes, r.value); });
  }
  for (auto& d : out) {
    std::sort(d.sensors.begin(), d.sensors.end());
    std::sort(d.runtimes.begin(), d.runtimes.end());
    ApplyDeviceDefaults(d);
  }
  return out;
}

// "262,144 B"
std::string GroupedBytes(std::int64_t bytes) {
  std::string digits = std::to_string(bytes < 0 ? -bytes : bytes);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (bytes < 0 ? "-" : "") + out + " B";
}

// Free = total - reserve, with the note saying so; nothing without a total.
void DefaultBudget(std::optional<std::int64_t>& free, const std::optional<std::int64_t>& total,
                   std::int64_t reserve, const char* option, std::string& note) {
  if (free || !total) return;
  free = std::max<std::int64_t>(0, *total - reserve);
  note = GroupedBytes(*total) + " total - " + FormatBytes(static_cast<double>(reserve)) +
         " runtime reserve (default; set with " + option + ")";
}

}  // namespace

void ApplyDeviceDefaults(DeviceFacts& d) {
  DefaultBudget(d.free_ram, d.ram_total, kDefaultRamReserveBytes, "--free-ram", d.free_ram_note);
  DefaultBudget(d.free_flash, d.flash_total, kDefaultFlashReserveBytes, "--free-flash", d.free_flash_note);
  if (d.runtimes.empty()) {
    d.runtimes.push_back(std::string(vocab::kTkg) + "TFLiteMicro");
    d.runtime_note = "TFLiteMicro (default for a device that names no runtime; set with --runtime)";
  }
}

std::string Unevaluable(const DeviceFacts& d) {
  std::string missing;
  if (!d.free_ram) missing = "RAM";
  if (!d.free_flash) missing += missing.empty() ? "flash" : " or flash";
  if (missing.empty()) return {};
  return "states no " + missing + " size (tkg:ramBytes/tkg:flashBytes or tkg:freeRamBytes/tkg:freeFlashBytes; " +
         "import it with --free-ram and --free-flash)";
}

Result<std::vector<DeviceFacts>> FactSource::Devices(const std::vector<std::string>& iris) {
  TINYKG_ASSIGN_OR_RETURN(rdf::NestedResult facts,
                          RunBoundNested(store_, "match-device-facts", "device", IriTerms(iris)));
  return GroupDeviceRows(facts);
}

Result<std::vector<DeviceFacts>> FactSource::CandidateDevices(const ModelFacts& m, bool all) {
  std::string kind;
  for (const auto& s : m.sensors) {
    if (s != std::string(vocab::kSosaExtend) + "OtherSensor" && s != std::string(vocab::kSosa) + "Sensor") {
      kind = s;
      break;
    }
  }
  if (kind.empty() || all) return Devices({});
  // One query: candidates and their facts together. Binding a candidate list
  // into match-device-facts.rq instead costs a VALUES block, which Rasqal
  // evaluates as a nested scan (88 s for 4,208 candidates among 10,000).
  TINYKG_ASSIGN_OR_RETURN(std::string text, QueryText("match-candidate-devices"));
  TINYKG_ASSIGN_OR_RETURN(std::string query, BindConstants(text, {{"kind", rdf::Term::Iri(kind)}}));
  auto cands = rdf::RunQueryNested(store_, query);
  if (!cands.ok()) return cands.status().WithContext("query match-candidate-devices");
  return GroupDeviceRows(*cands);
}

Result<std::vector<Entity>> FactSource::FindByIriOrName(const std::string& text, bool model) {
  const std::string want_type = model ? std::string(vocab::kNnet) + "NeuralNetwork" : std::string(vocab::kTkg) + "Device";
  std::vector<std::string> found;
  if (text.find("://") != std::string::npos || text.rfind("urn:", 0) == 0) {
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult types, RunBound(store_, "match-types", "thing", {rdf::Term::Iri(text)}));
    Rows t(types);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t.Str(i, "type") == want_type) AddUnique(found, text);
    }
  }
  // The graph IRI of a TD (what `import td` prints; a TD's id may differ)
  // stands for the device the TD describes.
  if (found.empty() && !model && (text.find("://") != std::string::npos || text.rfind("urn:", 0) == 0)) {
    auto graph = store_.Get(text, true);
    if (graph.ok()) {
      const std::string type = std::string(vocab::kRdf) + "type";
      for (const rdf::Triple& t : graph->triples) {
        if (t.subject.is_iri() && t.predicate.value == type && t.object.value == want_type) {
          AddUnique(found, t.subject.value);
        }
      }
    }
  }
  // An IRI of the wanted type is the answer; names are only looked up for
  // other text.
  if (found.empty()) {
    TINYKG_ASSIGN_OR_RETURN(std::string text_query, QueryText("match-find-by-name"));
    const std::string name_properties[] = {std::string(vocab::kRdfs) + "label", std::string(vocab::kSchema) + "name",
                                           std::string(vocab::kTd) + "title"};
    for (const std::string& iri : name_properties) {
      // Names are plain literals or, in TDs, tagged "en" (the TD context's
      // default language): both, so that a label and a TD title that read
      // the same are found together (and reported as ambiguous).
      for (const char* language : {"", "en"}) {
        TINYKG_ASSIGN_OR_RETURN(
            std::string query,
            BindConstants(text_query, {{"name_property", rdf::Term::Iri(iri)},
                                       {"text", rdf::Term::Literal(text, {}, language)}}));
        auto named = rdf::RunQuery(store_, query);
        if (!named.ok()) return named.status().WithContext("query match-find-by-name");
        Rows n(*named);
        for (std::size_t i = 0; i < n.size(); ++i) {
          if (n.Str(i, "type") == want_type) AddUnique(found, n.Str(i, "thing"));
        }
      }
    }
  }
  if (found.empty()) return std::vector<Entity>{};
  // Display names of what was found.
  std::vector<Entity> out;
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult labels,
                          RunBound(store_, model ? "match-model-names" : "match-device-names",
                                   model ? "model" : "device", IriTerms(found)));
  Rows l(labels);
  for (const auto& iri : found) {
    Entity e{iri, iri};
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (l.Str(i, model ? "model" : "device") != iri) continue;
      e.name = NameOf(iri, {l.Str(i, "label"), model ? l.Str(i, "name") : l.Str(i, "title"), l.Str(i, "name")});
      break;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<const std::map<std::string, std::string>*> FactSource::PublishedTwins() {
  if (twins_) return &*twins_;
  std::map<std::string, std::set<std::string>> found;
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult named, RunNamed(store_, "match-published-twins"));
  Rows n(named);
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n.Str(i, "twin") != n.Str(i, "model")) found[n.Str(i, "model")].insert(n.Str(i, "twin"));
  }
  for (const char* query : {"match-published-same-as", "match-published-same-as-of"}) {
    TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult same, RunNamed(store_, query));
    Rows r(same);
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r.Str(i, "twin") != r.Str(i, "model")) found[r.Str(i, "model")].insert(r.Str(i, "twin"));
    }
  }
  std::map<std::string, std::string> twins;
  for (auto& [published, others] : found) {
    // A published description declared the same as another published one
    // stands for neither.
    std::erase_if(others, [&found](const std::string& o) { return found.count(o) > 0; });
    if (others.size() == 1) twins.emplace(published, *others.begin());
  }
  twins_ = std::move(twins);
  return &*twins_;
}

Result<std::string> FactSource::Canonical(const std::string& iri) {
  TINYKG_ASSIGN_OR_RETURN(const auto* twins, PublishedTwins());
  auto it = twins->find(iri);
  return it == twins->end() ? iri : it->second;
}

Result<std::vector<NamedEntity>> FactSource::AllNames(bool model) {
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult r, RunNamed(store_, model ? "match-model-names" : "match-device-names"));
  Rows rows(r);
  const std::string var = model ? "model" : "device";
  std::vector<NamedEntity> out;
  std::unordered_map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string iri = rows.Str(i, var);
    auto it = at.find(iri);
    if (it == at.end()) {
      NamedEntity e;
      e.entity = {iri, NameOf(iri, {rows.Str(i, "label"), rows.Str(i, "title"), rows.Str(i, "name")})};
      it = at.emplace(iri, out.size()).first;
      out.push_back(std::move(e));
    }
    for (const char* v : {"label", "title", "name"}) {
      std::string n = rows.Str(i, v);
      if (!n.empty()) AddUnique(out[it->second].names, n);
    }
  }
  return out;
}

}  // namespace tinykg::match
