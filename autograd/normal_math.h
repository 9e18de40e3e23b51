// Box-Muller in double without libm, so that drawing normals vectorises: the VGAE draws one
// normal per latent entry per step, and libm's scalar log, sin and cos cost about 25 ns per
// normal (1.3 ms of Cora's 8 ms step, 9 ms of Pubmed's). The kernels are fdlibm's (musl's
// log and __kernel_sin / __kernel_cos, under 1 ulp in double); the results are rounded to
// float, so they give libm's floats except when the exact value lies within a few double
// ulp of a float rounding boundary (tests/test_random.cpp counts them against libm).
#pragma once
#include <bit>
#include <cstdint>

namespace vgrad::normal_math {

// log(x) for x a positive normal double (musl's log, the table-free version).
inline double log_positive(double x) {
  uint64_t ix = std::bit_cast<uint64_t>(x);
  // Scale x into [sqrt(2)/2, sqrt(2)): k is its power of two, m = x / 2^k.
  ix += 0x3ff0000000000000ULL - 0x3fe6a09e667f3bcdULL;
  const uint64_t kb = ix >> 52;  // k + 1023, in [0, 2047]
  // k as a double through the 2^52 trick (AVX2 has no int64 -> double conversion)
  const double k =
      std::bit_cast<double>(kb | 0x4330000000000000ULL) - (4503599627370496.0 + 1023.0);
  const double m = std::bit_cast<double>((ix & 0x000fffffffffffffULL) + 0x3fe6a09e667f3bcdULL);
  const double f = m - 1.0, hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
  const double t1 = w * (3.999999999940941908e-01 +
                         w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 = z * (6.666666666666735130e-01 +
                         w * (2.857142874366239149e-01 +
                              w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double r = t2 + t1;
  return s * (hfsq + r) + k * 1.90821492927058770002e-10 - hfsq + f +
         k * 6.93147180369123816490e-01;
}

// sin and cos of a in [-pi/4, pi/4] (fdlibm's kernels with a zero tail).
inline double sin_kernel(double a) {
  const double z = a * a, v = z * a;
  const double r = 8.33333333332248946124e-03 +
                   z * (-1.98412698298579493134e-04 +
                        z * (2.75573137070700676789e-06 +
                             z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  return a + v * (-1.66666666666666324348e-01 + z * r);
}
inline double cos_kernel(double a) {
  const double z = a * a, w = z * z;
  const double r = z * (4.16666666666666019037e-02 +
                        z * (-1.38888888888741095749e-03 + z * 2.48015872894767294178e-05)) +
                   w * w *
                       (-2.75573143513906633035e-07 +
                        z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11));
  const double hz = 0.5 * z, one_minus = 1.0 - hz;
  return one_minus + (((1.0 - one_minus) - hz) + z * r);
}

// The two Box-Muller normals of u1 in (0, 1] and u2 in [0, 1):
//   sqrt(-2 log u1) cos(2 pi u2)  and  sqrt(-2 log u1) sin(2 pi u2).
// The angle is reduced on u2 itself, exactly: 2 pi u2 = q pi/2 + 2 pi t, q = round(4 u2),
// t = u2 - q/4 in [-1/8, 1/8]; no branches, so the loop over pairs vectorises.
inline void box_muller(double u1, double u2, float& c, float& s) {
  const double shifted = u2 * 4.0 + 6755399441055744.0;  // 1.5 * 2^52: rounds to an integer
  const int64_t q = (int64_t)(std::bit_cast<uint64_t>(shifted) & 7);  // round(4 u2) in [0, 4]
  const double t = u2 - (shifted - 6755399441055744.0) * 0.25;
  const double a = t * 6.28318530717958647692;
  const double sa = sin_kernel(a), ca = cos_kernel(a);
  // quadrant q: cos = (c, -s, -c, s), sin = (s, c, -s, -c)
  const bool swap = (q & 1) != 0;
  double cq = swap ? sa : ca, sq = swap ? ca : sa;
  cq = ((q + 1) & 2) != 0 ? -cq : cq;
  sq = (q & 2) != 0 ? -sq : sq;
  const double r = __builtin_sqrt(-2.0 * log_positive(u1));
  c = (float)(r * cq);
  s = (float)(r * sq);
}

}  // namespace vgrad::normal_math
