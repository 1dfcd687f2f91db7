#include "tinykg/model/onnx.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "tinykg/model/memory_plan.h"

namespace tinykg::model {
namespace {

constexpr std::int64_t kSaturated = std::int64_t{1} << 62;
// TFLite Micro's 64-bit struct sizes (tflm_arena.cc): TfLiteTensor and
// NodeAndRegistration per value/node, plus the two allocator objects.
constexpr std::int64_t kTensorStructBytes = 112;
constexpr std::int64_t kNodeStructBytes = 80;
constexpr std::int64_t kAllocatorObjectsBytes = 96;

std::int64_t Mul(std::int64_t a, std::int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}

std::string DtypeName(int type) {
  switch (type) {
    case onnx::TensorProto_DataType_FLOAT: return "FLOAT32";
    case onnx::TensorProto_DataType_UINT8: return "UINT8";
    case onnx::TensorProto_DataType_INT8: return "INT8";
    case onnx::TensorProto_DataType_UINT16: return "UINT16";
    case onnx::TensorProto_DataType_INT16: return "INT16";
    case onnx::TensorProto_DataType_INT32: return "INT32";
    case onnx::TensorProto_DataType_INT64: return "INT64";
    case onnx::TensorProto_DataType_BOOL: return "BOOL";
    case onnx::TensorProto_DataType_FLOAT16: return "FLOAT16";
    case onnx::TensorProto_DataType_DOUBLE: return "FLOAT64";
    default: return "UNKNOWN(" + std::to_string(type) + ")";
  }
}

std::int64_t DtypeBytes(int type) {
  switch (type) {
    case onnx::TensorProto_DataType_UINT8: case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_BOOL: return 1;
    case onnx::TensorProto_DataType_UINT16: case onnx::TensorProto_DataType_INT16:
    case onnx::TensorProto_DataType_FLOAT16: return 2;
    case onnx::TensorProto_DataType_INT64: case onnx::TensorProto_DataType_DOUBLE: return 8;
    default: return 4;
  }
}

struct Value {
  std::vector<std::int64_t> shape;  // -1 unknown
  int type = onnx::TensorProto_DataType_FLOAT;
  bool known = false;
};

std::int64_t Elements(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) return 0;
    n = Mul(n, d == 0 ? 0 : d);
    if (d == 0) return 0;
  }
  return n;
}

void Record(const onnx::ValueInfoProto& info, std::map<std::string, Value>& values) {
  Value v;
  if (info.type().has_tensor_type()) {
    const auto& t = info.type().tensor_type();
    v.type = t.elem_type();
    if (t.has_shape()) {
      for (const auto& d : t.shape().dim()) v.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
      v.known = true;
    }
  }
  values[info.name()] = v;
}

std::int64_t IntAttribute(const onnx::NodeProto& node, const std::string& name, std::int64_t fallback) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

std::vector<std::int64_t> IntsAttribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  }
  return {};
}

std::string MapOp(const std::string& op) {
  static const std::map<std::string, std::string> kMap = {
      {"Relu", "RELU"},         {"Add", "ADD"},        {"Sub", "SUB"},          {"Mul", "MUL"},
      {"Div", "DIV"},           {"MaxPool", "MAX_POOL_2D"}, {"AveragePool", "AVERAGE_POOL_2D"},
      {"Softmax", "SOFTMAX"},   {"Reshape", "RESHAPE"}, {"Flatten", "RESHAPE"}, {"Transpose", "TRANSPOSE"},
      {"Sigmoid", "LOGISTIC"},  {"Tanh", "TANH"},       {"Concat", "CONCATENATION"}, {"Pad", "PAD"},
      {"ReduceMean", "MEAN"},   {"GlobalAveragePool", "MEAN"}, {"Squeeze", "SQUEEZE"},
      {"Unsqueeze", "EXPAND_DIMS"}, {"QuantizeLinear", "QUANTIZE"}, {"DequantizeLinear", "DEQUANTIZE"},
      {"LeakyRelu", "LEAKY_RELU"}, {"HardSwish", "HARD_SWISH"}, {"Clip", "RELU6"}};
  auto it = kMap.find(op);
  return it != kMap.end() ? it->second : "ONNX:" + op;
}

