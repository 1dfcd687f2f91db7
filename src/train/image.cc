#include "tinykg/train/image.h"

#include "tinykg/base/file.h"

namespace tinykg::train {
namespace {

std::uint32_t U32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t U16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    static_cast<unsigned char>(b[at + 1]) << 8);
}

}  // namespace

Result<GrayImage> ReadBmpGray(const std::string& path) {
  auto file = ReadFile(path);
  if (!file.ok()) return file.status();
  const std::string& b = *file;
  if (b.size() < 54 || b[0] != 'B' || b[1] != 'M') return ParseError("not a BMP file", {path});
  const std::uint32_t data_offset = U32(b, 10);
  const std::uint32_t header_size = U32(b, 14);
  const auto width = static_cast<std::int32_t>(U32(b, 18));
  const auto height_raw = static_cast<std::int32_t>(U32(b, 22));
  const std::uint16_t bits = U16(b, 28);
  const std::uint32_t compression = U32(b, 30);
  if (compression != 0 || (bits != 8 && bits != 24) || width <= 0 || height_raw == 0) {
    return ParseError("only uncompressed 8-bit and 24-bit BMPs are supported", {path});
  }
  const bool bottom_up = height_raw > 0;
  const int height = bottom_up ? height_raw : -height_raw;
  const std::size_t row_bytes = ((static_cast<std::size_t>(width) * bits / 8) + 3) & ~std::size_t{3};
  if (data_offset + row_bytes * static_cast<std::size_t>(height) > b.size()) {
    return ParseError("truncated BMP pixel data", {path});
  }
  const std::size_t palette = 14 + header_size;
  GrayImage img;
  img.width = width;
  img.height = height;
  img.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const std::size_t row = data_offset + row_bytes * static_cast<std::size_t>(bottom_up ? height - 1 - y : y);
    for (int x = 0; x < width; ++x) {
      std::uint32_t bgr_at = 0;
      if (bits == 8) {
        bgr_at = static_cast<std::uint32_t>(palette + 4u * static_cast<unsigned char>(b[row + static_cast<std::size_t>(x)]));
        if (bgr_at + 3 > b.size()) return ParseError("bad BMP palette index", {path});
      } else {
        bgr_at = static_cast<std::uint32_t>(row + 3 * static_cast<std::size_t>(x));
      }
      const int blue = static_cast<unsigned char>(b[bgr_at]);
      const int green = static_cast<unsigned char>(b[bgr_at + 1]);
      const int red = static_cast<unsigned char>(b[bgr_at + 2]);
      img.pixels[static_cast<std::size_t>(y * width + x)] =
          static_cast<std::uint8_t>((299 * red + 587 * green + 114 * blue + 500) / 1000);
    }
  }
  return img;
}

GrayImage Resize(const GrayImage& image, int width, int height) {
  GrayImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const int y0 = y * image.height / height;
    int y1 = (y + 1) * image.height / height;
    if (y1 <= y0) y1 = y0 + 1;
    for (int x = 0; x < width; ++x) {
      const int x0 = x * image.width / width;
      int x1 = (x + 1) * image.width / width;
      if (x1 <= x0) x1 = x0 + 1;
      int sum = 0, n = 0;
      for (int yy = y0; yy < y1; ++yy) {
        for (int xx = x0; xx < x1; ++xx) {
          sum += image.pixels[static_cast<std::size_t>(yy * image.width + xx)];
          ++n;
        }
      }
      out.pixels[static_cast<std::size_t>(y * width + x)] = static_cast<std::uint8_t>((sum + n / 2) / n);
    }
  }
  return out;
}

}  // namespace tinykg::train
