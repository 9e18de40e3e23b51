// The array forms of vecmath.h. target_clones builds each loop twice, for AVX-512F and for
// the baseline the Makefile compiles for (AVX2 + FMA), and the loader picks one by cpuid, so
// the binary still runs on AVX2-only machines. The AVX-512 copies use zmm registers (16
// floats), checked with `objdump -d build/autograd/vecmath.o | grep zmm`.
#include "autograd/vecmath.h"

namespace vgrad::vecmath {

#define VGRAD_WIDE __attribute__((target_clones("avx512f", "default")))

VGRAD_WIDE void exp_array(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = exp(x[i]);
}

VGRAD_WIDE void sigmoid_array(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = sigmoid(x[i]);
}

VGRAD_WIDE void softplus_array(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = softplus(x[i]);
}

VGRAD_WIDE void log_sigmoid_array(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = -softplus(-x[i]);
}

VGRAD_WIDE void relu_array(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

VGRAD_WIDE void step_mask_array(const float* g, const float* x, float t, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];  // loaded unconditionally: a select, not a branch
    y[i] = x[i] > t ? gi : 0.0f;
  }
}

}  // namespace vgrad::vecmath
