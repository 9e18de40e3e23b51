// Row gather and scatter-add by an index vector, each the other's derivative. GAT builds
// per-edge scores from per-node ones with them (index_select by the edges' rows and columns).
#include <cstring>

#include "autograd/ops.h"

namespace vgrad {
namespace {

// Values per row: everything after the first dimension.
int64_t row_width(const Tensor& x) {
  int64_t w = 1;
  for (int64_t k = 1; k < x.dim(); ++k) w *= x.size(k);
  return w;
}

}  // namespace

// index_select: y[k] = x[idx[k]];  dx = index_add(dy, idx, rows of x)
Tensor index_select(const Tensor& x, const IndexPtr& idx) {
  check(idx != nullptr, "index_select: the index is null");
  check(x.dim() >= 1, "index_select: x must have rows, got a 0-d tensor");
  const int64_t rows = x.size(0), w = row_width(x), k_count = (int64_t)idx->size();
  const int64_t* pi = idx->data();
  for (int64_t k = 0; k < k_count; ++k)
    check(pi[k] >= 0 && pi[k] < rows, "index_select: index ", k, " is ", pi[k], ", outside the ",
          rows, " rows of x ", x.shape_str());
  Shape out = x.shape();
  out[0] = k_count;
  Tensor y = Tensor::empty(out);
  const float* px = x.data();
  float* py = y.data();
#pragma omp parallel for schedule(static) if (k_count * w >= 32768)
  for (int64_t k = 0; k < k_count; ++k) std::memcpy(py + k * w, px + pi[k] * w, w * sizeof(float));
  return record("index_select", y, {x}, [idx](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, index_add(gy, idx, in[0].size(0)));
  });
}

// index_add: out[t] = sum_{k: idx[k] = t} src[k];  dsrc = index_select(dout, idx)
// The sources are grouped by target (a counting sort) and each target row is summed by one
// thread in k order: no atomics, the same bits for any thread count.
Tensor index_add(const Tensor& src, const IndexPtr& idx, int64_t n) {
  check(idx != nullptr, "index_add: the index is null");
  check(src.dim() >= 1 && src.size(0) == (int64_t)idx->size(), "index_add: src is ",
        src.shape_str(), " but the index has ", idx->size(), " entries: expected one per row");
  check(n >= 0, "index_add: negative number of rows ", n);
  const int64_t w = row_width(src), k_count = (int64_t)idx->size();
  const int64_t* pi = idx->data();
  std::vector<int64_t> start(n + 1, 0), order(k_count);
  for (int64_t k = 0; k < k_count; ++k) {
    check(pi[k] >= 0 && pi[k] < n, "index_add: index ", k, " is ", pi[k], ", outside the ", n,
          " target rows");
    start[pi[k] + 1]++;
  }
  for (int64_t t = 0; t < n; ++t) start[t + 1] += start[t];
  {
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    for (int64_t k = 0; k < k_count; ++k) order[next[pi[k]]++] = k;  // ascending k per target
  }
  Shape out = src.shape();
  out[0] = n;
  Tensor y = Tensor::empty(out);
  const float* ps = src.data();
  float* py = y.data();
#pragma omp parallel for schedule(dynamic, 64) if (k_count * w >= 32768)
  for (int64_t t = 0; t < n; ++t) {
    float* o = py + t * w;
    for (int64_t c = 0; c < w; ++c) o[c] = 0.0f;
    for (int64_t j = start[t]; j < start[t + 1]; ++j) {
      const float* s = ps + order[j] * w;
#pragma omp simd
      for (int64_t c = 0; c < w; ++c) o[c] += s[c];
    }
  }
  return record("index_add", y, {src}, [idx](const Tensor& gy, const Inputs&, Grads& g) {
    g.add(0, index_select(gy, idx));
  });
}

}  // namespace vgrad
