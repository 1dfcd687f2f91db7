#include "tinykg/emu/run.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "bounded.h"
#include "tinykg/base/file.h"
#include "tinykg/emu/firmware_parts.h"
#include "tinykg/model/summary.h"

namespace tinykg::emu {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint =
    "install the emulator tools: apt-get install $(grep -v '^#' scripts/packages/deb-emu.txt) "
    "(or run scripts/setup.sh), then re-run cmake and rebuild";

// Runs argv[0] (looked up on PATH) in `cwd` with stdout and stderr into
// `output`; returns its exit status, or -1 when it could not be started or
// was killed.
int RunProcess(const std::vector<std::string>& argv, const std::string& cwd, const std::string& output) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) _exit(127);
    dup2(fd, 1);
    dup2(fd, 2);
    const int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, 0);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool OnPath(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string FirmwareLibrary(const Target& target) {
  return std::string(TINYKG_EMU_FIRMWARE_DIR) + "/" + std::string(target.name) + "/libfirmware.a";
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> words;
  std::stringstream in{std::string(text)};
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::string Tail(const std::string& text, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  std::string out;
  for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i) {
    out += (out.empty() ? "" : "; ") + lines[i];
  }
  return out;
}

Status WriteSamples(const Workload& w, std::int32_t steps, std::int32_t inferences, const std::string& path,
                    float mode = 0.0f) {
  std::ofstream out(path, std::ios::binary);
  const bool learns = mode == 0.0f || mode == 4.0f || mode == 5.0f || mode == 6.0f || mode == 7.0f;
  // main.cc: mode + 8 starts from the saved head state that follows.
  const bool with_state = learns && !w.head_state.empty();
  const float config[8] = {static_cast<float>(w.features), static_cast<float>(w.classes),
                           static_cast<float>(w.hidden_units), static_cast<float>(steps),
                           static_cast<float>(inferences), w.learning_rate, static_cast<float>(w.seed),
                           with_state ? mode + 8.0f : mode};
  const std::int32_t config_marker = -2;
  out.write(reinterpret_cast<const char*>(config), sizeof(config));
  out.write(reinterpret_cast<const char*>(&config_marker), sizeof(config_marker));
  if (with_state) {
    const std::int32_t state_marker = -3;
    auto record = [&](const float* data, std::size_t count) {
      if (count == 0) return;
      out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(float)));
      out.write(reinterpret_cast<const char*>(&state_marker), sizeof(state_marker));
    };
    const float seen = static_cast<float>(w.head_state.samples_seen);
    record(&seen, 1);
    record(w.head_state.mean.data(), w.head_state.mean.size());
    record(w.head_state.m2.data(), w.head_state.m2.size());
    record(w.head_state.params.data(), w.head_state.params.size());
  }
  const auto n = static_cast<std::size_t>(w.features);
  auto put = [&](const std::vector<float>& x, const std::vector<std::int32_t>& y, std::int32_t count) {
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
      out.write(reinterpret_cast<const char*>(x.data() + i * n), static_cast<std::streamsize>(n * sizeof(float)));
      out.write(reinterpret_cast<const char*>(&y[i]), sizeof(std::int32_t));
    }
  };
  if (learns) {
    put(w.train_x, w.train_y, steps);
    put(w.eval_x, w.eval_y, inferences);
  }
  if (!out) return IoError("cannot write the sample stream " + path);
  return Status::Ok();
}

struct QemuRun {
  int exit_code = 0;
  std::uint64_t instructions = 0;
  std::string output;
};

