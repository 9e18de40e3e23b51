// vecmath.h's functions against libm, its dispatched array loops against the scalar
// functions, and the ops built on them against libm.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "autograd/ops.h"
#include "autograd/vecmath.h"

using namespace vgrad;

TEST_CASE("vecmath: exp, log1p, softplus and sigmoid agree with libm to a few ulp") {
  double worst_exp = 0, worst_log1p = 0, worst_sp = 0, worst_sig = 0;
  for (double x = -87.0; x <= 0.0; x += 1e-3) {
    const float f = (float)x;
    const double ref = std::exp((double)f);
    worst_exp = std::max(worst_exp, std::fabs(vecmath::exp_nonpositive(f) - ref) / ref);
  }
  for (double e = 1e-9; e <= 1.0; e *= 1.001) {
    const float f = (float)e;
    const double ref = std::log1p((double)f);
    worst_log1p = std::max(worst_log1p, std::fabs(vecmath::log1p_unit(f) - ref) / ref);
  }
  for (double v = -60.0; v <= 60.0; v += 1e-3) {
    const float f = (float)v;
    const double sp = std::log1p(std::exp(-std::fabs((double)f))) + std::max((double)f, 0.0);
    const double sg = 1.0 / (1.0 + std::exp(-(double)f));
    worst_sp = std::max(worst_sp, std::fabs(vecmath::softplus(f) - sp) / sp);
    worst_sig = std::max(worst_sig, std::fabs(vecmath::sigmoid(f) - sg) / sg);
  }
  CHECK(worst_exp < 3e-7);
  CHECK(worst_log1p < 5e-7);
  CHECK(worst_sp < 5e-7);
  CHECK(worst_sig < 5e-7);
  CHECK(vecmath::exp_nonpositive(-200.0f) < 1e-37f);  // clamped, not garbage
  CHECK(vecmath::exp_nonpositive(0.0f) == 1.0f);
}

namespace {

// Distance in units in the last place between two finite floats of the same sign.
int64_t ulps(float a, float b) {
  return std::llabs((int64_t)std::bit_cast<int32_t>(a) - (int64_t)std::bit_cast<int32_t>(b));
}

std::vector<float> sweep(float lo, float hi, float step) {
  std::vector<float> xs;
  for (double x = lo; x <= hi; x += step) xs.push_back((float)x);
  return xs;
}

}  // namespace

TEST_CASE("vecmath::exp: within 1 ulp of libm's expf over the float range; inf, 0 and NaN") {
  int64_t worst = 0;
  for (float x : sweep(-87.3f, 88.7f, 1e-3f)) worst = std::max(worst, ulps(vecmath::exp(x), std::exp(x)));
  CHECK(worst <= 1);
  CHECK(vecmath::exp(0.0f) == 1.0f);
  CHECK(std::isinf(vecmath::exp(89.0f)));
  CHECK(std::isinf(vecmath::exp(INFINITY)));
  CHECK(vecmath::exp(88.7f) == doctest::Approx(std::exp(88.7f)).epsilon(1e-6));  // n = 128
  CHECK(vecmath::exp(-200.0f) == 0.0f);
  CHECK(vecmath::exp(-INFINITY) == 0.0f);
  CHECK(std::isnan(vecmath::exp(NAN)));
  // denormal results: within one denormal step of libm's
  for (float x : {-88.0f, -95.0f, -100.0f, -103.0f})
    CHECK(std::fabs(vecmath::exp(x) - std::exp(x)) <= 2 * std::numeric_limits<float>::denorm_min());
}

TEST_CASE("vecmath arrays: the dispatched loops give the scalar functions' bits") {
  // On an AVX-512 machine this runs the zmm copies, elsewhere the baseline ones; either way
  // each element must be what the scalar function gives (odd length: the loops' tails too).
  std::vector<float> x = sweep(-100.0f, 100.0f, 0.0137f);
  x.push_back(NAN);
  x.push_back(INFINITY);
  x.push_back(-INFINITY);
  const int64_t n = (int64_t)x.size();
  std::vector<float> y(n);
  auto same = [](float a, float b) { return std::bit_cast<int32_t>(a) == std::bit_cast<int32_t>(b); };
  vecmath::exp_array(x.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], vecmath::exp(x[i])));
  vecmath::sigmoid_array(x.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], vecmath::sigmoid(x[i])));
  vecmath::softplus_array(x.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], vecmath::softplus(x[i])));
  vecmath::log_sigmoid_array(x.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], -vecmath::softplus(-x[i])));
  vecmath::relu_array(x.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], x[i] < 0.0f ? 0.0f : x[i]));  // NaN kept
  std::vector<float> g(n);
  for (int64_t i = 0; i < n; ++i) g[i] = (float)(i % 7) - 3.0f;
  g[0] = NAN;  // a NaN gradient where x is below the threshold is masked, as in gy * [x > t]
  vecmath::step_mask_array(g.data(), x.data(), 0.5f, y.data(), n);
  for (int64_t i = 0; i < n; ++i) REQUIRE(same(y[i], x[i] > 0.5f ? g[i] : 0.0f));
}

TEST_CASE("vecmath::log1p_unit: the clamp that keeps s^2 out of the denormals changes no bits") {
  // The series without the clamp, for every e whose s = e / (2 + e) is below the clamp: there
  // p s^2 + 1 rounds to 1 whether s^2 is a denormal or 1e-20.
  auto unclamped = [](float e) {
    const float s = e / (2.0f + e), s2 = s * s;
    float p = 1.0f / 15.0f;
    for (float c : {1.0f / 13.0f, 1.0f / 11.0f, 1.0f / 9.0f, 1.0f / 7.0f, 1.0f / 5.0f, 1.0f / 3.0f})
      p = p * s2 + c;
    return 2.0f * s * (p * s2 + 1.0f);
  };
  for (float e = std::numeric_limits<float>::min(); e < 1e-8f; e *= 1.01f)
    REQUIRE(std::bit_cast<int32_t>(vecmath::log1p_unit(e)) == std::bit_cast<int32_t>(unclamped(e)));
  CHECK(std::isnan(vecmath::log1p_unit(NAN)));
  CHECK(vecmath::softplus(-50.0f) == vecmath::exp_nonpositive(-50.0f));  // log1p(e) = e here
}

TEST_CASE("ops exp, sigmoid, softplus, log_sigmoid: within a few ulp of libm in double") {
  const std::vector<float> xs = sweep(-80.0f, 80.0f, 0.00371f);  // ~43k: the parallel path
  const Tensor x = Tensor::from({(int64_t)xs.size()}, xs);
  const Tensor e = exp(x), s = sigmoid(x), sp = softplus(x), ls = log_sigmoid(x);
  int64_t worst_e = 0, worst_s = 0, worst_sp = 0, worst_ls = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double v = xs[i];
    const double sp_ref = std::max(v, 0.0) + std::log1p(std::exp(-std::fabs(v)));
    worst_e = std::max(worst_e, ulps(e.at(i), (float)std::exp(v)));
    worst_s = std::max(worst_s, ulps(s.at(i), (float)(1.0 / (1.0 + std::exp(-v)))));
    worst_sp = std::max(worst_sp, ulps(sp.at(i), (float)sp_ref));
    const double ls_ref = -(std::max(-v, 0.0) + std::log1p(std::exp(-std::fabs(v))));
    worst_ls = std::max(worst_ls, ulps(ls.at(i), (float)ls_ref));
  }
  CHECK(worst_e <= 2);
  CHECK(worst_s <= 4);
  CHECK(worst_sp <= 4);
  CHECK(worst_ls <= 4);
}
