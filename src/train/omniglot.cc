#include "tinykg/train/omniglot.h"

#include <png.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "tinykg/engine/federated.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/trainer.h"
#include "host_device.h"
#include "tinykg/train/image.h"
#include "tinykg/train/zip.h"

namespace tinykg::train {
namespace {

using engine::LayerSpec;

constexpr std::uint64_t kMaxDrawingPixels = 4096 * 4096;

Result<GrayImage> DecodePng(const std::string& bytes, const std::string& name) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    return ParseError(std::string("bad PNG: ") + image.message, {name});
  }
  // A 150-byte PNG can declare 30,000 x 30,000 pixels: 900 MB allocated
  // before libpng finds no data behind them. Drawings are small (Omniglot's
  // are 105 x 105).
  if (std::uint64_t{image.width} * image.height > kMaxDrawingPixels) {
    png_image_free(&image);
    return InvalidData("a PNG of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                           " pixels; drawings are read up to " + std::to_string(kMaxDrawingPixels) + " pixels",
                       {name});
  }
  image.format = PNG_FORMAT_GRAY;
  GrayImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr) == 0) {
    png_image_free(&image);
    return ParseError(std::string("bad PNG: ") + image.message, {name});
  }
  return out;
}

// A PNG drawing as size x size values, 1 = ink, 0 = paper.
Result<std::vector<float>> InkImage(const std::string& png, const std::string& name, int size) {
  TINYKG_ASSIGN_OR_RETURN(GrayImage img, DecodePng(png, name));
  const GrayImage small = Resize(img, size, size);
  std::vector<float> values(small.pixels.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 1.0f - static_cast<float>(small.pixels[i]) / 255.0f;
  return values;
}

}  // namespace

std::string DefaultOneShotRunsZip() {
  return std::string(TINYKG_TRAIN_SHARED_DATA) + "/datasets/omniglot/one_shot_all_runs.zip";
}

Result<std::vector<OneShotRun>> LoadOneShotRuns(const std::string& zip_path, int size) {
  TINYKG_ASSIGN_OR_RETURN(std::vector<ZipMember> members, ReadZip(zip_path));
  std::map<std::string, const ZipMember*> by_name;
  for (const ZipMember& m : members) by_name[m.name] = &m;
  std::vector<OneShotRun> runs;
  for (const ZipMember& m : members) {
    const std::size_t slash = m.name.find('/');
    if (slash == std::string::npos || m.name.substr(slash + 1) != "class_labels.txt") continue;
    const std::string where = zip_path + ":" + m.name;
    OneShotRun run;
    run.name = m.name.substr(0, slash);
    std::map<std::string, int> classes;  // training image -> class index
    std::int64_t line_no = 0;
    std::size_t begin = 0;
    while (begin < m.data.size()) {
      std::size_t end = m.data.find('\n', begin);
      if (end == std::string::npos) end = m.data.size();
      std::string line = m.data.substr(begin, end - begin);
      begin = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      const std::size_t space = line.find(' ');
      if (space == std::string::npos) {
        return ParseError("expected 'test image' 'training image' on the line", {where, line_no});
      }
      const std::string test = line.substr(0, space), train = line.substr(space + 1);
      for (const std::string& member : {test, train}) {
        if (!by_name.contains(member)) return InvalidData("no member " + member + " in the zip", {where, line_no});
      }
      auto [it, inserted] = classes.emplace(train, static_cast<int>(classes.size()));
      if (inserted) {
        TINYKG_ASSIGN_OR_RETURN(std::vector<float> image, InkImage(by_name[train]->data, zip_path + ":" + train, size));
        run.training.push_back(std::move(image));
      }
      TINYKG_ASSIGN_OR_RETURN(std::vector<float> image, InkImage(by_name[test]->data, zip_path + ":" + test, size));
      run.test.push_back(std::move(image));
      run.labels.push_back(it->second);
    }
    if (run.test.empty()) return InvalidData("a run without test images", {where});
    runs.push_back(std::move(run));
  }
  if (runs.empty()) return InvalidData("no run*/class_labels.txt members", {zip_path});
  std::sort(runs.begin(), runs.end(), [](const OneShotRun& a, const OneShotRun& b) { return a.name < b.name; });
  return runs;
}

