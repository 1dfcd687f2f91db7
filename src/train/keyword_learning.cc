#include "tinykg/train/keyword_learning.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include "host_device.h"
#include "tinykg/engine/federated.h"
#include "tinykg/engine/loss.h"
#include "tinykg/engine/network.h"
#include "tinykg/engine/online.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/engine/random.h"
#include "tinykg/train/audio_frontend.h"
#include "tinykg/train/model_loader.h"
#include "tinykg/train/wav.h"

namespace tinykg::train {
namespace {

namespace fs = std::filesystem;

struct Clip {
  int speaker = 0;
  int label = 0;
  std::vector<float> x;
};

// A dense softmax head over backbone features, trained one sample at a time
// with plain SGD: the device's training state.
class Head {
 public:
  Head(int inputs, int classes, float lr) : memory_(1u << 20), arena_(memory_) {
    spec_[0] = engine::LayerSpec::Dense(classes);
    ok_ = net_.Build({inputs}, spec_, arena_) == engine::Status::kOk &&
          optimizer_.Init({engine::OptimizerKind::kSgd, lr, 0.0f}, net_.parameters().size(), arena_) ==
              engine::Status::kOk;
    d_logits_.resize(static_cast<std::size_t>(classes));
  }
  bool ok() const { return ok_; }
  std::span<float> parameters() { return net_.parameters(); }
  void Learn(std::span<const float> x, int label) {
    net_.ZeroGradients();
    const auto logits = net_.Forward(x);
    engine::SoftmaxCrossEntropy(logits, label, d_logits_);
    net_.Backward(d_logits_);
    optimizer_.Step(net_.parameters(), net_.gradients());
  }
  int Predict(std::span<const float> x) { return engine::ArgMax(net_.Forward(x)); }
  engine::MemoryReport memory() const { return net_.memory(); }
  void Initialize(engine::Pcg32& rng) { net_.Initialize(rng); }

 private:
  std::vector<std::byte> memory_;
  engine::Arena arena_;
  engine::LayerSpec spec_[1];
  engine::Network net_;
  engine::Optimizer optimizer_;
  std::vector<float> d_logits_;
  bool ok_ = false;
};

std::string SpeakerOf(const fs::path& file) {
  const std::string stem = file.stem().string();
  const auto at = stem.find("_nohash_");
  return at == std::string::npos ? stem : stem.substr(0, at);
}

// Every clip of the folder, featurized (MFCC, then the frozen backbone).
struct ClipSet {
  std::vector<Clip> clips;
  std::vector<int> speakers_by_name;       // speaker indices in name order
  std::vector<std::string> speaker_names;  // by index
  std::vector<std::vector<int>> by_speaker;
  int features = 0;
  std::int64_t backbone_constant_bytes = 0;
  engine::MemoryReport backbone_memory;
};

Result<ClipSet> ReadClips(const std::string& data, const std::vector<std::string>& keywords,
                          const std::string& backbone_path) {
  std::error_code ec;
  if (!fs::is_directory(data, ec)) return NotFound(data + ": not a folder of WORD/SPEAKER_nohash_N.wav clips");
  const int classes = static_cast<int>(keywords.size()) + 1;
  auto backbone_model = LoadedModel::Load(backbone_path);
  if (!backbone_model.ok()) return backbone_model.status();
  auto cut = (*backbone_model)->FindCut("");
  if (!cut.ok()) return cut.status().WithContext(backbone_path);
  engine::GraphBackbone backbone((*backbone_model)->graph(), *cut);
  if (backbone.input_size() != 490) {
    return InvalidArgument(backbone_path + ": the backbone must take 49 x 10 MFCC (MLPerf Tiny KWS), it takes " +
                           std::to_string(backbone.input_size()) + " values");
  }
  ClipSet set;
  set.features = static_cast<int>(backbone.feature_count());
  set.backbone_constant_bytes = static_cast<std::int64_t>((*backbone_model)->graph().constant_bytes());
  set.backbone_memory = backbone.memory();

  std::vector<fs::path> words;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    if (entry.is_directory() && entry.path().filename().string().rfind('_', 0) != 0) words.push_back(entry.path());
  }
  if (ec) return IoError(data + ": " + ec.message());
  std::sort(words.begin(), words.end());
  std::map<std::string, int> speaker_index;
  std::vector<int> found(static_cast<std::size_t>(classes), 0);
  for (const fs::path& word : words) {
    const auto kw = std::find(keywords.begin(), keywords.end(), word.filename().string());
    const int label = kw == keywords.end() ? classes - 1 : static_cast<int>(kw - keywords.begin());
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(word, ec)) {
      if (f.is_regular_file() && f.path().extension() == ".wav") files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      auto wav = ReadWav(file.string(), kKwsSampleRate);
      if (!wav.ok()) return wav.status();
      auto mfcc = MfccFeatures(OneSecond(wav->samples));
      if (!mfcc.ok()) return mfcc.status().WithContext(file.string());
      Clip clip;
      clip.label = label;
      clip.x.resize(backbone.feature_count());
      if (engine::Status s = backbone.Extract(*mfcc, clip.x); s != engine::Status::kOk) {
        return Internal(file.string() + ": backbone: " + engine::StatusName(s));
      }
      const auto [it, added] = speaker_index.emplace(SpeakerOf(file), static_cast<int>(speaker_index.size()));
      clip.speaker = it->second;
      ++found[static_cast<std::size_t>(label)];
      set.clips.push_back(std::move(clip));
    }
  }
  for (int c = 0; c < classes; ++c) {
    if (found[static_cast<std::size_t>(c)] == 0) {
      const std::string name = c + 1 < classes ? keywords[static_cast<std::size_t>(c)] : std::string("unknown");
      return NotFound(data + ": no clips of '" + name + "'");
    }
  }
  set.speaker_names.resize(speaker_index.size());
  for (auto& [name, index] : speaker_index) {
    set.speakers_by_name.push_back(index);
    set.speaker_names[static_cast<std::size_t>(index)] = name;
  }
  set.by_speaker.resize(speaker_index.size());
  for (std::size_t i = 0; i < set.clips.size(); ++i)
    set.by_speaker[static_cast<std::size_t>(set.clips[i].speaker)].push_back(static_cast<int>(i));
  return set;
}

