#include <doctest/doctest.h>

#include <cmath>

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
