// Reductions. Sums run in double and in a fixed order (kernels::ordered_sum, or one output
// per thread along an axis), so a loss over N*N terms keeps its digits and is bit-identical
// for any number of threads.
#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

int64_t normalize_axis(const char* op, const Tensor& x, int64_t axis) {
  const int64_t a = axis < 0 ? axis + x.dim() : axis;
  check(a >= 0 && a < x.dim(), op, ": axis ", axis, " out of range for shape ", shape_of(x));
  return a;
}

// View x as [outer, len, inner] around `axis`.
struct AxisView {
  int64_t outer = 1, len = 1, inner = 1;
};
AxisView around(const Shape& s, int64_t axis) {
  AxisView v;
  for (int64_t k = 0; k < (int64_t)s.size(); ++k)
    (k < axis ? v.outer : k == axis ? v.len : v.inner) *= s[k];
  return v;
}

Shape reduced_shape(const Shape& s, int64_t axis, bool keepdim) {
  Shape out = s;
  if (keepdim)
    out[axis] = 1;
  else
    out.erase(out.begin() + axis);
  return out;
}

Tensor scaled_sum(const char* op, const Tensor& x, double scale) {
  const float* px = x.data();
  const double s = kernels::ordered_sum(x.numel(), [px](int64_t i) { return (double)px[i]; });
  Tensor y = Tensor::scalar((float)(s * scale));
  // dL/dx_i = scale * gy: gy broadcast to x's shape.
  return record(op, y, {x}, [scale](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, expand(scale == 1.0 ? gy : gy * (float)scale, in[0].shape()));
  });
}

Tensor scaled_axis_sum(const char* op, const Tensor& x, int64_t axis, bool keepdim, double scale) {
  axis = normalize_axis(op, x, axis);
  const AxisView v = around(x.shape(), axis);
  Tensor y = Tensor::empty(reduced_shape(x.shape(), axis, keepdim));
  const float* px = x.data();
  float* py = y.data();
  if (v.outer == 1 && v.inner > 1) {
    // Down the rows of a [len, inner] matrix (a bias gradient): the column-sum kernel reads
    // unit-stride and sums each column in row order, as the loop below would.
    kernels::column_sums(px, v.len, v.inner, scale, py);
  } else {
    kernels::for_each_index(v.outer * v.inner, [&](int64_t k) {
      const int64_t o = k / v.inner, i = k % v.inner;
      double s = 0;
      for (int64_t l = 0; l < v.len; ++l) s += px[(o * v.len + l) * v.inner + i];
      py[k] = (float)(s * scale);
    });
  }
  Shape kept = x.shape();
  kept[axis] = 1;
  // y[o, i] = scale * sum_l x[o, l, i]  =>  dL/dx[o, l, i] = scale * gy[o, i], i.e. gy with
  // the summed axis put back as size 1, broadcast along it.
  return record(op, y, {x}, [kept, scale](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor gk = reshape(gy, kept);
    g.add(0, expand(scale == 1.0 ? gk : gk * (float)scale, in[0].shape()));
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