// Debian 12's libonnx (1.12) shape inference trusts a model's attributes and
// ranks: a Conv whose weight has more spatial axes than its input reads past
// its vectors (fixed upstream in onnx #8037), a pooling stride of 0 divides by
// zero, a ConvTranspose weight of rank 1 or a MaxUnpool without indices reads
// a shape that is not there, and upstream has fixed a dozen more such crashes
// since (#7916, #7879, #7738, ...). A hostile file must not take tinykg down,
// so inference runs in a child process and only the inferred value types come
// back; a child that dies, hangs or answers nonsense leaves the shapes the
// file declares and a note.
constexpr unsigned kInferSeconds = 20;
constexpr char kInferred = 'I';
constexpr char kRefused = 'R';

bool WriteAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

[[noreturn]] void InferInChild(onnx::ModelProto& proto, int fd) {
  // A crash ends this process by its signal, past any handler the parent
  // installed (sanitizers, libFuzzer), without a core file (36 MB in the
  // user's directory per crashing model, with core dumps on), and a hang
  // ends it by SIGALRM, which the parent may have blocked.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM}) signal(sig, SIG_DFL);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  sigset_t alarm_set;
  sigemptyset(&alarm_set);
  sigaddset(&alarm_set, SIGALRM);
  sigprocmask(SIG_UNBLOCK, &alarm_set, nullptr);
  alarm(kInferSeconds);
  std::string answer;
  try {
    onnx::shape_inference::InferShapes(proto);
    onnx::GraphProto types;
    *types.mutable_value_info() = proto.graph().value_info();
    *types.mutable_output() = proto.graph().output();
    answer = kInferred + types.SerializeAsString();
  } catch (const std::exception& e) {
    answer = kRefused + std::string(e.what());
  }
  _exit(WriteAll(fd, answer) ? 0 : 1);
}

// Fills proto's value_info and output types by ONNX shape inference, or says
// in a note why it could not. For a single-threaded caller (tinykg's import
// and emu commands call it before they start threads): a child forked while
// another thread holds an allocator or protobuf lock could wait for it until
// the alarm, and would inherit the other threads' pipes.
void InferShapesApart(onnx::ModelProto& proto, std::vector<std::string>& notes) {
  const std::string failed = "ONNX shape inference failed, shapes may be missing: ";
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    notes.push_back(failed + "no pipe: " + std::strerror(errno));
    return;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    notes.push_back(failed + "no process: " + std::strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[0]);
    InferInChild(proto, fds[1]);
  }
  close(fds[1]);
  // The answer holds types for at most every value the model names, so it
  // is bounded by a multiple of the model's own size.
  const std::size_t limit = std::max<std::size_t>(std::size_t{64} << 20, proto.ByteSizeLong() * 4);
  std::string answer;
  char buffer[1 << 16];
  bool too_long = false;
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
    if (answer.size() > limit) {
      too_long = true;
      kill(pid, SIGKILL);
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_long) {
    notes.push_back(failed + "its answer passed " + std::to_string(limit) + " bytes");
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    notes.push_back(failed + "it ran past " + std::to_string(kInferSeconds) + " s");
  } else if (WIFSIGNALED(status)) {
    notes.push_back(failed + "libonnx crashed on this model (" + strsignal(WTERMSIG(status)) +
                    "); its attributes or ranks are likely inconsistent");
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answer.empty()) {
    notes.push_back(failed + "it ended without an answer");
  } else if (answer[0] == kRefused) {
    notes.push_back(failed + answer.substr(1));
  } else {
    onnx::GraphProto types;
    if (answer[0] != kInferred || !types.ParseFromArray(answer.data() + 1, static_cast<int>(answer.size() - 1))) {
      notes.push_back(failed + "its answer did not parse");
      return;
    }
    *proto.mutable_graph()->mutable_value_info() = std::move(*types.mutable_value_info());
    *proto.mutable_graph()->mutable_output() = std::move(*types.mutable_output());
  }
}

}  // namespace