Result<QemuRun> RunQemu(const Target& target, const std::string& image, const std::string& work_dir,
                        bool use_exec_trace) {
  const std::string count_file = work_dir + "/instructions.txt";
  const std::string trace_file = work_dir + "/exec.log";
  const std::string output_file = work_dir + "/qemu.out";
  std::vector<std::string> argv = {std::string(target.qemu), "-M", std::string(target.machine),
                                   "-nographic", "-monitor", "none", "-serial", "none",
                                   "-semihosting-config", "enable=on,target=native",
                                   "-kernel", image};
  if (use_exec_trace) {
    for (const char* a : {"-singlestep", "-d", "exec,nochain", "-D"}) argv.emplace_back(a);
    argv.push_back(trace_file);
  } else {
    argv.emplace_back("-plugin");
    argv.push_back(std::string(TINYKG_EMU_PLUGIN) + ",out=" + count_file);
  }
  std::remove(count_file.c_str());
  QemuRun run;
  run.exit_code = RunProcess(argv, work_dir, output_file);
  TINYKG_ASSIGN_OR_RETURN(run.output, ReadFile(output_file));
  if (run.exit_code < 0 || run.exit_code == 127) {
    return IoError("could not run " + std::string(target.qemu) + ": " + Tail(run.output, 3));
  }
  if (use_exec_trace) {
    std::ifstream trace(trace_file);
    std::string line;
    while (std::getline(trace, line)) {
      if (line.rfind("Trace ", 0) == 0) ++run.instructions;
    }
    std::remove(trace_file.c_str());
  } else {
    TINYKG_ASSIGN_OR_RETURN(std::string counted, ReadFile(count_file));
    if (std::sscanf(counted.c_str(), "instructions %" SCNu64, &run.instructions) != 1) {
      return Internal("the counting plugin wrote no count: " + counted);
    }
  }
  return run;
}

struct LinkedImage {
  std::string path;  // absolute
  bool cached = false;
  std::string key;
};

Result<LinkedImage> Link(const Target& target, const DeviceLimits& limits, std::span<const std::byte> model_blob,
                         const std::string& work_dir, const RunOptions& options) {
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  if (ec) return IoError("cannot create " + work_dir + ": " + ec.message());
  TINYKG_ASSIGN_OR_RETURN(const std::string script, LinkerScript(target, limits));
  const std::uint64_t flash = std::min(limits.flash_bytes, target.flash_max);
  const std::uint64_t ram = std::min(limits.ram_bytes, target.ram_max);
  const std::string script_path = work_dir + "/device.ld";
  TINYKG_RETURN_IF_ERROR(WriteFileAtomic(script_path, script));

  // The model's frozen part is compiled in as a C array in .rodata (flash),
  // the array `tinykg deploy` writes too, so the linker checks it against
  // the device's flash like any code.
  std::string blob_source;
  if (!model_blob.empty()) {
    TINYKG_RETURN_IF_ERROR(WriteModelArray(model_blob, work_dir));
    blob_source = work_dir + "/" + kModelArraySource;
  }

  LinkedImage linked;
  const std::string cache_dir = options.cache_dir.empty() ? DefaultCacheDir() : options.cache_dir;
  std::string cached_image;
  if (options.use_cache && !cache_dir.empty()) {
    TINYKG_ASSIGN_OR_RETURN(std::string library, ReadFile(FirmwareLibrary(target)));
    std::string inputs = "tinykg-firmware-v2\n" + std::string(target.name) + "\n" +
                               std::string(target.cpu_flags) + "\n" + script + "\n" +
                               model::Sha256Hex({reinterpret_cast<const std::uint8_t*>(library.data()), library.size()});
    if (!model_blob.empty()) {
      inputs += "\nmodel " + model::Sha256Hex({reinterpret_cast<const std::uint8_t*>(model_blob.data()), model_blob.size()});
    }
    linked.key = model::Sha256Hex({reinterpret_cast<const std::uint8_t*>(inputs.data()), inputs.size()});
    cached_image = cache_dir + "/" + linked.key + ".elf";
  }

  const std::string image = work_dir + "/firmware.elf";
  // A hit is copied into work_dir, so the folder holds its image either way.
  if (!cached_image.empty() && fs::exists(cached_image, ec) &&
      fs::copy_file(cached_image, image, fs::copy_options::overwrite_existing, ec)) {
    linked.path = fs::absolute(image, ec).string();
    linked.cached = true;
    return linked;
  }
  std::vector<std::string> link = {std::string(target.linker)};
  for (std::string& f : Split(target.cpu_flags)) link.push_back(std::move(f));
  for (std::string& f : Split(target.link_flags)) link.push_back(std::move(f));
  for (const char* a : {"-nostartfiles", "-Wl,--gc-sections", "-T"}) link.emplace_back(a);
  link.push_back(script_path);
  if (!blob_source.empty()) link.push_back(blob_source);
  link.emplace_back("-Wl,--whole-archive");
  link.push_back(FirmwareLibrary(target));
  link.emplace_back("-Wl,--no-whole-archive");
  for (std::string& f : Split(target.link_libs)) link.push_back(std::move(f));
  link.emplace_back("-o");
  link.push_back(image);
  const std::string link_log = work_dir + "/link.out";
  if (RunProcess(link, work_dir, link_log) != 0) {
    Result<std::string> why = ReadFile(link_log);
    const std::string model_note =
        model_blob.empty() ? std::string()
                           : " with the model's frozen part (" + std::to_string(model_blob.size()) + " B) in flash";
    return InvalidData("the firmware does not fit the device (" + std::to_string(flash) + " B flash, " +
                           std::to_string(ram) + " B RAM)" + model_note + ": link failed: " +
                           (why.ok() ? Tail(*why, 3) : std::string("no linker output")));
  }
  linked.path = fs::absolute(image, ec).string();
  if (!cached_image.empty()) {
    // Copy, then rename: a concurrent run sees the whole image or none.
    fs::create_directories(cache_dir, ec);
    const std::string partial = cached_image + ".partial-" + std::to_string(getpid());
    if (!ec && fs::copy_file(image, partial, fs::copy_options::overwrite_existing, ec)) {
      fs::rename(partial, cached_image, ec);
    }
    if (ec) fs::remove(partial, ec);  // caching is best effort; the run goes on
  }
  return linked;
}

}  // namespace

