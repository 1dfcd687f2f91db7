#include "tinykg/train/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "tinykg/base/file.h"

namespace tinykg::train {
namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

bool ParseFloat(const std::string& text, float* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtof(text.c_str(), &end);
  while (end != nullptr && (*end == ' ' || *end == '\t')) ++end;
  return end != nullptr && *end == '\0' && std::isfinite(*value);
}

}  // namespace

std::int32_t Dataset::ClassCount() const {
  float max = -1.0f;
  for (float v : labels) max = std::max(max, v);
  return static_cast<std::int32_t>(max) + 1;
}

Result<Dataset> ReadCsv(const std::string& path, const CsvOptions& options) {
  if (options.label.empty()) return InvalidArgument("no label column given (--label)");
  TINYKG_ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return ParseError("empty file", {path, 1});
  const std::vector<std::string> header = SplitCsvLine(line);
  std::vector<std::vector<std::string>> rows;
  std::int64_t line_no = 1;
  std::vector<std::int64_t> line_numbers;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    rows.push_back(SplitCsvLine(line));
    line_numbers.push_back(line_no);
  }
  if (rows.empty()) return ParseError("no data rows", {path, 2});
  const std::size_t skip = rows[0].size() == header.size() + 1 ? 1 : 0;
  auto column = [&](const std::string& name) -> std::int64_t {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<std::int64_t>(i);
    }
    return -1;
  };
  const std::int64_t label_col = column(options.label);
  if (label_col < 0) return InvalidArgument("no column named '" + options.label + "' in " + path);
  Dataset data;
  data.label_name = options.label;
  std::vector<std::size_t> cols;
  if (!options.features.empty()) {
    for (const std::string& name : options.features) {
      const std::int64_t c = column(name);
      if (c < 0) return InvalidArgument("no column named '" + name + "' in " + path);
      cols.push_back(static_cast<std::size_t>(c));
      data.feature_names.push_back(name);
    }
  } else {
    for (std::size_t c = 0; c < header.size(); ++c) {
      float v = 0;
      if (static_cast<std::int64_t>(c) == label_col || c + skip >= rows[0].size()) continue;
      if (!ParseFloat(rows[0][c + skip], &v)) continue;
      cols.push_back(c);
      data.feature_names.push_back(header[c]);
    }
  }
  data.rows = rows.size();
  data.features.reserve(rows.size() * cols.size());
  data.labels.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    if (row.size() != header.size() + skip) {
      return ParseError("expected " + std::to_string(header.size() + skip) + " fields, found " +
                            std::to_string(row.size()),
                        {path, line_numbers[r]});
    }
    for (std::size_t c : cols) {
      float v = 0;
      if (!ParseFloat(row[c + skip], &v)) {
        return ParseError("column '" + header[c] + "' is not numeric: '" + row[c + skip] + "'",
                          {path, line_numbers[r]});
      }
      data.features.push_back(v);
    }
    float label = 0;
    if (!ParseFloat(row[static_cast<std::size_t>(label_col) + skip], &label)) {
      return ParseError("label '" + options.label + "' is not numeric", {path, line_numbers[r]});
    }
    if (!IsClassIndex(label)) {
      return ParseError("label '" + options.label + "' is '" + row[static_cast<std::size_t>(label_col) + skip] +
                            "': labels are class indices 0, 1, ... up to " + std::to_string(kMaxClasses - 1),
                        {path, line_numbers[r]});
    }
    data.labels.push_back(label);
  }
  return data;
}

float SineTask::Value(float x) const { return amplitude * std::sin(x - phase); }

SineTask SineTaskDistribution::Sample(engine::Pcg32& rng) const {
  SineTask t;
  t.amplitude = rng.Uniform(amplitude_min, amplitude_max);
  t.phase = rng.Uniform(phase_min, phase_max);
  return t;
}

engine::Status SineStream::Next(std::span<float> input, std::span<float> target) {
  if (mixed_) task_ = distribution_.Sample(rng_);
  input[0] = rng_.Uniform(distribution_.x_min, distribution_.x_max);
  target[0] = task_.Value(input[0]);
  return engine::Status::kOk;
}

engine::Status FixedStream::Next(std::span<float> input, std::span<float> target) {
  if (size() == 0) return engine::Status::kEndOfData;
  const std::size_t i = next_++ % size();
  std::copy_n(inputs_.begin() + static_cast<std::ptrdiff_t>(i * input_size_), input_size_, input.begin());
  std::copy_n(targets_.begin() + static_cast<std::ptrdiff_t>(i * target_size_), target_size_, target.begin());
  return engine::Status::kOk;
}

DatasetStream::DatasetStream(const Dataset& data, std::vector<std::size_t> rows, std::uint64_t seed)
    : data_(data), rows_(std::move(rows)), rng_(seed), next_(rows_.size()) {}

engine::Status DatasetStream::Next(std::span<float> input, std::span<float> target) {
  if (rows_.empty()) return engine::Status::kEndOfData;
  if (next_ >= rows_.size()) {
    for (std::size_t i = rows_.size() - 1; i > 0; --i) {
      std::swap(rows_[i], rows_[rng_.Below(static_cast<std::uint32_t>(i + 1))]);
    }
    next_ = 0;
  }
  const std::size_t r = rows_[next_++];
  std::span<const float> row = data_.Row(r);
  std::copy(row.begin(), row.end(), input.begin());
  target[0] = data_.labels[r];
  return engine::Status::kOk;
}

}  // namespace tinykg::train
