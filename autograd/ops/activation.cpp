// The activations graph attention uses: LeakyReLU for the scores, ELU between GAT layers.
// Their derivatives are written with ops on gy and the op's output, so create_graph can
// differentiate them again. The 0/1 masks below are piecewise constant in x (their own
// derivative is 0 away from the kink), so building them with a loop loses nothing.
#include <cmath>

#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

template <typename F>
Tensor map1(const Tensor& x, F f) {
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  float* py = y.data();
  kernels::for_each_index(x.numel(), [&](int64_t i) { py[i] = f(px[i]); });
  return y;
}

}  // namespace

// leaky_relu: y = x > 0 ? x : slope x;  dy/dx = x > 0 ? 1 : slope  (slope at the kink)
Tensor leaky_relu(const Tensor& x, float slope) {
  Tensor y = map1(x, [slope](float v) { return v > 0 ? v : slope * v; });
  return record("leaky_relu", y, {x}, [slope](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, gy * map1(in[0], [slope](float v) { return v > 0 ? 1.0f : slope; }));
  });
}

// elu: y = x > 0 ? x : e^x - 1;  dy/dx = x > 0 ? 1 : e^x = 1 + [x <= 0] y
Tensor elu(const Tensor& x) {
  Tensor y = map1(x, [](float v) { return v > 0 ? v : std::expm1(v); });
  return record("elu", y, {x}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor negative = map1(in[0], [](float v) { return v > 0 ? 0.0f : 1.0f; });
    g.add(0, gy * (negative * g.output() + 1.0f));
  });
}

}  // namespace vgrad
