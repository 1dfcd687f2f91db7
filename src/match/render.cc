#include "tinykg/match/render.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tinykg::match {
namespace {

std::string Number(double v) { return RawNumber(v); }

std::string Margin(const std::optional<std::int64_t>& m) {
  if (!m) return "?";
  return (*m >= 0 ? "+" : "") + FormatBytes(static_cast<double>(*m));
}

std::string JsonNumberOrNull(const std::optional<double>& v) { return v ? Number(*v) : "null"; }

}  // namespace

std::string FitNotes(const Fit& fit) {
  std::string notes;
  auto add = [&](const std::string& s) { notes += (notes.empty() ? "" : "; ") + s; };
  for (const Constraint& c : fit.constraints) {
    if (!c.ok) {
      if (c.name == "ram" && c.need && c.have) add("RAM short by " + FormatBytes(*c.need - *c.have));
      else if (c.name == "flash" && c.need && c.have) add("flash short by " + FormatBytes(*c.need - *c.have));
      else if (c.name == "sensor") add("no " + c.need_text);
      else if (c.name == "operators") add(c.message.substr(c.message.find(':') + 2));
      else if (c.name == "latency" && c.have) add("latency " + FormatMs(*c.have) + " over bound");
      else add(c.message);
    }
  }
  if (fit.float_without_fpu) add("float model without FPU (slowed)");
  return notes;
}

std::vector<std::string> FitsTableColumns(FitView view, TableFormat format) {
  const bool raw = rdf::IsMachineFormat(format);
  std::vector<std::string> columns = {"rank"};
  if (view != FitView::kDevicesForModel) columns.push_back("model");
  if (view != FitView::kModelsForDevice) columns.push_back("device");
  if (raw) {
    for (const char* c : {"fits", "ram_margin_bytes", "flash_margin_bytes", "latency_ms", "accuracy", "runtime", "notes"})
      columns.push_back(c);
  } else {
    for (const char* c : {"fits", "ram_margin", "flash_margin", "latency", "accuracy", "runtime", "notes"})
      columns.push_back(c);
  }
  return columns;
}

void FitsTableRowInto(const Fit& f, FitView view, std::int64_t rank, TableFormat format,
                      std::vector<std::string>& row) {
  // Cells assigned in place: a matrix writes millions of rows through one
  // vector, whose strings keep their buffers.
  std::size_t n = 0;
  auto cell = [&row, &n]() -> std::string& {
    if (n == row.size()) row.emplace_back();
    return row[n++];
  };
  char number[32];
  auto integer = [&number](std::int64_t v) {
    return std::string_view(number, static_cast<std::size_t>(std::to_chars(number, number + sizeof number, v).ptr - number));
  };
  cell() = integer(rank);
  if (view != FitView::kDevicesForModel) cell() = f.model.name;
  if (view != FitView::kModelsForDevice) cell() = f.device.name;
  if (rdf::IsMachineFormat(format)) {
    cell() = f.fits ? "true" : "false";
    std::string& ram = cell();
    if (f.ram_margin_bytes) ram = integer(*f.ram_margin_bytes); else ram.clear();
    std::string& flash = cell();
    if (f.flash_margin_bytes) flash = integer(*f.flash_margin_bytes); else flash.clear();
    cell() = f.latency_ms ? RawNumber(*f.latency_ms) : "";
    cell() = f.accuracy ? RawNumber(*f.accuracy) : "";
    cell() = f.runtime.empty() ? "" : LocalName(f.runtime);
    cell() = FitNotes(f);
  } else {
    cell() = f.fits ? "yes" : "no";
    cell() = Margin(f.ram_margin_bytes);
    cell() = Margin(f.flash_margin_bytes);
    cell() = f.latency_ms ? FormatMs(*f.latency_ms) : "?";
    char acc[16] = "-";
    if (f.accuracy) std::snprintf(acc, sizeof acc, "%.1f%%", *f.accuracy * 100);
    cell() = acc;
    cell() = f.runtime.empty() ? "-" : LocalName(f.runtime);
    cell() = FitNotes(f);
  }
  row.resize(n);
}

std::vector<std::string> FitsTableRow(const Fit& f, FitView view, std::int64_t rank, TableFormat format) {
  std::vector<std::string> row;
  FitsTableRowInto(f, view, rank, format, row);
  return row;
}

