#include "tinykg/match/matchmaker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "facts.h"
#include "tinykg/base/text.h"
#include "tinykg/match/named_queries.h"
#include "tinykg/rdf/sparql_guard.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::match {

const Constraint* Fit::FirstFailure() const {
  for (const Constraint& c : constraints) {
    if (!c.ok) return &c;
  }
  return nullptr;
}

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsGenericSensor(const std::string& iri) {
  static const std::string other = std::string(vocab::kSosaExtend) + "OtherSensor";
  static const std::string sensor = std::string(vocab::kSosa) + "Sensor";
  return iri == other || iri == sensor;
}

// a == b for IRIs, which share long prefixes ("https://w3id.org/...
// sosa_extend/"): the tails are compared first, so two different IRIs of one
// length rarely cost more than a few bytes. Per pair of a matrix.
bool SameIri(const std::string& a, const std::string& b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n == 0) return true;
  if (a[n - 1] != b[n - 1] || a[n / 2] != b[n / 2]) return false;  // inline, before any call
  return std::memcmp(a.data(), b.data(), n) == 0;
}

bool HasIri(const std::vector<std::string>& list, const std::string& iri) {
  for (const auto& x : list) {
    if (SameIri(x, iri)) return true;
  }
  return false;
}

// LocalName(iri) == name, without building the local name.
bool LocalNameIs(const std::string& iri, std::string_view name) {
  if (iri.size() < name.size() || iri.compare(iri.size() - name.size(), name.size(), name) != 0) return false;
  if (iri.size() == name.size()) return true;
  const char before = iri[iri.size() - name.size() - 1];
  return before == '#' || before == '/';
}

std::string JoinLocalNames(const std::vector<std::string>& iris) {
  std::string out;
  for (const auto& iri : iris) out += (out.empty() ? "" : ", ") + LocalName(iri);
  return out.empty() ? "none" : out;
}

// `note`: how the device's figure was defaulted (empty when stated).
// Fills `c`, fresh (made in place in the Fit: no Constraint moved per pair).
void BytesConstraint(Constraint& c, const char* name, const char* what, std::optional<std::int64_t> need,
                     std::optional<std::int64_t> have, const std::string& note, bool with_text) {
  c.name = name;
  c.unit = "bytes";
  if (need) c.need = static_cast<double>(*need);
  if (have) c.have = static_cast<double>(*have);
  std::string label = std::string(what);
  if (!note.empty()) c.basis = "default";
  const std::string free_text = note.empty() ? " free" : " free: " + note;
  if (!need) {
    c.flagged = true;
    if (with_text) c.message = label + ": the model states no need" + (have ? ", device has " + FormatBytes(*c.have) + free_text : "");
  } else if (!have) {
    c.ok = false;
    if (with_text) c.message = label + ": needs " + FormatBytes(*c.need) + ", the device states no " + Lower(label) +
                               " size (set with --free-" + Lower(label) + ")";
  } else {
    c.ok = *need <= *have;
    std::int64_t margin = *have - *need;
    if (with_text) c.message = label + ": needs " + FormatBytes(*c.need) + ", device has " + FormatBytes(*c.have) + free_text + " — " +
                (c.ok ? FormatBytes(static_cast<double>(margin)) + " to spare"
                      : "short by " + FormatBytes(static_cast<double>(-margin)));
  }
}

}  // namespace

// True when Evaluate would certainly find the pair does not fit, decided
// from numbers and IRIs alone (RAM, flash, sensors, the --runtime filter),
// without the explanations Evaluate writes. Lists skip such pairs: building
// every constraint's text was three quarters of the full matrix's time.
bool CertainlyMisfits(const ModelFacts& m, const DeviceFacts& d, const Filters& filters) {
  auto short_of = [](std::optional<std::int64_t> need, std::optional<std::int64_t> have) {
    return need && (!have || *need > *have);
  };
  if (short_of(m.ram_need, d.free_ram) || short_of(m.flash_need, d.free_flash)) return true;
  for (const auto& s : m.sensors) {
    bool have = IsGenericSensor(s) ? !d.sensors.empty()
                                   : HasIri(d.sensors, s);
    if (!have) return true;
  }
  return filters.runtime && !HasIri(d.runtimes, *filters.runtime);
}

