// Dot plots of estimates with error bars beside reference values (plot.h): Table 1's picture.
#include <algorithm>
#include <cmath>

#include "autograd/check.h"
#include "tools/plot/plot.h"
#include "tools/plot/plot_canvas.h"

namespace vgrad::plot {

void dot_panels_png(const std::string& path, const std::string& title,
                    const std::vector<DotPanel>& panels, int columns, const std::string& mean_name,
                    const std::string& reference_name) {
  check(!panels.empty() && columns >= 1, "dot_panels_png(", path,
        "): need at least one panel and one column, got ", panels.size(), " and ", columns);
  for (const DotPanel& p : panels)
    check(p.labels.size() == p.items.size(), "dot_panels_png(", path, "): panel '", p.title,
          "' has ", p.labels.size(), " labels but ", p.items.size(), " items");
  const int cols = std::min<int>(columns, (int)panels.size());
  const int rows = ((int)panels.size() + cols - 1) / cols;
  const int panel_w = 300, panel_h = 250, top = 56;
  // Wide enough for the title and legend even with one column of panels.
  Canvas c(std::max(cols * panel_w + 20, 640), top + rows * panel_h + 10);
  centered_text(c, c.width() / 2, 10, title, 2, kInk);
  // Legend under the title: a dot with its bar, then the reference's bar.
  const Rgb dot_color = class_color(0);
  int lx = 60;
  c.fill_rect(lx, 38, 7, 7, dot_color);
  c.fill_rect(lx + 3, 34, 1, 15, dot_color);
  c.text(lx + 14, 38, mean_name, kInk);
  lx += 30 + text_width(mean_name);
  c.fill_rect(lx, 41, 14, 2, kBlack);
  c.text(lx + 20, 38, reference_name, kInk);

  for (size_t p = 0; p < panels.size(); ++p) {
    const DotPanel& panel = panels[p];
    const int x0 = 10 + (int)(p % cols) * panel_w, y0 = top + (int)(p / cols) * panel_h;
    const Rect r{x0 + 46, y0 + 22, x0 + panel_w - 12, y0 + panel_h - 34};
    std::vector<float> values;
    for (const Estimate& e : panel.items) {
      if (std::isfinite(e.mean))
        values.push_back((float)(e.mean - e.error)), values.push_back((float)(e.mean + e.error));
      if (std::isfinite(e.reference)) values.push_back((float)e.reference);
    }
    Axis y = padded_range(values, 0.08);
    y.px_lo = r.bottom, y.px_hi = r.top;
    draw_y_ticks(c, r, y, false, true);
    draw_frame(c, r);
    centered_text(c, (r.left + r.right) / 2, y0 + 6, panel.title, 1, kInk);
    const int n = (int)panel.items.size();
    for (int i = 0; i < n; ++i) {
      const Estimate& e = panel.items[i];
      const int cx = r.left + (int)std::lround((i + 0.5) * (r.right - r.left) / std::max(n, 1));
      centered_text(c, cx, r.bottom + 8, panel.labels[i], 1, kInk);
      // The mean sits left of centre and the reference right, so neither hides the other.
      if (std::isfinite(e.reference)) {
        const int py = (int)std::lround(y.to_px(e.reference));
        c.fill_rect(cx + 1, py - 1, 12, 2, kBlack);
      }
      if (!std::isfinite(e.mean)) {
        centered_text(c, cx - 4, (r.top + r.bottom) / 2, "n/a", 1, kInk);
        continue;
      }
      const int py = (int)std::lround(y.to_px(e.mean));
      const int lo = (int)std::lround(y.to_px(e.mean - e.error));
      const int hi = (int)std::lround(y.to_px(e.mean + e.error));
      c.fill_rect(cx - 5, std::min(lo, hi), 1, std::abs(lo - hi) + 1, dot_color);
      c.fill_rect(cx - 8, hi, 7, 1, dot_color);
      c.fill_rect(cx - 8, lo, 7, 1, dot_color);
      c.fill_rect(cx - 8, py - 3, 7, 7, dot_color);
    }
  }
  c.save_png(path);
}

}  // namespace vgrad::plot
