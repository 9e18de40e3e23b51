// An RGB raster with the few drawing calls the charts need, a 5x7 bitmap font, and an atomic
// PNG writer. Internal to tools/plot*.cpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tools/plot/plot.h"

namespace vgrad::plot {

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

// Glyphs are 5 px wide and 8 tall (7 above the baseline, 1 for descenders) on a 6 x 10 cell.
inline constexpr int kGlyphWidth = 5, kGlyphHeight = 8, kCellWidth = 6, kLineHeight = 10;

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = kWhite);
  int width() const { return width_; }
  int height() const { return height_; }
  Rgb at(int x, int y) const;
  // Every drawing call clips to the canvas, so callers never check bounds.
  void set(int x, int y, Rgb c);
  void blend(int x, int y, Rgb c, float alpha);  // c over the pixel with opacity alpha
  void fill_rect(int x, int y, int w, int h, Rgb c);
  void line(float x0, float y0, float x1, float y1, Rgb c, int thickness = 1);
  // Text with its top-left corner at (x, y); characters outside printable ASCII draw as '?'.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 1);
  void save_png(const std::string& path) const;

 private:
  int width_, height_;
  std::vector<uint8_t> pixels_;  // height x width x 3, row-major
};

inline int text_width(const std::string& s, int scale = 1) {
  return s.empty() ? 0 : ((int)s.size() * kCellWidth - 1) * scale;
}

// The 8 rows of printable character c (bit 4 = leftmost column); plot_font.cpp.
const uint8_t* glyph_rows(char c);

}  // namespace vgrad::plot