RuntimeSupport SupportOf(const ModelFacts& m, const Catalog& catalog, const std::string& runtime) {
  RuntimeSupport s;
  auto it = catalog.runtime_ops.find(runtime);
  auto fast_it = catalog.runtime_optimised.find(runtime);
  for (const auto& op : m.ops) {
    if (it == catalog.runtime_ops.end() || !it->second.count(op)) s.missing.push_back(op);
    if (fast_it != catalog.runtime_optimised.end() && fast_it->second.count(op)) ++s.fast;
  }
  return s;
}

// Evaluates every constraint of one pair (see the header for the rules).
Fit Evaluate(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
             bool with_text) {
  Fit fit;
  EvaluateInto(m, d, catalog, filters, with_text, fit);
  return fit;
}

void EvaluateInto(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
                  bool with_text, Fit& fit) {
  // A list evaluates one model against many devices in one reused Fit.
  if (fit.model.iri != m.entity.iri || fit.model.name != m.entity.name) fit.model = m.entity;
  fit.device = d.entity;
  EvaluateVerdictInto(m, d, catalog, filters, with_text, fit);
}

void EvaluateVerdictInto(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
                         bool with_text, Fit& fit) {
  fit.fits = false;
  fit.constraints.clear();
  fit.ram_margin_bytes.reset();
  fit.flash_margin_bytes.reset();
  fit.latency_ms.reset();
  fit.accuracy = m.accuracy;
  fit.runtime.clear();
  fit.float_without_fpu = false;
  fit.constraints.reserve(8);

  BytesConstraint(fit.constraints.emplace_back(), "ram", "RAM", m.ram_need, d.free_ram, d.free_ram_note, with_text);
  BytesConstraint(fit.constraints.emplace_back(), "flash", "Flash", m.flash_need, d.free_flash, d.free_flash_note,
                  with_text);
  if (m.ram_need && d.free_ram) fit.ram_margin_bytes = *d.free_ram - *m.ram_need;
  if (m.flash_need && d.free_flash) fit.flash_margin_bytes = *d.free_flash - *m.flash_need;

  {
    Constraint& c = fit.constraints.emplace_back();  // in place (reserved above)
    c.name = "sensor";
    std::vector<std::string> missing;
    for (const auto& s : m.sensors) {
      bool have = IsGenericSensor(s) ? !d.sensors.empty()
                                     : HasIri(d.sensors, s);
      if (!have) missing.push_back(s);
    }
    if (with_text) c.need_text = JoinLocalNames(m.sensors);
    if (with_text) c.have_text = JoinLocalNames(d.sensors);
    c.ok = missing.empty();
    if (m.sensors.empty()) c.flagged = true;
    if (with_text) c.message = "Sensor: needs " + c.need_text + ", device has " + c.have_text +
                (d.sensors.empty() ? " (it states no sensor kinds; set with --sensor)" : "") +
                (c.ok ? "" : " — missing " + JoinLocalNames(missing));
  }

  {
    Constraint& c = fit.constraints.emplace_back();  // in place (reserved above)
    c.name = "operators";
    c.need = static_cast<double>(m.ops.size());
    c.unit = "operators";
    // The offered runtime that leaves the fewest operators unsupported.
    // Ties go to the runtime with most optimised kernels for the model.
    // The best runtime's support, pointed at (a model's support per runtime
    // is usually worked out once, in m.support: copying its list per pair
    // showed in the full matrix).
    const RuntimeSupport* best = nullptr;
    const std::string* best_runtime_of = nullptr;
    RuntimeSupport computed, best_computed;  // for runtimes m.support lacks
    for (const auto& r : d.runtimes) {
      const RuntimeSupport* known = nullptr;
      for (const auto& [runtime, support] : m.support) {
        if (SameIri(runtime, r)) known = &support;
      }
      const RuntimeSupport* s = &computed;
      if (known) {
        s = known;
      } else {
        computed = SupportOf(m, catalog, r);
      }
      if (!best || s->missing.size() < best->missing.size() ||
          (s->missing.size() == best->missing.size() && s->fast > best->fast)) {
        if (s == &computed) {
          best_computed = std::move(computed);
          s = &best_computed;
        }
        best = s;
        best_runtime_of = &r;
      }
    }
    const bool any = best != nullptr;
    const std::vector<std::string>& best_missing = any ? best->missing : m.ops;
    if (any) fit.runtime = *best_runtime_of;
    const std::string& best_runtime = fit.runtime;
    c.have = static_cast<double>(m.ops.size() - best_missing.size());
    c.ok = any && best_missing.empty();
    if (with_text) c.need_text = std::to_string(m.ops.size()) + " operators";
    if (with_text) c.have_text = any ? LocalName(best_runtime) : "no runtime";
    if (!any) {
      if (with_text) c.message = "Operators: the device offers no runtime (set with --runtime)";
    } else if (c.ok) {
      if (with_text) c.message = "Operators: all " + std::to_string(m.ops.size()) + " supported by " + LocalName(best_runtime);
    } else {
      if (with_text) c.message = "Operators: " + LocalName(best_runtime) + " lacks " + JoinLocalNames(best_missing);
    }
    if (with_text && !d.runtime_note.empty()) c.message += "; runtime " + d.runtime_note;
  }

  // A float input that the model quantizes itself (a QUANTIZE operator) feeds
  // an integer network: only the other float models compute in float.
  const bool quantizes_input = std::any_of(m.ops.begin(), m.ops.end(),
                                           [](const std::string& op) { return LocalNameIs(op, "QUANTIZE"); });
  const bool is_float = (LocalNameIs(m.dtype, "Float32") || LocalNameIs(m.dtype, "Float16")) && !quantizes_input;
  {
    Constraint& c = fit.constraints.emplace_back();  // in place (reserved above)
    c.name = "fpu";
    if (with_text) c.need_text = is_float ? "float32" : (m.dtype.empty() ? "unknown" : LocalName(m.dtype));
    if (with_text) c.have_text = d.fpu ? (*d.fpu ? "FPU" : "no FPU") : "unknown";
    if (is_float && d.fpu && !*d.fpu) {
      fit.float_without_fpu = true;
      c.flagged = true;
      if (with_text) c.message = "FPU: float model on a core without FPU — runs in software float, slowed";
    } else if (is_float && !d.fpu) {
      c.flagged = true;
      if (with_text) c.message = "FPU: float model; the device does not say whether it has an FPU";
    } else {
      if (with_text) c.message = std::string("FPU: ") + (is_float ? "float model, device has an FPU" : "integer model, no FPU needed");
    }
  }

  {
    Constraint& c = fit.constraints.emplace_back();  // in place (reserved above)
    c.name = "latency";
    c.unit = "ms";
    if (filters.max_latency_ms) c.need = *filters.max_latency_ms;
    auto core = catalog.cores.find(d.core);
    // (A fleet has no measured pairs: no key of two IRIs built per pair then.)
    auto measured = catalog.measured_inference.empty() ? catalog.measured_inference.end()
                                                       : catalog.measured_inference.find({m.entity.iri, d.entity.iri});
    const bool clock_known = d.clock_hz && *d.clock_hz > 0;
    if (clock_known && measured != catalog.measured_inference.end()) {
      // Measured on the emulator for this very pair.
      const double cycles = measured->second.instructions * kCyclesPerInstruction;
      const double ms = cycles / static_cast<double>(*d.clock_hz) * 1000.0;
      fit.latency_ms = ms;
      c.have = ms;
      c.basis = "measured";
      c.ok = !filters.max_latency_ms || ms <= *filters.max_latency_ms;
      char text[64] = "";
      if (with_text) std::snprintf(text, sizeof text, "%.0f", measured->second.instructions);
      if (with_text) c.message = "Latency: about " + FormatMs(ms) + " (measured: " + text + " instructions per inference on " +
                  measured->second.target + ", 1 cycle/instruction, at " +
                  std::to_string(*d.clock_hz / 1000000) + " MHz)";
      if (filters.max_latency_ms) {
        if (with_text) c.message += c.ok ? ", within " + FormatMs(*filters.max_latency_ms)
                          : ", over the bound of " + FormatMs(*filters.max_latency_ms);
      }
    } else if (m.macs && clock_known && core != catalog.cores.end()) {
      double cpm = core->second.cycles_per_mac;
      c.basis = "table";
      if (is_float && core->second.calibrated_cycles_per_mac_float) {
        cpm = *core->second.calibrated_cycles_per_mac_float;
        c.basis = "calibrated";
      } else if (is_float) {
        cpm = core->second.cycles_per_mac_float.value_or(kSoftFloatCyclesPerMac);
        if (fit.float_without_fpu) cpm = std::max(cpm, kSoftFloatCyclesPerMac);
      }
      double ms = static_cast<double>(*m.macs) * cpm / static_cast<double>(*d.clock_hz) * 1000.0;
      fit.latency_ms = ms;
      c.have = ms;
      c.ok = !filters.max_latency_ms || ms <= *filters.max_latency_ms;
      char cycles[32] = "";
      if (with_text) std::snprintf(cycles, sizeof cycles, "%.3g", cpm);  // 2 % of a list, for text unused
      if (with_text) c.message = "Latency: about " + FormatMs(ms) + " (" + std::to_string(*m.macs) + " MACs x " + cycles +
                  " cycles/MAC on " + LocalName(d.core) + " at " +
                  std::to_string(*d.clock_hz / 1000000) + " MHz; " +
                  (c.basis == "calibrated" ? "calibrated on the emulator: " + core->second.calibration
                                           : std::string("datasheet table kg/cores.ttl")) +
                  ")";
      if (filters.max_latency_ms) {
        if (with_text) c.message += c.ok ? ", within " + FormatMs(*filters.max_latency_ms)
                          : ", over the bound of " + FormatMs(*filters.max_latency_ms);
      }
    } else {
      c.flagged = true;
      if (with_text) c.message = std::string("Latency: unknown (") +
                  (!m.macs ? "the model states no MACs" : d.core.empty() || core == catalog.cores.end()
                                                              ? "no core type with cycles per MAC"
                                                              : "no clock") +
                  ")";
    }
  }

  if (filters.runtime) {
    Constraint& c = fit.constraints.emplace_back();  // in place (reserved above)
    c.name = "runtime";
    if (with_text) c.need_text = LocalName(*filters.runtime);
    if (with_text) c.have_text = JoinLocalNames(d.runtimes);
    c.ok = HasIri(d.runtimes, *filters.runtime);
    if (with_text) c.message = "Runtime: needs " + c.need_text + ", device offers " + c.have_text;
  }

  fit.fits = fit.FirstFailure() == nullptr;
}