Result<ModelSummary> SummarizeOnnx(std::span<const std::uint8_t> bytes, const std::string& name,
                                   const std::string& source, OnnxShapes shapes) {
  onnx::ModelProto proto;
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX) ||
      !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return ParseError("not an ONNX ModelProto (protobuf parse failed)", SourceLocation(source));
  }
  ModelSummary s;
  s.name = name;
  s.format = "onnx";
  s.sha256 = Sha256Hex(bytes);
  s.file_bytes = static_cast<std::int64_t>(bytes.size());
  if (shapes == OnnxShapes::kInferred) InferShapesApart(proto, s.notes);
  const onnx::GraphProto& g = proto.graph();

  std::map<std::string, Value> values;
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& init : g.initializer()) {
    initializers[init.name()] = &init;
    Value v;
    v.shape.assign(init.dims().begin(), init.dims().end());
    v.type = init.data_type();
    v.known = true;
    values[init.name()] = v;
    s.params += Elements(v.shape);
  }
  for (const auto& info : g.value_info()) Record(info, values);
  for (const auto& info : g.input()) Record(info, values);
  for (const auto& info : g.output()) Record(info, values);

  auto describe = [&](const onnx::ValueInfoProto& info) {
    TensorSummary t;
    t.name = info.name();
    const Value& v = values[info.name()];
    t.shape = v.shape;
    t.dtype = DtypeName(v.type);
    return t;
  };
  for (const auto& info : g.input()) {
    if (!initializers.count(info.name())) s.inputs.push_back(describe(info));
  }
  for (const auto& info : g.output()) s.outputs.push_back(describe(info));

  // Lifetimes of activations over node order.
  std::map<std::string, std::pair<int, int>> life;
  for (const TensorSummary& in : s.inputs) life[in.name] = {0, 0};
  const int node_count = g.node_size();
  for (int i = 0; i < node_count; ++i) {
    const onnx::NodeProto& node = g.node(i);
    for (const auto& in : node.input()) {
      if (in.empty() || initializers.count(in)) continue;
      auto it = life.find(in);
      if (it == life.end()) {
        return InvalidData("node " + std::to_string(i) + " (" + node.op_type() + ") reads undefined value \"" +
                           in + "\"", SourceLocation(source));
      }
      it->second.second = std::max(it->second.second, i);
    }
    for (const auto& out : node.output()) {
      if (!out.empty() && !life.count(out)) life[out] = {i, i};
    }

    LayerSummary layer;
    layer.index = i;
    layer.activation = "NONE";
    const std::string& op = node.op_type();
    layer.op = MapOp(op);
    auto value_bytes = [&](const std::string& name) {
      const Value& v = values[name];
      return std::min(Mul(Elements(v.shape), DtypeBytes(v.type)), kSaturated);
    };
    for (const auto& in : node.input()) {
      if (!in.empty() && !initializers.count(in)) {
        layer.input_shapes.push_back(values[in].shape);
        layer.activation_bytes = std::min(layer.activation_bytes + value_bytes(in), kSaturated);
      }
    }
    for (const auto& out : node.output()) {
      layer.output_shapes.push_back(values[out].shape);
      layer.activation_bytes = std::min(layer.activation_bytes + value_bytes(out), kSaturated);
    }
    const std::int64_t out_elements = node.output_size() > 0 ? Elements(values[node.output(0)].shape) : 0;
    const Value* weight = node.input_size() > 1 && initializers.count(node.input(1)) ? &values[node.input(1)] : nullptr;
    if (op == "Conv" && weight != nullptr && weight->shape.size() >= 3) {
      const std::int64_t group = IntAttribute(node, "group", 1);
      const std::int64_t in_channels = weight->shape[1] * group;
      layer.op = group > 1 && group == in_channels ? "DEPTHWISE_CONV_2D" : "CONV_2D";
      std::int64_t per_output = 1;
      for (std::size_t d = 1; d < weight->shape.size(); ++d) per_output = Mul(per_output, weight->shape[d]);
      layer.macs = Mul(out_elements, per_output);
    } else if ((op == "Gemm" || op == "MatMul") && weight != nullptr && weight->shape.size() == 2) {
      layer.op = "FULLY_CONNECTED";
      const bool trans_b = op == "Gemm" && IntAttribute(node, "transB", 0) != 0;
      layer.macs = Mul(out_elements, trans_b ? weight->shape[1] : weight->shape[0]);
    } else if (op == "MatMul" || op == "Gemm") {
      layer.op = "BATCH_MATMUL";
    }
    for (const auto& in : node.input()) {
      if (initializers.count(in)) {
        layer.params += Elements(values[in].shape);
        layer.weight_bytes = std::min(layer.weight_bytes + value_bytes(in), kSaturated);
      }
    }
    layer.macs_all = layer.macs;
    if (layer.macs == 0) {
      if (op == "MaxPool" || op == "AveragePool") {
        std::int64_t window = 1;
        for (std::int64_t k : IntsAttribute(node, "kernel_shape")) window = Mul(window, k);
        layer.macs_all = Mul(out_elements, window);
      } else if (op == "Softmax" || op == "ReduceMean" || op == "GlobalAveragePool") {
        layer.macs_all = node.input_size() > 0 ? Elements(values[node.input(0)].shape) : 0;
      } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Relu" || op == "Sigmoid" ||
                 op == "Tanh" || op == "Clip" || op == "BatchNormalization") {
        layer.macs_all = out_elements;
      }
    }
    s.macs = std::min(s.macs + layer.macs, kSaturated);
    s.macs_all = std::min(s.macs_all + layer.macs_all, kSaturated);
    if (std::find(s.ops.begin(), s.ops.end(), layer.op) == s.ops.end()) s.ops.push_back(layer.op);
    if (s.quantization.empty() && layer.macs > 0 && weight != nullptr) s.quantization = DtypeName(weight->type);
    s.layers.push_back(std::move(layer));
  }
  for (const TensorSummary& out : s.outputs) {
    if (auto it = life.find(out.name); it != life.end()) it->second.second = std::max(0, node_count - 1);
  }
  if (s.quantization.empty() && !s.inputs.empty()) s.quantization = s.inputs.front().dtype;

  std::vector<PlanBuffer> buffers;
  bool unknown = false;
  for (const auto& [value, span] : life) {
    const Value& v = values[value];
    const std::int64_t elements = Elements(v.shape);
    if (elements == 0 && !v.shape.empty()) unknown = true;
    const std::int64_t size = std::min(Mul(std::max<std::int64_t>(elements, 1), DtypeBytes(v.type)), std::int64_t{1} << 40);
    buffers.push_back({(size + 15) / 16 * 16, span.first, span.second});
  }
  if (unknown) s.notes.push_back("some activation shapes are unknown; they count as one element");
  s.activation_peak_bytes = PlanGreedy(buffers).size;
  const auto value_count = static_cast<std::int64_t>(life.size() + initializers.size());
  s.arena_bytes = s.activation_peak_bytes + kAllocatorObjectsBytes + value_count * kTensorStructBytes +
                  node_count * kNodeStructBytes;
  s.notes.push_back("ONNX arena: greedy activation plan + TFLite Micro per-tensor/per-node struct overheads "
                    "(no kernel op data); an estimate for the equivalent TFLite graph");
  s.model_flash_bytes = s.file_bytes;
  s.runtime_code_bytes = kTflmFrameworkCodeBytes;
  for (const std::string& op : s.ops) s.runtime_code_bytes += KernelCodeBytes(op);
  s.flash_bytes = s.model_flash_bytes + s.runtime_code_bytes;
  s.ram_need_bytes = s.arena_bytes + kRuntimeRamBytes;
  RepairText(s);
  return s;
}

}  // namespace tinykg::model
