// Rng's normals: the libm-free Box-Muller (autograd/normal_math.h) against libm, the
// vectorised Rng::normals against Rng::normal, and the distribution (moments, KS).
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "autograd/normal_math.h"
#include "autograd/ops.h"

using namespace vgrad;

namespace {
// The Box-Muller that Rng::normal used before, with libm in double: the reference.
void box_muller_libm(double u1, double u2, float& c, float& s) {
  const double r = std::sqrt(-2.0 * std::log(u1)), theta = 2.0 * M_PI * u2;
  c = (float)(r * std::cos(theta));
  s = (float)(r * std::sin(theta));
}
int64_t ulps(float a, float b) {
  auto key = [](float x) {  // floats in order as integers (both signs)
    const int32_t i = std::bit_cast<int32_t>(x);
    return i < 0 ? (int64_t)INT32_MIN - i : (int64_t)i;
  };
  return std::abs(key(a) - key(b));
}
}  // namespace

TEST_CASE("normal_math: Box-Muller within 1 ulp of libm's, equal to it almost always") {
  Rng rng(11);
  int64_t differ = 0, worst = 0;
  const int64_t n = 1 << 20;
  auto compare = [&](double u1, double u2) {
    float c, s, rc, rs;
    normal_math::box_muller(u1, u2, c, s);
    box_muller_libm(u1, u2, rc, rs);
    // At the quadrant boundaries libm's cos(2 pi u2) is about 1e-16 (the rounding of 2 pi
    // u2) where the reduction on u2 gives the exact 0: an absolute difference.
    const float r = std::max(std::fabs(rc), std::fabs(rs));
    for (auto [x, ref] : {std::pair{c, rc}, std::pair{s, rs}})
      if (std::fabs(ref) > 1e-6f * r)
        worst = std::max(worst, ulps(x, ref));
      else
        CHECK(std::fabs(x - ref) <= 1e-15f * r);
    differ += (c != rc) + (s != rs);
  };
  for (int64_t i = 0; i < n; ++i) compare(1.0 - rng.uniform_double(), rng.uniform_double());
  // The edges: u1 = 1 (r = 0), the smallest u1 (the largest r), the quadrant boundaries.
  for (int k = 0; k < 16; ++k) {
    compare(1.0, k / 16.0);
    compare(0x1p-53, k / 16.0);
    compare(0.5, k / 16.0);
    compare(0.25, std::nextafter(k / 16.0, 1.0));
  }
  CHECK(worst <= 1);
  CHECK(differ < 20);  // seen: a handful in 2 million
  MESSAGE("floats differing from libm's: ", differ, " of ", 2 * n);
  float c, s;
  normal_math::box_muller(0x1p-53, 0.0, c, s);
  CHECK(c == doctest::Approx(std::sqrt(106.0 * M_LN2)).epsilon(1e-7));
  CHECK(s == 0.0f);
  CHECK(normal_math::log_positive(1.0) == 0.0);
  CHECK(normal_math::log_positive(0.5) == -M_LN2);
}

TEST_CASE("Rng::normals: the bits of as many normal() calls, for any count and a spare") {
  // 3001: serial; 65537 and 200001: transformed on all threads, over several chunks
  for (int threads : {1, 2})
    for (int64_t n : {0, 1, 2, 7, 1024, 1025, 3001, 65537, 200001}) {
      for (bool spare : {false, true}) {
        set_threads(threads);
        CAPTURE(threads);
        Rng a(3), b(3);
        if (spare) a.normal(), b.normal();  // leaves a spare sine in both
        std::vector<float> bulk(n);
        a.normals(bulk.data(), n, 0.5f);
        for (int64_t i = 0; i < n; ++i) REQUIRE(bulk[i] == 0.5f * b.normal());
        CHECK(a.normal() == b.normal());  // the states agree afterwards too
        CHECK(a.next_u64() == b.next_u64());
      }
    }
  set_threads(0);
  Rng a(5), b(5);
  const Tensor t = randn({3, 5}, a, 2.0f);
  for (int64_t i = 0; i < 15; ++i) CHECK(t.at(i) == 2.0f * b.normal());
}

TEST_CASE("Rng::normals: moments and a Kolmogorov-Smirnov test against N(0, 1)") {
  Rng rng(2024);
  const int64_t n = 1 << 20;
  std::vector<float> x(n);
  rng.normals(x.data(), n);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (float v : x) m1 += v, m2 += (double)v * v, m3 += (double)v * v * v, m4 += (double)v * v * v * v;
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  // standard errors at this n: 0.001, 0.0014, 0.0024, 0.0095 (about 4 of them allowed)
  CHECK(std::fabs(m1) < 0.004);
  CHECK(std::fabs(m2 - 1.0) < 0.006);
  CHECK(std::fabs(m3) < 0.01);
  CHECK(std::fabs(m4 - 3.0) < 0.04);
  std::sort(x.begin(), x.end());
  double d = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double cdf = 0.5 * std::erfc(-x[i] / M_SQRT2);
    d = std::max({d, cdf - (double)i / n, (double)(i + 1) / n - cdf});
  }
  CHECK(d * std::sqrt((double)n) < 1.63);  // the 1% critical value
  // The tails: P(|x| > 4) = 6.3e-5, about 66 draws.
  const int64_t tail = std::count_if(x.begin(), x.end(), [](float v) { return std::fabs(v) > 4; });
  CHECK(tail > 35);
  CHECK(tail < 100);
}

TEST_CASE("Rng::below: rejection at the largest multiple of n, for n small and near 2^64") {
  // below() skips computing the rejection limit for draws that cannot reach it; the numbers
  // must be those of the plain rule, drawn from a twin generator. For n near 2^64 about half
  // of the draws are rejected, so the rule's edge is crossed often.
  for (uint64_t n : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{1000000},
                     (uint64_t{1} << 32) + 3, (uint64_t{1} << 63) + 1, uint64_t{3} << 62,
                     UINT64_MAX - 1, UINT64_MAX}) {
    Rng rng(77), twin(77);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    for (int k = 0; k < 4000; ++k) {
      uint64_t x;
      do x = twin.next_u64();
      while (x >= limit);
      const uint64_t got = rng.below(n);
      REQUIRE(got == x % n);
      REQUIRE(got < n);
    }
  }
  Rng rng(1);
  CHECK_THROWS_WITH(rng.below(0), "Rng::below: n must be positive");
}