std::string DefaultOmniglotZip() {
  return std::string(TINYKG_TRAIN_SHARED_DATA) + "/datasets/omniglot/images_background_small1.zip";
}

Result<Omniglot> LoadOmniglot(const std::string& zip_path, int size) {
  auto members = ReadZip(zip_path);
  if (!members.ok()) return members.status();
  Omniglot data;
  data.size = size;
  std::map<std::string, std::size_t> index;
  for (const ZipMember& m : *members) {
    if (m.name.size() < 4 || m.name.compare(m.name.size() - 4, 4, ".png") != 0) continue;
    // .../<alphabet>/<character>/<file>.png
    const std::size_t f = m.name.rfind('/');
    const std::size_t c = f == std::string::npos ? f : m.name.rfind('/', f - 1);
    const std::size_t a = c == std::string::npos || c == 0 ? std::string::npos : m.name.rfind('/', c - 1);
    if (f == std::string::npos || c == std::string::npos) continue;
    const std::string alphabet = m.name.substr(a == std::string::npos ? 0 : a + 1, c - (a == std::string::npos ? 0 : a + 1));
    const std::string character = m.name.substr(c + 1, f - c - 1);
    TINYKG_ASSIGN_OR_RETURN(std::vector<float> values, InkImage(m.data, zip_path + ":" + m.name, size));
    const std::string key = alphabet + "/" + character;
    auto [it, inserted] = index.emplace(key, data.characters.size());
    if (inserted) data.characters.push_back({alphabet, character, {}});
    data.characters[it->second].images.push_back(std::move(values));
  }
  if (data.characters.empty()) return InvalidData("no alphabet/character/*.png members", {zip_path});
  return data;
}

std::vector<std::string> OmniglotTestAlphabets(const Omniglot& data) {
  std::set<std::string> names;
  for (const OmniglotCharacter& ch : data.characters) names.insert(ch.alphabet);
  std::vector<std::string> test;
  std::size_t i = 0;
  for (const std::string& name : names) {
    if (i++ % 3 == 1) test.push_back(name);
  }
  return test;
}

namespace {

// A class of a task: a character and a quarter-turn count.
struct OmniglotClass {
  std::size_t character = 0;
  int turns = 0;
};

// `image` (size x size) turned `turns` quarter turns clockwise into `out`.
void Rotate(std::span<const float> image, int size, int turns, float* out) {
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      int sx = x, sy = y;
      for (int t = 0; t < turns; ++t) {  // the source of (x, y) one quarter turn back
        const int nx = sy, ny = size - 1 - sx;
        sx = nx;
        sy = ny;
      }
      out[y * size + x] = image[static_cast<std::size_t>(sy * size + sx)];
    }
  }
}

// `image` (size x size, in place) moved by (dx, dy) pixels, zero fill.
void Shift(float* image, int size, int dx, int dy) {
  if (dx == 0 && dy == 0) return;
  std::vector<float> src(image, image + static_cast<std::ptrdiff_t>(size) * size);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const int sx = x - dx, sy = y - dy;
      image[y * size + x] = sx < 0 || sy < 0 || sx >= size || sy >= size ? 0.0f : src[static_cast<std::size_t>(sy * size + sx)];
    }
  }
}

// `image` (size x size, in place) turned by `degrees` and scaled by `scale`
// about its centre, bilinear, zero fill: each output pixel reads the source
// point the inverse transform maps it to.
void Warp(float* image, int size, float degrees, float scale) {
  std::vector<float> src(image, image + static_cast<std::ptrdiff_t>(size) * size);
  const float radians = degrees * 3.14159265f / 180.0f;
  const float c = std::cos(radians) / scale, s = std::sin(radians) / scale;
  const float centre = 0.5f * static_cast<float>(size - 1);
  auto at = [&](int x, int y) {
    return x < 0 || y < 0 || x >= size || y >= size ? 0.0f : src[static_cast<std::size_t>(y * size + x)];
  };
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const float u = static_cast<float>(x) - centre, v = static_cast<float>(y) - centre;
      const float sx = c * u + s * v + centre, sy = -s * u + c * v + centre;
      const float fx = std::floor(sx), fy = std::floor(sy);
      const float ax = sx - fx, ay = sy - fy;
      const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
      image[y * size + x] = (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
                            ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
    }
  }
}