std::string DefaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/tinykg/firmware";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.cache/tinykg/firmware";
  return {};
}

Status CheckTools(const Target& target) {
  for (const std::string& tool : {std::string(target.linker), std::string(target.tools) + "-size",
                                 std::string(target.qemu)}) {
    if (!OnPath(tool)) return Unsupported(tool + " is not on PATH; " + kInstallHint);
  }
  if (!fs::exists(FirmwareLibrary(target))) {
    return Unsupported("the firmware for " + std::string(target.name) + " was not built (" +
                       FirmwareLibrary(target) + "); " + kInstallHint);
  }
  if (!fs::exists(TINYKG_EMU_PLUGIN)) {
    return Unsupported(std::string("the instruction-counting plugin was not built: ") + TINYKG_EMU_PLUGIN);
  }
  return Status::Ok();
}

Result<std::uint64_t> CountInstructions(const Target& target, const std::string& image,
                                        const std::string& work_dir, bool use_exec_trace) {
  TINYKG_ASSIGN_OR_RETURN(QemuRun run, RunQemu(target, image, work_dir, use_exec_trace));
  if (run.exit_code != 0) {
    return InvalidArgument("the firmware exited with " + std::to_string(run.exit_code) + ": " +
                           Tail(run.output, 2));
  }
  return run.instructions;
}

