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
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"

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

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_KEYWORD_LEARNING_H_
