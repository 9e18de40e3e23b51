#include "nn/sage_conv.h"

#include "nn/init.h"

namespace vgrad {
namespace {

// Row i of the neighbour pattern scaled by 1 / (its number of entries).
CsrPtr row_mean(const Csr& a) {
  const CsrPtr p = without_self_loops(a);
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < p->rows(); ++i) {
    const int64_t b = p->row_ptr()[i], e = p->row_ptr()[i + 1];
    for (int64_t k = b; k < e; ++k)
      r.push_back(i), c.push_back(p->col_idx()[k]), v.push_back(1.0f / (float)(e - b));
  }
  return Csr::from_coo(p->rows(), p->cols(), r, c, v);
}

}  // namespace

SAGEConv::SAGEConv(const CsrPtr& adjacency, int64_t in, int64_t out, Rng& rng, bool bias)
    : in_(in), out_(out) {
  check(adjacency != nullptr, "SAGEConv: the adjacency is null");
  check(in > 0 && out > 0, "SAGEConv: sizes must be positive, got ", in, " -> ", out);
  mean_ = row_mean(*adjacency);
  weight_root_ = register_parameter("weight_root", init::glorot_uniform({in, out}, rng));
  weight_neigh_ = register_parameter("weight_neigh", init::glorot_uniform({in, out}, rng));
  if (bias) bias_ = register_parameter("bias", init::zeros({out}));
}

Tensor SAGEConv::combine(const Tensor& root, const Tensor& neigh) const {
  Tensor y = root + spmm(mean_, neigh);
  return bias_.defined() ? y + bias_ : y;
}

Tensor SAGEConv::forward(const Tensor& x) const {
  check(x.dim() == 2 && x.rows() == mean_->rows() && x.cols() == in_, "SAGEConv(", in_, " -> ",
        out_, "): features are ", x.shape_str(), ", expected [", mean_->rows(), ", ", in_,
        "] (the graph is ", mean_->shape_str(), ")");
  return combine(matmul(x, weight_root_), matmul(x, weight_neigh_));
}

Tensor SAGEConv::forward(const CsrPtr& x) const {
  check(x != nullptr, "SAGEConv: sparse features are null");
  check(x->rows() == mean_->rows() && x->cols() == in_, "SAGEConv(", in_, " -> ", out_,
        "): sparse features are ", x->shape_str(), ", expected [", mean_->rows(), ", ", in_,
        "] (the graph is ", mean_->shape_str(), ")");
  return combine(spmm(x, weight_root_), spmm(x, weight_neigh_));
}

}  // namespace vgrad