Result<Measurement> RunOnEmulator(const Target& target, const DeviceLimits& limits,
                                  const Workload& w, const std::string& work_dir, const RunOptions& options) {
  TINYKG_RETURN_IF_ERROR(CheckTools(target));
  const auto steps = options.infer_only ? 0 : static_cast<std::int32_t>(w.train_y.size());
  const auto inferences = static_cast<std::int32_t>(w.eval_y.size());
  if (w.features <= 0 || w.classes < 2 || (options.infer_only ? inferences < 1 : steps < 1) ||
      (!options.infer_only &&
       w.train_x.size() != static_cast<std::size_t>(steps) * static_cast<std::size_t>(w.features)) ||
      w.eval_x.size() != static_cast<std::size_t>(inferences) * static_cast<std::size_t>(w.features)) {
    return InvalidArgument("workload: features, classes and sample counts do not agree");
  }
  if (limits.ram_bytes == 0 || limits.flash_bytes == 0) {
    return InvalidArgument("the device has no RAM or flash figure");
  }
  TINYKG_ASSIGN_OR_RETURN(const LinkedImage linked, Link(target, limits, w.model_blob, work_dir, options));
  const std::string& image = linked.path;
  const std::uint64_t ram = std::min(limits.ram_bytes, target.ram_max);

  Measurement m;
  m.target = std::string(target.name);
  m.commit = std::string(TinykgCommit());
  m.infer_only = options.infer_only;
  m.firmware_cached = linked.cached;
  m.firmware_key = linked.key;
  const std::string tool_log = work_dir + "/tool.out";
  const std::string tools(target.tools);
  if (RunProcess({tools + "-gcc", "-dumpversion"}, work_dir, tool_log) == 0) {
    Result<std::string> version = ReadFile(tool_log);
    if (version.ok()) m.toolchain = tools + "-gcc " + Tail(*version, 1);
  }
  if (RunProcess({tools + "-size", "-A", image}, work_dir, tool_log) != 0) {
    return IoError(tools + "-size failed on " + image);
  }
  {
    TINYKG_ASSIGN_OR_RETURN(std::string sizes, ReadFile(tool_log));
    std::stringstream in(sizes);
    std::string section;
    std::uint64_t bytes = 0;
    std::string line;
    while (std::getline(in, line)) {
      std::stringstream fields(line);
      if (!(fields >> section >> bytes)) continue;
      if (section == ".text" || section == ".data" || section == ".ARM.exidx" || section == ".init_array") {
        m.flash_bytes += bytes;
      }
    }
  }

  // Three runs (two for inference only), each a QEMU process in its own
  // folder; the differences isolate training steps and inferences.
  // Per run: steps, inferences, firmware mode (main.cc).
  float mode = w.model_blob.empty() ? 0.0f : (options.report_features ? 5.0f : 4.0f);
  if (w.mfcc_frames) {
    if (!w.model_blob.empty()) return InvalidArgument("MFCC frames and a model backbone are exclusive");
    mode = options.report_features ? 7.0f : 6.0f;
  }
  if (w.mfcc_clips) {
    if (w.model_blob.empty() || w.mfcc_frames || w.features != 16000) {
      return InvalidArgument("MFCC clips need a model backbone and 16000 samples per clip");
    }
    mode = options.report_features ? 7.0f : 6.0f;
  }
  std::vector<std::array<float, 3>> plan = {{0, 0, mode}, {static_cast<float>(steps), 0, mode},
                                            {static_cast<float>(steps), static_cast<float>(inferences), mode}};
  if (options.infer_only) plan = {{0, 0, mode}, {0, static_cast<float>(inferences), mode}};
  const std::size_t counted = plan.size();
  const bool report_outputs = options.report_outputs && (!w.model_blob.empty() || w.mfcc_frames);
  if (report_outputs) plan.push_back({plan.back()[0], plan.back()[1], w.mfcc_frames || w.mfcc_clips ? 7.0f : 5.0f});
  std::vector<std::optional<Result<QemuRun>>> runs(plan.size());
  internal::ForEachBounded(plan.size(), options.jobs, [&](std::size_t r) {
    const std::string run_dir = work_dir + "/run" + std::to_string(r);
    std::error_code mkdir_error;
    fs::create_directories(run_dir, mkdir_error);
    Status wrote = WriteSamples(w, static_cast<std::int32_t>(plan[r][0]), static_cast<std::int32_t>(plan[r][1]),
                                run_dir + "/tinykg-samples.bin", plan[r][2]);
    runs[r] = wrote.ok() ? RunQemu(target, image, run_dir, false) : Result<QemuRun>(wrote);
  });
  // work_dir keeps the full run's sample stream beside the image, so the
  // image can be run again there (CountInstructions).
  std::error_code copy_error;
  fs::copy_file(work_dir + "/run" + std::to_string(counted - 1) + "/tinykg-samples.bin",
                work_dir + "/tinykg-samples.bin", fs::copy_options::overwrite_existing, copy_error);
  std::vector<std::uint64_t> counts(plan.size(), 0);
  std::vector<QemuRun> done(plan.size());
  for (std::size_t r = 0; r < plan.size(); ++r) {
    if (!runs[r]->ok()) return runs[r]->status();
    done[r] = std::move(**runs[r]);
    if (done[r].exit_code == 2) {
      std::string why = Tail(done[r].output, 1);
      if (why.rfind("log ", 0) == 0) why.erase(0, 4);
      return InvalidData("the training state does not fit the device's RAM (" + std::to_string(ram) + " B): " + why);
    }
    if (done[r].exit_code != 0) {
      return Internal("the firmware failed (exit " + std::to_string(done[r].exit_code) + "): " +
                      Tail(done[r].output, 2));
    }
    counts[r] = done[r].instructions;
  }
  m.instructions = counts[counted - 1];
  if (options.infer_only) {
    m.instructions_per_inference = static_cast<double>(counts[1] - counts[0]) / inferences;
  } else {
    m.instructions_per_step = static_cast<double>(counts[1] - counts[0]) / steps;
    if (inferences > 0) m.instructions_per_inference = static_cast<double>(counts[2] - counts[1]) / inferences;
  }

  // Figures come from the last counted run; per-sample outputs from it or,
  // with report_outputs, from the extra run.
  auto parse = [&m](const std::string& text, bool per_sample_only) {
    std::stringstream out(text);
    std::string line;
    while (std::getline(out, line)) {
      std::stringstream fields(line);
      std::string kind, name, value;
      if (!(fields >> kind >> name >> value)) continue;
      if (kind == "result") {
        const std::uint32_t bits = static_cast<std::uint32_t>(std::stoul(value, nullptr, 16));
        float f = 0;
        std::memcpy(&f, &bits, sizeof(f));
        if (name == "feature") m.eval_features.push_back(f);
        if (name == "predicted") m.predictions.push_back(static_cast<std::int32_t>(f));
        if (name == "confidence") m.confidences.push_back(f);
        if (per_sample_only) continue;
        if (name == "loss") m.losses.push_back(f);
        if (name == "accuracy") m.accuracy = f;
        if (name == "head_seen") m.head_state.samples_seen = static_cast<std::int64_t>(f);
        if (name == "head_mean") m.head_state.mean.push_back(f);
        if (name == "head_m2") m.head_state.m2.push_back(f);
        if (name == "head_param") m.head_state.params.push_back(f);
      } else if (kind == "log" && name == "stat" && !per_sample_only) {
        std::string stat_value;
        if (!(fields >> stat_value)) continue;
        const std::uint64_t v = std::stoull(stat_value);
        if (value == "static_ram") m.static_ram_bytes = v;
        if (value == "arena_high_water") m.arena_high_water_bytes = v;
        if (value == "stack_high_water") m.stack_high_water_bytes = v;
        if (value == "head_macs") m.head_macs = static_cast<std::int64_t>(v);
        if (value == "graph_bytes") m.graph_bytes = v;
        if (value == "backbone_activation_bytes") m.backbone_activation_bytes = v;
      }
    }
  };
  parse(done[counted - 1].output, false);
  if (report_outputs) parse(done.back().output, true);
  m.peak_ram_bytes = m.static_ram_bytes + m.arena_high_water_bytes + m.stack_high_water_bytes;
  m.model_blob_bytes = w.model_blob.size();
  // A step: forward, weight gradients, and input gradients for all but the first layer.
  const double hidden_macs = w.hidden_units > 0 ? static_cast<double>(w.hidden_units) * w.classes : 0.0;
  const double step_macs = 2.0 * static_cast<double>(m.head_macs) + hidden_macs;
  // With a backbone a step also runs the frozen graph: no per-head-MAC figure.
  if (step_macs > 0 && w.model_blob.empty() && !w.mfcc_frames) m.instructions_per_mac_step = m.instructions_per_step / step_macs;
  return m;
}

}  // namespace tinykg::emu