// Appends `copies` shifted copies of each of the support's drawings (and
// their labels): moved by (dx, dy) in [-range, range], not both 0.
void AugmentSupport(std::vector<float>& xs, std::vector<float>& ys, int size, int copies, int range,
                    engine::Pcg32& rng) {
  const auto n = static_cast<std::size_t>(size * size);
  const std::size_t drawn = ys.size();
  const auto span = static_cast<std::uint32_t>(2 * range + 1);
  for (int c = 0; c < copies; ++c) {
    for (std::size_t i = 0; i < drawn; ++i) {
      int dx = 0, dy = 0;
      while (dx == 0 && dy == 0) {
        dx = static_cast<int>(rng.Below(span)) - range;
        dy = static_cast<int>(rng.Below(span)) - range;
      }
      const std::size_t at = xs.size();
      xs.insert(xs.end(), xs.begin() + static_cast<std::ptrdiff_t>(i * n),
                xs.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
      Shift(&xs[at], size, dx, dy);
      ys.push_back(ys[i]);
    }
  }
}

// `ways` distinct entries of `pool` in random order.
std::vector<OmniglotClass> SampleClasses(const std::vector<OmniglotClass>& pool, int ways, engine::Pcg32& rng) {
  std::vector<OmniglotClass> chosen = pool;
  for (std::size_t i = 0; i < static_cast<std::size_t>(ways); ++i) {
    std::swap(chosen[i], chosen[i + rng.Below(static_cast<std::uint32_t>(chosen.size() - i))]);
  }
  chosen.resize(static_cast<std::size_t>(ways));
  return chosen;
}

}  // namespace

struct OmniglotFamily::State {
  internal::HostDevice device{8 << 20};
  std::vector<std::vector<OmniglotClass>> devices;  // per training alphabet
  std::vector<OmniglotClass> test;
  std::size_t train_characters = 0;
};

OmniglotFamily::OmniglotFamily(const Omniglot& data, const OmniglotOptions& options, std::unique_ptr<State> state)
    : data_(data), options_(options), state_(std::move(state)) {}
OmniglotFamily::~OmniglotFamily() = default;

Result<std::unique_ptr<OmniglotFamily>> OmniglotFamily::Create(const Omniglot& data, const OmniglotOptions& o) {
  if (o.ways < 2 || o.shots < 1 || o.queries < 1 || o.inner_steps < 0 || o.inner_batch < 1 || o.channels < 1 ||
      o.conv_layers < 1 || o.conv_layers > 6 || o.eval_tasks < 1 || o.eval_steps < 0 || o.eval_augment < 0 ||
      o.eval_augment > 16) {
    return InvalidArgument("omniglot: ways >= 2, shots, queries, batch, channels, 1-6 conv layers and evaluation "
                           "tasks must be positive, and 0-16 support copies");
  }
  if (o.head_init == HeadInit::kProto && o.ways > 64) {
    return InvalidArgument("omniglot: a prototype head takes at most 64 ways");
  }
  auto state = std::make_unique<State>();
  const std::vector<std::string> test_alphabets = OmniglotTestAlphabets(data);
  std::map<std::string, std::vector<OmniglotClass>> by_alphabet;
  for (std::size_t i = 0; i < data.characters.size(); ++i) {
    const auto& ch = data.characters[i];
    if (std::find(test_alphabets.begin(), test_alphabets.end(), ch.alphabet) != test_alphabets.end()) {
      if (static_cast<int>(ch.images.size()) >= o.shots + o.queries) state->test.push_back({i, 0});
      continue;
    }
    if (ch.images.empty()) continue;
    for (int t = 0; t < (o.rotations ? 4 : 1); ++t) by_alphabet[ch.alphabet].push_back({i, t});
  }
  for (auto& [name, classes] : by_alphabet) {
    if (static_cast<int>(classes.size()) >= o.ways) {
      state->train_characters += classes.size() / (o.rotations ? 4 : 1);
      state->devices.push_back(std::move(classes));
    }
  }
  if (state->devices.empty() || static_cast<int>(state->test.size()) < o.ways) {
    return InvalidArgument("omniglot: not enough characters for " + std::to_string(o.ways) +
                           "-way tasks in the training and the held-out alphabets");
  }
  std::vector<engine::LayerSpec> layers(2 * static_cast<std::size_t>(o.conv_layers) + 1);
  layers.resize(engine::StridedConvNet(o.conv_layers, o.channels, o.normalize, o.ways, layers));
  const engine::OptimizerConfig config{o.inner_optimizer, o.inner_learning_rate, 0.0f, 0.0f};
  TINYKG_RETURN_IF_ERROR(state->device.Build(engine::Shape{data.size, data.size, 1}, layers, config));
  return std::unique_ptr<OmniglotFamily>(new OmniglotFamily(data, o, std::move(state)));
}

