#include "nn/gin_conv.h"

#include "nn/init.h"

namespace vgrad {
namespace {

CsrPtr ones_on_neighbours(const Csr& a) {
  const CsrPtr p = without_self_loops(a);
  std::vector<int64_t> r, c;
  for (int64_t i = 0; i < p->rows(); ++i)
    for (int64_t k = p->row_ptr()[i]; k < p->row_ptr()[i + 1]; ++k)
      r.push_back(i), c.push_back(p->col_idx()[k]);
  return Csr::from_coo(p->rows(), p->cols(), r, c, std::vector<float>(r.size(), 1.0f));
}

}  // namespace

GINConv::GINConv(const CsrPtr& adjacency, int64_t in, int64_t out, Rng& rng, bool learn_eps,
                 float eps)
    : in_(in), out_(out), fixed_eps_(eps) {
  check(adjacency != nullptr, "GINConv: the adjacency is null");
  check(in > 0 && out > 0, "GINConv: sizes must be positive, got ", in, " -> ", out);
  adjacency_ = ones_on_neighbours(*adjacency);
  if (learn_eps) eps_ = register_parameter("eps", Tensor::full({1}, eps));
  lin1_ = register_module("lin1", std::make_shared<Linear>(in, out, rng));
  lin2_ = register_module("lin2", std::make_shared<Linear>(out, out, rng));
}

// (1 + eps) X W1 + A (X W1) + b1, relu, Linear 2.
Tensor GINConv::mlp_after_first_product(const Tensor& xw1) const {
  Tensor self = eps_.defined() ? xw1 + eps_ * xw1 : xw1 * (1.0f + fixed_eps_);
  Tensor h = self + spmm(adjacency_, xw1);
  if (lin1_->bias().defined()) h = h + lin1_->bias();
  return lin2_->forward(relu(h));
}

Tensor GINConv::forward(const Tensor& x) const {
  check(x.dim() == 2 && x.rows() == adjacency_->rows() && x.cols() == in_, "GINConv(", in_, " -> ",
        out_, "): features are ", x.shape_str(), ", expected [", adjacency_->rows(), ", ", in_,
        "] (the graph is ", adjacency_->shape_str(), ")");
  return mlp_after_first_product(matmul(x, lin1_->weight()));
}

Tensor GINConv::forward(const CsrPtr& x) const {
  check(x != nullptr, "GINConv: sparse features are null");
  check(x->rows() == adjacency_->rows() && x->cols() == in_, "GINConv(", in_, " -> ", out_,
        "): sparse features are ", x->shape_str(), ", expected [", adjacency_->rows(), ", ", in_,
        "] (the graph is ", adjacency_->shape_str(), ")");
  return mlp_after_first_product(spmm(x, lin1_->weight()));
}

}  // namespace vgrad
