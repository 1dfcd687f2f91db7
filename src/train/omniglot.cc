#include "tinykg/train/omniglot.h"

#include <png.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>

#include "tinykg/engine/federated.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/trainer.h"
#include "tinykg/train/image.h"
#include "tinykg/train/zip.h"

namespace tinykg::train {
namespace {

using engine::LayerSpec;

Result<GrayImage> DecodePng(const std::string& bytes, const std::string& name) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    return ParseError(std::string("bad PNG: ") + image.message, {name});
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

// A task: `ways` characters in a random order (the label permutation).
std::vector<std::size_t> SampleClasses(const std::vector<std::size_t>& pool, int ways, engine::Pcg32& rng) {
  std::vector<std::size_t> chosen = pool;
  for (std::size_t i = 0; i < static_cast<std::size_t>(ways); ++i) {
    std::swap(chosen[i], chosen[i + rng.Below(static_cast<std::uint32_t>(chosen.size() - i))]);
  }
  chosen.resize(static_cast<std::size_t>(ways));
  return chosen;
}

// Samples from one task: random class, random drawing among `drawings`.
class TaskStream final : public engine::SampleStream {
 public:
  TaskStream(const Omniglot& data, std::vector<std::size_t> classes, std::uint64_t seed)
      : data_(data), classes_(std::move(classes)), rng_(seed) {}
  engine::Status Next(std::span<float> input, std::span<float> target) override {
    const auto label = rng_.Below(static_cast<std::uint32_t>(classes_.size()));
    const auto& images = data_.characters[classes_[label]].images;
    const auto& img = images[rng_.Below(static_cast<std::uint32_t>(images.size()))];
    std::copy(img.begin(), img.end(), input.begin());
    target[0] = static_cast<float>(label);
    return engine::Status::kOk;
  }

 private:
  const Omniglot& data_;
  std::vector<std::size_t> classes_;
  engine::Pcg32 rng_;
};

}  // namespace

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
    auto img = DecodePng(m.data, zip_path + ":" + m.name);
    if (!img.ok()) return img.status();
    const GrayImage small = Resize(*img, size, size);
    std::vector<float> values(small.pixels.size());
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 1.0f - static_cast<float>(small.pixels[i]) / 255.0f;
    const std::string key = alphabet + "/" + character;
    auto [it, inserted] = index.emplace(key, data.characters.size());
    if (inserted) data.characters.push_back({alphabet, character, {}});
    data.characters[it->second].images.push_back(std::move(values));
  }
  if (data.characters.empty()) return InvalidData("no alphabet/character/*.png members", {zip_path});
  return data;
}

