#include "nn/gin_conv.h"

#include "nn/init.h"

namespace vgrad {
namespace {

// 1 on each neighbour, or 1 / degree (mean aggregation; an empty row stays empty).
CsrPtr neighbour_weights(const Csr& a, bool mean) {
  const CsrPtr p = without_self_loops(a);
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < p->rows(); ++i) {
    const int64_t begin = p->row_ptr()[i], end = p->row_ptr()[i + 1];
    for (int64_t k = begin; k < end; ++k) {
      r.push_back(i), c.push_back(p->col_idx()[k]);
      v.push_back(mean ? 1.0f / static_cast<float>(end - begin) : 1.0f);
    }
  }
  return Csr::from_coo(p->rows(), p->cols(), r, c, v);
}

}  // namespace

GINConv::GINConv(const CsrPtr& adjacency, int64_t in, int64_t out, Rng& rng, GINOptions options)
    : in_(in), out_(out), options_(options) {
  check(adjacency != nullptr, "GINConv: the adjacency is null");
  check(in > 0 && out > 0, "GINConv: sizes must be positive, got ", in, " -> ", out);
  check(options.mlp_layers == 1 || options.mlp_layers == 2,
        "GINConv: mlp_layers must be 1 or 2, got ", options.mlp_layers);
  adjacency_ = neighbour_weights(*adjacency, options.mean);
  if (options.learn_eps) eps_ = register_parameter("eps", Tensor::full({1}, options.eps));
  lin1_ = register_module("lin1", std::make_shared<Linear>(in, out, rng));
  if (options.mlp_layers == 2)
    lin2_ = register_module("lin2", std::make_shared<Linear>(out, out, rng));
}

// (1 + eps) X W1 + A (X W1) + b1, then relu and Linear 2 when the MLP has two layers.
Tensor GINConv::mlp_after_first_product(const Tensor& xw1) const {
  Tensor self = eps_.defined() ? xw1 + eps_ * xw1 : xw1 * (1.0f + options_.eps);
  Tensor h = self + spmm(adjacency_, xw1);
  if (lin1_->bias().defined()) h = h + lin1_->bias();
  return lin2_ ? lin2_->forward(relu(h)) : h;
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