TextTable FitsTable(const std::vector<Fit>& fits, FitView view, TableFormat format) {
  TextTable t;
  t.columns = FitsTableColumns(view, format);
  std::int64_t rank = 0;
  for (const Fit& f : fits) t.rows.push_back(FitsTableRow(f, view, ++rank, format));
  return t;
}

std::string FitJson(const Fit& f, bool with_constraints) {
  std::string out = "{\"model\": " + JsonString(f.model.name) + ", \"model_iri\": " + JsonString(f.model.iri) +
                    ", \"device\": " + JsonString(f.device.name) + ", \"device_iri\": " + JsonString(f.device.iri) +
                    ", \"fits\": " + (f.fits ? "true" : "false");
  auto opt_int = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
  out += ", \"margins\": {\"ram_bytes\": " + opt_int(f.ram_margin_bytes) +
         ", \"flash_bytes\": " + opt_int(f.flash_margin_bytes) +
         ", \"latency_ms\": " + JsonNumberOrNull(f.latency_ms) + "}";
  out += ", \"accuracy\": " + JsonNumberOrNull(f.accuracy);
  out += ", \"runtime\": " + (f.runtime.empty() ? std::string("null") : JsonString(f.runtime));
  out += ", \"float_without_fpu\": " + std::string(f.float_without_fpu ? "true" : "false");
  out += ", \"notes\": " + JsonString(FitNotes(f));
  if (with_constraints) {
    out += ", \"constraints\": [";
    bool first = true;
    for (const Constraint& c : f.constraints) {
      out += first ? "\n    " : ",\n    ";
      first = false;
      std::string need = c.need ? Number(*c.need) : c.need_text.empty() ? "null" : JsonString(c.need_text);
      std::string have = c.have ? Number(*c.have) : c.have_text.empty() ? "null" : JsonString(c.have_text);
      out += "{\"name\": " + JsonString(c.name) + ", \"need\": " + need + ", \"have\": " + have +
             ", \"unit\": " + JsonString(c.unit) + ", \"ok\": " + (c.ok ? "true" : "false") +
             ", \"flagged\": " + (c.flagged ? "true" : "false") + ", \"message\": " + JsonString(c.message) +
             (c.basis.empty() ? std::string() : ", \"basis\": " + JsonString(c.basis)) + "}";
    }
    out += "\n  ]";
  }
  return out + "}";
}

std::string FitsJson(const std::vector<Fit>& fits, bool with_constraints) {
  std::string out = "[";
  for (std::size_t i = 0; i < fits.size(); ++i) out += (i ? ",\n " : "\n ") + FitJson(fits[i], with_constraints);
  return out + (fits.empty() ? "]\n" : "\n]\n");
}

TextTable ConstraintsTable(const Fit& fit, TableFormat format) {
  TextTable t;
  if (!rdf::IsMachineFormat(format)) {
    t.columns = {"check", "verdict", "message"};
    for (const Constraint& c : fit.constraints) {
      t.rows.push_back({c.name, !c.ok ? "NO" : c.flagged ? "!!" : "ok", c.message});
    }
    return t;
  }
  t.columns = {"check", "ok", "flagged", "need", "have", "unit", "message", "basis"};
  const bool json = format == TableFormat::kJson;
  using K = ColumnKind;
  t.kinds = {K::kText, K::kBool, K::kBool, K::kText, K::kText, K::kText, K::kText, K::kText};
  for (const Constraint& c : fit.constraints) {
    // A need is a number or a text (sensor kinds, operators): in json a
    // number stays a number.
    auto value = [json](const std::optional<double>& v, const std::string& text) {
      if (v) return RawNumber(*v);
      return json ? (text.empty() ? std::string("null") : JsonString(text)) : text;
    };
    t.rows.push_back({c.name, c.ok ? "true" : "false", c.flagged ? "true" : "false", value(c.need, c.need_text),
                      value(c.have, c.have_text), c.unit, c.message, c.basis});
  }
  if (json) t.kinds[3] = t.kinds[4] = K::kNumber;  // already JSON values
  return t;
}

std::string ExplainText(const Fit& fit) {
  std::string out = fit.model.name + " on " + fit.device.name + ": " + (fit.fits ? "fits" : "does not fit") + "\n";
  for (const Constraint& c : fit.constraints) {
    out += std::string("  ") + (!c.ok ? "NO  " : c.flagged ? "!!  " : "ok  ") + c.message + "\n";
  }
  return out;
}

}  // namespace tinykg::match
