// tools/plot.h and tools/pca.h: PCA finds known directions with the documented sign; every
// picture decodes back with the expected size and pixels; failed writes leave nothing behind.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "tools/plot/pca.h"
#include "tools/plot/plot.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

using namespace vgrad::plot;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() /
                  ("vgrad_test_plot_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
  TempDir() { fs::remove_all(path), fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

struct Png {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  explicit Png(const std::string& path) {
    int channels = 0;
    uint8_t* p = stbi_load(path.c_str(), &width, &height, &channels, 3);
    REQUIRE_MESSAGE(p != nullptr, path, ": does not decode as an image");
    rgb.assign(p, p + (size_t)width * height * 3);
    stbi_image_free(p);
  }
  Rgb at(int x, int y) const {
    const uint8_t* q = &rgb[((size_t)y * width + x) * 3];
    return {q[0], q[1], q[2]};
  }
};

bool near(Rgb a, Rgb b, int tolerance = 2) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

// Centroid and count of the pixels near colour c with x < x_end (the plot area, not the legend).
struct Blob {
  double x = 0, y = 0;
  int count = 0;
};
Blob find_colour(const Png& png, Rgb c, int x_end) {
  Blob b;
  for (int y = 0; y < png.height; ++y)
    for (int x = 0; x < x_end; ++x)
      if (near(png.at(x, y), c)) b.x += x, b.y += y, ++b.count;
  if (b.count > 0) b.x /= b.count, b.y /= b.count;
  return b;
}

// The direction the first (c = 0) or second projection column was taken along, recovered as
// sum_i out[i][c] * (x_i - mean) / |...|: for a principal component v, X_c^T X_c v = lambda v.
std::vector<double> recovered_direction(const std::vector<float>& data,
                                        const std::vector<float>& out, int64_t n, int64_t d, int c) {
  std::vector<double> mean(d, 0.0), dir(d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) mean[j] += data[i * d + j] / (double)n;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) dir[j] += out[2 * i + c] * (data[i * d + j] - mean[j]);
  double norm = 0;
  for (double v : dir) norm += v * v;
  for (double& v : dir) v /= std::sqrt(norm);
  return dir;
}

double dot(const std::vector<double>& a, std::vector<double> b) {
  double s = 0, na = 0, nb = 0;
  for (size_t j = 0; j < a.size(); ++j) s += a[j] * b[j], na += a[j] * a[j], nb += b[j] * b[j];
  return s / std::sqrt(na * nb);
}

double variance(const std::vector<float>& out, int c) {
  const size_t n = out.size() / 2;
  double m = 0, v = 0;
  for (size_t i = 0; i < n; ++i) m += out[2 * i + c] / (double)n;
  for (size_t i = 0; i < n; ++i) v += (out[2 * i + c] - m) * (out[2 * i + c] - m) / (double)(n - 1);
  return v;
}

// n points: mean + 3 t u + 1 s w + 0.01 noise, with u, w orthogonal directions in 4-D.
std::vector<float> along(const std::vector<double>& u, const std::vector<double>& w, int64_t n) {
  std::mt19937 rng(42);
  std::normal_distribution<double> normal;
  const double mean[4] = {5, -2, 0.5, 10};
  std::vector<float> data(n * 4);
  for (int64_t i = 0; i < n; ++i) {
    const double t = 3 * normal(rng), s = normal(rng);
    for (int j = 0; j < 4; ++j) data[i * 4 + j] = (float)(mean[j] + t * u[j] + s * w[j] + 0.01 * normal(rng));
  }
  return data;
}

}  // namespace

TEST_CASE("pca_2d: recovers known directions, ordered by variance, with the sign convention") {
  const std::vector<double> u = {1, 3, -2, 0.5}, w = {3, 0, 1, -2};  // u . w = 0
  for (double flip : {1.0, -1.0}) {                                  // flipping the data direction must not flip the component
    CAPTURE(flip);
    std::vector<double> fu = u, fw = w;
    for (int j = 0; j < 4; ++j) fu[j] *= flip, fw[j] *= flip;
    const int64_t n = 5000;
    const std::vector<float> data = along(fu, fw, n);
    const std::vector<float> out = pca_2d(data.data(), n, 4);
    REQUIRE(out.size() == 2 * (size_t)n);
    // u's largest loading (3) is positive, so the first component is +u; w's is +3, so +w.
    CHECK(dot(recovered_direction(data, out, n, 4, 0), u) > 1 - 1e-3);
    CHECK(dot(recovered_direction(data, out, n, 4, 1), w) > 1 - 1e-3);
    CHECK(variance(out, 0) > variance(out, 1));
    // 3 t |u| along the first: |u|^2 = 14.25, var(3t) = 9; s |w| along the second: |w|^2 = 14
    CHECK(variance(out, 0) == doctest::Approx(9 * 14.25).epsilon(0.05));
    CHECK(variance(out, 1) == doctest::Approx(14.0).epsilon(0.05));
    CHECK(pca_2d(data.data(), n, 4) == out);  // deterministic
  }
}