namespace {

// Evaluate for lists: misfits come with their explanation, fitting pairs
// only when `filters.explain` asks (FitNotes of a fitting pair only says
// "float model without FPU", which needs no text). Building every
// constraint's text was most of a long list's time. A misfit is explained
// again with text only when the list keeps misfits.
void EvaluateListedInto(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters,
                        Fit& f) {
  EvaluateInto(m, d, catalog, filters, filters.explain, f);
  if (!f.fits && !filters.explain && filters.include_misfits) EvaluateInto(m, d, catalog, filters, true, f);
}

Fit EvaluateListed(const ModelFacts& m, const DeviceFacts& d, const Catalog& catalog, const Filters& filters) {
  Fit f;
  EvaluateListedInto(m, d, catalog, filters, f);
  return f;
}

bool ModelPasses(const ModelFacts& m, const Filters& f) {
  if (f.task && m.task != *f.task) return false;
  if (f.sensor && std::find(m.sensors.begin(), m.sensors.end(), *f.sensor) == m.sensors.end()) return false;
  return true;
}

bool ByName(const Entity& a, const Entity& b) {
  std::string la = Lower(a.name), lb = Lower(b.name);
  return la != lb ? la < lb : a.iri < b.iri;
}

double LatencyKey(const Fit& f) { return f.latency_ms.value_or(1e300); }

}  // namespace