Result<OmniglotResult> RunOmniglot(const Omniglot& data, const OmniglotOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.method == Method::kOnline) return InvalidArgument("omniglot runs reptile, fedavg or scratch");
  // Devices = training alphabets; test characters come from the held-out ones.
  std::map<std::string, std::vector<std::size_t>> by_alphabet;
  std::vector<std::size_t> test;
  for (std::size_t i = 0; i < data.characters.size(); ++i) {
    const auto& ch = data.characters[i];
    if (static_cast<int>(ch.images.size()) < o.shots + o.queries) continue;
    if (std::find(o.test_alphabets.begin(), o.test_alphabets.end(), ch.alphabet) != o.test_alphabets.end()) {
      test.push_back(i);
    } else {
      by_alphabet[ch.alphabet].push_back(i);
    }
  }
  std::vector<std::vector<std::size_t>> devices;
  for (auto& [name, chars] : by_alphabet) {
    if (static_cast<int>(chars.size()) >= o.ways) devices.push_back(chars);
  }
  if (devices.empty() || static_cast<int>(test.size()) < o.ways) {
    return InvalidArgument("not enough characters for " + std::to_string(o.ways) + "-way tasks");
  }
  const std::array layers{
      LayerSpec::Conv(o.channels, 3, 2, engine::Padding::kSame, engine::Activation::kRelu),
      LayerSpec::Conv(o.channels, 3, 2, engine::Padding::kSame, engine::Activation::kRelu),
      LayerSpec::Conv(o.channels, 3, 2, engine::Padding::kSame, engine::Activation::kRelu),
      LayerSpec::Dense(o.ways)};
  std::vector<std::byte> memory(4 << 20);
  engine::Arena arena(memory);
  engine::Network net;
  engine::Optimizer opt;
  const engine::OptimizerConfig adam{o.inner_optimizer, o.inner_learning_rate, 0.0f, 0.0f};
  engine::Status s = net.Build(engine::Shape{data.size, data.size, 1}, layers, arena);
  if (s == engine::Status::kOk) s = opt.Init(adam, net.parameters().size(), arena);
  if (s != engine::Status::kOk) return Internal(std::string("building the CNN: ") + engine::StatusName(s));
  engine::Pcg32 rng(o.seed);
  net.Initialize(rng);
  std::vector<float> meta(net.parameters().begin(), net.parameters().end());
  auto load = [&](const std::vector<float>& p) {
    std::copy(p.begin(), p.end(), net.parameters().begin());
    opt.Reset();
  };
  OmniglotResult result;
  std::vector<std::byte> server_memory(meta.size() * sizeof(float) + 64);
  engine::Arena server_arena(server_memory);
  engine::ParameterAverager averager;
  if (o.method == Method::kFedAvg && averager.Init(meta.size(), server_arena) != engine::Status::kOk) {
    return Internal("server arena too small");
  }
  if (o.method != Method::kScratch) {
    const auto n_devices = static_cast<int>(devices.size());
    for (int v = 0; v < o.meta_iterations; ++v) {
      const auto d = static_cast<std::size_t>(v % n_devices);
      TaskStream stream(data, SampleClasses(devices[d], o.ways, rng), rng.NextU32());
      load(meta);
      (void)engine::TrainSteps(net, opt, stream, engine::LossKind::kCrossEntropy, o.inner_steps, o.inner_batch, arena);
      result.device_steps += o.inner_steps;
      if (o.method == Method::kReptile) {
        const float eps = o.meta_learning_rate * (1.0f - static_cast<float>(v) / static_cast<float>(o.meta_iterations));
        engine::ReptileUpdate(meta, net.parameters(), eps);
      } else {
        if (d == 0) averager.Reset();
        averager.Add(net.parameters());
        if (static_cast<int>(d) + 1 == n_devices || v + 1 == o.meta_iterations) (void)averager.Mean(meta);
      }
    }
  }
  // Evaluation: support set of `shots` drawings per class, queries from the rest.
  engine::Pcg32 eval_rng(o.seed ^ 0x0a11ce5ULL);
  const auto n = static_cast<std::size_t>(data.size * data.size);
  std::size_t correct = 0, total = 0;
  for (int t = 0; t < o.eval_tasks; ++t) {
    const std::vector<std::size_t> classes = SampleClasses(test, o.ways, eval_rng);
    std::vector<float> sx, sy;
    std::vector<std::pair<const std::vector<float>*, int>> queries;
    for (int c = 0; c < o.ways; ++c) {
      const auto& images = data.characters[classes[static_cast<std::size_t>(c)]].images;
      std::vector<std::size_t> order(images.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[eval_rng.Below(static_cast<std::uint32_t>(i + 1))]);
      for (int k = 0; k < o.shots; ++k) {
        const auto& img = images[order[static_cast<std::size_t>(k)]];
        sx.insert(sx.end(), img.begin(), img.end());
        sy.push_back(static_cast<float>(c));
      }
      for (int q = 0; q < o.queries; ++q) queries.emplace_back(&images[order[static_cast<std::size_t>(o.shots + q)]], c);
    }
    FixedStream support(sx, sy, n, 1);
    load(meta);
    (void)engine::TrainSteps(net, opt, support, engine::LossKind::kCrossEntropy, o.eval_steps,
                             o.ways * o.shots, arena);
    for (const auto& [img, label] : queries) {
      correct += engine::ArgMax(net.Forward(*img)) == label;
      ++total;
    }
  }
  result.accuracy = total == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(total);
  result.method = o.method;
  result.ways = o.ways;
  result.shots = o.shots;
  result.devices = static_cast<int>(devices.size());
  result.train_characters = 0;
  for (const auto& d : devices) result.train_characters += d.size();
  result.test_characters = test.size();
  result.seed = o.seed;
  result.memory = net.memory();
  result.memory.optimizer_state = opt.state_bytes();
  result.server_bytes = meta.size() * sizeof(float) + averager.state_bytes();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tinykg::train
