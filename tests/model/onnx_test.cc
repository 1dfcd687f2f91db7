#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tinykg/base/file.h"
#include "tinykg/model/onnx.h"
#include "tinykg/model/summary.h"

namespace tinykg::model {
namespace {

namespace fs = std::filesystem;

TEST(OnnxModels, MagicWandMatchesItsTfliteTwin) {
  auto onnx = SummarizeFile(std::string(TINYKG_SHARED_DATA) + "/models/onnx/magic_wand_model.onnx");
  ASSERT_TRUE(onnx.ok()) << onnx.status().ToString();
  auto tflite = SummarizeFile(std::string(TINYKG_SHARED_DATA) + "/models/tflite/magic_wand_model.tflite");
  ASSERT_TRUE(tflite.ok());
  EXPECT_EQ(onnx->format, "onnx");
  EXPECT_EQ(onnx->macs, tflite->macs);
  EXPECT_EQ(onnx->params, tflite->params);
  EXPECT_GT(onnx->arena_bytes, onnx->activation_peak_bytes);
}

TEST(OnnxModels, TruncatedFileIsAParseError) {
  auto text = ReadFile(std::string(TINYKG_SHARED_DATA) + "/models/onnx/magic_wand_model.onnx");
  ASSERT_TRUE(text.ok());
  const std::string cut = text->substr(0, text->size() / 3);
  auto s = SummarizeOnnx({reinterpret_cast<const std::uint8_t*>(cut.data()), cut.size()}, "cut", "cut.onnx");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kParseError);
}

// Models on which Debian's libonnx 1.12 shape inference crashed tinykg (SIGSEGV or SIGFPE,
// model_fuzz_onnx found the first). Made with protoc --encode=onnx.ModelProto from text:
//   conv_weight_rank_above_input: Conv without kernel_shape, input [1,1,4], weight of rank 8
//   maxpool_stride_zero: MaxPool kernel_shape [1] strides [0]
//   convtranspose_weight_rank_one: ConvTranspose, input of rank 6, weight [1]
//   maxunpool_without_indices: MaxUnpool whose indices input is ""
// Inference runs in a child process now: the summary comes back with a note, shapes as declared.
TEST(OnnxModels, LibonnxCrashesEndInANoteNotInTinykg) {
  for (const char* name : {"conv_weight_rank_above_input", "maxpool_stride_zero", "convtranspose_weight_rank_one",
                           "maxunpool_without_indices"}) {
    auto s = SummarizeFile(std::string(TINYKG_SOURCE_DIR) + "/tests/model/regressions/" + name + ".onnx");
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    EXPECT_EQ(s->layers.size(), 1u) << name;
    bool noted = false;
    for (const std::string& note : s->notes) noted = noted || note.find("libonnx crashed on this model") != std::string::npos;
    EXPECT_TRUE(noted) << name;
  }
}

// A Gemm model generated with Debian's python3-onnx (/usr/bin/python3); its hidden shape is
// left out so ONNX shape inference has to supply it.
TEST(OnnxModels, GeneratedGemmModelGetsInferredShapes) {
  const fs::path dir = fs::path(TINYKG_BINARY_DIR) / "onnx_test";
  fs::create_directories(dir);
  const std::string file = (dir / "gemm.onnx").string();
  const std::string script =
      "import onnx, numpy as np\n"
      "from onnx import helper, TensorProto, numpy_helper\n"
      "w = numpy_helper.from_array(np.ones((8, 4), np.float32), 'w')\n"
      "w2 = numpy_helper.from_array(np.ones((8, 2), np.float32), 'w2')\n"
      "n1 = helper.make_node('Gemm', ['x', 'w'], ['h'], transB=1)\n"
      "n2 = helper.make_node('Relu', ['h'], ['r'])\n"
      "n3 = helper.make_node('MatMul', ['r', 'w2'], ['y'])\n"
      "g = helper.make_graph([n1, n2, n3], 'g', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],\n"
      "  [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 2])], [w, w2])\n"
      "onnx.save(helper.make_model(g), '" + file + "')\n";
  const std::string py = (dir / "make.py").string();
  ASSERT_TRUE(WriteFileAtomic(py, script).ok());
  if (std::system(("/usr/bin/python3 " + py + " 2>/dev/null").c_str()) != 0) GTEST_SKIP() << "python3-onnx not installed";
  auto s = SummarizeFile(file);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->layers.size(), 3u);
  EXPECT_EQ(s->layers[0].op, "FULLY_CONNECTED");
  EXPECT_EQ(s->layers[0].output_shapes[0], (std::vector<std::int64_t>{1, 8}));  // inferred
  EXPECT_EQ(s->macs, 8 * 4 + 2 * 8);
  EXPECT_EQ(s->params, 32 + 16);
}

TEST(AllModels, EveryRealModelInBothFoldersImports) {
  int count = 0;
  for (const char* folder : {"/seloc-ml/models", "/models/tflite", "/models/onnx"}) {
    for (const auto& entry : fs::directory_iterator(std::string(TINYKG_SHARED_DATA) + folder)) {
      auto s = SummarizeFile(entry.path().string());
      ASSERT_TRUE(s.ok()) << entry.path() << ": " << s.status().ToString();
      EXPECT_GT(s->arena_bytes, 0) << entry.path();
      EXPECT_FALSE(s->layers.empty()) << entry.path();
      ++count;
    }
  }
  EXPECT_EQ(count, 23 + 17 + 1);
}

}  // namespace
}  // namespace tinykg::model