struct Matchmaker::Impl {
  explicit Impl(rdf::Store& s) : facts(s) {}
  FactSource facts;

  Result<Entity> Resolve(std::string_view text, bool model);
  Status AddNeedsProvenance(const std::string& model_iri, Fit& fit);
};

Matchmaker::Matchmaker(rdf::Store& store) : impl_(std::make_unique<Impl>(store)) {}
Matchmaker::~Matchmaker() = default;

Result<Entity> Matchmaker::Impl::Resolve(std::string_view text, bool model) {
  const char* what = model ? "model" : "device";
  if (text.empty()) return InvalidArgument(std::string("empty ") + what + " name");
  // 1. Exact IRI or exact name, answered by the graph directly.
  TINYKG_ASSIGN_OR_RETURN(std::vector<Entity> exact, facts.FindByIriOrName(std::string(text), model));
  // A published description of a model described from its file names that
  // model (FactSource::PublishedTwins): one model, not two.
  auto canonical = [&](std::set<std::string>& iris) -> Status {
    std::set<std::string> mapped;
    for (const auto& iri : iris) {
      TINYKG_ASSIGN_OR_RETURN(std::string c, facts.Canonical(iri));
      mapped.insert(std::move(c));
    }
    iris = std::move(mapped);
    return Status::Ok();
  };
  if (model && !exact.empty()) {
    std::vector<Entity> mapped;
    for (const Entity& e : exact) {
      TINYKG_ASSIGN_OR_RETURN(std::string c, facts.Canonical(e.iri));
      if (std::any_of(mapped.begin(), mapped.end(), [&c](const Entity& m) { return m.iri == c; })) continue;
      if (c == e.iri) {
        mapped.push_back(e);
        continue;
      }
      TINYKG_ASSIGN_OR_RETURN(std::vector<Entity> other, facts.FindByIriOrName(c, true));
      mapped.push_back(other.empty() ? Entity{c, e.name} : other.front());
    }
    exact = std::move(mapped);
  }
  if (exact.size() == 1) return exact.front();
  if (exact.size() > 1) {
    std::string list;
    for (const auto& e : exact) list += "\n  " + e.name + " <" + e.iri + ">";
    return InvalidArgument(std::string(what) + " '" + std::string(text) + "' names " +
                           std::to_string(exact.size()) + " " + what + "s; give the IRI:" + list);
  }
  // 2. Case-insensitive name or unique prefix, over every name.
  TINYKG_ASSIGN_OR_RETURN(std::vector<NamedEntity> all, facts.AllNames(model));
  const std::string want = Lower(text);
  std::set<std::string> same, prefixed;
  for (const auto& n : all) {
    for (const auto& name : n.names) {
      std::string l = Lower(name);
      if (l == want) same.insert(n.entity.iri);
      else if (l.rfind(want, 0) == 0) prefixed.insert(n.entity.iri);
    }
  }
  auto entity_of = [&](const std::string& iri) {
    for (const auto& n : all) {
      if (n.entity.iri == iri) return n.entity;
    }
    return Entity{iri, iri};
  };
  if (model) {
    TINYKG_RETURN_IF_ERROR(canonical(same));
    TINYKG_RETURN_IF_ERROR(canonical(prefixed));
  }
  if (same.size() == 1) return entity_of(*same.begin());
  if (same.empty() && prefixed.size() == 1) return entity_of(*prefixed.begin());
  const std::set<std::string>& ambiguous = same.empty() ? prefixed : same;
  if (!ambiguous.empty()) {
    std::vector<Entity> list;
    for (const auto& iri : ambiguous) list.push_back(entity_of(iri));
    std::sort(list.begin(), list.end(), ByName);
    std::string text_list;
    for (std::size_t i = 0; i < list.size() && i < 10; ++i) text_list += "\n  " + list[i].name + " <" + list[i].iri + ">";
    if (list.size() > 10) text_list += "\n  ... (" + std::to_string(list.size() - 10) + " more)";
    return InvalidArgument(std::string(what) + " '" + std::string(text) + "' is ambiguous; it matches (give the IRI):" +
                           text_list);
  }
  // 3. Nothing: suggest the closest names.
  std::vector<std::pair<int, std::string>> scored;
  for (const auto& n : all) {
    int best = 1 << 30;
    for (const auto& name : n.names) best = std::min(best, EditDistance(text, name));
    scored.emplace_back(best, n.entity.name);
  }
  std::sort(scored.begin(), scored.end());
  std::string message = "no " + std::string(what) + " named '" + std::string(text) + "'";
  if (!model && (text.find("://") != std::string_view::npos || text.rfind("urn:", 0) == 0)) {
    // A Thing Description without hardware facts is not a device yet.
    auto graph = facts.store().Get(text, false);
    if (graph.ok() && graph->kind == rdf::kKindTd) {
      return NotFound("<" + std::string(text) +
                      "> is a Thing Description without hardware facts, not a device; import it with "
                      "'tinykg import td FILE --free-ram N --free-flash N --sensor KIND' to make it one");
    }
  }
  std::vector<std::string> suggestions;
  for (const auto& [distance, name] : scored) {
    if (suggestions.size() == 3) break;
    int limit = std::max(3, static_cast<int>(text.size()) / 2);
    if (distance > limit) break;
    if (std::find(suggestions.begin(), suggestions.end(), name) == suggestions.end()) suggestions.push_back(name);
  }
  if (!suggestions.empty()) {
    message += "; did you mean ";
    for (std::size_t i = 0; i < suggestions.size(); ++i) {
      message += (i ? (i + 1 == suggestions.size() ? " or " : ", ") : "") + ("'" + suggestions[i] + "'");
    }
    message += "?";
  } else if (all.empty()) {
    message += std::string(" (the store has no ") + what + "s; run 'tinykg init')";
  }
  return NotFound(message);
}

