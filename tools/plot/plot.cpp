// Image grids, scatters and line charts on a Canvas (tools/plot_canvas.h): axes with "nice"
// ticks (steps of 1, 2 or 5 x 10^k), a title, a legend; white background throughout.
#include "tools/plot/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "autograd/check.h"
#include "tools/plot/plot_canvas.h"

namespace vgrad::plot {

const Rgb kUnlabelled{175, 175, 175};

// The finite values' [min, max] widened by `pad` of its span; a single value gets +-0.5 (or
// +-10% of itself), no value at all gets [0, 1], so hi > lo always holds.
Axis padded_range(const std::vector<float>& values, double pad) {
  double lo = INFINITY, hi = -INFINITY;
  for (float v : values)
    if (std::isfinite(v)) lo = std::min(lo, (double)v), hi = std::max(hi, (double)v);
  if (lo > hi) return {0, 1};
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(lo))) {
    const double half = lo == 0 ? 0.5 : 0.1 * std::fabs(lo);
    return {lo - half, hi + half};
  }
  return {lo - pad * (hi - lo), hi + pad * (hi - lo)};
}

// Round-numbered ticks inside [lo, hi], about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target, double& step) {
  const double raw = (hi - lo) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / power;
  step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step)
    ticks.push_back(std::fabs(t) < 1e-9 * step ? 0.0 : t);  // no "-0.00" from rounding
  return ticks;
}

// As many decimals as the tick step needs; very large or small values in %g form.
std::string tick_label(double v, double step) {
  char buf[32];
  if (std::fabs(v) >= 1e6 || step < 1e-4)
    std::snprintf(buf, sizeof buf, "%.3g", v);
  else
    std::snprintf(buf, sizeof buf, "%.*f", std::max(0, (int)std::ceil(-std::log10(step) - 1e-9)),
                  v);
  return buf;
}

void centered_text(Canvas& c, int center_x, int y, const std::string& s, int scale, Rgb ink) {
  c.text(center_x - text_width(s, scale) / 2, y, s, ink, scale);
}

void draw_x_ticks(Canvas& c, const Rect& r, Axis x, bool grid) {
  double step;
  for (double t : nice_ticks(x.lo, x.hi, 6, step)) {
    const int px = (int)std::lround(x.to_px(t));
    if (grid) c.fill_rect(px, r.top + 1, 1, r.bottom - r.top - 1, kGrid);
    c.fill_rect(px, r.bottom, 1, 5, kInk);
    centered_text(c, px, r.bottom + 8, tick_label(t, step), 1, kInk);
  }
}

// Ticks on the left (on_right = false) or right edge of r; grid lines only from the left.
void draw_y_ticks(Canvas& c, const Rect& r, Axis y, bool on_right, bool grid) {
  double step;
  for (double t : nice_ticks(y.lo, y.hi, 6, step)) {
    const int py = (int)std::lround(y.to_px(t));
    const std::string label = tick_label(t, step);
    if (grid) c.fill_rect(r.left + 1, py, r.right - r.left - 1, 1, kGrid);
    if (on_right) {
      c.fill_rect(r.right, py, 5, 1, kInk);
      c.text(r.right + 8, py - 3, label, kInk);
    } else {
      c.fill_rect(r.left - 5, py, 5, 1, kInk);
      c.text(r.left - 8 - text_width(label), py - 3, label, kInk);
    }
  }
}

void draw_frame(Canvas& c, const Rect& r) {
  c.fill_rect(r.left, r.top, r.right - r.left + 1, 1, kInk);
  c.fill_rect(r.left, r.bottom, r.right - r.left + 1, 1, kInk);
  c.fill_rect(r.left, r.top, 1, r.bottom - r.top + 1, kInk);
  c.fill_rect(r.right, r.top, 1, r.bottom - r.top + 1, kInk);
}

namespace {

// A fixed shuffle of 0..n-1 (splitmix64 with a constant seed), so no class always lands on
// top of the others in a dense scatter, and the same input always gives the same picture.
std::vector<size_t> fixed_shuffle(size_t n) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  uint64_t state = 0x5eed;
  for (size_t i = n; i > 1; --i) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    std::swap(order[i - 1], order[(z ^ (z >> 31)) % i]);
  }
  return order;
}

}  // namespace

