// The UCI occupancy files of the shared data, read as the train tests use
// them (label Occupancy, every numeric column a feature).
#ifndef TINYKG_TESTS_TRAIN_OCCUPANCY_DATA_H_
#define TINYKG_TESTS_TRAIN_OCCUPANCY_DATA_H_

#include <gtest/gtest.h>

#include <string>

#include "tinykg/train/dataset.h"

namespace tinykg::train {

inline const std::string kOccupancy = std::string(TINYKG_SHARED_DATA) + "/datasets/occupancy/";

// datatraining.txt or datatest.txt; an empty Dataset (and a failed
// expectation) when it cannot be read.
inline Dataset LoadOccupancy(const std::string& file) {
  auto data = ReadCsv(kOccupancy + file, {"Occupancy", {}});
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  return data.ok() ? *data : Dataset{};
}

}  // namespace tinykg::train

#endif  // TINYKG_TESTS_TRAIN_OCCUPANCY_DATA_H_
