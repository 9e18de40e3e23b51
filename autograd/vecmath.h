// Branch-free float exp and log1p that g++ vectorises (glibc's vector math is only declared
// under -ffast-math, and a scalar expf call per element would dominate the all-pairs GAE
// loss: Pubmed has 389 million node pairs per epoch). Both are within a few ulp of libm on
// the ranges used here; tests/test_vecmath.cpp checks that against std::exp and std::log1p.
// These are the project's one stable sigmoid and softplus (the ops, the losses and the fused
// decoder all use them). The array forms at the end run at the processor's full width.
#pragma once
#include <bit>
#include <cstdint>

namespace vgrad::vecmath {

// e^x = 2^n e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2] (Cody-Waite
// split); returns e^r and sets n. Adding and subtracting 1.5 * 2^23 rounds to the nearest
// integer without a libm call. Shared by both exps below, which differ only in how they
// apply 2^n.
inline float exp_reduced(float x, float& n) {
  n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  // Cephes expf polynomial for e^r - 1 - r on that interval.
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return p * r * r + r + 1.0f;
}

// e^x for x in [-87, 0] (the losses only need e^-|v|); below -87 it returns 0.
// exp_reduced's rounding leaves n + 2^22 in the low mantissa bits of x / ln 2 + 1.5 * 2^23:
// rebiased to n + 127 and shifted into the exponent field, that is 2^n without a float to
// int conversion (the same bits as ((int)n + 127) << 23, one instruction fewer in the
// decoder's hottest loop: about 8% of negatives_pass).
inline float exp_nonpositive(float x) {
  x = x < -87.0f ? -87.0f : x;
  float n;
  const float er = exp_reduced(x, n);
  const float shifted = x * 1.44269504088896341f + 12582912.0f;  // exp_reduced's, CSE'd
  const uint32_t bits = (std::bit_cast<uint32_t>(shifted) + (127u - 0x400000u)) << 23;
  return er * std::bit_cast<float>(bits);  // 2^n as a float, n in [-126, 0]
}

// e^x over the whole float range: +inf above 88.72, NaN for NaN, 0 below -103.9 (libm
// gives denormals down to -103.3; below that both are 0). 2^n is applied as two factors
// 2^(n/2) 2^(n - n/2) so that n = 128 (x near 88.7, where e^x is still finite) and the
// denormal range (n down to -150) need no special case.
inline float exp(float x) {
  x = x < -104.0f ? -104.0f : x;  // a NaN fails both tests and flows through
  x = x > 89.0f ? 89.0f : x;
  float n;
  const float er = exp_reduced(x, n);
  const int32_t k = (int32_t)n, half = k >> 1;  // k in [-150, 129]: both factors normal
  const float s1 = std::bit_cast<float>((half + 127) << 23);
  const float s2 = std::bit_cast<float>((k - half + 127) << 23);
  return x != x ? x : er * s1 * s2;
}

// log(1 + e) for e in [0, 1]: 2 atanh(s) with s = e / (2 + e) in [0, 1/3], summed as an odd
// series. No cancellation for tiny e, unlike log(1.0f + e).
// s^2 is taken of s clamped at 1e-10: below that p s^2 + 1 rounds to 1 either way (the same
// bits), but s^2 itself would be a denormal for s near 1e-22 (softplus(-50)), and each
// denormal result costs a microcode assist: 25 ns an element instead of 0.8 on the MNIST
// VAE's confident background pixels.
inline float log1p_unit(float e) {
  // The clamp is an integer max of the bit patterns (s >= 0, so they order as the floats
  // do): a float ?: select, g++ rewrites as s < 1e-10 ? 1e-20 : s * s, which computes the
  // denormal again, and fmaxf does not vectorise.
  const float s = e / (2.0f + e);
  const int32_t bits = std::bit_cast<int32_t>(s), floor_bits = std::bit_cast<int32_t>(1e-10f);
  const float sc = std::bit_cast<float>(bits > floor_bits ? bits : floor_bits), s2 = sc * sc;
  float p = 1.0f / 15.0f;
  p = p * s2 + 1.0f / 13.0f;
  p = p * s2 + 1.0f / 11.0f;
  p = p * s2 + 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 1.0f / 5.0f;
  p = p * s2 + 1.0f / 3.0f;
  return 2.0f * s * (p * s2 + 1.0f);
}

// softplus(v) = log(1 + e^v) = max(v, 0) + log1p(e^-|v|)
inline float softplus(float v) {
  return (v > 0.0f ? v : 0.0f) + log1p_unit(exp_nonpositive(-__builtin_fabsf(v)));
}

// sigmoid(v) = 1 / (1 + e^-v), written with e^-|v| so nothing overflows.
inline float sigmoid(float v) {
  const float e = exp_nonpositive(-__builtin_fabsf(v));
  const float inv = 1.0f / (1.0f + e);
  return v >= 0.0f ? inv : e * inv;
}

// y[i] = f(x[i]) for i < n, the loops compiled twice (AVX-512 and the build's baseline, AVX2)
// and chosen at load time by cpuid (autograd/vecmath.cpp). Each element gets the same
// arithmetic as the scalar function above, so both paths give the scalar function's bits.
void exp_array(const float* x, float* y, int64_t n);
void sigmoid_array(const float* x, float* y, int64_t n);
void softplus_array(const float* x, float* y, int64_t n);
void log_sigmoid_array(const float* x, float* y, int64_t n);  // -softplus(-x)
// relu: y = x < 0 ? 0 : x (NaN passes through), and its derivative's mask, y = x > t ? g : 0.
// Written as selects of loaded values, so they compile to compares and blends: as branches
// on the sign of half-random activations, relu's backward cost 6 ns an element (mispredicts).
void relu_array(const float* x, float* y, int64_t n);
void step_mask_array(const float* g, const float* x, float t, float* y, int64_t n);

}  // namespace vgrad::vecmath
