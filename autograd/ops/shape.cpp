// Ops that move values without arithmetic: transpose, reshape, concat and slice.
#include <cstring>

#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {

// transpose: y[j, i] = x[i, j];  dx = dy^T
Tensor transpose(const Tensor& x) {
  check(x.dim() == 2, "transpose: expected a 2-D tensor, got ", x.shape_str());
  const int64_t r = x.rows(), c = x.cols();
  Tensor y = Tensor::empty({c, r});
  const float* px = x.data();
  float* py = y.data();
  kernels::for_each_index(r * c, [&](int64_t k) { py[(k % c) * r + k / c] = px[k]; });
  return record("transpose", y, {x},
                [](const Tensor& gy, const Inputs&, Grads& g) { g.add(0, transpose(gy)); });
}

// reshape: same values, new shape (one dimension may be -1);  dx = dy reshaped back
Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape s = shape;
  int64_t known = 1, infer = -1;
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == -1) {
      check(infer < 0, "reshape: more than one -1 in ", shape_str(shape));
      infer = (int64_t)k;
    } else {
      check(s[k] >= 0, "reshape: bad size in ", shape_str(shape));
      known *= s[k];
    }
  }
  if (infer >= 0) {
    check(known > 0 && x.numel() % known == 0, "reshape: cannot reshape ", x.shape_str(), " to ",
          shape_str(shape));
    s[infer] = x.numel() / known;
  }
  check(numel_of(s) == x.numel(), "reshape: cannot reshape ", x.shape_str(), " (", x.numel(),
        " values) to ", shape_str(shape));
  Tensor y = x.clone();
  y.impl().shape = s;
  return record("reshape", y, {x}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, reshape(gy, in[0].shape()));
  });
}

// concat along the last axis: y = [x_0 | x_1 | ...];  dx_k = the matching columns of dy
Tensor concat(const std::vector<Tensor>& parts) {
  check(!parts.empty(), "concat: no tensors given");
  Shape lead = parts[0].shape();
  check(!lead.empty(), "concat: 0-d tensors have no last axis");
  lead.pop_back();
  int64_t width = 0;
  for (const Tensor& p : parts) {
    Shape l = p.shape();
    check(!l.empty(), "concat: 0-d tensors have no last axis");
    l.pop_back();
    check(l == lead, "concat: shapes ", parts[0].shape_str(), " and ", p.shape_str(),
          " differ before the last axis");
    width += p.cols();
  }
  Shape out = lead;
  out.push_back(width);
  Tensor y = Tensor::empty(out);
  const int64_t rows = numel_of(lead);
  int64_t col = 0;
  for (const Tensor& p : parts) {
    const int64_t w = p.cols();
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(y.data() + r * width + col, p.data() + r * w, w * sizeof(float));
    col += w;
  }
  return record("concat", y, parts, [](const Tensor& gy, const Inputs& in, Grads& g) {
    int64_t begin = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const int64_t w = in[k].cols();
      if (g.wants(k)) g.add(k, slice(gy, begin, begin + w));
      begin += w;
    }
  });
}

// slice along the last axis: y = x[..., begin:end];  dx = dy in those columns, 0 elsewhere
Tensor slice(const Tensor& x, int64_t begin, int64_t end) {
  check(x.dim() >= 1, "slice: 0-d tensors have no last axis");
  const int64_t width = x.cols();
  check(0 <= begin && begin <= end && end <= width, "slice: [", begin, ", ", end,
        ") out of range for shape ", x.shape_str());
  Shape out = x.shape();
  out.back() = end - begin;
  Tensor y = Tensor::empty(out);
  const int64_t rows = x.numel() / std::max<int64_t>(width, 1), w = end - begin;
  if (width > 0)
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(y.data() + r * w, x.data() + r * width + begin, w * sizeof(float));
  return record("slice", y, {x}, [begin, width](const Tensor& gy, const Inputs&, Grads& g) {
    g.add(0, pad(gy, begin, width));
  });
}

// pad along the last axis: y = [0 | x | 0], x at columns begin..;  dx = dy's columns of x
Tensor pad(const Tensor& x, int64_t begin, int64_t width) {
  check(x.dim() >= 1, "pad: 0-d tensors have no last axis");
  const int64_t w = x.cols();
  check(0 <= begin && begin + w <= width, "pad: ", x.shape_str(), " at column ", begin,
        " does not fit in width ", width);
  Shape out = x.shape();
  out.back() = width;
  Tensor y = Tensor::zeros(out);
  const int64_t rows = w > 0 ? x.numel() / w : 0;
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(y.data() + r * width + begin, x.data() + r * w, w * sizeof(float));
  return record("pad", y, {x}, [begin, w](const Tensor& gy, const Inputs&, Grads& g) {
    g.add(0, slice(gy, begin, begin + w));
  });
}

}  // namespace vgrad
