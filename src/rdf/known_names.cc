#include "tinykg/rdf/known_names.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "tinykg/base/text.h"
#include "tinykg/rdf/namespaces.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf {
namespace {

struct Known {
  NameKind kind;
  const char* local;  // under vocab::kTkg (tasks, runtimes) or vocab::kSosaExtend (sensors)
  const char* label;  // as ontology/tinykg.ttl labels it
  std::vector<const char*> aliases;
};

// The one alias table. Keep in step with ontology/tinykg.ttl (tkg:Task
// individuals, sosa_extend: sensor classes, tkg:Runtime individuals).
const std::vector<Known> kKnown = {
    {NameKind::kTask, "KeywordSpotting", "keyword spotting", {"kws", "speech", "speech-commands", "keywords"}},
    {NameKind::kTask, "PersonDetection", "person detection (visual wake words)",
     {"vww", "person", "visual-wake-words", "person-detection"}},
    {NameKind::kTask, "ImageClassification", "image classification", {"image", "ic"}},
    {NameKind::kTask, "GestureRecognition", "gesture recognition", {"gesture", "gestures"}},
    {NameKind::kTask, "AnomalyDetection", "anomaly detection", {"anomaly", "ad"}},
    {NameKind::kTask, "AudioEventDetection", "audio event detection", {"audio-event", "snoring"}},
    {NameKind::kTask, "PresenceDetection", "presence detection", {"presence", "occupancy"}},
    {NameKind::kTask, "Regression", "regression", {"sine"}},
    {NameKind::kTask, "NoiseSuppression", "noise suppression", {"noise"}},
    {NameKind::kTask, "AudioPreprocessing", "audio feature extraction", {"audio-features", "frontend"}},
    {NameKind::kSensor, "Accelerometer", "Accelerometer", {"accel", "acc", "acceleration"}},
    {NameKind::kSensor, "Gyroscope", "Gyroscope", {"gyro"}},
    {NameKind::kSensor, "Magnetometer", "Magnetometer", {"mag", "compass"}},
    {NameKind::kSensor, "Microphone", "Microphone", {"mic", "audio"}},
    {NameKind::kSensor, "Thermometer", "Thermometer", {"temperature", "temp"}},
    {NameKind::kSensor, "Camera", "Camera", {"cam", "image-sensor"}},
    {NameKind::kSensor, "Hygrometer", "Hygrometer", {"humidity"}},
    {NameKind::kSensor, "Barometer", "Barometer", {"pressure"}},
    {NameKind::kSensor, "LightSensor", "Light sensor", {"light"}},
    {NameKind::kSensor, "CO2Sensor", "CO2 sensor", {"co2"}},
    {NameKind::kSensor, "ProximitySensor", "Proximity sensor", {"proximity"}},
    {NameKind::kSensor, "OtherSensor", "other sensor", {"other"}},
    {NameKind::kRuntime, "TFLiteMicro", "TensorFlow Lite Micro (reference kernels)",
     {"tflm", "tflite-micro", "tflite", "tensorflow-lite-micro"}},
    {NameKind::kRuntime, "TFLiteMicroCmsisNn", "TensorFlow Lite Micro with CMSIS-NN kernels",
     {"cmsis-nn", "tflm-cmsis-nn", "tflite-micro-cmsis-nn"}},
    {NameKind::kRuntime, "TinykgEngine", "tinykg training engine", {"tinykg", "engine"}},
};

std::string Namespace(NameKind kind) {
  return kind == NameKind::kSensor ? std::string(vocab::kSosaExtend) : std::string(vocab::kTkg);
}

// Lower case without '-', '_' and spaces: "Keyword-Spotting" == "keyword spotting".
std::string Folded(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool LooksLikeIri(std::string_view text) {
  return text.find("://") != std::string_view::npos || text.rfind("urn:", 0) == 0;
}

// The name without a prefix the kind's namespace goes by.
std::string_view WithoutPrefix(NameKind kind, std::string_view text) {
  static const std::vector<std::string_view> kSensorPrefixes = {"sosa_extend::", "sosa_extend:", "sosa:"};
  static const std::vector<std::string_view> kTkgPrefixes = {"tkg:"};
  for (std::string_view p : kind == NameKind::kSensor ? kSensorPrefixes : kTkgPrefixes) {
    if (text.rfind(p, 0) == 0) return text.substr(p.size());
  }
  return text;
}

const Known* Find(NameKind kind, std::string_view text) {
  const std::string folded = Folded(WithoutPrefix(kind, text));
  for (const Known& k : kKnown) {
    if (k.kind != kind) continue;
    if (Folded(k.local) == folded || Folded(k.label) == folded) return &k;
    for (const char* a : k.aliases) {
      if (Folded(a) == folded) return &k;
    }
  }
  return nullptr;
}

std::string CamelCase(std::string_view text) {
  std::string out;
  bool up = true;
  for (char c : text) {
    if (c == '-' || c == '_' || c == ' ') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

}  // namespace

std::string_view NameKindWord(NameKind kind) {
  switch (kind) {
    case NameKind::kTask: return "task";
    case NameKind::kSensor: return "sensor";
    case NameKind::kRuntime: return "runtime";
  }
  return "name";
}

Result<std::string> ResolveName(NameKind kind, std::string_view text) {
  if (LooksLikeIri(text)) return NormalizeIri(std::string(text));
  if (const Known* k = Find(kind, text)) return Namespace(kind) + k->local;
  // The closest names (local names and aliases) for "did you mean".
  const std::string folded = Folded(WithoutPrefix(kind, text));
  int best = 1 << 20;
  std::vector<std::string> closest;
  std::string known;
  for (const Known& k : kKnown) {
    if (k.kind != kind) continue;
    known += (known.empty() ? "" : ", ") + std::string(k.local);
    int d = EditDistance(folded, Folded(k.local));
    for (const char* a : k.aliases) d = std::min(d, EditDistance(folded, Folded(a)));
    if (d < best) {
      best = d;
      closest.clear();
    }
    if (d == best) closest.push_back(k.local);
  }
  std::string message = "unknown " + std::string(NameKindWord(kind)) + " '" + std::string(text) + "'";
  const int allowed = std::max<int>(2, static_cast<int>(folded.size()) / 3);
  if (best <= allowed && !closest.empty()) {
    message += ": did you mean ";
    for (std::size_t i = 0; i < closest.size(); ++i) message += (i ? " or " : "") + closest[i];
    message += "?";
  }
  return InvalidArgument(message + " (known " + std::string(NameKindWord(kind)) + "s: " + known +
                         "; or a full IRI of your own vocabulary)");
}

std::string NameIriLenient(NameKind kind, std::string_view text) {
  if (LooksLikeIri(text)) return NormalizeIri(std::string(text));
  if (const Known* k = Find(kind, text)) return Namespace(kind) + k->local;
  return Namespace(kind) + CamelCase(WithoutPrefix(kind, text));
}

std::vector<std::string> KnownNameIris(NameKind kind) {
  std::vector<std::string> out;
  for (const Known& k : kKnown) {
    if (k.kind == kind) out.push_back(Namespace(kind) + k.local);
  }
  return out;
}

}  // namespace tinykg::rdf