namespace tinykg::emu {

Result<KernelCost> MeasureKernel(const Target& target, KernelKind kind, std::int32_t in, std::int32_t out,
                                 const std::string& work_dir, const RunOptions& options) {
  TINYKG_RETURN_IF_ERROR(CheckTools(target));
  TINYKG_ASSIGN_OR_RETURN(const LinkedImage linked,
                          Link(target, DeviceLimits{target.ram_max, target.flash_max, 4096}, {}, work_dir, options));
  Workload w;
  w.features = in;
  w.classes = out;
  w.hidden_units = kind == KernelKind::kDense ? 0 : 1;
  constexpr std::int32_t kReps = 4;
  const std::int32_t plan[3][2] = {{0, 0}, {kReps, 0}, {kReps, kReps}};
  std::uint64_t counts[3] = {0, 0, 0};
  std::int64_t macs = 0;
  std::optional<Result<QemuRun>> runs[3];
  internal::ForEachBounded(3, options.jobs, [&](std::size_t r) {
    const std::string run_dir = work_dir + "/run" + std::to_string(r);
    std::error_code mkdir_error;
    fs::create_directories(run_dir, mkdir_error);
    Status wrote = WriteSamples(w, plan[r][0], plan[r][1], run_dir + "/tinykg-samples.bin", 1.0f);
    runs[r] = wrote.ok() ? RunQemu(target, linked.path, run_dir, false) : Result<QemuRun>(wrote);
  });
  for (int r = 0; r < 3; ++r) {
    if (!runs[r]->ok()) return runs[r]->status();
    const QemuRun& run = **runs[r];
    if (run.exit_code != 0) {
      return InvalidData("the kernel firmware failed (exit " + std::to_string(run.exit_code) + "): " + Tail(run.output, 1));
    }
    counts[r] = run.instructions;
    const std::size_t at = run.output.find("stat head_macs ");
    if (at != std::string::npos) macs = std::stoll(run.output.substr(at + 15));
  }
  if (macs <= 0) return Internal("the kernel firmware reported no MAC count");
  KernelCost cost;
  cost.macs = macs;
  cost.forward_per_mac = static_cast<double>(counts[1] - counts[0]) / kReps / static_cast<double>(macs);
  cost.training_per_mac = static_cast<double>(counts[2] - counts[1]) / kReps / (2.0 * static_cast<double>(macs));
  return cost;
}

}  // namespace tinykg::emu