Result<Entity> Matchmaker::ResolveModel(std::string_view text) { return impl_->Resolve(text, true); }
Result<Entity> Matchmaker::ResolveDevice(std::string_view text) { return impl_->Resolve(text, false); }

Status Matchmaker::StreamDevicesFor(const Entity& model, const Filters& filters,
                                    const std::function<bool(const Fit&)>& emit) {
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, impl_->facts.Reference());
  TINYKG_ASSIGN_OR_RETURN(std::vector<ModelFacts> models, impl_->facts.Models({model.iri}));
  if (models.empty()) return NotFound("model <" + model.iri + "> states no RAM and flash need");
  const ModelFacts& m = models.front();
  if (!ModelPasses(m, filters)) return Status::Ok();
  TINYKG_ASSIGN_OR_RETURN(std::vector<DeviceFacts> devices,
                          impl_->facts.CandidateDevices(m, filters.include_misfits));
  // The ranking's numbers per listed device; the Fits themselves (a few
  // hundred bytes of strings each) are made again one at a time.
  struct Ranked {
    std::size_t device;
    bool fits;
    std::int64_t ram_margin;
    double latency;
  };
  std::vector<Ranked> ranked;
  Fit f;  // reused: its strings and constraints keep their buffers
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (!filters.include_misfits && CertainlyMisfits(m, devices[i], filters)) continue;
    // The ranking needs the verdict and numbers only: no names, no text.
    EvaluateVerdictInto(m, devices[i], *catalog, filters, false, f);
    if (f.fits || filters.include_misfits) {
      ranked.push_back({i, f.fits, f.ram_margin_bytes.value_or(INT64_MAX), LatencyKey(f)});
    }
  }
  std::sort(ranked.begin(), ranked.end(), [&devices](const Ranked& a, const Ranked& b) {
    if (a.fits != b.fits) return a.fits;
    if (a.fits && a.ram_margin != b.ram_margin) return a.ram_margin < b.ram_margin;
    if (!a.fits && a.ram_margin != b.ram_margin) return a.ram_margin > b.ram_margin;  // nearest misses first
    if (a.latency != b.latency) return a.latency < b.latency;
    return ByName(devices[a.device].entity, devices[b.device].entity);
  });
  for (const Ranked& r : ranked) {
    EvaluateListedInto(m, devices[r.device], *catalog, filters, f);
    if (!emit(f)) break;
  }
  return Status::Ok();
}