// Speakers in name order, shuffled by `rng`; the first are held out.
std::vector<int> ShuffledSpeakers(const ClipSet& set, engine::Pcg32& rng) {
  std::vector<int> order = set.speakers_by_name;
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.Below(static_cast<std::uint32_t>(i))]);
  return order;
}

// Standardises every clip's features with the statistics of `train`'s
// speakers (sent to the devices with the head).
void StandardizeClips(ClipSet& set, std::span<const int> train) {
  const auto n = static_cast<std::size_t>(set.features);
  std::vector<double> mean(n, 0.0), var(n, 0.0);
  std::size_t count = 0;
  for (int s : train) {
    for (int c : set.by_speaker[static_cast<std::size_t>(s)]) {
      for (std::size_t j = 0; j < n; ++j) mean[j] += set.clips[static_cast<std::size_t>(c)].x[j];
      ++count;
    }
  }
  for (double& m : mean) m /= static_cast<double>(count);
  for (int s : train) {
    for (int c : set.by_speaker[static_cast<std::size_t>(s)]) {
      for (std::size_t j = 0; j < n; ++j) {
        const double d = set.clips[static_cast<std::size_t>(c)].x[j] - mean[j];
        var[j] += d * d;
      }
    }
  }
  for (Clip& clip : set.clips) {
    for (std::size_t j = 0; j < n; ++j) {
      const double sd = std::sqrt(var[j] / static_cast<double>(count)) + 1e-6;
      clip.x[j] = static_cast<float>((clip.x[j] - mean[j]) / sd);
    }
  }
}

// Indices of `pool` split into K per class (support) and the rest (query).
void DrawSupport(const std::vector<int>& pool, const std::vector<Clip>& clips, int classes, int shots,
                 engine::Pcg32& rng, std::vector<int>* support, std::vector<int>* query) {
  std::vector<int> order = pool;
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.Below(static_cast<std::uint32_t>(i))]);
  std::vector<int> taken(static_cast<std::size_t>(classes), 0);
  support->clear();
  query->clear();
  for (int c : order) {
    int& n = taken[static_cast<std::size_t>(clips[static_cast<std::size_t>(c)].label)];
    if (n < shots) {
      support->push_back(c);
      ++n;
    } else {
      query->push_back(c);
    }
  }
}

