// Reductions. Sums run in double and in a fixed order (kernels::ordered_sum, or one output
// per thread along an axis), so a loss over N*N terms keeps its digits and is bit-identical
// for any number of threads.
#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

int64_t normalize_axis(const char* op, const Tensor& x, int64_t axis) {
  const int64_t a = axis < 0 ? axis + x.dim() : axis;
  check(a >= 0 && a < x.dim(), op, ": axis ", axis, " out of range for shape ", x.shape_str());
  return a;
}

// View x as [outer, len, inner] around `axis`.
struct AxisView { int64_t outer = 1, len = 1, inner = 1; };
AxisView around(const Shape& s, int64_t axis) {
  AxisView v;
  for (int64_t k = 0; k < (int64_t)s.size(); ++k)
    (k < axis ? v.outer : k == axis ? v.len : v.inner) *= s[k];
  return v;
}

Shape reduced_shape(const Shape& s, int64_t axis, bool keepdim) {
  Shape out = s;
  if (keepdim) out[axis] = 1;
  else out.erase(out.begin() + axis);
  return out;
}

Tensor scaled_sum(const char* op, const Tensor& x, double scale) {
  const float* px = x.data();
  const double s = kernels::ordered_sum(x.numel(), [px](int64_t i) { return (double)px[i]; });
  Tensor y = Tensor::scalar((float)(s * scale));
  return record(op, y, {x}, [scale](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, Tensor::full(in[0].shape(), (float)(gy.item() * scale)));
  });
}

Tensor scaled_axis_sum(const char* op, const Tensor& x, int64_t axis, bool keepdim,
                       double scale) {
  axis = normalize_axis(op, x, axis);
  const AxisView v = around(x.shape(), axis);
  Tensor y = Tensor::empty(reduced_shape(x.shape(), axis, keepdim));
  const float* px = x.data();
  float* py = y.data();
  kernels::for_each_index(v.outer * v.inner, [&](int64_t k) {
    const int64_t o = k / v.inner, i = k % v.inner;
    double s = 0;
    for (int64_t l = 0; l < v.len; ++l) s += px[(o * v.len + l) * v.inner + i];
    py[k] = (float)(s * scale);
  });
  return record(op, y, {x}, [v, scale](const Tensor& gy, const Inputs& in, Grads& g) {
    // y[o, i] = scale * sum_l x[o, l, i]  =>  dx[o, l, i] = scale * dy[o, i]
    Tensor gx = Tensor::empty(in[0].shape());
    const float* pg = gy.data();
    float* out = gx.data();
    kernels::for_each_index(gx.numel(), [&](int64_t j) {
      const int64_t i = j % v.inner, o = j / (v.len * v.inner);
      out[j] = (float)(pg[o * v.inner + i] * scale);
    });
    g.add(0, gx);
  });
}

}  // namespace

// sum: y = sum_i x_i;  dy/dx_i = 1
Tensor sum(const Tensor& x) { return scaled_sum("sum", x, 1.0); }
// mean: y = sum_i x_i / n;  dy/dx_i = 1/n
Tensor mean(const Tensor& x) {
  check(x.numel() > 0, "mean: empty tensor of shape ", x.shape_str());
  return scaled_sum("mean", x, 1.0 / (double)x.numel());
}
// sum along an axis: y[o, i] = sum_l x[o, l, i];  dy/dx = 1 (broadcast back)
Tensor sum(const Tensor& x, int64_t axis, bool keepdim) {
  return scaled_axis_sum("sum_axis", x, axis, keepdim, 1.0);
}
Tensor mean(const Tensor& x, int64_t axis, bool keepdim) {
  const int64_t len = x.size(axis);
  check(len > 0, "mean: axis ", axis, " of shape ", x.shape_str(), " is empty");
  return scaled_axis_sum("mean_axis", x, axis, keepdim, 1.0 / (double)len);
}

}  // namespace vgrad
