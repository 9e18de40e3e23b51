// Dense matrix product through kernels::sgemm (OpenBLAS or oneDNN, autograd/blas.h).
// Transposes are sgemm flags, never copies.
#include <algorithm>

#include "autograd/blas.h"
#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

// C = op(A) op(B) into a new [M, N] tensor, op(X) = X^T when the flag is set.
Tensor gemm(bool ta, bool tb, const Tensor& a, const Tensor& b) {
  const int64_t m = ta ? a.cols() : a.rows(), k = ta ? a.rows() : a.cols();
  const int64_t n = tb ? b.rows() : b.cols();
  Tensor c = Tensor::empty({m, n});
  if (m == 0 || n == 0) return c;
  if (k == 0) return Tensor::zeros({m, n});
  kernels::sgemm(ta, tb, m, n, k, 1.0f, a.data(), a.cols(), b.data(), b.cols(), 0.0f, c.data(), n);
  return c;
}

}  // namespace

// matmul: C = op(A) op(B).  With C = A B: dA = dC B^T, dB = A^T dC; the flags fold into
// the same two products (cs231n's "dimension analysis": each gradient has its input's shape).
Tensor matmul(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  check(a.dim() == 2 && b.dim() == 2, "matmul: expected 2-D tensors, got ", shape_of(a), " and ",
        shape_of(b));
  const int64_t ka = ta ? a.rows() : a.cols(), kb = tb ? b.cols() : b.rows();
  check(ka == kb, "matmul: inner sizes differ: ", shape_of(a), ta ? "^T" : "", " @ ", shape_of(b),
        tb ? "^T" : "");
  Tensor c = gemm(ta, tb, a, b);
  return record("matmul", c, {a, b}, [ta, tb](const Tensor& gc, const Inputs& in, Grads& g) {
    const Tensor &a = in[0], &b = in[1];
    // dA = dC op(B)^T, transposed back when A entered as A^T.
    if (g.wants(0)) g.add(0, ta ? matmul(b, gc, tb, true) : matmul(gc, b, false, !tb));
    // dB = op(A)^T dC, transposed back when B entered as B^T.
    if (g.wants(1)) g.add(1, tb ? matmul(gc, a, true, ta) : matmul(a, gc, !ta, false));
  });
}

// linear: Y = X W + b, b added to every row: matmul followed by a broadcast add, fused. The
// rows of Y start as copies of b and sgemm accumulates X W onto them (beta = 1), so the bias
// costs no pass of its own (each thread copies its rows in the product's own region).
// dX = dY W^T, dW = X^T dY, db = the column sums of dY.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  check(x.dim() == 2 && w.dim() == 2 && x.cols() == w.rows(),
        "linear: expected X [N, K] and W [K, M], got ", shape_of(x), " and ", shape_of(w));
  check(b.dim() == 1 && b.numel() == w.cols(), "linear: bias is ", shape_of(b), ", expected [",
        w.cols(), "] for W ", shape_of(w));
  const int64_t m = x.rows(), k = x.cols(), n = w.cols();
  Tensor y = Tensor::empty({m, n});
  kernels::sgemm_rows_from(false, false, m, n, k, x.data(), k, w.data(), n, b.data(), y.data(), n);
  return record("linear", y, {x, w, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, matmul(gy, in[1], false, true));
    if (g.wants(1)) g.add(1, matmul(in[0], gy, true, false));
    if (g.wants(2)) g.add(2, sum(gy, 0));  // the column sums of dY
  });
}

}  // namespace vgrad
