// Keywords learned on the device (issue 18): a frozen keyword-spotting
// backbone (MLPerf Tiny's DS-CNN, int8, cut before its classifier) feeds a
// trainable softmax head that learns new keywords from a few samples of a
// speaker, one sample at a time (TinyOL). The head's starting point comes
// from the devices: each device is one speaker; TinyReptile meta-learns the
// start across the training speakers, FedAvg averages their heads, scratch
// starts from a random head and online is TinyOL's learner (zero head,
// running feature standardisation). The meta-test adapts on K shots per
// class of speakers never seen in training and scores the rest of their clips.
//
// Data: a folder in Speech Commands layout, WORD/SPEAKER_nohash_N.wav
// (scripts/kws_voices.sh writes synthesized speakers so; the real Speech
// Commands reads the same way). Words in `keywords` are the classes; every
// other word folder (not starting with '_') is the class "unknown".
#ifndef TINYKG_TRAIN_KEYWORD_LEARNING_H_
#define TINYKG_TRAIN_KEYWORD_LEARNING_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/train/task_family.h"

namespace tinykg::train {

struct KeywordOptions {
  std::string data;      // the folder
  std::string backbone;  // kws_ref_model.tflite
  std::vector<std::string> keywords = {"red", "green", "blue", "seven"};
  std::string method = "reptile";  // online | reptile | fedavg | scratch
  int shots = 5;                   // support samples per class in the meta-test
  int test_speakers = 0;           // held-out speakers (0: a quarter, at least 2)
  int visits = 400;                // device visits (reptile; fedavg: visits / devices rounds)
  int adapt_epochs = 4;            // passes over the support set, one SGD step per sample
  int episodes = 8;                // support draws per test speaker
  float lr = 0.05f;                // device learning rate
  float meta_lr = 1.0f;            // Reptile step, annealed to 0
  std::uint64_t seed = 1;
};

struct KeywordResult {
  std::string method;
  std::vector<std::string> classes;  // keywords, then "unknown"
  int clips = 0, speakers = 0, train_speakers = 0, test_speakers = 0;
  int features = 0;                          // backbone outputs per clip
  double accuracy = 0;                       // meta-test, after adapting on the shots
  double accuracy_before = 0;                // meta-test, the start before adapting
  engine::MemoryReport memory;               // one device: head training state + backbone scratch
  std::int64_t backbone_constant_bytes = 0;  // int8 weights read in place (flash)
  double seconds = 0;
};

// Reads, featurizes and runs. kInvalidArgument for bad options, kNotFound /
// kInvalidData for a folder without the keywords or with too few speakers,
// the WAV reader's errors for a bad clip.
Result<KeywordResult> RunKeywordLearning(const KeywordOptions& options);

// The same setting as a task family, so the federated servers and the fleet
// of emulated devices (`tinykg fleet train --data kws`) run it: device d is
// training speaker d, its network the 64 -> classes softmax head (plain SGD,
// cross-entropy, one step per sample). The frozen DS-CNN runs on the host
// when the family is made: a visit sends the device the backbone's
// standardised features of its K shots per class (`adapt_epochs` shuffled
// passes: local_steps() = shots x classes x adapt_epochs records of
// features then class index). Speakers are split as RunKeywordLearning
// splits them for the same seed (name order shuffled, the first
// `test_speakers` held out); the next `devices` are the devices, any further
// ones are not used.
struct KeywordFamilyOptions {
  std::string data;      // the folder
  std::string backbone;  // kws_ref_model.tflite
  std::vector<std::string> keywords = {"red", "green", "blue", "seven"};
  int devices = 4;
  int test_speakers = 0;  // 0: a quarter of the speakers, at least 2
  int shots = 5;
  int adapt_epochs = 4;
  int episodes = 8;  // meta-test support draws per held-out speaker
  float lr = 0.05f;
  std::uint64_t seed = 1;
};

class KeywordFamily final : public TaskFamily {
 public:
  // Reads and featurizes the folder (RunKeywordLearning's errors), then
  // kInvalidData when there are fewer speakers than devices + held out or a
  // device speaker has fewer than `shots` clips of a class, or a held-out
  // speaker no clip left after its shots.
  static Result<std::unique_ptr<KeywordFamily>> Create(const KeywordFamilyOptions& options);
  ~KeywordFamily() override;

  const std::vector<std::string>& classes() const;
  int features() const;
  int speakers() const;  // in the folder
  // The device's and the held-out speakers' names.
  const std::string& device_speaker(int device) const;
  std::vector<std::string> test_speakers() const;

  const char* name() const override { return "kws"; }
  int devices() const override { return options_.devices; }
  std::size_t parameter_count() const override;
  // 0: the head is the whole network, TinyMetaFed shares all of it.
  std::size_t head_parameter_count() const override { return 0; }
  int local_steps() const override;
  std::vector<float> Initialize(engine::Pcg32& rng) override;
  // kTask and kMixture alike: a support draw of the device's speaker.
  std::vector<float> VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const override;
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses) override;
  // Accuracy on the held-out speakers before and after each pass over the
  // shots (steps: shots x classes x pass); the same draws on every call.
  MetaTest Evaluate(std::span<const float> init) override;
  engine::MemoryReport Memory() const override;
  Result<FirmwareNetworkTask> FirmwareTask() const override;

 private:
  struct State;
  KeywordFamily(const KeywordFamilyOptions& options, std::unique_ptr<State> state);
  KeywordFamilyOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_KEYWORD_LEARNING_H_
