// Elementwise unary ops. Each line gives y = f(x) and the local derivative dy/dx; the backward
// is dL/dx = dL/dy * f'(x), with f' recomputed from x (capturing y would tie the result to its
// own node, a reference cycle).
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "autograd/ops.h"
#include "autograd/parallel.h"
#include "autograd/vecmath.h"

namespace vgrad {
namespace {

// f(begin, end) over consecutive blocks of [0, n), in parallel when n is large: for the
// array kernels of vecmath.h, each compiled at the processor's width.
template <typename F>
void for_each_block(int64_t n, F f) {
  constexpr int64_t kBlock = 4096;
  if (n < kernels::kParallelMin) {
    if (n > 0) f(int64_t(0), n);
    return;
  }
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) f(b * kBlock, std::min(n, (b + 1) * kBlock));
}

// f is y = f(x) per element, or an array kernel f(x, y, n) (vecmath.h's, at full width).
template <typename F, typename DF>
Tensor unary(const char* op, const Tensor& x, F f, DF df) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  if constexpr (std::is_invocable_v<F, const float*, float*, int64_t>)
    for_each_block(x.numel(), [&](int64_t b, int64_t e) { f(px + b, py + b, e - b); });
  else
    kernels::for_each_index(x.numel(), [&](int64_t i) { py[i] = f(px[i]); });
  return record(op, y, {x}, [df](const Tensor& gy, const Inputs& in, Grads& g) {
    Tensor gx = Tensor::empty(in[0].shape());
    const float* pg = gy.data();
    const float* px = in[0].data();
    float* out = gx.data();
    kernels::for_each_index(gx.numel(), [&](int64_t i) { out[i] = pg[i] * df(px[i]); });
    g.add(0, gx);
  });
}

}  // namespace

// neg: y = -x;  dy/dx = -1
Tensor neg(const Tensor& x) {
  return unary("neg", x, [](float v) { return -v; }, [](float) { return -1.0f; });
}
// exp: y = e^x;  dy/dx = e^x
Tensor exp(const Tensor& x) {
  return unary("exp", x, vecmath::exp_array, [](float v) { return vecmath::exp(v); });
}
// log: y = ln x;  dy/dx = 1/x   (x <= 0 gives -inf/NaN, as in every framework)
Tensor log(const Tensor& x) {
  return unary("log", x, [](float v) { return std::log(v); }, [](float v) { return 1.0f / v; });
}
// square: y = x^2;  dy/dx = 2x
Tensor square(const Tensor& x) {
  return unary("square", x, [](float v) { return v * v; }, [](float v) { return 2.0f * v; });
}
// sqrt: y = x^(1/2);  dy/dx = 1 / (2 sqrt(x))
Tensor sqrt(const Tensor& x) {
  return unary("sqrt", x, [](float v) { return std::sqrt(v); },
               [](float v) { return 0.5f / std::sqrt(v); });
}
// relu: y = max(x, 0);  dy/dx = [x > 0]   (0 at the kink, as PyTorch). Written so that
// NaN passes through (NaN < 0 is false): a diverged run must not be silently repaired.
Tensor relu(const Tensor& x) {
  return unary("relu", x, [](float v) { return v < 0 ? 0.0f : v; },
               [](float v) { return v > 0 ? 1.0f : 0.0f; });
}
// sigmoid: y = 1 / (1 + e^-x);  dy/dx = y (1 - y)
Tensor sigmoid(const Tensor& x) {
  return unary("sigmoid", x, vecmath::sigmoid_array, [](float v) {
    const float s = vecmath::sigmoid(v);
    return s * (1.0f - s);
  });
}
// tanh: y = tanh x;  dy/dx = 1 - y^2
Tensor tanh(const Tensor& x) {
  return unary("tanh", x, [](float v) { return std::tanh(v); }, [](float v) {
    const float t = std::tanh(v);
    return 1.0f - t * t;
  });
}
// softplus: y = log(1 + e^x);  dy/dx = sigmoid(x)
Tensor softplus(const Tensor& x) {
  return unary("softplus", x, vecmath::softplus_array, vecmath::sigmoid);
}
// log_sigmoid: y = log sigmoid(x) = -softplus(-x);  dy/dx = sigmoid(-x)
Tensor log_sigmoid(const Tensor& x) {
  return unary("log_sigmoid", x, vecmath::log_sigmoid_array,
               [](float v) { return vecmath::sigmoid(-v); });
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
  return record("dropout", y, {x}, [mask](const Tensor& gy, const Inputs& in, Grads& g) {
    Tensor gx = Tensor::empty(in[0].shape());
    const float* pg = gy.data();
    const float* pm = mask.data();
    float* out = gx.data();
    kernels::for_each_index(gx.numel(), [&](int64_t i) { out[i] = pg[i] * pm[i]; });
    g.add(0, gx);
  });
}

}  // namespace vgrad
