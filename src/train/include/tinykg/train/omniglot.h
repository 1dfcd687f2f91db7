// Few-shot Omniglot (Lake et al.): characters of several alphabets, 20
// drawings each, read from the dataset's zip of 105x105 PNGs and downscaled.
// RunOmniglot meta-trains a tiny CNN over simulated devices (one device per
// training alphabet: non-IID by construction) and measures N-way K-shot
// accuracy on characters of held-out alphabets.
#ifndef TINYKG_TRAIN_OMNIGLOT_H_
#define TINYKG_TRAIN_OMNIGLOT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/train/experiments.h"

namespace tinykg::train {

struct OmniglotCharacter {
  std::string alphabet;
  std::string name;
  std::vector<std::vector<float>> images;  // size*size values, 1 = ink, 0 = paper
};

struct Omniglot {
  int size = 28;
  std::vector<OmniglotCharacter> characters;
};

// The shared dataset's images_background_small1.zip (TINYKG_SHARED_DATA at
// build time).
std::string DefaultOmniglotZip();

// Reads alphabet/characterNN/*.png members of the zip (any top folder).
Result<Omniglot> LoadOmniglot(const std::string& zip_path, int size = 28);

struct OmniglotOptions {
  Method method = Method::kReptile;  // reptile, fedavg or scratch
  int ways = 5;
  int shots = 1;
  int queries = 5;               // query drawings per class at evaluation
  int meta_iterations = 300;     // device visits
  int inner_steps = 5;           // local Adam steps per visit
  int inner_batch = 10;
  engine::OptimizerKind inner_optimizer = engine::OptimizerKind::kAdam;  // beta1 = 0 as in Reptile
  float inner_learning_rate = 0.001f;
  float meta_learning_rate = 1.0f;  // annealed linearly to 0
  int eval_tasks = 40;
  int eval_steps = 20;           // Adam steps on the support set at evaluation
  int channels = 16;             // conv width
  std::vector<std::string> test_alphabets{"Greek", "Early_Aramaic"};
  std::uint64_t seed = 1;
};

struct OmniglotResult {
  Method method = Method::kReptile;
  int ways = 0, shots = 0;
  double accuracy = 0.0;  // mean query accuracy over evaluation tasks
  std::int64_t device_steps = 0;
  std::size_t train_characters = 0, test_characters = 0;
  int devices = 0;
  std::uint64_t seed = 0;
  engine::MemoryReport memory;
  std::size_t server_bytes = 0;
  double seconds = 0.0;
};

Result<OmniglotResult> RunOmniglot(const Omniglot& data, const OmniglotOptions& options);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_OMNIGLOT_H_