void Adapt(Head& head, std::span<const float> start, const std::vector<int>& support, const std::vector<Clip>& clips,
           int epochs, engine::Pcg32& rng) {
  std::copy(start.begin(), start.end(), head.parameters().begin());
  std::vector<int> order = support;
  for (int e = 0; e < epochs; ++e) {
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[rng.Below(static_cast<std::uint32_t>(i))]);
    for (int c : order) head.Learn(clips[static_cast<std::size_t>(c)].x, clips[static_cast<std::size_t>(c)].label);
  }
}

double Accuracy(Head& head, const std::vector<int>& query, const std::vector<Clip>& clips) {
  if (query.empty()) return 0;
  int right = 0;
  for (int c : query)
    right += head.Predict(clips[static_cast<std::size_t>(c)].x) == clips[static_cast<std::size_t>(c)].label;
  return static_cast<double>(right) / static_cast<double>(query.size());
}

}  // namespace

Result<KeywordResult> RunKeywordLearning(const KeywordOptions& o) {
  const auto start_time = std::chrono::steady_clock::now();
  if (o.method != "online" && o.method != "reptile" && o.method != "fedavg" && o.method != "scratch") {
    return InvalidArgument("unknown --method '" + o.method + "' (online, reptile, fedavg, scratch)");
  }
  if (o.shots < 1 || o.shots > 100 || o.adapt_epochs < 1 || o.episodes < 1 || o.visits < 0 || o.keywords.empty()) {
    return InvalidArgument("keyword learning needs shots 1-100, adapt epochs >= 1, episodes >= 1, keywords");
  }
  KeywordResult r;
  r.method = o.method;
  r.classes = o.keywords;
  r.classes.push_back("unknown");
  const int classes = static_cast<int>(r.classes.size());
  TINYKG_ASSIGN_OR_RETURN(ClipSet set, ReadClips(o.data, o.keywords, o.backbone));
  std::vector<Clip>& clips = set.clips;
  const std::vector<std::vector<int>>& by_speaker = set.by_speaker;
  r.features = set.features;
  r.backbone_constant_bytes = set.backbone_constant_bytes;
  r.clips = static_cast<int>(clips.size());
  r.speakers = static_cast<int>(by_speaker.size());
  engine::Pcg32 rng(o.seed);
  const std::vector<int> order = ShuffledSpeakers(set, rng);
  r.test_speakers = o.test_speakers > 0 ? o.test_speakers : std::max(2, r.speakers / 4);
  r.train_speakers = r.speakers - r.test_speakers;
  if (r.train_speakers < 1) {
    return InvalidData(o.data + ": " + std::to_string(r.speakers) + " speakers; need more than the " +
                       std::to_string(r.test_speakers) + " held out");
  }
  std::vector<int> train(order.begin() + r.test_speakers, order.end());
  std::vector<int> test(order.begin(), order.begin() + r.test_speakers);

  // TinyOL's online learner keeps its own running statistics.
  const auto n = static_cast<std::size_t>(set.features);
  if (o.method != "online") StandardizeClips(set, train);

  Head head(static_cast<int>(n), classes, o.lr);
  if (!head.ok()) return Internal("keyword head: out of memory");
  engine::Pcg32 init_rng(o.seed * 7919 + 17);
  head.Initialize(init_rng);
  std::vector<float> start(head.parameters().begin(), head.parameters().end());

  std::vector<int> support, query;
  if (o.method == "reptile") {
    for (int v = 0; v < o.visits; ++v) {
      const int s = train[rng.Below(static_cast<std::uint32_t>(train.size()))];
      DrawSupport(by_speaker[static_cast<std::size_t>(s)], clips, classes, o.shots, rng, &support, &query);
      Adapt(head, start, support, clips, o.adapt_epochs, rng);
      const float eps = o.meta_lr * (1.0f - static_cast<float>(v) / static_cast<float>(o.visits));
      engine::ReptileUpdate(start, head.parameters(), eps);
    }
  } else if (o.method == "fedavg") {
    const int rounds = std::max(1, o.visits / static_cast<int>(train.size()));
    std::vector<double> sum(start.size());
    for (int round = 0; round < rounds; ++round) {
      std::fill(sum.begin(), sum.end(), 0.0);
      for (int s : train) {
        DrawSupport(by_speaker[static_cast<std::size_t>(s)], clips, classes, o.shots, rng, &support, &query);
        Adapt(head, start, support, clips, o.adapt_epochs, rng);
        for (std::size_t j = 0; j < sum.size(); ++j) sum[j] += head.parameters()[j];
      }
      for (std::size_t j = 0; j < sum.size(); ++j)
        start[j] = static_cast<float>(sum[j] / static_cast<double>(train.size()));
    }
  }

  // Meta-test: every held-out speaker, `episodes` support draws.
  double total = 0, total_before = 0;
  int runs = 0;
  for (int s : test) {
    for (int e = 0; e < o.episodes; ++e) {
      DrawSupport(by_speaker[static_cast<std::size_t>(s)], clips, classes, o.shots, rng, &support, &query);
      if (o.method == "online") {
        std::vector<std::byte> memory(1u << 20);
        engine::Arena arena(memory);
        engine::OnlineLearner learner;
        engine::OnlineConfig config;
        config.input_size = n;
        config.max_classes = classes;
        config.initial_classes = classes;
        config.optimizer = {engine::OptimizerKind::kSgd, o.lr, 0.0f};
        config.seed = o.seed;
        if (learner.Build(config, arena) != engine::Status::kOk) return Internal("online learner: out of memory");
        int right = 0;
        for (int c : query) {
          std::int32_t p = 0;
          (void)learner.Predict(clips[static_cast<std::size_t>(c)].x, &p);
          right += p == clips[static_cast<std::size_t>(c)].label;
        }
        total_before += query.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(query.size());
        std::vector<int> stream = support;
        for (int epoch = 0; epoch < o.adapt_epochs; ++epoch) {
          for (std::size_t i = stream.size(); i > 1; --i)
            std::swap(stream[i - 1], stream[rng.Below(static_cast<std::uint32_t>(i))]);
          for (int c : stream) {
            if (learner.Learn(clips[static_cast<std::size_t>(c)].x, clips[static_cast<std::size_t>(c)].label) !=
                engine::Status::kOk) {
              return Internal("online learner: learn failed");
            }
          }
        }
        right = 0;
        for (int c : query) {
          std::int32_t p = 0;
          (void)learner.Predict(clips[static_cast<std::size_t>(c)].x, &p);
          right += p == clips[static_cast<std::size_t>(c)].label;
        }
        total += query.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(query.size());
        r.memory = learner.memory();
      } else {
        std::copy(start.begin(), start.end(), head.parameters().begin());
        total_before += Accuracy(head, query, clips);
        Adapt(head, start, support, clips, o.adapt_epochs, rng);
        total += Accuracy(head, query, clips);
        r.memory = head.memory();
      }
      ++runs;
    }
  }
  r.accuracy = total / runs;
  r.accuracy_before = total_before / runs;
  r.memory.scratch += set.backbone_memory.scratch;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return r;
}

