// Elementwise binary ops with numpy broadcasting. The forward maps both inputs onto the output
// shape; the backward reduces each gradient back to its input's shape with sum_to (the adjoint
// of broadcasting: a bias added to every row receives the sum of the rows' gradients).
#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

// Strides of `s` seen from the output shape `out`: 0 along broadcast dimensions.
std::vector<int64_t> broadcast_strides(const Shape& s, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  int64_t stride = 1;
  for (int64_t k = (int64_t)s.size() - 1; k >= 0; --k) {
    const int64_t ok = k + (int64_t)out.size() - (int64_t)s.size();
    st[ok] = s[k] == 1 ? 0 : stride;
    stride *= s[k];
  }
  return st;
}

// Calls f(out_index, a_offset, b_offset) for every output element; the last dimension is
// the inner loop so the common cases (same shape, row vector over rows) run unit-stride.
template <typename F>
void broadcast_loop(const Shape& out, const Shape& sa, const Shape& sb, F f) {
  const int64_t n = numel_of(out);
  if (n == 0) return;
  if (out.empty()) return f(0, 0, 0);
  const auto st_a = broadcast_strides(sa, out), st_b = broadcast_strides(sb, out);
  const int64_t d = (int64_t)out.size(), inner = out.back();
  const int64_t outer = n / inner, ia = st_a.back(), ib = st_b.back();
  // Same shapes: one flat loop. Otherwise the inner strides (0 or 1) become constants, so
  // the inner loop vectorises: with them as variables it ran scalar, and on VGAE's [N, 16]
  // tensors the broadcast muls of the KL and reparameterisation backward took 2% of the
  // Cora step. Every element still gets f on the same two values: the same bits.
  if (sa == out && sb == out) {
#pragma omp parallel for if (n >= kernels::kParallelMin) schedule(static)
    for (int64_t i = 0; i < n; ++i) f(i, i, i);
    return;
  }
#pragma omp parallel for if (n >= kernels::kParallelMin) schedule(static)
  for (int64_t o = 0; o < outer; ++o) {
    int64_t rem = o, off_a = 0, off_b = 0;
    for (int64_t k = d - 2; k >= 0; --k) {
      const int64_t idx = rem % out[k];
      rem /= out[k];
      off_a += idx * st_a[k];
      off_b += idx * st_b[k];
    }
    const int64_t base = o * inner;
    if (ia == 1 && ib == 1) {
      for (int64_t j = 0; j < inner; ++j) f(base + j, off_a + j, off_b + j);
    } else if (ia == 1 && ib == 0) {
      for (int64_t j = 0; j < inner; ++j) f(base + j, off_a + j, off_b);
    } else if (ia == 0 && ib == 1) {
      for (int64_t j = 0; j < inner; ++j) f(base + j, off_a, off_b + j);
    } else {
      for (int64_t j = 0; j < inner; ++j) f(base + j, off_a + j * ia, off_b + j * ib);
    }
  }
}

template <typename F>
Tensor map2(const char* op, const Tensor& a, const Tensor& b, F f) {
  Tensor y = Tensor::empty(broadcast_shape(op, a.shape(), b.shape()));
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  broadcast_loop(y.shape(), a.shape(), b.shape(),
                 [&](int64_t i, int64_t ja, int64_t jb) { py[i] = f(pa[ja], pb[jb]); });
  return y;
}

}  // namespace

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  const size_t d = std::max(a.size(), b.size());
  Shape out(d);
  for (size_t k = 0; k < d; ++k) {
    const int64_t da = k < d - a.size() ? 1 : a[k - (d - a.size())];
    const int64_t db = k < d - b.size() ? 1 : b[k - (d - b.size())];
    check(da == db || da == 1 || db == 1, op, ": shapes ", shape_of(a), " and ", shape_of(b),
          " cannot be broadcast together");
    out[k] = da == 1 ? db : da;
  }
  return out;
}