namespace tinykg::emu {

Result<std::vector<std::int8_t>> RunInt8Check(const Target& target, std::uint32_t seed, const std::string& work_dir) {
  TINYKG_RETURN_IF_ERROR(CheckTools(target));
  TINYKG_ASSIGN_OR_RETURN(const LinkedImage linked,
                          Link(target, DeviceLimits{target.ram_max, target.flash_max, 4096}, {}, work_dir, RunOptions{}));
  Workload w;
  w.seed = seed;
  TINYKG_RETURN_IF_ERROR(WriteSamples(w, 0, 0, work_dir + "/tinykg-samples.bin", 2.0f));
  TINYKG_ASSIGN_OR_RETURN(QemuRun run, RunQemu(target, linked.path, work_dir, false));
  if (run.exit_code != 0) return InvalidData("the int8 check failed: " + Tail(run.output, 1));
  std::vector<std::int8_t> out;
  std::stringstream lines(run.output);
  std::string line;
  while (std::getline(lines, line)) {
    std::stringstream fields(line);
    std::string kind, name, value;
    if (!(fields >> kind >> name >> value) || kind != "result" || name != "int8") continue;
    const std::uint32_t bits = static_cast<std::uint32_t>(std::stoul(value, nullptr, 16));
    float f = 0;
    std::memcpy(&f, &bits, sizeof(f));
    out.push_back(static_cast<std::int8_t>(f));
  }
  return out;
}

}  // namespace tinykg::emu

namespace tinykg::emu {

Result<std::string> LinkFirmware(const Target& target, const DeviceLimits& limits, const std::string& work_dir,
                                 const RunOptions& options) {
  TINYKG_RETURN_IF_ERROR(CheckTools(target));
  if (limits.ram_bytes == 0 || limits.flash_bytes == 0) return InvalidArgument("the device has no RAM or flash figure");
  TINYKG_ASSIGN_OR_RETURN(const LinkedImage linked, Link(target, limits, {}, work_dir, options));
  return linked.path;
}

Result<std::string> LinkFirmware(const Target& target, const DeviceLimits& limits,
                                 std::span<const std::byte> model_blob, const std::string& work_dir,
                                 const RunOptions& options) {
  TINYKG_RETURN_IF_ERROR(CheckTools(target));
  if (limits.ram_bytes == 0 || limits.flash_bytes == 0) return InvalidArgument("the device has no RAM or flash figure");
  TINYKG_ASSIGN_OR_RETURN(const LinkedImage linked, Link(target, limits, model_blob, work_dir, options));
  return linked.path;
}

Result<FirmwareRun> RunFirmware(const Target& target, const std::string& image, const std::string& run_dir) {
  TINYKG_ASSIGN_OR_RETURN(QemuRun run, RunQemu(target, image, run_dir, false));
  return FirmwareRun{run.exit_code, run.instructions, std::move(run.output)};
}

}  // namespace tinykg::emu