struct KeywordFamily::State {
  internal::HostDevice device{1 << 16};
  ClipSet set;
  std::vector<std::string> classes;
  std::vector<int> device_speakers, test_speakers;
};

KeywordFamily::KeywordFamily(const KeywordFamilyOptions& options, std::unique_ptr<State> state)
    : options_(options), state_(std::move(state)) {}
KeywordFamily::~KeywordFamily() = default;

Result<std::unique_ptr<KeywordFamily>> KeywordFamily::Create(const KeywordFamilyOptions& o) {
  if (o.devices < 1 || o.shots < 1 || o.shots > 100 || o.adapt_epochs < 1 || o.episodes < 1 || o.keywords.empty() ||
      o.test_speakers < 0) {
    return InvalidArgument(
        "the keyword family needs devices >= 1, shots 1-100, adapt epochs >= 1, episodes >= 1, "
        "keywords");
  }
  auto state = std::make_unique<State>();
  state->classes = o.keywords;
  state->classes.push_back("unknown");
  const int classes = static_cast<int>(state->classes.size());
  TINYKG_ASSIGN_OR_RETURN(state->set, ReadClips(o.data, o.keywords, o.backbone));
  const ClipSet& set = state->set;
  const int speakers = static_cast<int>(set.by_speaker.size());
  engine::Pcg32 rng(o.seed);
  const std::vector<int> order = ShuffledSpeakers(set, rng);
  const int held_out = o.test_speakers > 0 ? o.test_speakers : std::max(2, speakers / 4);
  if (speakers < held_out + o.devices) {
    return InvalidData(o.data + ": " + std::to_string(speakers) + " speakers; " + std::to_string(o.devices) +
                       " devices and " + std::to_string(held_out) + " held out need " +
                       std::to_string(held_out + o.devices));
  }
  state->test_speakers.assign(order.begin(), order.begin() + held_out);
  state->device_speakers.assign(order.begin() + held_out, order.begin() + held_out + o.devices);
  auto per_class = [&](int speaker) {
    std::vector<int> n(static_cast<std::size_t>(classes), 0);
    for (int c : set.by_speaker[static_cast<std::size_t>(speaker)])
      ++n[static_cast<std::size_t>(set.clips[static_cast<std::size_t>(c)].label)];
    return n;
  };
  for (int s : state->device_speakers) {
    for (int n : per_class(s)) {
      if (n < o.shots) {
        return InvalidData(o.data + ": speaker " + set.speaker_names[static_cast<std::size_t>(s)] + " has " +
                           std::to_string(n) + " clips of a class, fewer than the " + std::to_string(o.shots) +
                           " shots of a visit");
      }
    }
  }
  for (int s : state->test_speakers) {
    const std::vector<int> n = per_class(s);
    int left = 0;
    for (int count : n) left += std::max(0, count - o.shots);
    if (left == 0) {
      return InvalidData(o.data + ": held-out speaker " + set.speaker_names[static_cast<std::size_t>(s)] +
                         " has no clip left after " + std::to_string(o.shots) + " shots per class");
    }
  }
  StandardizeClips(state->set, state->device_speakers);
  const engine::LayerSpec head[1] = {engine::LayerSpec::Dense(classes)};
  TINYKG_RETURN_IF_ERROR(
      state->device.Build(engine::Shape{state->set.features}, head, {engine::OptimizerKind::kSgd, o.lr, 0.0f}));
  return std::unique_ptr<KeywordFamily>(new KeywordFamily(o, std::move(state)));
}

