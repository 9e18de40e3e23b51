// Ops over the edges of a CSR pattern: spmm with values that learn, sddmm (per-edge dot
// products) and the softmax over a node's edges, which together are graph attention. Every
// kernel runs over rows (OpenMP, dynamic: degrees are skewed); each output element is summed
// by one thread in CSR order, so results do not depend on the thread count. O(E * H * D).
#include <cmath>

#include "autograd/ops.h"

namespace vgrad {
namespace {

// Heads of a per-edge tensor: [E] -> 1, [E, H] -> H; its shape is checked against the pattern.
int64_t edge_heads(const char* op, const CsrPtr& p, const Tensor& v, const char* what) {
  check(p != nullptr, op, ": the pattern is null");
  const bool ok = (v.dim() == 1 || v.dim() == 2) && v.size(0) == p->nnz();
  check(ok, op, ": ", what, " are ", v.shape_str(), " but the pattern is ", p->shape_str(),
        ": expected [", p->nnz(), "] or [", p->nnz(), ", heads]");
  return v.dim() == 1 ? 1 : v.size(1);
}

// Node tensors split into `heads` column blocks of width D.
int64_t head_width(const char* op, const Tensor& x, int64_t heads, const char* what) {
  check(x.dim() == 2, op, ": ", what, " must be 2-D [nodes, heads*D], got ", x.shape_str());
  check(heads >= 1 && x.cols() % heads == 0, op, ": ", what, " is ", x.shape_str(), ", whose ",
        x.cols(), " columns do not split into ", heads, " heads");
  return x.cols() / heads;
}

constexpr int64_t kRowsPerTask = 32;

}  // namespace

// spmm: Y[i, h] = sum_e in row i  v[e, h] X[col(e), h]   (X, Y viewed [., H, D]).
//   dv[e, h] = dY[row(e), h] . X[col(e), h]             = sddmm(P, dY, X)
//   dX[j, h] = sum_e in column j  v[e, h] dY[row(e), h] = spmm(P^T, v in P^T's order, dY)
Tensor spmm(const CsrPtr& pattern, const Tensor& values, const Tensor& x) {
  const int64_t heads = edge_heads("spmm", pattern, values, "values");
  const int64_t d = head_width("spmm", x, heads, "X");
  check(pattern->cols() == x.rows(), "spmm: the pattern is ", pattern->shape_str(), " but X is ",
        x.shape_str(), ": X needs ", pattern->cols(), " rows");
  const int64_t n = pattern->rows(), width = x.cols();
  Tensor y = Tensor::empty({n, width});
  const auto& rp = pattern->row_ptr();
  const int32_t* ci = pattern->col_idx().data();
  const float *pv = values.data(), *px = x.data();
  float* py = y.data();
#pragma omp parallel for schedule(dynamic, kRowsPerTask) if (pattern->nnz() * width >= 32768)
  for (int64_t i = 0; i < n; ++i) {
    float* o = py + i * width;
    for (int64_t c = 0; c < width; ++c) o[c] = 0.0f;
    for (int64_t e = rp[i]; e < rp[i + 1]; ++e) {
      const float* xr = px + (int64_t)ci[e] * width;
      for (int64_t h = 0; h < heads; ++h) {
        const float w = pv[e * heads + h];
#pragma omp simd
        for (int64_t c = h * d; c < (h + 1) * d; ++c) o[c] += w * xr[c];
      }
    }
  }
  const int64_t sd_heads = values.dim() == 1 ? 0 : heads;
  return record("spmm_values", y, {values, x},
                [pattern, sd_heads](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, sddmm(pattern, gy, in[1], sd_heads));
    if (g.wants(1)) {
      const Csr::EdgeTranspose& t = pattern->edge_transpose();
      g.add(1, spmm(t.pattern, index_select(in[0], t.edge_order), gy));
    }
  });
}

// sddmm: s[e, h] = A[row(e), h] . B[col(e), h]
//   dA[i, h] = sum_e in row i  ds[e, h] B[col(e), h]   = spmm(P, ds, B)
//   dB[j, h] = sum_e in column j  ds[e, h] A[row(e), h] = spmm(P^T, ds in P^T's order, A)
Tensor sddmm(const CsrPtr& pattern, const Tensor& a, const Tensor& b, int64_t heads) {
  check(pattern != nullptr, "sddmm: the pattern is null");
  check(heads >= 0, "sddmm: heads must be 0 (one, result [E]) or more, got ", heads);
  const int64_t h_count = std::max<int64_t>(heads, 1);
  const int64_t d = head_width("sddmm", a, h_count, "A");
  head_width("sddmm", b, h_count, "B");
  check(a.rows() == pattern->rows() && b.rows() == pattern->cols() && a.cols() == b.cols(),
        "sddmm: the pattern is ", pattern->shape_str(), " but A is ", a.shape_str(), " and B is ",
        b.shape_str(), ": expected A [", pattern->rows(), ", k] and B [", pattern->cols(), ", k]");
  const int64_t e_count = pattern->nnz(), width = a.cols();
  Tensor s = heads == 0 ? Tensor::empty({e_count}) : Tensor::empty({e_count, heads});
  const auto& rp = pattern->row_ptr();
  const int32_t* ci = pattern->col_idx().data();
  const float *pa = a.data(), *pb = b.data();
  float* ps = s.data();
  const int64_t n = pattern->rows();
#pragma omp parallel for schedule(dynamic, kRowsPerTask) if (e_count * width >= 32768)
  for (int64_t i = 0; i < n; ++i) {
    const float* ar = pa + i * width;
    for (int64_t e = rp[i]; e < rp[i + 1]; ++e) {
      const float* br = pb + (int64_t)ci[e] * width;
      for (int64_t h = 0; h < h_count; ++h) {
        double acc = 0;
        for (int64_t c = h * d; c < (h + 1) * d; ++c) acc += (double)ar[c] * br[c];
        ps[e * h_count + h] = (float)acc;
      }
    }
  }
  return record("sddmm", s, {a, b}, [pattern](const Tensor& gs, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, spmm(pattern, gs, in[1]));
    if (g.wants(1)) {
      const Csr::EdgeTranspose& t = pattern->edge_transpose();
      g.add(1, spmm(t.pattern, index_select(gs, t.edge_order), in[0]));
    }
  });
}

