// Few-shot Omniglot (Lake et al.): characters of several alphabets, 20
// drawings each, read from the dataset's zip of 105x105 PNGs and downscaled.
// OmniglotFamily is the few-shot task family over them (one device per
// training alphabet: non-IID by construction); RunOmniglot meta-trains a
// small CNN with a federated server and measures N-way K-shot accuracy on
// characters of held-out alphabets.
#ifndef TINYKG_TRAIN_OMNIGLOT_H_
#define TINYKG_TRAIN_OMNIGLOT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/memory.h"
#include "tinykg/engine/optimizer.h"
#include "tinykg/train/federated_server.h"
#include "tinykg/train/method.h"
#include "tinykg/train/task_family.h"

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

// The 20-way within-alphabet one-shot runs of Lake et al. (2015),
// one_shot_all_runs.zip: per run `runNN/class_labels.txt` pairs each test
// image with the training image of its class (one drawing per class).
struct OneShotRun {
  std::string name;                         // "run01"
  std::vector<std::vector<float>> training;  // one image per class, class = index
  std::vector<std::vector<float>> test;
  std::vector<int> labels;                  // class of each test image
};

// The shared dataset's one_shot_all_runs.zip.
std::string DefaultOneShotRunsZip();
// Reads every run*/class_labels.txt and the images it names, in run order.
// Errors name the zip, member and line (a line that is not two names, a
// member that is missing, a PNG that does not decode).
Result<std::vector<OneShotRun>> LoadOneShotRuns(const std::string& zip_path, int size = 28);

// Which alphabets are held out: the alphabets in name order, every third
// one starting with the second (indices 1, 4, 7, ...), so a zip of any
// alphabets splits the same way without naming them. At least one of each
// when there are two or more.
std::vector<std::string> OmniglotTestAlphabets(const Omniglot& data);

// Where the output layer starts when a task is adapted to.
enum class HeadInit {
  kMeta,   // the meta-learned head, as the other layers
  kZero,   // zero: the first step moves each class's row along its support
           // features minus their mean (a prototype classifier; with Adam
           // along that direction's signs)
  // The prototype classifier itself (Proto-MAML, Triantafillou et al. 2020):
  // row k = 2 c_k, bias k = -|c_k|^2, c_k the mean of class k's support
  // features (the output layer's input); the logits are then
  // |z|^2 - |z - c_k|^2, so before any step a drawing goes to the nearest
  // class mean (any positive scale keeps that: see proto_scaled). A class
  // without support drawings gets a zero row and bias.
  // Costs no memory beyond the head (the sums are built in its rows).
  kProto,
};

struct OmniglotOptions {
  Method method = Method::kReptile;  // reptile, fedavg, tinymetafed or scratch
  int ways = 5;
  int shots = 1;
  // More support-set sizes to meta-test the same initialisation with (the
  // meta-training does not depend on shots): e.g. {5} with shots = 1.
  std::vector<int> more_shots;
  int queries = 5;               // query drawings per class at evaluation
  // Device visits (7,500: 7-10 minutes on one host core), round size (5
  // visits per meta step, the Reptile paper's meta-batch), meta step (2,
  // annealed to 0: on average FedAvg's step of 1; FedAvg ignores it),
  // TinyMetaFed's top-P and head; server.seed also draws the meta-test's
  // tasks. With inner_steps = 16 that is 120,000 device steps.
  ServerOptions server{.visits = 7500, .round_size = 5, .meta_learning_rate = 2.0f};
  int inner_steps = 16;          // local steps per visit (Reptile's meta-gradient term grows with them)
  int inner_batch = 10;
  // Plain SGD: as good as Adam here (beta1 = 0, lr 0.003) and without Adam's
  // two moments per parameter, which pays for 20 channels inside 256 KB.
  engine::OptimizerKind inner_optimizer = engine::OptimizerKind::kSgd;
  float inner_learning_rate = 0.1f;
  int eval_tasks = 200;          // 200 tasks x 5 queries x 5 ways: about +-0.03 between draws
  int eval_steps = 20;           // steps on the support set at evaluation
  // The meta-test's learning rate on the support set (0: inner_learning_rate).
  float eval_learning_rate = 0.0f;
  // The support set at evaluation also holds this many copies of each of
  // its drawings, each moved by a random whole number of pixels in
  // [-max(shift, 1), max(shift, 1)] along each axis, not both 0 (as the
  // training drawings are moved): the adapted model then sees the support's
  // characters where the queries may be. 0: the support as drawn. On a
  // device the copies are made as each sample is read (no memory); the
  // adaptation costs (1 + eval_augment) times the compute.
  int eval_augment = 4;
  // The output layer at every adaptation (each visit, each meta-test task):
  // the labels are permuted per task, so a meta-learned head is noise.
  // kZero: kProto measured the same (Reptile, seed 1: 0.797 / 0.906 vs 0.802
  // / 0.903 at 1 / 5 shots), though its 1-shot head classifies before any step.
  HeadInit head_init = HeadInit::kZero;
  // kProto: the prototype logits divided by the mean squared distance of
  // the class means from their centre (a temperature), so the support's
  // logits differ by a few units and the steps after it still learn; false:
  // unscaled (1-shot support drawings then have a saturated softmax).
  bool proto_scaled = true;
  // Training drawings moved by a random whole number of pixels in
  // [-shift, shift] along each axis (zero fill), per drawing and visit.
  int shift = 2;
  // Training drawings also turned by a random angle in [-tilt_degrees,
  // tilt_degrees] and scaled by a random factor in [1 - zoom, 1 + zoom]
  // about their centre (bilinear, zero fill; before the shift), per drawing
  // and visit; 0 and 0: not warped. The evaluation drawings never are.
  float tilt_degrees = 0.0f;
  float zoom = 0.0f;
  int channels = 20;             // conv width (191,116 B of training state with SGD)
  int conv_layers = 4;           // conv 3x3 stride 2 + ReLU each, then dense `ways`
  bool normalize = true;         // each conv followed by layer normalisation (then the ReLU)
  bool rotations = true;         // training classes also rotated by 90, 180, 270 degrees
};