std::size_t OmniglotFamily::train_characters() const { return state_->train_characters; }
std::size_t OmniglotFamily::test_characters() const { return state_->test.size(); }
int OmniglotFamily::devices() const { return static_cast<int>(state_->devices.size()); }
std::size_t OmniglotFamily::parameter_count() const { return state_->device.net.parameters().size(); }
std::size_t OmniglotFamily::head_parameter_count() const {
  const engine::Network& net = state_->device.net;
  return net.parameters().size() - net.layer_weight_offset(net.layer_count() - 1);
}

std::vector<float> OmniglotFamily::Initialize(engine::Pcg32& rng) {
  state_->device.net.Initialize(rng);
  return state_->device.Parameters();
}

std::vector<float> OmniglotFamily::VisitSamples(int device, VisitKind, engine::Pcg32& server_rng) const {
  const std::vector<OmniglotClass> classes =
      SampleClasses(state_->devices.at(static_cast<std::size_t>(device)), options_.ways, server_rng);
  const std::uint32_t seed = server_rng.NextU32();
  engine::Pcg32 rng(seed);
  engine::Pcg32 shift_rng(seed ^ 0x5417f7ULL);  // its own stream: the same drawings with or without shifts
  engine::Pcg32 warp_rng(seed ^ 0xaff1eULL);    // and the warps' own
  const auto n = static_cast<std::size_t>(data_.size * data_.size);
  const std::size_t count = static_cast<std::size_t>(options_.inner_steps) * static_cast<std::size_t>(options_.inner_batch);
  std::vector<float> out(count * (n + 1));
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = rng.Below(static_cast<std::uint32_t>(classes.size()));
    const OmniglotClass& c = classes[label];
    const auto& images = data_.characters[c.character].images;
    const auto& img = images[rng.Below(static_cast<std::uint32_t>(images.size()))];
    Rotate(img, data_.size, c.turns, &out[i * (n + 1)]);
    if (options_.tilt_degrees > 0.0f || options_.zoom > 0.0f) {
      const float degrees = warp_rng.Uniform(-options_.tilt_degrees, options_.tilt_degrees);
      const float scale = warp_rng.Uniform(1.0f - options_.zoom, 1.0f + options_.zoom);
      Warp(&out[i * (n + 1)], data_.size, degrees, scale);
    }
    if (options_.shift > 0) {
      const auto span = static_cast<std::uint32_t>(2 * options_.shift + 1);
      const int dx = static_cast<int>(shift_rng.Below(span)) - options_.shift;
      const int dy = static_cast<int>(shift_rng.Below(span)) - options_.shift;
      Shift(&out[i * (n + 1)], data_.size, dx, dy);
    }
    out[i * (n + 1) + n] = static_cast<float>(label);
  }
  return out;
}