// edge_row_sum: r[i, h] = sum_e in row i  v[e, h];  dv[e, h] = dr[row(e), h]
Tensor edge_row_sum(const CsrPtr& pattern, const Tensor& v) {
  const int64_t heads = edge_heads("edge_row_sum", pattern, v, "values");
  const int64_t n = pattern->rows();
  Tensor r = v.dim() == 1 ? Tensor::empty({n}) : Tensor::empty({n, heads});
  const auto& rp = pattern->row_ptr();
  const float* pv = v.data();
  float* pr = r.data();
#pragma omp parallel for schedule(dynamic, kRowsPerTask) if (v.numel() >= 32768)
  for (int64_t i = 0; i < n; ++i)
    for (int64_t h = 0; h < heads; ++h) {
      double acc = 0;
      for (int64_t e = rp[i]; e < rp[i + 1]; ++e) acc += pv[e * heads + h];
      pr[i * heads + h] = (float)acc;
    }
  return record("edge_row_sum", r, {v}, [pattern](const Tensor& gr, const Inputs&, Grads& g) {
    g.add(0, edge_broadcast(pattern, gr));
  });
}

// edge_broadcast: v[e, h] = r[row(e), h];  dr[i, h] = sum_e in row i  dv[e, h]
Tensor edge_broadcast(const CsrPtr& pattern, const Tensor& r) {
  check(pattern != nullptr, "edge_broadcast: the pattern is null");
  check((r.dim() == 1 || r.dim() == 2) && r.size(0) == pattern->rows(),
        "edge_broadcast: ", "row values are ", r.shape_str(), " but the pattern is ",
        pattern->shape_str(), ": expected [", pattern->rows(), "] or [", pattern->rows(),
        ", heads]");
  const int64_t heads = r.dim() == 1 ? 1 : r.size(1), n = pattern->rows();
  Tensor v =
      r.dim() == 1 ? Tensor::empty({pattern->nnz()}) : Tensor::empty({pattern->nnz(), heads});
  const auto& rp = pattern->row_ptr();
  const float* pr = r.data();
  float* pv = v.data();
#pragma omp parallel for schedule(dynamic, kRowsPerTask) if (v.numel() >= 32768)
  for (int64_t i = 0; i < n; ++i)
    for (int64_t e = rp[i]; e < rp[i + 1]; ++e)
      for (int64_t h = 0; h < heads; ++h) pv[e * heads + h] = pr[i * heads + h];
  return record("edge_broadcast", v, {r}, [pattern](const Tensor& gv, const Inputs&, Grads& g) {
    g.add(0, edge_row_sum(pattern, gv));
  });
}

// edge_softmax: y[e, h] = exp(s[e, h] - m[i, h]) / sum_e' in row i exp(s[e', h] - m[i, h]),
// m the row's max (only for stability: it cancels). The Jacobian of a softmax is
// diag(y) - y y^T, so ds = y * (dy - sum_row(y * dy)), written with ops so it has its own
// derivative; y is the op's output (g.output()), never recomputed.
Tensor edge_softmax(const CsrPtr& pattern, const Tensor& scores) {
  const int64_t heads = edge_heads("edge_softmax", pattern, scores, "scores");
  const int64_t n = pattern->rows();
  Tensor y = Tensor::empty(scores.shape());
  const auto& rp = pattern->row_ptr();
  const float* ps = scores.data();
  float* py = y.data();
#pragma omp parallel for schedule(dynamic, kRowsPerTask) if (scores.numel() >= 32768)
  for (int64_t i = 0; i < n; ++i)
    for (int64_t h = 0; h < heads; ++h) {
      float m = -INFINITY;
      for (int64_t e = rp[i]; e < rp[i + 1]; ++e) m = std::max(m, ps[e * heads + h]);
      double total = 0;
      for (int64_t e = rp[i]; e < rp[i + 1]; ++e) {
        const float z = std::exp(ps[e * heads + h] - m);
        py[e * heads + h] = z;
        total += z;
      }
      const float inv = (float)(1.0 / total);
      for (int64_t e = rp[i]; e < rp[i + 1]; ++e) py[e * heads + h] *= inv;
    }
  return record("edge_softmax", y, {scores}, [pattern](const Tensor& gy, const Inputs&, Grads& g) {
    const Tensor& y = g.output();
    g.add(0, y * (gy - edge_broadcast(pattern, edge_row_sum(pattern, y * gy))));
  });
}

}  // namespace vgrad