Rgb class_color(int k) {
  static const Rgb kPalette[10] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                   {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {0, 0, 0},
                                   {188, 189, 34},  {23, 190, 207}};
  return k < 0 ? kUnlabelled : kPalette[k % 10];
}

void image_grid_png(const std::string& path, const std::vector<float>& images, int count,
                    int height, int width, int columns, int scale) {
  check(count > 0 && height > 0 && width > 0 && columns > 0 && scale > 0, "image_grid_png(", path,
        "): count, height, width, columns and scale must be positive, got ", count, ", ", height,
        ", ", width, ", ", columns, ", ", scale);
  check(images.size() == (size_t)count * height * width, "image_grid_png(", path, "): ", count,
        " images of ", height, " x ", width, " need ", (size_t)count * height * width,
        " floats, got ", images.size());
  const int cols = std::min(columns, count), rows = (count + columns - 1) / columns;
  Canvas c(kGridGap + cols * (width * scale + kGridGap),
           kGridGap + rows * (height * scale + kGridGap));
  for (int k = 0; k < count; ++k) {
    const int x0 = kGridGap + k % columns * (width * scale + kGridGap);
    const int y0 = kGridGap + k / columns * (height * scale + kGridGap);
    const float* image = &images[(size_t)k * height * width];
    for (int r = 0; r < height; ++r)
      for (int col = 0; col < width; ++col) {
        const float v = image[r * width + col];
        const uint8_t g = (uint8_t)std::lround(255.f * std::clamp(v, 0.f, 1.f));
        const Rgb pixel = std::isfinite(v) ? Rgb{g, g, g} : Rgb{255, 0, 0};
        c.fill_rect(x0 + col * scale, y0 + r * scale, scale, scale, pixel);
      }
  }
  c.save_png(path);
}

void scatter_png(const std::string& path, const std::vector<float>& xy,
                 const std::vector<int>& classes, const std::string& title) {
  const size_t n = classes.size();
  check(xy.size() == 2 * n, "scatter_png(", path, "): xy holds ", xy.size(),
        " floats but there are ", n, " classes; expected ", 2 * n, " (x, y per point)");
  std::vector<float> xs(n), ys(n);
  std::map<int, size_t> counts;  // class -> points drawn
  size_t skipped = 0;
  for (size_t i = 0; i < n; ++i) {
    xs[i] = xy[2 * i], ys[i] = xy[2 * i + 1];
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) {
      ++skipped;
      continue;
    }
    check(classes[i] >= -1, "scatter_png(", path, "): point ", i, " has class ", classes[i],
          "; classes are >= 0, or -1 for unlabelled");
    ++counts[classes[i]];
  }
  Canvas c(820, 680);
  const Rect r{70, 44, 660, 640};
  Axis x = padded_range(xs, 0.04), y = padded_range(ys, 0.04);
  x.px_lo = r.left, x.px_hi = r.right, y.px_lo = r.bottom, y.px_hi = r.top;
  draw_x_ticks(c, r, x, true);
  draw_y_ticks(c, r, y, false, true);

  // Small dots, translucent so density shows: 3 px for a few thousand points, 2 px beyond.
  const int dot = n <= 20000 ? 3 : 2;
  const float alpha = n <= 3000 ? 0.8f : 0.55f;
  auto draw = [&](size_t i) {
    const int px = (int)std::lround(x.to_px(xs[i])) - dot / 2;
    const int py = (int)std::lround(y.to_px(ys[i])) - dot / 2;
    for (int dy = 0; dy < dot; ++dy)
      for (int dx = 0; dx < dot; ++dx)
        if (px + dx > r.left && px + dx < r.right && py + dy > r.top && py + dy < r.bottom)
          c.blend(px + dx, py + dy, class_color(classes[i]), alpha);
  };
  const std::vector<size_t> order = fixed_shuffle(n);
  for (bool labelled : {false, true})  // unlabelled first, underneath
    for (size_t i : order)
      if ((classes[i] >= 0) == labelled && std::isfinite(xs[i]) && std::isfinite(ys[i])) draw(i);
  draw_frame(c, r);
  centered_text(c, (r.left + r.right) / 2, 12, title, 2, kInk);

  // Legend: one swatch per class present, with its count; as many rows as fit.
  int ly = r.top;
  c.text(r.right + 20, ly, "class (points)", kInk);
  ly += 18;
  for (auto [k, count] : counts) {
    if (ly > r.bottom - 50) {
      c.text(r.right + 20, ly, "...", kInk);
      ly += 16;
      break;
    }
    c.fill_rect(r.right + 20, ly, 9, 9, class_color(k));
    c.text(r.right + 35, ly + 1, cat(k < 0 ? "unlabelled" : std::to_string(k), " (", count, ")"),
           kInk);
    ly += 16;
  }
  c.text(r.right + 20, ly + 8, cat(n - skipped, " points"), kInk);
  if (skipped > 0) c.text(r.right + 20, ly + 20, cat(skipped, " non-finite"), Rgb{200, 0, 0});
  c.save_png(path);
}

