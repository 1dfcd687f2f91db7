#include "tinykg/model/graph.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"
#include "tinykg/rdf/known_names.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::model {
namespace {

using rdf::Term;
using rdf::Triple;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

bool IsIri(const std::string& text) {
  return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0 || text.rfind("urn:", 0) == 0;
}

// "keyword-spotting", "keyword_spotting", "KeywordSpotting" -> "KeywordSpotting".
std::string CamelCase(const std::string& text) {
  std::string out;
  bool upper = true;
  for (char c : text) {
    if (c == '-' || c == '_' || c == ' ') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// nnet:Quantization individual for a TFLite dtype name.
std::string DtypeIri(const std::string& dtype) {
  static const std::map<std::string, std::string> kMap = {
      {"INT8", "Int8"},   {"UINT8", "Uint8"},     {"INT16", "Int16"}, {"INT32", "Int32"},
      {"FLOAT32", "Float32"}, {"FLOAT16", "Float16"}, {"BOOL", "Bool"}};
  auto it = kMap.find(dtype);
  return std::string(vocab::kNnet) + (it != kMap.end() ? it->second : CamelCase(Lower(dtype)));
}

// nnet:LayerType individual for an operator, when the schema (or tinykg's
// additions to it) names one.
std::optional<std::string> LayerTypeIri(const std::string& op) {
  static const std::map<std::string, std::string> kMap = {
      {"CONV_2D", "Conv2D"},
      {"DEPTHWISE_CONV_2D", "DepthwiseConv2D"},
      {"FULLY_CONNECTED", "FullyConnected"},
      {"QUANTIZE", "Quantize"},
      {"DEQUANTIZE", "Dequantize"},
      {"LOGISTIC", "Logistic"},
      {"SOFTMAX", "Softmax"},
      {"RESHAPE", "Reshape"},
      {"MAX_POOL_2D", "MaxPool2D"},
      {"AVERAGE_POOL_2D", "AveragePool2D"},
      {"RESIZE_NEAREST_NEIGHBOR", "ResizeNearestNeighbor"},
      {"ADD", "Add"},
      {"PAD", "Pad"},
      {"MEAN", "Mean"},
  };
  auto it = kMap.find(op);
  if (it == kMap.end()) return std::nullopt;
  return std::string(vocab::kNnet) + it->second;
}

std::optional<std::string> ActivationIri(const std::string& activation) {
  if (activation == "RELU") return std::string(vocab::kNnet) + "Relu";
  if (activation == "RELU6") return std::string(vocab::kNnet) + "Relu6";
  if (activation == "TANH") return std::string(vocab::kNnet) + "Tanh";
  return std::nullopt;
}

std::string JoinShape(const std::vector<std::int64_t>& shape) {
  TensorSummary t;
  t.shape = shape;
  return t.ShapeString();
}

// Splits one CSV record (RFC 4180 quoting) starting at `pos`; advances pos.
std::vector<std::string> CsvRecord(const std::string& text, std::size_t& pos) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        field += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return fields;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Result<ModelMetadata> MetadataFromJson(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) return InvalidData("sidecar must be a JSON object", SourceLocation(path));
  ModelMetadata m;
  auto text = [&](const char* key, std::optional<std::string>& out) -> Status {
    if (!j.contains(key)) return Status::Ok();
    if (!j[key].is_string()) {
      return InvalidData(std::string("\"") + key + "\" must be a string",
                         SourceLocation(path, 0, 0, std::string("/") + key));
    }
    out = j[key].get<std::string>();
    return Status::Ok();
  };
  TINYKG_RETURN_IF_ERROR(text("name", m.name));
  TINYKG_RETURN_IF_ERROR(text("task", m.task));
  TINYKG_RETURN_IF_ERROR(text("dataset", m.dataset));
  TINYKG_RETURN_IF_ERROR(text("creator", m.creator));
  TINYKG_RETURN_IF_ERROR(text("description", m.description));
  TINYKG_RETURN_IF_ERROR(text("category", m.category));
  TINYKG_RETURN_IF_ERROR(text("runtime", m.runtime));
  if (j.contains("sensors")) {
    const auto& s = j["sensors"];
    if (s.is_string()) {
      m.sensors = SplitList(s.get<std::string>());
    } else if (s.is_array()) {
      for (const auto& item : s) {
        if (!item.is_string()) return InvalidData("\"sensors\" must hold strings", SourceLocation(path, 0, 0, "/sensors"));
        m.sensors.push_back(item.get<std::string>());
      }
    } else {
      return InvalidData("\"sensors\" must be a string or an array", SourceLocation(path, 0, 0, "/sensors"));
    }
  }
  if (j.contains("metrics")) {
    if (!j["metrics"].is_object()) return InvalidData("\"metrics\" must be an object", SourceLocation(path, 0, 0, "/metrics"));
    for (const auto& [key, value] : j["metrics"].items()) {
      if (!value.is_number()) return InvalidData("metric \"" + key + "\" must be a number", SourceLocation(path, 0, 0, "/metrics/" + key));
      m.metrics.emplace_back(key, value.get<double>());
    }
  }
  return m;
}

class GraphBuilder {
 public:
  explicit GraphBuilder(std::vector<Triple>* out) : out_(out) {}
  void Iri(const std::string& s, const std::string& p, const std::string& o) {
    out_->push_back({Term::Iri(s), Term::Iri(p), Term::Iri(o)});
  }
  void Text(const std::string& s, const std::string& p, const std::string& o) {
    out_->push_back({Term::Iri(s), Term::Iri(p), Term::Literal(o)});
  }
  void Int(const std::string& s, const std::string& p, std::int64_t o) {
    out_->push_back({Term::Iri(s), Term::Iri(p), Term::Literal(std::to_string(o), std::string(vocab::kXsd) + "integer")});
  }
  void Double(const Term& s, const std::string& p, double o) {
    std::ostringstream text;
    text.precision(9);
    text << o;
    std::string lexical = text.str();
    if (lexical.find_first_of(".eEn") == std::string::npos) lexical += ".0";
    out_->push_back({s, Term::Iri(p), Term::Literal(lexical, std::string(vocab::kXsd) + "double")});
  }
  void Add(Term s, const std::string& p, Term o) { out_->push_back({std::move(s), Term::Iri(p), std::move(o)}); }

 private:
  std::vector<Triple>* out_;
};

}  // namespace

void ModelMetadata::MergeFrom(const ModelMetadata& other) {
  auto take = [](std::optional<std::string>& mine, const std::optional<std::string>& theirs) {
    if (theirs) mine = theirs;
  };
  take(name, other.name);
  take(task, other.task);
  take(dataset, other.dataset);
  take(creator, other.creator);
  take(description, other.description);
  take(category, other.category);
  take(runtime, other.runtime);
  take(input_info, other.input_info);
  take(output_info, other.output_info);
  if (!other.sensors.empty()) sensors = other.sensors;
  for (const auto& metric : other.metrics) {
    auto it = std::find_if(metrics.begin(), metrics.end(), [&](const auto& m) { return m.first == metric.first; });
    if (it != metrics.end()) {
      it->second = metric.second;
    } else {
      metrics.push_back(metric);
    }
  }
}

std::optional<std::string> InferTask(const std::string& text) {
  const std::string t = Lower(text);
  if (t.find("speech command") != std::string::npos || t.find("keyword") != std::string::npos ||
      t.find("hello edge") != std::string::npos) {
    return "KeywordSpotting";
  }
  if (t.find("snoring") != std::string::npos) return "AudioEventDetection";
  if (t.find("person") != std::string::npos || t.find("visual wake") != std::string::npos) return "PersonDetection";
  if (t.find("gesture") != std::string::npos) return "GestureRecognition";
  if (t.find("anomal") != std::string::npos) return "AnomalyDetection";
  if (t.find("sine") != std::string::npos) return "Regression";
  if (t.find("noise") != std::string::npos) return "NoiseSuppression";
  return std::nullopt;
}

Result<std::map<std::string, ModelMetadata>> ReadMetadataCsv(const std::string& path) {
  TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::size_t pos = 0;
  const std::vector<std::string> header = CsvRecord(text, pos);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) column[Trim(header[i])] = i;
  if (!column.count("file")) return InvalidData("metadata CSV has no \"file\" column", SourceLocation(path, 1));
  std::map<std::string, ModelMetadata> rows;
  std::int64_t line = 1;
  while (pos < text.size()) {
    ++line;
    const std::vector<std::string> fields = CsvRecord(text, pos);
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;
    auto get = [&](const char* name) -> std::optional<std::string> {
      auto it = column.find(name);
      if (it == column.end() || it->second >= fields.size()) return std::nullopt;
      std::string value = Trim(fields[it->second]);
      if (value.empty()) return std::nullopt;
      return value;
    };
    const auto file = get("file");
    if (!file) return InvalidData("row without a file name", SourceLocation(path, line));
    ModelMetadata m;
    m.name = get("name");
    m.dataset = get("training_dataset");
    m.creator = get("creator");
    m.description = get("description");
    m.category = get("category");
    m.runtime = get("runtime");
    m.input_info = get("input_info");
    m.output_info = get("output_info");
    if (auto sensors = get("sensors")) m.sensors = SplitList(*sensors);
    if (auto accuracy = get("top1_accuracy_percent")) {
      try {
        m.metrics.emplace_back("accuracy", std::stod(*accuracy) / 100.0);
      } catch (const std::exception&) {
        return InvalidData("bad top1_accuracy_percent \"" + *accuracy + "\"", SourceLocation(path, line));
      }
    }
    m.task = get("task");
    if (!m.task) {
      m.task = InferTask(m.description.value_or("") + " " + m.input_info.value_or("") + " " +
                         m.output_info.value_or(""));
    }
    rows[*file] = std::move(m);
  }
  return rows;
}