Result<std::vector<Fit>> Matchmaker::DevicesFor(const Entity& model, const Filters& filters) {
  std::vector<Fit> out;
  TINYKG_RETURN_IF_ERROR(StreamDevicesFor(model, filters, [&out](const Fit& f) {
    out.push_back(f);
    return true;
  }));
  return out;
}

namespace {

void RankModels(std::vector<Fit>& out) {
  std::sort(out.begin(), out.end(), [](const Fit& a, const Fit& b) {
    if (a.fits != b.fits) return a.fits;
    double aa = a.accuracy.value_or(-1), ab = b.accuracy.value_or(-1);
    if (aa != ab) return aa > ab;
    if (LatencyKey(a) != LatencyKey(b)) return LatencyKey(a) < LatencyKey(b);
    return ByName(a.model, b.model);
  });
}

}  // namespace

Result<std::vector<Fit>> Matchmaker::ModelsFor(const Entity& device, const Filters& filters) {
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, impl_->facts.Reference());
  TINYKG_ASSIGN_OR_RETURN(std::vector<DeviceFacts> devices, impl_->facts.Devices({device.iri}));
  if (devices.empty()) return NotFound("<" + device.iri + "> is not a device (tkg:Device)");
  if (std::string why = Unevaluable(devices.front()); !why.empty()) {
    return InvalidData("device " + device.name + " <" + device.iri + "> cannot be matched: it " + why);
  }
  // Without misfits, the models that need more RAM or flash than the device
  // has are left out in SPARQL, before their other facts are read.
  const DeviceFacts& d = devices.front();
  auto models = !filters.include_misfits && d.free_ram && d.free_flash
                    ? impl_->facts.ModelsWithin(*d.free_ram, *d.free_flash)
                    : impl_->facts.Models({});
  if (!models.ok()) return models.status();
  std::vector<Fit> out;
  for (const ModelFacts& m : *models) {
    if (!ModelPasses(m, filters)) continue;
    if (!filters.include_misfits && CertainlyMisfits(m, devices.front(), filters)) continue;
    Fit f = EvaluateListed(m, devices.front(), *catalog, filters);
    if (f.fits || filters.include_misfits) out.push_back(std::move(f));
  }
  RankModels(out);
  return out;
}