void line_chart_png(const std::string& path, const std::vector<Series>& series,
                    const std::string& title, const std::string& x_label) {
  std::vector<float> all_x, left_y, right_y;
  bool has_left = false, has_right = false;
  for (const Series& s : series) {
    check(s.x.size() == s.y.size(), "line_chart_png(", path, "): series '", s.name, "' has ",
          s.x.size(), " x values but ", s.y.size(), " y values");
    all_x.insert(all_x.end(), s.x.begin(), s.x.end());
    (s.right_axis ? right_y : left_y)
        .insert((s.right_axis ? right_y : left_y).end(), s.y.begin(), s.y.end());
    (s.right_axis ? has_right : has_left) = true;
  }
  Canvas c(820, 500);
  const Rect r{76, 66, has_right ? 820 - 76 : 820 - 30, 500 - 50};
  Axis x = padded_range(all_x, 0.02), yl = padded_range(left_y, 0.05),
       yr = padded_range(right_y, 0.05);
  x.px_lo = r.left, x.px_hi = r.right;
  yl.px_lo = yr.px_lo = r.bottom, yl.px_hi = yr.px_hi = r.top;
  draw_x_ticks(c, r, x, true);
  if (has_left || !has_right) draw_y_ticks(c, r, yl, false, true);
  if (has_right) draw_y_ticks(c, r, yr, true, !has_left);

  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const Axis& y = s.right_axis ? yr : yl;
    const bool markers = s.x.size() <= 60;  // per-epoch points stay visible in short runs
    bool have_prev = false;
    double px0 = 0, py0 = 0;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        have_prev = false;
        continue;
      }
      const double px = x.to_px(s.x[i]), py = y.to_px(s.y[i]);
      if (have_prev) c.line((float)px0, (float)py0, (float)px, (float)py, class_color((int)k), 2);
      if (markers)
        c.fill_rect((int)std::lround(px) - 2, (int)std::lround(py) - 2, 5, 5, class_color((int)k));
      px0 = px, py0 = py, have_prev = true;
    }
  }
  draw_frame(c, r);
  centered_text(c, (r.left + r.right) / 2, 10, title, 2, kInk);
  centered_text(c, (r.left + r.right) / 2, r.bottom + 26, x_label, 1, kInk);

  // Legend in a row between title and plot, wrapping, so it never covers a curve.
  int lx = r.left, ly = 36;
  for (size_t k = 0; k < series.size(); ++k) {
    const std::string label =
        has_left && has_right ? cat(series[k].name, series[k].right_axis ? " (right)" : " (left)")
                              : series[k].name;
    const int w = 26 + text_width(label) + 18;
    if (lx + w > r.right && lx > r.left) lx = r.left, ly += 12;
    c.fill_rect(lx, ly + 3, 20, 2, class_color((int)k));
    c.text(lx + 26, ly, label, kInk);
    lx += w;
  }
  c.save_png(path);
}

}  // namespace vgrad::plot
