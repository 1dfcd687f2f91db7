#include "tinykg/model/tflite.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tinykg::model::tflite {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> TfliteFiles() {
  std::vector<fs::path> files;
  for (const char* dir : {"/seloc-ml/models", "/models/tflite"}) {
    const fs::path folder = fs::path(TINYKG_SHARED_DATA) / (std::string(dir).substr(1));
    if (!fs::exists(folder)) continue;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() == ".tflite") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(TfliteReader, ReadsEveryRealModel) {
  const auto files = TfliteFiles();
  ASSERT_GE(files.size(), 40u);
  for (const auto& file : files) {
    auto model = LoadTfliteFile(file.string());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    EXPECT_GE(model->subgraphs.size(), 1u) << file;
    EXPECT_GE(model->main().operators.size(), 1u) << file;
  }
}

TEST(TfliteReader, HelloWorldLayout) {
  auto model = LoadTfliteFile(std::string(TINYKG_SHARED_DATA) + "/models/tflite/hello_world_int8.tflite");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const Subgraph& g = model->main();
  ASSERT_EQ(g.operators.size(), 3u);
  for (const Operator& op : g.operators) EXPECT_EQ(op.Name(), "FULLY_CONNECTED");
  ASSERT_EQ(g.inputs.size(), 1u);
  const Tensor& in = g.tensors[static_cast<std::size_t>(g.inputs[0])];
  EXPECT_EQ(in.type, TensorType::kInt8);
  EXPECT_EQ(in.shape, (std::vector<std::int32_t>{1, 1}));
  ASSERT_TRUE(in.quantization.quantized());
  EXPECT_NEAR(in.quantization.scale[0], 0.0244801, 1e-6);
  EXPECT_EQ(in.quantization.zero_point[0], -128);
  EXPECT_EQ(g.operators[0].options.activation, Activation::kRelu);
  // Weights are a view into the file.
  const Tensor& w = g.tensors[static_cast<std::size_t>(g.operators[0].inputs[1])];
  EXPECT_TRUE(w.is_constant());
  EXPECT_EQ(static_cast<std::int64_t>(w.data.size()), w.Bytes());
}

}  // namespace
}  // namespace tinykg::model::tflite
