// The pictures `vgrad train --out DIR` writes: image grids, 2-D scatters and line charts as
// PNG. Each function writes PATH.tmp.PID and renames it over PATH, so a crash never leaves a
// half-written picture; failures throw vgrad::Error (a std::runtime_error) naming the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vgrad::plot {

// Grayscale images with values in [0,1] (count x height x width floats, row-major), laid out
// left to right, top to bottom, `columns` per row, each pixel drawn as a scale x scale block.
// Layout, so callers and tests can find a pixel: cells are separated and framed by
// kGridGap white pixels; pixel (r, c) of image k starts at
//   x = kGridGap + (k % columns) * (width * scale + kGridGap) + c * scale,
//   y = kGridGap + (k / columns) * (height * scale + kGridGap) + r * scale.
// Values are clamped to [0,1]; a non-finite value is drawn red (a diverged model shows).
inline constexpr int kGridGap = 2;
void image_grid_png(const std::string& path, const std::vector<float>& images, int count,
                    int height, int width, int columns, int scale = 2);

// n points (xy holds x0, y0, x1, y1, ...) coloured by class; class -1 is unlabelled and drawn
// grey underneath the labelled points. Points with a non-finite coordinate are skipped.
void scatter_png(const std::string& path, const std::vector<float>& xy,
                 const std::vector<int>& classes, const std::string& title);

// One curve per series over a shared x axis; series with right_axis use their own y scale,
// labelled on the right (e.g. loss on the left, validation AUC on the right). Non-finite y
// values leave a gap in the curve.
struct Series {
  std::string name;
  std::vector<float> x, y;
  bool right_axis = false;
};
void line_chart_png(const std::string& path, const std::vector<Series>& series,
                    const std::string& title, const std::string& x_label);

// Estimates beside reference values, one panel per group (e.g. a dataset), `columns` panels
// per row: for each item, a filled dot at the mean with an error bar of +-error, and a black
// bar at the reference. A non-finite mean draws only the reference and "n/a" (an item not
// run); a non-finite reference draws no bar. Each panel has its own y range.
struct Estimate {
  double mean = 0, error = 0, reference = 0;
};
struct DotPanel {
  std::string title;
  std::vector<std::string> labels;  // one per item, short (about 6 characters fit)
  std::vector<Estimate> items;
};
void dot_panels_png(const std::string& path, const std::string& title,
                    const std::vector<DotPanel>& panels, int columns, const std::string& mean_name,
                    const std::string& reference_name);

// The colour of class k (k >= 0) in scatters and of series k in line charts: a fixed palette
// of 10 (matplotlib's tab10 with its grey swapped for black, since grey means unlabelled),
// repeated for k >= 10. class_color(-1) is the unlabelled grey.
struct Rgb {
  uint8_t r, g, b;
  bool operator==(const Rgb&) const = default;
};
Rgb class_color(int k);

}  // namespace vgrad::plot
