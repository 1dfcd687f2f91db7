#include "summary.h"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace tinykg::cli {
namespace {

void Flatten(const std::string& name, const nlohmann::ordered_json& value,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) Flatten(name.empty() ? key : name + "." + key, child, out);
    return;
  }
  std::string cell;
  if (value.is_string()) {
    cell = value.get<std::string>();
  } else if (value.is_number_unsigned()) {
    cell = std::to_string(value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    cell = std::to_string(value.get<std::int64_t>());
  } else if (value.is_number()) {
    cell = match::RawNumber(value.get<double>());
  } else if (value.is_boolean()) {
    cell = value.get<bool>() ? "true" : "false";
  } else if (!value.is_null()) {
    cell = value.dump();
  }
  out.emplace_back(name.empty() ? "value" : name, std::move(cell));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SummaryFields(const nlohmann::ordered_json& object) {
  std::vector<std::pair<std::string, std::string>> fields;
  Flatten("", object, fields);
  return fields;
}

std::string RenderSummaries(const std::vector<nlohmann::ordered_json>& objects, match::TableFormat format) {
  if (format == match::TableFormat::kJson) {
    return (objects.size() == 1 ? objects.front() : nlohmann::ordered_json(objects)).dump() + "\n";
  }
  std::vector<std::vector<std::pair<std::string, std::string>>> fields;
  for (const nlohmann::ordered_json& object : objects) fields.push_back(SummaryFields(object));
  std::string out;
  if (format == match::TableFormat::kTable) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += "\n";
      for (const auto& [name, cell] : fields[i]) out += name + "\t" + cell + "\n";
    }
    return out;
  }
  match::TextTable table;
  for (const auto& object : fields) {
    for (const auto& field : object) {
      if (std::find(table.columns.begin(), table.columns.end(), field.first) == table.columns.end()) {
        table.columns.push_back(field.first);
      }
    }
  }
  for (const auto& object : fields) {
    std::vector<std::string> row(table.columns.size());
    for (const auto& [name, cell] : object) {
      row[static_cast<std::size_t>(std::find(table.columns.begin(), table.columns.end(), name) -
                                   table.columns.begin())] = cell;
    }
    table.rows.push_back(std::move(row));
  }
  return match::RenderTable(table, format);
}

}  // namespace tinykg::cli
