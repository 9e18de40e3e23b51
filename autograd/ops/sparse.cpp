// spmm: Y = A X, A a constant CSR (N x M), X dense (M x D).  dL/dX = A^T dL/dY.
// A^T is built once and cached inside A: GCN calls this every step and A may be
// non-symmetric (for the symmetric normalised adjacency the cache is A itself).
#include "autograd/ops.h"

namespace vgrad {

Tensor spmm(const CsrPtr& a, const Tensor& x) {
  check(a != nullptr, "spmm: the sparse matrix is null");
  check(x.dim() == 2, "spmm: X must be 2-D, got ", x.shape_str());
  check(a->cols() == x.rows(), "spmm: A is ", a->shape_str(), " but X is ", x.shape_str());
  Tensor y = Tensor::empty({a->rows(), x.cols()});
  csr_times_dense(*a, x.data(), x.cols(), y.data());
  // The closure holds A by shared_ptr (a constant, safe to share), never the result.
  return record("spmm", y, {x}, [a](const Tensor& gy, const Inputs& in, Grads& g) {
    Tensor gx = Tensor::empty(in[0].shape());
    csr_times_dense(a->transposed(), gy.data(), gy.cols(), gx.data());
    g.add(0, gx);
  });
}

}  // namespace vgrad
