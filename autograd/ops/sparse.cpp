// spmm: Y = A X, A a constant CSR (N x M), X dense (M x D).  dL/dX = A^T dL/dY, itself an
// spmm (with the transpose flag), so its derivative is spmm again.
// A^T is built once and cached inside A: GCN calls this every step and A may be
// non-symmetric (for the symmetric normalised adjacency the cache is A itself).
#include "autograd/ops.h"

namespace vgrad {

Tensor spmm(const CsrPtr& a, const Tensor& x, bool transpose_a) {
  check(a != nullptr, "spmm: the sparse matrix is null");
  check(x.dim() == 2, "spmm: X must be 2-D, got ", x.shape_str());
  const Csr& op_a = transpose_a ? a->transposed() : *a;
  check(op_a.cols() == x.rows(), "spmm: A", transpose_a ? "^T" : "", " is ", op_a.shape_str(),
        " but X is ", x.shape_str());
  Tensor y = Tensor::empty({op_a.rows(), x.cols()});
  csr_times_dense(op_a, x.data(), x.cols(), y.data());
  // The closure holds A by shared_ptr (a constant, safe to share), never the result.
  return record("spmm", y, {x}, [a, transpose_a](const Tensor& gy, const Inputs&, Grads& g) {
    g.add(0, spmm(a, gy, !transpose_a));
  });
}

}  // namespace vgrad