const std::vector<std::string>& KeywordFamily::classes() const { return state_->classes; }
int KeywordFamily::features() const { return state_->set.features; }
int KeywordFamily::speakers() const { return static_cast<int>(state_->set.by_speaker.size()); }
const std::string& KeywordFamily::device_speaker(int device) const {
  return state_->set.speaker_names.at(
      static_cast<std::size_t>(state_->device_speakers.at(static_cast<std::size_t>(device))));
}
std::vector<std::string> KeywordFamily::test_speakers() const {
  std::vector<std::string> names;
  for (int s : state_->test_speakers) names.push_back(state_->set.speaker_names[static_cast<std::size_t>(s)]);
  return names;
}
std::size_t KeywordFamily::parameter_count() const { return state_->device.net.parameters().size(); }
int KeywordFamily::local_steps() const {
  return options_.shots * static_cast<int>(state_->classes.size()) * options_.adapt_epochs;
}

std::vector<float> KeywordFamily::Initialize(engine::Pcg32& rng) {
  state_->device.net.Initialize(rng);
  return state_->device.Parameters();
}

std::vector<float> KeywordFamily::VisitSamples(int device, VisitKind, engine::Pcg32& server_rng) const {
  const ClipSet& set = state_->set;
  const int speaker = state_->device_speakers.at(static_cast<std::size_t>(device));
  engine::Pcg32 rng(server_rng.NextU32());
  std::vector<int> support, query;
  DrawSupport(set.by_speaker[static_cast<std::size_t>(speaker)], set.clips, static_cast<int>(state_->classes.size()),
              options_.shots, rng, &support, &query);
  std::vector<float> out;
  for (int e = 0; e < options_.adapt_epochs; ++e) {
    for (std::size_t i = support.size(); i > 1; --i)
      std::swap(support[i - 1], support[rng.Below(static_cast<std::uint32_t>(i))]);
    for (int c : support) {
      const Clip& clip = set.clips[static_cast<std::size_t>(c)];
      out.insert(out.end(), clip.x.begin(), clip.x.end());
      out.push_back(static_cast<float>(clip.label));
    }
  }
  return out;
}

