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

// Chart pieces plot.cpp defines and every chart file shares.
inline constexpr Rgb kInk{40, 40, 40};      // text, axes
inline constexpr Rgb kGrid{232, 232, 232};  // grid lines

struct Rect {
  int left, top, right, bottom;
};

// Maps data values in [lo, hi] to pixels [px_lo, px_hi] (px_hi < px_lo for y, which grows down).
struct Axis {
  double lo = 0, hi = 1;
  int px_lo = 0, px_hi = 1;
  double to_px(double v) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

Axis padded_range(const std::vector<float>& values, double pad);
std::vector<double> nice_ticks(double lo, double hi, int target, double& step);
std::string tick_label(double v, double step);
void centered_text(Canvas& c, int center_x, int y, const std::string& s, int scale, Rgb ink);
void draw_x_ticks(Canvas& c, const Rect& r, Axis x, bool grid);
void draw_y_ticks(Canvas& c, const Rect& r, Axis y, bool on_right, bool grid);
void draw_frame(Canvas& c, const Rect& r);

// The 8 rows of printable character c (bit 4 = leftmost column); plot_font.cpp.
const uint8_t* glyph_rows(char c);

}  // namespace vgrad::plot