Result<std::vector<float>> OmniglotFamily::Adapt(std::span<const float> init, std::span<const float> samples,
                                                 std::vector<float>* losses) {
  internal::HostDevice& device = state_->device;
  if (init.size() != parameter_count()) return InvalidArgument("initialisation size mismatch");
  const auto n = static_cast<std::size_t>(data_.size * data_.size);
  std::vector<float> xs, ys;
  for (std::size_t i = 0; i + n + 1 <= samples.size(); i += n + 1) {
    xs.insert(xs.end(), samples.begin() + static_cast<std::ptrdiff_t>(i),
              samples.begin() + static_cast<std::ptrdiff_t>(i + n));
    ys.push_back(samples[i + n]);
  }
  if (xs.empty()) return InvalidArgument("a visit needs samples");
  LoadForTask(init, xs, ys);
  FixedStream stream(std::move(xs), std::move(ys), n, 1);
  return internal::TrainLocally(device, stream, options_.inner_steps, options_.inner_batch,
                                engine::LossKind::kCrossEntropy, 0.0f, losses);
}

void OmniglotFamily::LoadForTask(std::span<const float> init, std::span<const float> xs, std::span<const float> ys) {
  internal::HostDevice& device = state_->device;
  device.Load(init);
  if (options_.head_init == HeadInit::kMeta) return;
  engine::Network& net = device.net;
  const int last = net.layer_count() - 1;
  const std::span<float> weights = net.layer_weights(last);
  const std::span<float> bias = net.layer_bias(last);
  std::fill(weights.begin(), weights.end(), 0.0f);
  std::fill(bias.begin(), bias.end(), 0.0f);
  if (options_.head_init == HeadInit::kZero || last == 0) return;
  const std::size_t n = net.input_size();
  const std::size_t features = weights.size() / bias.size();
  std::array<int, 64> counts{};  // ways <= 64 for a prototype head
  const std::size_t classes = std::min(bias.size(), counts.size());
  // Sums of each class's features in its row, then the mean, then 2 c_k.
  for (std::size_t i = 0; i < ys.size() && (i + 1) * n <= xs.size(); ++i) {
    const auto k = static_cast<std::size_t>(ys[i]);
    if (k >= classes) continue;
    (void)net.Forward(xs.subspan(i * n, n));
    const std::span<const float> z = net.layer_output(last - 1);
    float* row = &weights[k * features];
    for (std::size_t j = 0; j < features; ++j) row[j] += z[j];
    ++counts[k];
  }
  std::size_t present = 0;
  for (std::size_t k = 0; k < classes; ++k) {
    if (counts[k] == 0) continue;
    ++present;
    for (std::size_t j = 0; j < features; ++j) weights[k * features + j] /= static_cast<float>(counts[k]);
  }
  // Temperature: the mean squared distance of the class means from their
  // centre when above 1, so the support's logits differ by a few units (unscaled, 1-shot
  // softmax saturates and the steps after it do nothing: 0.761 at 1 shot on
  // seed 1 vs 0.802 from zero). Any positive scale keeps the arg-max.
  float spread = 0.0f;
  if (options_.proto_scaled && present > 1) {
    for (std::size_t j = 0; j < features; ++j) {
      float centre = 0.0f;
      for (std::size_t k = 0; k < classes; ++k) centre += counts[k] > 0 ? weights[k * features + j] : 0.0f;
      centre /= static_cast<float>(present);
      for (std::size_t k = 0; k < classes; ++k) {
        if (counts[k] > 0) spread += (weights[k * features + j] - centre) * (weights[k * features + j] - centre);
      }
    }
    spread /= static_cast<float>(present);
  }
  // Only ever shrunk: scaled up, the head's rows would multiply the gradient
  // the backbone gets (class means of a random network are close together:
  // SGD at lr 0.1 then diverged, 8 channels, 0.2 after 60 visits).
  const float scale = spread > 1.0f ? 1.0f / spread : 1.0f;
  for (std::size_t k = 0; k < classes; ++k) {
    if (counts[k] == 0) continue;
    float* row = &weights[k * features];
    float norm = 0.0f;
    for (std::size_t j = 0; j < features; ++j) {
      norm += row[j] * row[j];
      row[j] *= 2.0f * scale;
    }
    bias[k] = -norm * scale;
  }
}

