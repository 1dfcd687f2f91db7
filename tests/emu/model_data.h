// Shared test data as model inputs: imu_gestures windows for
// magic_wand_model.tflite (the same rows scripts/model_datasets.py imu
// writes).
#ifndef TINYKG_TESTS_EMU_MODEL_DATA_H_
#define TINYKG_TESTS_EMU_MODEL_DATA_H_

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tinykg::emu_test {

struct Rows {
  std::vector<float> x;  // row-major
  std::vector<std::int32_t> y;
};

// 119 samples x 6 axes per gesture, scaled as the model was trained
// (acceleration (a + 4) / 8, gyroscope (g + 2000) / 4000); class = the
// file's index in name order; classes interleaved; every 4th gesture of a
// file held out into `test`. At most `max_train` training rows.
inline int ImuGestures(const std::string& shared_data, int max_train, Rows* train, Rows* test) {
  const char* files[] = {"AlohomoraCharm", "ArrestoMomentumCharm", "AvadaKedavra", "LocomotorCharm", "Revelio"};
  std::vector<std::vector<std::vector<float>>> per_class;
  for (const char* f : files) {
    std::ifstream in(shared_data + "/datasets/imu_gestures/train/" + f + ".csv");
    std::string line;
    std::getline(in, line);
    std::vector<float> values;
    std::vector<std::vector<float>> gestures;
    while (std::getline(in, line)) {
      std::stringstream fields(line);
      std::string v;
      for (int axis = 0; std::getline(fields, v, ','); ++axis) {
        const float x = std::stof(v);
        values.push_back(axis < 3 ? (x + 4.0f) / 8.0f : (x + 2000.0f) / 4000.0f);
      }
      if (values.size() == 119u * 6u) {
        gestures.push_back(values);
        values.clear();
      }
    }
    per_class.push_back(std::move(gestures));
  }
  for (std::size_t i = 0;; ++i) {
    bool any = false;
    for (std::size_t c = 0; c < per_class.size(); ++c) {
      if (i >= per_class[c].size()) continue;
      any = true;
      Rows& rows = i % 4 == 3 ? *test : *train;
      if (&rows == train && static_cast<int>(train->y.size()) >= max_train) continue;
      rows.x.insert(rows.x.end(), per_class[c][i].begin(), per_class[c][i].end());
      rows.y.push_back(static_cast<std::int32_t>(c));
    }
    if (!any) break;
  }
  return static_cast<int>(per_class.size());
}

inline void WriteCsv(const std::string& path, const Rows& rows, std::size_t columns) {
  std::ofstream out(path);
  for (std::size_t c = 0; c < columns; ++c) out << "x" << c << ",";
  out << "label\n";
  out.precision(9);
  for (std::size_t r = 0; r < rows.y.size(); ++r) {
    for (std::size_t c = 0; c < columns; ++c) out << rows.x[r * columns + c] << ",";
    out << rows.y[r] << "\n";
  }
}

}  // namespace tinykg::emu_test

#endif  // TINYKG_TESTS_EMU_MODEL_DATA_H_
