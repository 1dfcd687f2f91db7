#include "tinykg/train/keyword_learning.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

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
  std::error_code ec;
  if (!fs::is_directory(o.data, ec)) return NotFound(o.data + ": not a folder of WORD/SPEAKER_nohash_N.wav clips");
  KeywordResult r;
  r.method = o.method;
  r.classes = o.keywords;
  r.classes.push_back("unknown");
  const int classes = static_cast<int>(r.classes.size());

  auto backbone_model = LoadedModel::Load(o.backbone);
  if (!backbone_model.ok()) return backbone_model.status();
  auto cut = (*backbone_model)->FindCut("");
  if (!cut.ok()) return cut.status().WithContext(o.backbone);
  engine::GraphBackbone backbone((*backbone_model)->graph(), *cut);
  if (backbone.input_size() != 490) {
    return InvalidArgument(o.backbone + ": the backbone must take 49 x 10 MFCC (MLPerf Tiny KWS), it takes " +
                           std::to_string(backbone.input_size()) + " values");
  }
  r.features = static_cast<int>(backbone.feature_count());
  r.backbone_constant_bytes = static_cast<std::int64_t>((*backbone_model)->graph().constant_bytes());

  // Read and featurize every clip (MFCC, then the frozen backbone).
  std::vector<fs::path> words;
  for (const auto& entry : fs::directory_iterator(o.data, ec)) {
    if (entry.is_directory() && entry.path().filename().string().rfind('_', 0) != 0) words.push_back(entry.path());
  }
  if (ec) return IoError(o.data + ": " + ec.message());
  std::sort(words.begin(), words.end());
  std::map<std::string, int> speaker_index;
  std::vector<Clip> clips;
  std::vector<int> found(static_cast<std::size_t>(classes), 0);
  for (const fs::path& word : words) {
    const auto kw = std::find(o.keywords.begin(), o.keywords.end(), word.filename().string());
    const int label = kw == o.keywords.end() ? classes - 1 : static_cast<int>(kw - o.keywords.begin());
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
      clips.push_back(std::move(clip));
    }
  }
  for (int c = 0; c < classes; ++c) {
    if (found[static_cast<std::size_t>(c)] == 0) {
      return NotFound(o.data + ": no clips of '" + r.classes[static_cast<std::size_t>(c)] + "'");
    }
  }
  r.clips = static_cast<int>(clips.size());
  r.speakers = static_cast<int>(speaker_index.size());
  // Speakers in name order, then shuffled by the seed; the first are held out.
  engine::Pcg32 rng(o.seed);
  std::vector<int> order(static_cast<std::size_t>(r.speakers));
  {
    int i = 0;
    for (auto& [name, index] : speaker_index) order[static_cast<std::size_t>(i++)] = index;
  }
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.Below(static_cast<std::uint32_t>(i))]);
  r.test_speakers = o.test_speakers > 0 ? o.test_speakers : std::max(2, r.speakers / 4);
  r.train_speakers = r.speakers - r.test_speakers;
  if (r.train_speakers < 1) {
    return InvalidData(o.data + ": " + std::to_string(r.speakers) + " speakers; need more than the " +
                       std::to_string(r.test_speakers) + " held out");
  }
  std::vector<std::vector<int>> by_speaker(static_cast<std::size_t>(r.speakers));
  for (std::size_t i = 0; i < clips.size(); ++i)
    by_speaker[static_cast<std::size_t>(clips[i].speaker)].push_back(static_cast<int>(i));
  std::vector<int> train(order.begin() + r.test_speakers, order.end());
  std::vector<int> test(order.begin(), order.begin() + r.test_speakers);

  // Standardise features with the training speakers' statistics (sent with
  // the head); TinyOL's online learner keeps its own running statistics.
  const std::size_t n = backbone.feature_count();
  if (o.method != "online") {
    std::vector<double> mean(n, 0.0), var(n, 0.0);
    std::size_t count = 0;
    for (int s : train) {
      for (int c : by_speaker[static_cast<std::size_t>(s)]) {
        for (std::size_t j = 0; j < n; ++j) mean[j] += clips[static_cast<std::size_t>(c)].x[j];
        ++count;
      }
    }
    for (double& m : mean) m /= static_cast<double>(count);
    for (int s : train) {
      for (int c : by_speaker[static_cast<std::size_t>(s)]) {
        for (std::size_t j = 0; j < n; ++j) {
          const double d = clips[static_cast<std::size_t>(c)].x[j] - mean[j];
          var[j] += d * d;
        }
      }
    }
    for (Clip& clip : clips) {
      for (std::size_t j = 0; j < n; ++j) {
        const double sd = std::sqrt(var[j] / static_cast<double>(count)) + 1e-6;
        clip.x[j] = static_cast<float>((clip.x[j] - mean[j]) / sd);
      }
    }
  }

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
  r.memory.scratch += backbone.memory().scratch;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  return r;
}

}  // namespace tinykg::train