TEST_CASE("pca_2d: axis-aligned data projects onto its centred coordinates") {
  // uncorrelated columns with spreads 2, 3, 1 -> components e_1 then e_0, both positive
  const std::vector<float> data = {2, 3, 1, -2, 3, -1, 2, -3, -1, -2, -3, 1};
  const std::vector<float> out = pca_2d(data.data(), 4, 3);
  const std::vector<float> expected = {3, 2, 3, -2, -3, 2, -3, -2};
  REQUIRE(out.size() == expected.size());
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i] == doctest::Approx(expected[i]).epsilon(1e-6));
}

TEST_CASE("pca_2d: edge cases and bad input") {
  const std::vector<float> one = {1, 2, 3};
  CHECK(pca_2d(one.data(), 1, 3) == std::vector<float>{0, 0});
  CHECK(pca_2d(nullptr, 0, 3).empty());
  const std::vector<float> column = {1, 2, 3};
  CHECK(pca_2d(column.data(), 3, 1) == std::vector<float>{-1, 0, 0, 0, 1, 0});
  std::vector<float> bad(20, 1.f);
  bad[5 * 2 + 1] = NAN;
  CHECK_THROWS_WITH_AS(pca_2d(bad.data(), 10, 2), doctest::Contains("row 5 column 1 is nan"),
                       std::runtime_error);
}

TEST_CASE("image_grid_png: each image's pixels land where the header says, gaps are white") {
  TempDir dir;
  const int count = 4, height = 3, width = 2, columns = 3, scale = 2;
  std::vector<float> images(count * height * width);
  for (size_t i = 0; i < images.size(); ++i) images[i] = (float)((i * 37) % 101) / 100.f;
  images[0] = 1.7f;   // clamps to white
  images[1] = -0.3f;  // clamps to black
  images[2] = NAN;    // drawn red
  image_grid_png(dir / "grid.png", images, count, height, width, columns, scale);
  const Png png(dir / "grid.png");
  CHECK(png.width == kGridGap + columns * (width * scale + kGridGap));
  CHECK(png.height == kGridGap + 2 * (height * scale + kGridGap));
  std::vector<bool> covered((size_t)png.width * png.height, false);
  for (int k = 0; k < count; ++k)
    for (int r = 0; r < height; ++r)
      for (int c = 0; c < width; ++c) {
        const float v = images[(k * height + r) * width + c];
        const uint8_t g = (uint8_t)std::lround(255 * std::clamp(v, 0.f, 1.f));
        const Rgb want = std::isnan(v) ? Rgb{255, 0, 0} : Rgb{g, g, g};
        const int x0 = kGridGap + k % columns * (width * scale + kGridGap) + c * scale;
        const int y0 = kGridGap + k / columns * (height * scale + kGridGap) + r * scale;
        for (int dy = 0; dy < scale; ++dy)
          for (int dx = 0; dx < scale; ++dx) {
            CAPTURE(k);
            CAPTURE(r);
            CAPTURE(c);
            CHECK(near(png.at(x0 + dx, y0 + dy), want, 0));
            covered[(size_t)(y0 + dy) * png.width + x0 + dx] = true;
          }
      }
  for (int y = 0; y < png.height; ++y)
    for (int x = 0; x < png.width; ++x)
      if (!covered[(size_t)y * png.width + x]) REQUIRE(near(png.at(x, y), {255, 255, 255}, 0));

  CHECK_THROWS_WITH_AS(image_grid_png(dir / "bad.png", images, 5, height, width, columns),
                       doctest::Contains("need 30 floats, got 24"), std::runtime_error);
}

