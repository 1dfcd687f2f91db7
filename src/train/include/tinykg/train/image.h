// Small image helpers for the host experiments: grayscale BMP files (the
// person_detection test images) and resizing.
#ifndef TINYKG_TRAIN_IMAGE_H_
#define TINYKG_TRAIN_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tinykg/base/status.h"

namespace tinykg::train {

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, top row first
};

// Reads an uncompressed 8-bit (palette) or 24-bit BMP as grayscale.
// kParseError for other formats.
Result<GrayImage> ReadBmpGray(const std::string& path);

// Area-averaged downscale (or nearest upscale) to width x height.
GrayImage Resize(const GrayImage& image, int width, int height);

}  // namespace tinykg::train

#endif  // TINYKG_TRAIN_IMAGE_H_
