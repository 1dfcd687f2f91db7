#include "tinykg/td/board.h"

#include <cmath>
#include <filesystem>

#include "tinykg/base/input_check.h"
#include "tinykg/rdf/vocab.h"
#include "tinykg/td/jsonld.h"

namespace tinykg::td {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool M4HasFpu(const std::string& mcu, const std::string& flags) {
  if (flags.find("-mfloat-abi=hard") != std::string::npos ||
      flags.find("fpv4") != std::string::npos) {
    return true;
  }
  for (const char* family : {"nrf52832", "nrf52833", "nrf52840", "samd51", "same51", "same53",
                             "same54", "stm32f3", "stm32f4", "stm32g4", "stm32l4", "stm32wb"}) {
    if (StartsWith(mcu, family)) return true;
  }
  return false;
}

long long ParseNumber(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<long long>();
  if (v.is_number()) {
    // A size or a clock is a whole number: 1.5 was cut to 1, and 1e300 was
    // converted past long long's range (undefined behaviour).
    const double d = v.get<double>();
    return d == std::floor(d) && d >= 0 && d < 0x1p62 ? static_cast<long long>(d) : -1;
  }
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    while (!s.empty() && (s.back() == 'L' || s.back() == 'l' || s.back() == 'U' || s.back() == 'u')) {
      s.pop_back();
    }
    try {
      size_t used = 0;
      const long long n = std::stoll(s, &used);
      if (used == s.size()) return n;
    } catch (const std::exception&) {
    }
  }
  return -1;
}

// A string member, "" when absent; arrays of strings (some boards list
// extra_flags that way) are joined with spaces.
std::string StringAt(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  const Json& v = object[key];
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  if (v.is_array()) {
    for (const Json& x : v) {
      if (x.is_string()) out += (out.empty() ? "" : " ") + x.get<std::string>();
    }
  }
  return out;
}

}  // namespace