TEST_CASE("scatter_png: class colours appear where their points are") {
  TempDir dir;
  std::vector<float> xy;
  std::vector<int> classes;
  // 30 copies per spot, so the translucent dots saturate to the class colour itself.
  auto add = [&](float x, float y, int cls) {
    for (int i = 0; i < 30; ++i) xy.push_back(x), xy.push_back(y), classes.push_back(cls);
  };
  add(0, 0, 0);
  add(10, 10, 3);
  add(10, 0, -1);
  xy.push_back(NAN), xy.push_back(1), classes.push_back(7);  // skipped, not drawn
  scatter_png(dir / "scatter.png", xy, classes, "test scatter");
  const Png png(dir / "scatter.png");
  CHECK(png.width == 820);
  CHECK(png.height == 680);
  CHECK(near(png.at(0, 0), {255, 255, 255}, 0));
  const int plot_end = png.width * 4 / 5;  // the legend (with its own swatches) is right of this
  const Blob c0 = find_colour(png, class_color(0), plot_end);
  const Blob c3 = find_colour(png, class_color(3), plot_end);
  const Blob grey = find_colour(png, class_color(-1), plot_end);
  REQUIRE(c0.count > 0);
  REQUIRE(c3.count > 0);
  REQUIRE(grey.count > 0);
  CHECK(c3.x > c0.x + 100);  // right of class 0
  CHECK(c3.y < c0.y - 100);  // and above it (image y grows down)
  CHECK(grey.x == doctest::Approx(c3.x).epsilon(0.02));
  CHECK(grey.y == doctest::Approx(c0.y).epsilon(0.02));
  CHECK(find_colour(png, class_color(7), plot_end).count == 0);
  // legend swatches for the classes present, right of the plot
  CHECK(find_colour(png, class_color(0), png.width).count > c0.count);
  CHECK(find_colour(png, class_color(3), png.width).count > c3.count);

  xy.pop_back();
  CHECK_THROWS_WITH_AS(scatter_png(dir / "bad.png", xy, classes, "t"),
                       doctest::Contains("xy holds 181 floats but there are 91 classes"),
                       std::runtime_error);
}

TEST_CASE("line_chart_png: both series drawn, left and right axes") {
  TempDir dir;
  Series loss{"train loss", {}, {}}, auc{"val AUC", {}, {}, true};
  for (int e = 1; e <= 30; ++e) {
    loss.x.push_back(e), loss.y.push_back(2.0f / e + 0.1f);
    auc.x.push_back(e), auc.y.push_back(e == 12 ? NAN : 0.9f - 0.3f / e);  // a gap at 12
  }
  line_chart_png(dir / "curves.png", {loss, auc}, "GAE on Cora", "epoch");
  const Png png(dir / "curves.png");
  CHECK(png.width == 820);
  CHECK(png.height == 500);
  const Blob l = find_colour(png, class_color(0), png.width), a = find_colour(png, class_color(1), png.width);
  CHECK(l.count > 200);
  CHECK(a.count > 200);

  loss.y.pop_back();
  CHECK_THROWS_WITH_AS(line_chart_png(dir / "bad.png", {loss}, "t", "epoch"),
                       doctest::Contains("series 'train loss' has 30 x values but 29 y values"),
                       std::runtime_error);
}

TEST_CASE("plots: a failed write throws naming the file and leaves nothing behind") {
  TempDir dir;
  const std::string missing = dir / "no/such/dir/picture.png";
  const std::vector<float> one_image(4, 0.5f);
  CHECK_THROWS_WITH_AS(image_grid_png(missing, one_image, 1, 2, 2, 1), doctest::Contains(missing.c_str()),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(scatter_png(missing, {0, 0}, {0}, "t"), doctest::Contains(missing.c_str()),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(line_chart_png(missing, {}, "t", "x"), doctest::Contains(missing.c_str()),
                       std::runtime_error);
  CHECK_FALSE(fs::exists(dir.path / "no"));

  // The temporary file is written, but renaming it over a directory fails: it must be removed.
  fs::create_directories(dir.path / "taken" / "inside");
  CHECK_THROWS_WITH_AS(image_grid_png(dir / "taken", one_image, 1, 2, 2, 1),
                       doctest::Contains((dir / "taken").c_str()), std::runtime_error);
  std::vector<std::string> left;
  for (auto& e : fs::directory_iterator(dir.path)) left.push_back(e.path().filename().string());
  CHECK(left == std::vector<std::string>{"taken"});

  // A second write replaces the first whole.
  image_grid_png(dir / "p.png", one_image, 1, 2, 2, 1, 1);
  image_grid_png(dir / "p.png", one_image, 1, 2, 2, 1, 5);
  CHECK(Png(dir / "p.png").width == kGridGap * 2 + 10);
}