Result<std::optional<ModelMetadata>> ReadSidecar(const std::string& model_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates = {model_path + ".json"};
  const fs::path p(model_path);
  candidates.push_back((p.parent_path() / p.stem()).string() + ".json");
  for (const std::string& candidate : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(candidate));
    // Bad UTF-8 would reach the store, a NUL end nlohmann's input early.
    TINYKG_RETURN_IF_ERROR(CheckJsonText(text, candidate));
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return ParseError("sidecar is not valid JSON", SourceLocation(candidate));
    TINYKG_ASSIGN_OR_RETURN(ModelMetadata m, MetadataFromJson(j, candidate));
    return std::optional<ModelMetadata>(std::move(m));
  }
  return std::optional<ModelMetadata>();
}

std::string ModelIri(const ModelSummary& summary, const std::string& name) {
  std::string slug;
  for (char c : Lower(name)) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  std::string iri = std::string(vocab::kTkgResource) + "model/" + summary.sha256.substr(0, 16);
  if (!slug.empty()) iri += "-" + slug.substr(0, 48);
  return iri;
}

std::string OperatorIri(const std::string& op_name) {
  std::string local;
  for (char c : op_name) {
    local += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_';
  }
  return "https://w3id.org/tinykg/op/" + local;
}

std::string TaskIri(const std::string& task) { return rdf::NameIriLenient(rdf::NameKind::kTask, task); }

