// Elementwise unary ops. Each line gives y = f(x) and dL/dx written with vgrad ops, from gy,
// x and y (the op's own result, which the tape hands to the backward: exp's derivative is
// gy * y). Run untaped that is the first derivative; taped under create_graph it is
// differentiated again, so the same line gives every higher order.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "autograd/ops.h"
#include "autograd/parallel.h"
#include "autograd/vecmath.h"

namespace vgrad {
namespace {

// dL/dx from (dL/dy, x, y), in ops.
using Derivative = Tensor (*)(const Tensor& gy, const Tensor& x, const Tensor& y);

// f is y = f(x) per element, or an array kernel f(x, y, n) (vecmath.h's, at full width).
template <typename F>
Tensor unary(const char* op, const Tensor& x, F f, Derivative d) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  if constexpr (std::is_invocable_v<F, const float*, float*, int64_t>)
    kernels::for_each_block(x.numel(), [&](int64_t b, int64_t e) { f(px + b, py + b, e - b); });
  else
    kernels::for_each_index(x.numel(), [&](int64_t i) { py[i] = f(px[i]); });
  return record(op, y, {x}, [d](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, d(gy, in[0], g.output()));
  });
}

}  // namespace

// neg: y = -x;  dL/dx = -gy
Tensor neg(const Tensor& x) {
  return unary(
      "neg", x, [](float v) { return -v; },
      [](const Tensor& gy, const Tensor&, const Tensor&) { return neg(gy); });
}
// exp: y = e^x;  dL/dx = gy * y
Tensor exp(const Tensor& x) {
  return unary("exp", x, vecmath::exp_array,
               [](const Tensor& gy, const Tensor&, const Tensor& y) { return gy * y; });
}
// log: y = ln x;  dL/dx = gy / x   (x <= 0 gives -inf/NaN, as in every framework)
Tensor log(const Tensor& x) {
  return unary(
      "log", x, [](float v) { return std::log(v); },
      [](const Tensor& gy, const Tensor& x, const Tensor&) { return gy / x; });
}
// square: y = x^2;  dL/dx = gy * 2x
Tensor square(const Tensor& x) {
  return unary(
      "square", x, [](float v) { return v * v; },
      [](const Tensor& gy, const Tensor& x, const Tensor&) { return gy * (x * 2.0f); });
}
// sqrt: y = x^(1/2);  dL/dx = gy * 0.5 / y
Tensor sqrt(const Tensor& x) {
  return unary(
      "sqrt", x, [](float v) { return std::sqrt(v); },
      [](const Tensor& gy, const Tensor&, const Tensor& y) { return gy * 0.5f / y; });
}
// relu: y = max(x, 0);  dL/dx = gy where x > 0   (0 at the kink, as PyTorch). Written so
// that NaN passes through (NaN < 0 is false): a diverged run must not be silently repaired.
Tensor relu(const Tensor& x) {
  return unary(
      "relu", x, vecmath::relu_array,
      [](const Tensor& gy, const Tensor& x, const Tensor&) { return step_mask(gy, x, 0.0f); });
}
// sigmoid: y = 1 / (1 + e^-x);  dL/dx = gy * y (1 - y)
Tensor sigmoid(const Tensor& x) {
  return unary(
      "sigmoid", x, vecmath::sigmoid_array,
      [](const Tensor& gy, const Tensor&, const Tensor& y) { return gy * (y * (1.0f - y)); });
}
// tanh: y = tanh x;  dL/dx = gy * (1 - y^2)
Tensor tanh(const Tensor& x) {
  return unary(
      "tanh", x, [](float v) { return std::tanh(v); },
      [](const Tensor& gy, const Tensor&, const Tensor& y) { return gy * (1.0f - square(y)); });
}
// softplus: y = log(1 + e^x);  dL/dx = gy * sigmoid(x)
Tensor softplus(const Tensor& x) {
  return unary("softplus", x, vecmath::softplus_array,
               [](const Tensor& gy, const Tensor& x, const Tensor&) { return gy * sigmoid(x); });
}
// log_sigmoid: y = log sigmoid(x) = -softplus(-x);  dL/dx = gy * sigmoid(-x)
Tensor log_sigmoid(const Tensor& x) {
  return unary("log_sigmoid", x, vecmath::log_sigmoid_array,
               [](const Tensor& gy, const Tensor& x, const Tensor&) { return gy * sigmoid(-x); });
}

// step_mask: y = gy * [x > t];  dL/dgy = step_mask(dL/dy, x, t), dL/dx = 0 (piecewise
// constant in x). One pass where gy * step(x) would take two: relu's backward in the VAE.
Tensor step_mask(const Tensor& gy, const Tensor& x, float t) {
  check(gy.shape() == x.shape(), "step_mask: shapes differ: ", shape_of(gy), " and ", shape_of(x));
  Tensor y = Tensor::empty(x.shape());
  const float *pg = gy.data(), *px = x.data();
  float* py = y.data();
  kernels::for_each_block(x.numel(), [&](int64_t b, int64_t e) {
    vecmath::step_mask_array(pg + b, px + b, t, py + b, e - b);
  });
  return record("step_mask", y, {gy, x}, [t](const Tensor& gg, const Inputs& in, Grads& g) {
    g.add(0, step_mask(gg, in[1], t));
  });
}

// clamp_min: y = max(x, low);  dL/dx = gy where x > low
Tensor clamp_min(const Tensor& x, float low) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  kernels::for_each_index(x.numel(), [&](int64_t i) { py[i] = px[i] < low ? low : px[i]; });
  return record("clamp_min", y, {x}, [low](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, step_mask(gy, in[0], low));
  });
}

// dropout: y = x * m / (1 - p), m ~ Bernoulli(1 - p) drawn in order from rng;  dy/dx = m / (1 - p)
Tensor dropout(const Tensor& x, float p, bool train, Rng& rng) {
  check(p >= 0.0f && p < 1.0f, "dropout: p must be in [0, 1), got ", p);
  if (!train || p == 0.0f) return x;
  Tensor mask = Tensor::empty(x.shape());
  const float keep_scale = 1.0f / (1.0f - p);
  float* m = mask.data();
  for (int64_t i = 0; i < mask.numel(); ++i) m[i] = rng.uniform() >= p ? keep_scale : 0.0f;
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  kernels::for_each_index(x.numel(), [&](int64_t i) { py[i] = px[i] * m[i]; });
  return record("dropout", y, {x},
                [mask](const Tensor& gy, const Inputs&, Grads& g) { g.add(0, gy * mask); });
}

}  // namespace vgrad