Result<std::vector<float>> KeywordFamily::Adapt(std::span<const float> init, std::span<const float> samples,
                                                std::vector<float>* losses) {
  internal::HostDevice& device = state_->device;
  if (init.size() != parameter_count()) return InvalidArgument("initialisation size mismatch");
  const auto f = static_cast<std::size_t>(features());
  std::vector<float> xs, ys;
  for (std::size_t i = 0; i + f + 1 <= samples.size(); i += f + 1) {
    xs.insert(xs.end(), samples.begin() + static_cast<std::ptrdiff_t>(i),
              samples.begin() + static_cast<std::ptrdiff_t>(i + f));
    ys.push_back(samples[i + f]);
  }
  if (xs.empty()) return InvalidArgument("a visit needs samples");
  const int steps = static_cast<int>(ys.size());
  device.Load(init);
  FixedStream stream(std::move(xs), std::move(ys), f, 1);
  return internal::TrainLocally(device, stream, steps, 1, engine::LossKind::kCrossEntropy, 0.0f, losses);
}

MetaTest KeywordFamily::Evaluate(std::span<const float> init) {
  const ClipSet& set = state_->set;
  internal::HostDevice& device = state_->device;
  const int classes = static_cast<int>(state_->classes.size());
  MetaTest result;
  result.metric = "accuracy";
  for (int e = 1; e <= options_.adapt_epochs; ++e) result.steps.push_back(options_.shots * classes * e);
  result.after.assign(result.steps.size(), 0.0);
  engine::Pcg32 rng(options_.seed * 7919 + 101);
  std::vector<int> support, query;
  std::vector<float> d_logits(static_cast<std::size_t>(classes));
  auto accuracy = [&] {
    int right = 0;
    for (int c : query) {
      const Clip& clip = set.clips[static_cast<std::size_t>(c)];
      right += engine::ArgMax(device.net.Forward(clip.x)) == clip.label;
    }
    return query.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(query.size());
  };
  int runs = 0;
  for (int s : state_->test_speakers) {
    for (int episode = 0; episode < options_.episodes; ++episode, ++runs) {
      DrawSupport(set.by_speaker[static_cast<std::size_t>(s)], set.clips, classes, options_.shots, rng, &support,
                  &query);
      device.Load(init);
      result.before += accuracy();
      for (int e = 0; e < options_.adapt_epochs; ++e) {
        for (std::size_t i = support.size(); i > 1; --i)
          std::swap(support[i - 1], support[rng.Below(static_cast<std::uint32_t>(i))]);
        for (int c : support) {  // one SGD step per sample, as Adapt
          const Clip& clip = set.clips[static_cast<std::size_t>(c)];
          device.net.ZeroGradients();
          engine::SoftmaxCrossEntropy(device.net.Forward(clip.x), clip.label, d_logits);
          device.net.Backward(d_logits);
          device.optimizer.Step(device.net.parameters(), device.net.gradients());
        }
        result.after[static_cast<std::size_t>(e)] += accuracy();
      }
    }
  }
  result.before /= runs;
  for (double& a : result.after) a /= runs;
  return result;
}

engine::MemoryReport KeywordFamily::Memory() const { return state_->device.Memory(); }

Result<FirmwareNetworkTask> KeywordFamily::FirmwareTask() const {
  FirmwareNetworkTask t;
  t.inputs = features();
  t.outputs = static_cast<int>(state_->classes.size());
  t.hidden = 0;
  t.hidden_layers = 0;
  t.cross_entropy = true;
  t.local_steps = local_steps();
  t.batch = 1;
  t.learning_rate = options_.lr;
  t.max_gradient_norm = 0.0f;
  return t;
}

}  // namespace tinykg::train