std::vector<int> OmniglotFamily::ReportedSteps() const {
  std::vector<int> steps;
  for (int s : {5, 10, 20, 50, 100, 200}) {
    if (s < options_.eval_steps) steps.push_back(s);
  }
  steps.push_back(options_.eval_steps);
  return steps;
}

MetaTest OmniglotFamily::Evaluate(std::span<const float> init) {
  internal::HostDevice& device = state_->device;
  engine::Pcg32 eval_rng(options_.server.seed ^ 0x0a11ce5ULL);
  engine::Pcg32 augment_rng(options_.server.seed ^ 0xa06e47ULL);  // its own: the same tasks with or without copies
  const auto n = static_cast<std::size_t>(data_.size * data_.size);
  const std::vector<int> steps = ReportedSteps();
  std::vector<std::size_t> correct(steps.size(), 0);
  std::size_t correct_before = 0, total = 0;
  const float lr = device.optimizer.config().learning_rate;
  if (options_.eval_learning_rate > 0.0f) device.optimizer.set_learning_rate(options_.eval_learning_rate);
  for (int t = 0; t < options_.eval_tasks; ++t) {
    const std::vector<OmniglotClass> classes = SampleClasses(state_->test, options_.ways, eval_rng);
    std::vector<float> sx, sy;
    std::vector<std::pair<const std::vector<float>*, int>> queries;
    for (int c = 0; c < options_.ways; ++c) {
      const auto& images = data_.characters[classes[static_cast<std::size_t>(c)].character].images;
      std::vector<std::size_t> order(images.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      for (std::size_t i = order.size() - 1; i > 0; --i) {
        std::swap(order[i], order[eval_rng.Below(static_cast<std::uint32_t>(i + 1))]);
      }
      for (int k = 0; k < options_.shots; ++k) {
        const auto& img = images[order[static_cast<std::size_t>(k)]];
        sx.insert(sx.end(), img.begin(), img.end());
        sy.push_back(static_cast<float>(c));
      }
      for (int q = 0; q < options_.queries; ++q) {
        queries.emplace_back(&images[order[static_cast<std::size_t>(options_.shots + q)]], c);
      }
    }
    AugmentSupport(sx, sy, data_.size, options_.eval_augment, std::max(options_.shift, 1), augment_rng);
    const int batch = static_cast<int>(sy.size());
    FixedStream support(sx, sy, n, 1);
    LoadForTask(init, sx, sy);
    for (const auto& [img, label] : queries) correct_before += engine::ArgMax(device.net.Forward(*img)) == label;
    int done = 0;
    for (std::size_t s = 0; s < steps.size(); ++s) {
      (void)engine::TrainSteps(device.net, device.optimizer, support, engine::LossKind::kCrossEntropy,
                               steps[s] - done, batch, device.arena);
      done = steps[s];
      for (const auto& [img, label] : queries) correct[s] += engine::ArgMax(device.net.Forward(*img)) == label;
    }
    total += queries.size();
  }
  device.optimizer.set_learning_rate(lr);
  MetaTest result;
  result.metric = "accuracy";
  const auto fraction = [total](std::size_t k) {
    return total == 0 ? 0.0 : static_cast<double>(k) / static_cast<double>(total);
  };
  result.before = fraction(correct_before);
  result.steps = steps;
  for (std::size_t k : correct) result.after.push_back(fraction(k));
  return result;
}

Result<double> OmniglotFamily::EvaluateOneShotRuns(std::span<const float> init, const std::vector<OneShotRun>& runs) {
  internal::HostDevice& device = state_->device;
  if (init.size() != parameter_count()) return InvalidArgument("initialisation size mismatch");
  const auto n = static_cast<std::size_t>(data_.size * data_.size);
  std::size_t correct = 0, total = 0;
  engine::Pcg32 augment_rng(options_.server.seed ^ 0xa06e47ULL);
  const float lr = device.optimizer.config().learning_rate;
  if (options_.eval_learning_rate > 0.0f) device.optimizer.set_learning_rate(options_.eval_learning_rate);
  for (const OneShotRun& run : runs) {
    if (static_cast<int>(run.training.size()) != options_.ways) {
      device.optimizer.set_learning_rate(lr);
      return InvalidArgument(run.name + " is " + std::to_string(run.training.size()) + "-way; meta-train with --ways " +
                             std::to_string(run.training.size()));
    }
    std::vector<float> sx, sy;
    for (std::size_t c = 0; c < run.training.size(); ++c) {
      if (run.training[c].size() != n) {
        device.optimizer.set_learning_rate(lr);
        return InvalidArgument(run.name + ": image size differs from the training data");
      }
      sx.insert(sx.end(), run.training[c].begin(), run.training[c].end());
      sy.push_back(static_cast<float>(c));
    }
    AugmentSupport(sx, sy, data_.size, options_.eval_augment, std::max(options_.shift, 1), augment_rng);
    const int batch = static_cast<int>(sy.size());
    LoadForTask(init, sx, sy);
    FixedStream support(std::move(sx), std::move(sy), n, 1);
    (void)engine::TrainSteps(device.net, device.optimizer, support, engine::LossKind::kCrossEntropy,
                             options_.eval_steps, batch, device.arena);
    for (std::size_t i = 0; i < run.test.size(); ++i) {
      correct += engine::ArgMax(device.net.Forward(run.test[i])) == run.labels[i];
      ++total;
    }
  }
  device.optimizer.set_learning_rate(lr);
  return total == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(total);
}

engine::MemoryReport OmniglotFamily::Memory() const { return state_->device.Memory(); }

// The family's CNN as the fleet firmware builds it; the firmware trains with
// plain SGD and zeroes (or keeps) the head itself, so Adam and the
// prototype head stay on the host.
Result<FirmwareNetworkTask> OmniglotFamily::FirmwareTask() const {
  if (options_.inner_optimizer != engine::OptimizerKind::kSgd) {
    return Unsupported("the fleet firmware trains with plain SGD: Omniglot with Adam runs on the host only");
  }
  if (options_.head_init == HeadInit::kProto) {
    return Unsupported("the fleet firmware has no prototype head: Omniglot with --head-init proto runs on the host only");
  }
  FirmwareNetworkTask t;
  t.inputs = data_.size * data_.size;
  t.outputs = options_.ways;
  t.hidden = 0;
  t.hidden_layers = 0;
  t.cross_entropy = true;
  t.local_steps = options_.inner_steps;
  t.batch = options_.inner_batch;
  t.learning_rate = options_.inner_learning_rate;
  t.max_gradient_norm = 0.0f;  // Adapt trains without clipping
  t.image_size = data_.size;
  t.conv_layers = options_.conv_layers;
  t.channels = options_.channels;
  t.normalize = options_.normalize;
  t.zero_head = options_.head_init == HeadInit::kZero;
  return t;
}

Result<OmniglotResult> RunOmniglot(const Omniglot& data, const OmniglotOptions& o,
                                   const std::vector<OneShotRun>* one_shot_runs) {
  if (o.method == Method::kOnline) return InvalidArgument("omniglot runs reptile, fedavg, tinymetafed or scratch");
  TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<OmniglotFamily> family, OmniglotFamily::Create(data, o));
  OmniglotResult result;
  TINYKG_ASSIGN_OR_RETURN(result.run, RunFederated(*family, o.method, o.server));
  for (int shots : o.more_shots) {
    OmniglotOptions other = o;
    other.shots = shots;
    other.more_shots.clear();
    TINYKG_ASSIGN_OR_RETURN(std::unique_ptr<OmniglotFamily> tester, OmniglotFamily::Create(data, other));
    result.more_shots.emplace_back(shots, tester->Evaluate(result.run.meta));
  }
  if (one_shot_runs != nullptr) {
    TINYKG_ASSIGN_OR_RETURN(result.one_shot_runs_accuracy, family->EvaluateOneShotRuns(result.run.meta, *one_shot_runs));
  }
  result.ways = o.ways;
  result.shots = o.shots;
  result.train_characters = family->train_characters();
  result.test_characters = family->test_characters();
  result.devices = family->devices();
  return result;
}

}  // namespace tinykg::train
