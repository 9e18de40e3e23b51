#include "tools/plot/plot_canvas.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "autograd/check.h"
#include "nn/atomic_file.h"

// Internal linkage (STATIC) so another file embedding stb_image_write cannot clash with us.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace vgrad::plot {

Canvas::Canvas(int width, int height, Rgb background)
    : width_(width), height_(height), pixels_((size_t)width * height * 3) {
  check(width > 0 && height > 0, "Canvas: size must be positive, got ", width, " x ", height);
  fill_rect(0, 0, width, height, background);
}

Rgb Canvas::at(int x, int y) const {
  check(x >= 0 && x < width_ && y >= 0 && y < height_, "Canvas::at: (", x, ", ", y, ") is outside ",
        width_, " x ", height_);
  const uint8_t* p = &pixels_[((size_t)y * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void Canvas::set(int x, int y, Rgb c) {
  if (x < 0 || x >= width_ || y < 0 || y >= height_) return;
  uint8_t* p = &pixels_[((size_t)y * width_ + x) * 3];
  p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

void Canvas::blend(int x, int y, Rgb c, float alpha) {
  if (x < 0 || x >= width_ || y < 0 || y >= height_) return;
  uint8_t* p = &pixels_[((size_t)y * width_ + x) * 3];
  const uint8_t src[3] = {c.r, c.g, c.b};
  for (int k = 0; k < 3; ++k) p[k] = (uint8_t)std::lround(p[k] + alpha * (src[k] - p[k]));
}

void Canvas::fill_rect(int x, int y, int w, int h, Rgb c) {
  const int x0 = std::max(x, 0), x1 = std::min(x + w, width_);
  const int y0 = std::max(y, 0), y1 = std::min(y + h, height_);
  for (int j = y0; j < y1; ++j)
    for (int i = x0; i < x1; ++i) set(i, j, c);
}

// DDA: one step per pixel along the longer axis, each step stamping a thickness^2 square.
void Canvas::line(float x0, float y0, float x1, float y1, Rgb c, int thickness) {
  const int steps = (int)std::ceil(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)));
  const int back = (thickness - 1) / 2;
  for (int s = 0; s <= steps; ++s) {
    const float t = steps == 0 ? 0.f : (float)s / steps;
    const int x = (int)std::lround(x0 + t * (x1 - x0)) - back;
    const int y = (int)std::lround(y0 + t * (y1 - y0)) - back;
    fill_rect(x, y, thickness, thickness, c);
  }
}

namespace {
void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  out->insert(out->end(), (uint8_t*)data, (uint8_t*)data + size);
}
}  // namespace

// Encode in memory first, so the only failures left are the file system's; then write to
// PATH.tmp.PID, fsync and rename, so PATH is either the old file or the whole new one.
void Canvas::save_png(const std::string& path) const {
  std::vector<uint8_t> png;
  check(stbi_write_png_to_func(append_bytes, &png, width_, height_, 3, pixels_.data(),
                               width_ * 3) != 0,
        path, ": PNG encoding failed (", width_, " x ", height_, ")");
  write_file_atomically(path, std::string(png.begin(), png.end()));
}

}  // namespace vgrad::plot
