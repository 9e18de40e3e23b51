#include "nn/graph_conv.h"

#include "nn/init.h"

namespace vgrad {
namespace {

bool is_identity(const Csr& x) {
  if (x.rows() != x.cols() || x.nnz() != x.rows()) return false;
  for (int64_t i = 0; i < x.rows(); ++i)
    if (x.row_ptr()[i + 1] != i + 1 || x.col_idx()[i] != i || x.values()[i] != 1.0f) return false;
  return true;
}

}  // namespace

GraphConv::GraphConv(CsrPtr a_hat, int64_t in, int64_t out, Rng& rng, bool bias)
    : a_hat_(std::move(a_hat)), in_(in), out_(out) {
  check(a_hat_ != nullptr, "GraphConv: the adjacency is null");
  check(a_hat_->rows() == a_hat_->cols(), "GraphConv: the adjacency must be square, got ",
        a_hat_->shape_str());
  check(in > 0 && out > 0, "GraphConv: sizes must be positive, got ", in, " -> ", out);
  weight_ = register_parameter("weight", init::glorot_uniform({in, out}, rng));
  if (bias) bias_ = register_parameter("bias", init::zeros({out}));
}

std::string GraphConv::adjacency_shape() const {
  return shape_str({a_hat_->rows(), a_hat_->cols()});
}

Tensor GraphConv::propagate(const Tensor& xw) const {
  Tensor y = spmm(a_hat_, xw);
  return bias_.defined() ? y + bias_ : y;
}

Tensor GraphConv::forward(const Tensor& x) const {
  check(x.dim() == 2 && x.rows() == a_hat_->cols() && x.cols() == in_, "GraphConv(", in_, " -> ",
        out_, "): features are ", x.shape_str(), ", expected [", a_hat_->cols(), ", ", in_,
        "] (A_hat is ", adjacency_shape(), ")");
  return propagate(matmul(x, weight_));
}

Tensor GraphConv::forward(const CsrPtr& x) const {
  check(x != nullptr, "GraphConv: sparse features are null");
  check(x->rows() == a_hat_->cols() && x->cols() == in_, "GraphConv(", in_, " -> ", out_,
        "): sparse features are ", x->shape_str(), ", expected [", a_hat_->cols(), ", ", in_,
        "] (A_hat is ", adjacency_shape(), ")");
  // Identity features (a featureless graph) make X W = W: on a 1M-node graph the product
  // was a 128 MB copy of W each way, forward and backward, for nothing. O(N) to recognise.
  if (is_identity(*x)) return propagate(weight_);
  return propagate(spmm(x, weight_));
}

}  // namespace vgrad