Result<BoardHardware> ReadBoard(std::string_view board_json, const std::string& path) {
  if (Status checked = CheckJsonText(board_json, path); !checked.ok()) return checked;
  Json doc = Json::parse(board_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return ParseError("not a PlatformIO board definition (JSON object)", SourceLocation(path));
  }
  auto missing = [&](const char* pointer) {
    return InvalidData(std::string("board definition lacks ") + pointer,
                       SourceLocation(path, 0, 0, pointer));
  };
  if (!doc.contains("build") || !doc["build"].is_object()) return missing("/build");
  const Json& build = doc["build"];
  const Json upload = doc.contains("upload") && doc["upload"].is_object() ? doc["upload"] : Json::object();
  BoardHardware hw;
  hw.board_id = std::filesystem::path(path).stem().string();
  hw.platform = std::filesystem::path(path).parent_path().filename().string();
  if (doc.contains("frameworks") && doc["frameworks"].is_array() && !doc["frameworks"].empty() &&
      doc["frameworks"][0].is_string()) {
    hw.framework = doc["frameworks"][0].get<std::string>();
  }
  hw.name = StringAt(doc, "name");
  if (hw.name.empty()) hw.name = hw.board_id;
  hw.vendor = StringAt(doc, "vendor");
  hw.mcu = StringAt(build, "mcu");
  for (char& c : hw.mcu) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (hw.mcu.empty()) return missing("/build/mcu");
  const std::string cpu = StringAt(build, "cpu");
  const std::string flags = StringAt(build, "extra_flags");
  if (cpu == "cortex-m0") {
    hw.core_type = "CortexM0";
  } else if (cpu == "cortex-m0plus") {
    hw.core_type = "CortexM0Plus";
  } else if (cpu == "cortex-m3") {
    hw.core_type = "CortexM3";
  } else if (cpu == "cortex-m4") {
    hw.has_dsp = true;
    hw.has_fpu = M4HasFpu(hw.mcu, flags);
    hw.core_type = hw.has_fpu ? "CortexM4F" : "CortexM4";
  } else if (cpu == "cortex-m7") {
    hw.core_type = "CortexM7";
    hw.has_fpu = hw.has_dsp = true;
  } else if (cpu == "cortex-m33") {
    hw.core_type = "CortexM33";
    // Both optional in Armv8-M; the STM32 M33 families have them.
    hw.has_fpu = hw.has_dsp = StartsWith(hw.mcu, "stm32") || StartsWith(hw.mcu, "nrf5340") ||
                              StartsWith(hw.mcu, "nrf91");
  } else if (StartsWith(hw.mcu, "esp32s2")) {
    hw.core_type = "XtensaLX7";  // ESP32-S2: single LX7 core without FPU
  } else if (StartsWith(hw.mcu, "esp32s3")) {
    hw.core_type = "XtensaLX7";
    hw.has_fpu = hw.has_dsp = true;
  } else if (StartsWith(hw.mcu, "esp32c3")) {
    hw.core_type = "RV32IMC";
  } else if (StartsWith(hw.mcu, "esp32c6") || StartsWith(hw.mcu, "esp32h2")) {
    hw.core_type = "RV32IMAC";
  } else if (StartsWith(hw.mcu, "esp32")) {
    hw.core_type = "XtensaLX6";
    hw.has_fpu = true;
  } else if (StartsWith(hw.mcu, "atmega") || StartsWith(hw.mcu, "attiny")) {
    hw.core_type = "AVR8";
  } else {
    return Unsupported("unknown core for board (build.cpu \"" + cpu + "\", build.mcu \"" +
                           hw.mcu + "\")",
                       SourceLocation(path, 0, 0, "/build/cpu"));
  }
  if (!build.contains("f_cpu")) return missing("/build/f_cpu");
  hw.clock_hz = ParseNumber(build["f_cpu"]);
  if (hw.clock_hz <= 0) return InvalidData("bad clock", SourceLocation(path, 0, 0, "/build/f_cpu"));
  if (!upload.contains("maximum_ram_size")) return missing("/upload/maximum_ram_size");
  if (!upload.contains("maximum_size")) return missing("/upload/maximum_size");
  hw.ram_bytes = ParseNumber(upload["maximum_ram_size"]);
  hw.flash_bytes = ParseNumber(upload["maximum_size"]);
  if (hw.ram_bytes <= 0) {
    return InvalidData("bad RAM size", SourceLocation(path, 0, 0, "/upload/maximum_ram_size"));
  }
  if (hw.flash_bytes <= 0) {
    return InvalidData("bad flash size", SourceLocation(path, 0, 0, "/upload/maximum_size"));
  }
  return hw;
}

std::string BoardToTdText(const BoardHardware& hw) {
  // nlohmann's object is sorted; build the text by hand so the TD reads in
  // the usual order (@context, id, title first).
  std::string out = "{\n";
  auto add = [&](const char* key, const Json& value, bool last = false) {
    out += "  " + Json(key).dump() + ": " + value.dump() + (last ? "\n" : ",\n");
  };
  add("@context", Json::array({"https://www.w3.org/2022/wot/td/v1.1",
                               "https://w3id.org/tinykg/context/v1"}));
  add("id", std::string(vocab::kTkgResource) + "board/platformio/" + hw.board_id);
  add("@type", Json::array({"Thing", "Device"}));
  add("title", hw.name);
  add("description", "Device made from the PlatformIO board definition \"" + hw.board_id + "\"" +
                         (hw.vendor.empty() ? std::string() : " (" + hw.vendor + ")") + ".");
  add("board", hw.board_id);
  if (!hw.platform.empty()) add("platformioPlatform", hw.platform);
  if (!hw.framework.empty()) add("framework", hw.framework);
  add("mcu", hw.mcu);
  add("coreType", hw.core_type);
  add("clockHz", hw.clock_hz);
  add("ramBytes", hw.ram_bytes);
  add("flashBytes", hw.flash_bytes);
  add("hasFpu", hw.has_fpu);
  add("hasDsp", hw.has_dsp);
  add("securityDefinitions", Json{{"nosec_sc", {{"scheme", "nosec"}}}});
  add("security", "nosec_sc", true);
  out += "}\n";
  return out;
}

}  // namespace tinykg::td
