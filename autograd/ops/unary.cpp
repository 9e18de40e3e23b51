// Elementwise unary ops. Each line gives y = f(x) and the local derivative dy/dx; the backward
// is dL/dx = dL/dy * f'(x), with f' recomputed from x (capturing y would tie the result to its
// own node, a reference cycle).
#include <cmath>

#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

template <typename F, typename DF>
Tensor unary(const char* op, const Tensor& x, F f, DF df) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
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

// Stable pieces: never exponentiate a large positive number.
inline float stable_sigmoid(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}
inline float stable_softplus(float x) {  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  return std::max(x, 0.0f) + std::log1p(std::exp(-std::fabs(x)));
}

}  // namespace

// neg: y = -x;  dy/dx = -1
Tensor neg(const Tensor& x) {
  return unary("neg", x, [](float v) { return -v; }, [](float) { return -1.0f; });
}
// exp: y = e^x;  dy/dx = e^x
Tensor exp(const Tensor& x) {
  return unary("exp", x, [](float v) { return std::exp(v); }, [](float v) { return std::exp(v); });
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
  return unary("sigmoid", x, stable_sigmoid, [](float v) {
    const float s = stable_sigmoid(v);
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
Tensor softplus(const Tensor& x) { return unary("softplus", x, stable_softplus, stable_sigmoid); }
// log_sigmoid: y = log sigmoid(x) = -softplus(-x);  dy/dx = sigmoid(-x)
Tensor log_sigmoid(const Tensor& x) {
  return unary("log_sigmoid", x, [](float v) { return -stable_softplus(-v); },
               [](float v) { return stable_sigmoid(-v); });
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
