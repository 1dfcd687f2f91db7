// Turns an imported TFLite model (tinykg::model's reader, the project's only
// TFLite parser) into an engine Graph ready to run, plus small host helpers
// for feeding and reading it.
//
// A LoadedModel owns everything the graph points into: the file bytes, an
// arena (copied quantization parameters, misaligned constants, the planned
// activation block) and the Graph itself. It is move-only by pointer.
#ifndef TINYKG_TRAIN_MODEL_LOADER_H_
#define TINYKG_TRAIN_MODEL_LOADER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/engine/arena.h"
#include "tinykg/engine/graph.h"
#include "tinykg/model/tflite.h"

namespace tinykg::train {

class LoadedModel {
 public:
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  // Reads and converts the model's main subgraph. Fails with kUnsupported
  // naming the first operator or tensor type the engine does not run,
  // kInvalidData for inconsistent shapes, kIoError/kParseError from the
  // reader. `arena_bytes` bounds the engine memory.
  static Result<std::unique_ptr<LoadedModel>> Load(const std::string& path,
                                                   std::size_t arena_bytes = 8u << 20);

  engine::Graph& graph() { return *graph_; }
  engine::Arena& arena() { return arena_; }
  const model::tflite::TfliteModel& model() const { return model_; }

  // Writes real values into the input (quantizing for int8 inputs).
  Status SetInput(std::span<const float> values);
  // Runs the whole graph.
  Status Invoke();
  // The output as real values (dequantized for int8 outputs).
  std::vector<float> Output();

  // The node index whose output tensor is named `layer`, or whose index is
  // `layer` when it is a number; when empty, the node whose output feeds the
  // last FULLY_CONNECTED / CONV_2D (the usual cut before the classifier).
  // kNotFound otherwise.
  Result<int> FindCut(const std::string& layer);

 private:
  explicit LoadedModel(std::size_t arena_bytes);
  Status Convert();

  model::tflite::TfliteModel model_;
  std::vector<std::byte> memory_;
  engine::Arena arena_;
  std::unique_ptr<engine::Graph> graph_;
  std::vector<int> tensor_map_;  // tflite tensor index -> graph tensor index
};

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_MODEL_LOADER_H_