// The family: devices = training alphabets with at least `ways` classes; a
// task = `ways` classes of the device's alphabet (a class is a character,
// or with `rotations` a character turned by a multiple of 90 degrees) in a
// random label order; a record is size*size pixels then the label. kTask and
// kMixture visits are alike (a device's data are its tasks). The meta-test:
// `eval_tasks` tasks of held-out characters, `shots` drawings per class to
// adapt on (eval_steps full-batch steps), `queries` other drawings to score.
class OmniglotFamily final : public TaskFamily {
 public:
  // kInvalidArgument when there are too few characters for the tasks.
  static Result<std::unique_ptr<OmniglotFamily>> Create(const Omniglot& data, const OmniglotOptions& options);
  ~OmniglotFamily() override;

  std::size_t train_characters() const;
  std::size_t test_characters() const;
  const OmniglotOptions& options() const { return options_; }

  const char* name() const override { return "omniglot"; }
  int devices() const override;
  std::size_t parameter_count() const override;
  std::size_t head_parameter_count() const override;
  int local_steps() const override { return options_.inner_steps; }
  std::vector<float> Initialize(engine::Pcg32& rng) override;
  std::vector<float> VisitSamples(int device, VisitKind kind, engine::Pcg32& rng) const override;
  Result<std::vector<float>> Adapt(std::span<const float> init, std::span<const float> samples,
                                   std::vector<float>* losses) override;
  MetaTest Evaluate(std::span<const float> init) override;
  engine::MemoryReport Memory() const override;
  Result<FirmwareNetworkTask> FirmwareTask() const override;
  // Query accuracy over Lake's runs: per run `init` adapted on the training
  // images (eval_steps full-batch steps), the test images classified.
  // kInvalidArgument unless options.ways equals the runs' classes.
  Result<double> EvaluateOneShotRuns(std::span<const float> init, const std::vector<OneShotRun>& runs);

 private:
  struct State;
  // Loads `init` into the device (optimizer state reset), the head set as
  // options.head_init says from the support drawings `xs` (size*size each)
  // and their labels `ys`.
  void LoadForTask(std::span<const float> init, std::span<const float> xs, std::span<const float> ys);
  // The meta-test's reported step counts: 5, 10, 20, 50, ... below
  // eval_steps, then eval_steps.
  std::vector<int> ReportedSteps() const;
  OmniglotFamily(const Omniglot& data, const OmniglotOptions& options, std::unique_ptr<State> state);
  const Omniglot& data_;
  OmniglotOptions options_;
  std::unique_ptr<State> state_;
};

struct OmniglotResult {
  FederatedResult run;  // run.test: query accuracy before and after eval_steps steps
  int ways = 0, shots = 0;
  std::size_t train_characters = 0, test_characters = 0;
  int devices = 0;
  double one_shot_runs_accuracy = -1.0;  // Lake's 20-way runs, when given
  std::vector<std::pair<int, MetaTest>> more_shots;  // (shots, meta-test) for options.more_shots
  double accuracy() const { return run.test.Final(); }
};

// `one_shot_runs` (may be null): also evaluate the result on Lake's runs.
Result<OmniglotResult> RunOmniglot(const Omniglot& data, const OmniglotOptions& options,
                                   const std::vector<OneShotRun>* one_shot_runs = nullptr);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_OMNIGLOT_H_