std::string SensorIri(const std::string& sensor) { return rdf::NameIriLenient(rdf::NameKind::kSensor, sensor); }

rdf::GraphDocument ModelToGraph(const ModelSummary& s, const ModelMetadata& meta, const std::string& source) {
  const std::string nnet = vocab::kNnet;
  const std::string tkg = vocab::kTkg;
  const std::string rdf_type = std::string(vocab::kRdf) + "type";
  const std::string label = std::string(vocab::kRdfs) + "label";
  const std::string name = meta.name.value_or(s.name);
  const std::string model = ModelIri(s, name);

  rdf::GraphDocument doc;
  doc.iri = model;
  doc.kind = rdf::kKindModel;
  doc.source = source;
  doc.label = name;
  GraphBuilder b(&doc.triples);

  b.Iri(model, rdf_type, nnet + "NeuralNetwork");
  b.Text(model, std::string(vocab::kSchema) + "name", name);
  b.Text(model, label, name);
  b.Text(model, tkg + "contentHash", "sha256:" + s.sha256);
  b.Text(model, tkg + "modelFormat", s.format);
  b.Int(model, tkg + "fileBytes", s.file_bytes);
  b.Int(model, tkg + "parameterCount", s.params);
  b.Int(model, nnet + "hasMultiplyAccumulateOps", s.macs);
  b.Int(model, tkg + "macsAll", s.macs_all);
  b.Int(model, tkg + "arenaBytes", s.arena_bytes);
  b.Int(model, tkg + "activationPeakBytes", s.activation_peak_bytes);
  b.Int(model, tkg + "modelFlashBytes", s.model_flash_bytes);
  b.Int(model, tkg + "runtimeCodeBytes", s.runtime_code_bytes);
  b.Int(model, tkg + "flashNeedBytes", s.flash_bytes);
  b.Int(model, tkg + "ramNeedBytes", s.ram_need_bytes);
  b.Int(model, tkg + "layerCount", static_cast<std::int64_t>(s.layers.size()));
  if (!s.inputs.empty()) b.Iri(model, tkg + "inputDtype", DtypeIri(s.inputs.front().dtype));

  if (meta.description) b.Text(model, std::string(vocab::kSchema) + "description", *meta.description);
  if (meta.creator) b.Text(model, std::string(vocab::kDcterms) + "creator", *meta.creator);
  if (meta.dataset) {
    if (IsIri(*meta.dataset)) {
      b.Iri(model, nnet + "trainingDataset", *meta.dataset);
    } else {
      b.Text(model, nnet + "trainingDataset", *meta.dataset);
    }
  }
  if (meta.task) b.Iri(model, tkg + "task", TaskIri(*meta.task));
  for (const std::string& sensor : meta.sensors) b.Iri(model, tkg + "inputSensor", SensorIri(sensor));
  if (meta.category) b.Iri(model, nnet + "hasCategory", nnet + CamelCase(*meta.category));
  if (meta.input_info) b.Text(model, nnet + "hasInputInfo", *meta.input_info);
  if (meta.output_info) b.Text(model, nnet + "hasOutputInfo", *meta.output_info);
  int metric_index = 0;
  for (const auto& [metric, value] : meta.metrics) {
    const std::string node = model + "/metric/" + std::to_string(metric_index++);
    b.Iri(model, nnet + "hasMetric", node);
    b.Iri(node, rdf_type, nnet + "Metric");
    b.Text(node, label, metric);
    if (metric == "accuracy" || metric == "top1_accuracy") {
      b.Iri(node, std::string(vocab::kDcterms) + "type", nnet + "Top_1_accuracy");
    }
    b.Double(Term::Iri(node), nnet + "hasMetricValue", value);
  }

  for (const std::string& op : s.ops) {
    const std::string op_iri = OperatorIri(op);
    b.Iri(model, tkg + "usesOperator", op_iri);
    b.Iri(op_iri, rdf_type, tkg + "Operator");
    b.Text(op_iri, label, op);
  }

  auto tensors = [&](const std::vector<TensorSummary>& list, const char* kind, const char* property,
                     const char* cls) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const TensorSummary& t = list[i];
      const std::string iri = model + "/" + kind + "/" + std::to_string(i);
      b.Iri(model, std::string(vocab::kSsn) + property, iri);
      b.Iri(iri, rdf_type, nnet + cls);
      if (!t.name.empty()) b.Text(iri, label, t.name);
      b.Text(iri, tkg + "shape", t.ShapeString());
      b.Iri(iri, tkg + "dtype", DtypeIri(t.dtype));
      if (t.scale) b.Double(Term::Iri(iri), tkg + "scale", *t.scale);
      if (t.zero_point) b.Int(iri, tkg + "zeroPoint", *t.zero_point);
    }
  };
  tensors(s.inputs, "input", "hasInput", "NetworkInput");
  tensors(s.outputs, "output", "hasOutput", "NetworkOutput");

  for (const LayerSummary& layer : s.layers) {
    const std::string iri = model + "/layer/" + std::to_string(layer.index);
    const bool first = layer.index == 0;
    const bool last = layer.index + 1 == static_cast<int>(s.layers.size());
    b.Iri(model, nnet + (first ? "inputLayer" : last ? "outputLayer" : "middleLayer"), iri);
    b.Iri(iri, rdf_type, nnet + "Layer");
    b.Int(iri, nnet + "hasIndex", layer.index);
    b.Text(iri, label, std::to_string(layer.index) + " " + layer.op);
    if (auto type = LayerTypeIri(layer.op)) b.Iri(iri, nnet + "hasType", *type);
    b.Iri(iri, tkg + "operator", OperatorIri(layer.op));
    if (auto activation = ActivationIri(layer.activation)) b.Iri(iri, nnet + "hasActivation", *activation);
    if (!layer.input_shapes.empty()) b.Text(iri, nnet + "shapeIn", JoinShape(layer.input_shapes.front()));
    if (!layer.output_shapes.empty()) b.Text(iri, nnet + "shapeOut", JoinShape(layer.output_shapes.front()));
    if (!s.quantization.empty()) b.Iri(iri, nnet + "hasQuantization", DtypeIri(s.quantization));
    b.Int(iri, tkg + "macs", layer.macs);
    b.Int(iri, tkg + "layerParameterCount", layer.params);
    b.Int(iri, tkg + "weightBytes", layer.weight_bytes);
    b.Int(iri, tkg + "activationBytes", layer.activation_bytes);
  }
  return doc;
}

}  // namespace tinykg::model