// sum_to: y = the sum of x over the dimensions that broadcasting to x's shape expanded;
// dL/dx = dL/dy broadcast back to x's shape.
Tensor sum_to(const Tensor& x, const Shape& shape) {
  check(broadcast_shape("sum_to", shape, x.shape()) == x.shape(), "sum_to: cannot reduce ",
        shape_of(x), " to ", shape_of(shape));
  if (shape == x.shape()) return x;
  auto backward = [](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, expand(gy, in[0].shape()));
  };
  // The common case, a bias gradient: `shape` is x's trailing dimensions (leading ones 1 or
  // absent), so the result is the column sums of x viewed as [rows, cols].
  const int64_t lead = x.dim() - (int64_t)shape.size();
  int64_t split = lead;  // x's dims before `split` are summed away, the rest kept whole
  while (split < x.dim() && shape[split - lead] == 1 && x.shape()[split] != 1) ++split;
  bool trailing = true;
  for (int64_t k = split; k < x.dim(); ++k) trailing = trailing && shape[k - lead] == x.shape()[k];
  if (trailing) {
    int64_t rows = 1;
    for (int64_t k = 0; k < split; ++k) rows *= x.shape()[k];
    Tensor y = Tensor::empty(shape);
    kernels::column_sums(x.data(), rows, y.numel(), 1.0, y.data());
    return record("sum_to", y, {x}, backward);
  }
  std::vector<double> acc(numel_of(shape), 0.0);
  const float* px = x.data();
  // Serial on purpose: several output indices collect from one row, and a fixed order makes
  // the result identical for any number of threads.
  const auto st = broadcast_strides(shape, x.shape());
  const int64_t n = x.numel(), d = x.dim();
  std::vector<int64_t> idx(d, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    acc[off] += px[i];
    for (int64_t k = d - 1; k >= 0; --k) {  // odometer step over x's index
      off += st[k];
      if (++idx[k] < x.shape()[k]) break;
      off -= st[k] * idx[k];
      idx[k] = 0;
    }
  }
  Tensor y = Tensor::empty(shape);
  for (size_t i = 0; i < acc.size(); ++i) y.at(i) = (float)acc[i];
  return record("sum_to", y, {x}, backward);
}

// expand: y = x broadcast to `shape` (numpy rules);  dL/dx = sum_to(dL/dy, x's shape)
Tensor expand(const Tensor& x, const Shape& shape) {
  check(broadcast_shape("expand", x.shape(), shape) == shape, "expand: cannot broadcast ",
        shape_of(x), " to ", shape_of(shape));
  if (shape == x.shape()) return x;
  Tensor y = Tensor::empty(shape);
  const float* px = x.data();
  float* py = y.data();
  broadcast_loop(shape, x.shape(), shape, [&](int64_t i, int64_t j, int64_t) { py[i] = px[j]; });
  return record("expand", y, {x}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, sum_to(gy, in[0].shape()));
  });
}

// add: y = a + b;  dy/da = 1, dy/db = 1
Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = map2("add", a, b, [](float p, float q) { return p + q; });
  return record("add", y, {a, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, sum_to(gy, in[0].shape()));
    if (g.wants(1)) g.add(1, sum_to(gy, in[1].shape()));
  });
}

// sub: y = a - b;  dy/da = 1, dy/db = -1
Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = map2("sub", a, b, [](float p, float q) { return p - q; });
  return record("sub", y, {a, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, sum_to(gy, in[0].shape()));
    if (g.wants(1)) g.add(1, sum_to(neg(gy), in[1].shape()));
  });
}

// mul: y = a * b;  dy/da = b, dy/db = a
Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = map2("mul", a, b, [](float p, float q) { return p * q; });
  return record("mul", y, {a, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, sum_to(mul(gy, in[1]), in[0].shape()));
    if (g.wants(1)) g.add(1, sum_to(mul(gy, in[0]), in[1].shape()));
  });
}

// div: y = a / b;  dy/da = 1/b, dy/db = -a/b^2 = -y/b
Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = map2("div", a, b, [](float p, float q) { return p / q; });
  return record("div", y, {a, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, sum_to(div(gy, in[1]), in[0].shape()));
    if (g.wants(1)) g.add(1, sum_to(neg(mul(gy, div(g.output(), in[1]))), in[1].shape()));
  });
}

// add with a constant: y = a + s;  dy/da = 1
Tensor add(const Tensor& a, float s) {
  Tensor y = Tensor::empty(a.shape());
  const float* pa = a.data();
  float* py = y.data();
  kernels::for_each_index(a.numel(), [&](int64_t i) { py[i] = pa[i] + s; });
  return record("add_scalar", y, {a},
                [](const Tensor& gy, const Inputs&, Grads& g) { g.add(0, gy); });
}

// mul by a constant: y = a * s;  dy/da = s
Tensor mul(const Tensor& a, float s) {
  Tensor y = Tensor::empty(a.shape());
  const float* pa = a.data();
  float* py = y.data();
  kernels::for_each_index(a.numel(), [&](int64_t i) { py[i] = pa[i] * s; });
  return record("mul_scalar", y, {a},
                [s](const Tensor& gy, const Inputs&, Grads& g) { g.add(0, mul(gy, s)); });
}

// rsub: y = s - a;  dy/da = -1
Tensor rsub(float s, const Tensor& a) { return add(neg(a), s); }

}  // namespace vgrad