Status Matchmaker::StreamMatrix(const Filters& filters, const std::function<bool(const Fit&)>& emit) {
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, impl_->facts.Reference());
  TINYKG_ASSIGN_OR_RETURN(std::vector<ModelFacts> models, impl_->facts.Models({}));
  TINYKG_ASSIGN_OR_RETURN(std::vector<DeviceFacts> devices, impl_->facts.Devices({}));
  std::erase_if(devices, [](const DeviceFacts& d) { return !Unevaluable(d).empty(); });
  std::sort(models.begin(), models.end(), [](const ModelFacts& a, const ModelFacts& b) { return ByName(a.entity, b.entity); });
  std::sort(devices.begin(), devices.end(), [](const DeviceFacts& a, const DeviceFacts& b) { return ByName(a.entity, b.entity); });
  // The pair loop runs models x devices times (10^8 at 100k devices): the
  // sensors are screened as bits, one per kind, when there are at most 64
  // kinds; CertainlyMisfits compared their IRIs as strings, pair by pair.
  std::unordered_map<std::string, std::uint64_t> bit;
  bool masks = true;
  auto mask_of = [&](const std::vector<std::string>& sensors, bool& generic) {
    std::uint64_t mask = 0;
    generic = false;
    for (const auto& s : sensors) {
      if (IsGenericSensor(s)) {
        generic = true;
        continue;
      }
      auto it = bit.find(s);
      if (it == bit.end()) {
        if (bit.size() == 64) masks = false;
        it = bit.emplace(s, std::uint64_t{1} << (bit.size() % 64)).first;
      }
      mask |= it->second;
    }
    return mask;
  };
  std::vector<std::uint64_t> model_mask(models.size()), device_mask(devices.size());
  std::vector<char> model_generic(models.size());
  for (std::size_t i = 0; i < models.size(); ++i) {
    bool generic = false;
    model_mask[i] = mask_of(models[i].sensors, generic);
    model_generic[i] = generic;
  }
  for (std::size_t j = 0; j < devices.size(); ++j) {
    bool generic = false;
    device_mask[j] = mask_of(devices[j].sensors, generic);
  }
  const bool screen = masks && !filters.include_misfits && !filters.runtime;
  Fit f;  // one, reused: its strings and constraints keep their buffers from pair to pair
  for (std::size_t i = 0; i < models.size(); ++i) {
    const ModelFacts& m = models[i];
    if (!ModelPasses(m, filters)) continue;
    for (std::size_t j = 0; j < devices.size(); ++j) {
      const DeviceFacts& d = devices[j];
      if (screen) {
        // CertainlyMisfits, on numbers and bits.
        if (m.ram_need && (!d.free_ram || *m.ram_need > *d.free_ram)) continue;
        if (m.flash_need && (!d.free_flash || *m.flash_need > *d.free_flash)) continue;
        if ((model_mask[i] & ~device_mask[j]) != 0 || (model_generic[i] && d.sensors.empty())) continue;
      } else if (!filters.include_misfits && CertainlyMisfits(m, d, filters)) {
        continue;
      }
      EvaluateListedInto(m, d, *catalog, filters, f);
      if ((f.fits || filters.include_misfits) && !emit(f)) return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<std::vector<Fit>> Matchmaker::Matrix(const Filters& filters) {
  std::vector<Fit> out;
  TINYKG_RETURN_IF_ERROR(StreamMatrix(filters, [&out](const Fit& f) {
    out.push_back(f);
    return true;
  }));
  return out;
}

Result<Fit> Matchmaker::Explain(const Entity& model, const Entity& device, std::optional<double> max_latency_ms) {
  TINYKG_ASSIGN_OR_RETURN(const Catalog* catalog, impl_->facts.Reference());
  TINYKG_ASSIGN_OR_RETURN(std::vector<ModelFacts> models, impl_->facts.Models({model.iri}));
  TINYKG_ASSIGN_OR_RETURN(std::vector<DeviceFacts> devices, impl_->facts.Devices({device.iri}));
  ModelFacts m;
  m.entity = model;
  if (!models.empty()) m = models.front();
  DeviceFacts d;
  d.entity = device;
  if (!devices.empty()) d = devices.front();
  Filters filters;
  filters.max_latency_ms = max_latency_ms;
  Fit fit = Evaluate(m, d, *catalog, filters);
  TINYKG_RETURN_IF_ERROR(impl_->AddNeedsProvenance(model.iri, fit));
  return fit;
}

// Where the RAM and flash needs of explain's model come from: a published
// description's figures (basis "published"), or the model's file when a
// published description of the same model states other figures (basis
// "file", the published ones named but not used).
Status Matchmaker::Impl::AddNeedsProvenance(const std::string& model_iri, Fit& fit) {
  const rdf::Term model = rdf::Term::Iri(model_iri);
  TINYKG_ASSIGN_OR_RETURN(rdf::QueryResult basis, RunBound(facts.store(), "match-needs-basis", "model", {model}));
  Rows b(basis);
  const std::string published = std::string(vocab::kTkg) + "PublishedMinimum";
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (b.Str(i, "basis") != published) continue;
    for (Constraint& c : fit.constraints) {
      if ((c.name != "ram" && c.name != "flash") || !c.need) continue;
      if (c.basis.empty()) c.basis = "published";
      c.message += std::string(" (published figure: the description's schema:minValue in kB of 1000 bytes, ") +
                   (c.name == "ram" ? "TFLite Micro 2.4's arena" : "the model file's size") +
                   ", with no runtime allowance)";
    }
    return Status::Ok();
  }
  TINYKG_ASSIGN_OR_RETURN(const auto* twins, facts.PublishedTwins());
  std::vector<rdf::Term> described;
  for (const auto& [published_iri, twin] : *twins) {
    if (twin == model_iri) described.push_back(rdf::Term::Iri(published_iri));
  }
  if (described.empty()) return Status::Ok();
  TINYKG_ASSIGN_OR_RETURN(rdf::NestedResult rows, RunBoundNested(facts.store(), "match-model-facts", "model", described));
  Rows r(rows);
  for (Constraint& c : fit.constraints) {
    if (c.name != "ram" && c.name != "flash") continue;
    std::string stated;
    for (std::size_t i = 0; i < r.size(); ++i) {
      auto v = r.Int(i, c.name == "ram" ? "ram_need" : "flash_need");
      if (!v) continue;
      stated += (stated.empty() ? "" : ", ") + FormatBytes(static_cast<double>(*v)) + " <" + r.Str(i, "model") + ">";
    }
    if (stated.empty()) continue;
    if (c.basis.empty()) c.basis = "file";
    c.message += " (need from the model's file, which wins; the published description states " + stated + ")";
  }
  return Status::Ok();
}

Result<std::vector<DeviceFacts>> Matchmaker::DeviceFactsOf(const Entity* device) {
  if (device == nullptr) return impl_->facts.Devices({});
  TINYKG_ASSIGN_OR_RETURN(std::vector<DeviceFacts> devices, impl_->facts.Devices({device->iri}));
  if (devices.empty()) return NotFound("<" + device->iri + "> is not a device (tkg:Device)");
  return devices;
}

Result<std::vector<Entity>> Matchmaker::Models() {
  TINYKG_ASSIGN_OR_RETURN(std::vector<NamedEntity> all, impl_->facts.AllNames(true));
  TINYKG_ASSIGN_OR_RETURN(const auto* twins, impl_->facts.PublishedTwins());
  std::vector<Entity> out;
  for (auto& n : all) {
    if (!twins->count(n.entity.iri)) out.push_back(std::move(n.entity));
  }
  std::sort(out.begin(), out.end(), ByName);
  return out;
}

Result<std::vector<Entity>> Matchmaker::Devices() {
  TINYKG_ASSIGN_OR_RETURN(std::vector<NamedEntity> all, impl_->facts.AllNames(false));
  std::vector<Entity> out;
  for (auto& n : all) out.push_back(std::move(n.entity));
  std::sort(out.begin(), out.end(), ByName);
  return out;
}

}  // namespace tinykg::match
