// GINConv: the graph isomorphism network layer (Xu et al. 2019):
//   Y = MLP((1 + eps) X + A X),   MLP = Linear(in, out), relu, Linear(out, out)
// A the 0/1 neighbour pattern (self-loops dropped: the self term is the (1 + eps) X), eps a
// learnable scalar or a fixed number. The first Linear is applied before aggregating, since
// ((1 + eps) X + A X) W1 = (1 + eps) X W1 + A (X W1): the sum then runs at width out, and
// sparse features never become a dense N x F matrix.
// Options the paper allows without batch norm: a one-Linear MLP (mlp_layers = 1, no relu), and
// the neighbours averaged instead of summed (A's rows divided by the degree). Sum aggregation
// is the default: it is what makes GIN as discriminative as the WL test.
#pragma once
#include "nn/linear.h"
#include "nn/module.h"

namespace vgrad {

struct GINOptions {
  bool learn_eps = true;
  float eps = 0.0f;        // the start value when learnt, else the fixed value
  bool mean = false;       // true: mean_j x_j instead of sum_j x_j
  int64_t mlp_layers = 2;  // 1 or 2 Linear layers (relu between)
};

class GINConv : public Module {
 public:
  GINConv(const CsrPtr& adjacency, int64_t in, int64_t out, Rng& rng, GINOptions options = {});
  Tensor forward(const Tensor& x) const;  // x [N, in]
  Tensor forward(const CsrPtr& x) const;  // sparse features

  Tensor eps() const { return eps_; }  // [1]; undefined when eps is fixed
  const Linear& lin1() const { return *lin1_; }
  const Linear& lin2() const { return *lin2_; }  // only with mlp_layers = 2
  const GINOptions& options() const { return options_; }

 private:
  Tensor mlp_after_first_product(const Tensor& xw1) const;
  CsrPtr adjacency_;  // 1 (or 1 / degree) on the neighbours
  int64_t in_, out_;
  GINOptions options_;
  Tensor eps_;
  std::shared_ptr<Linear> lin1_, lin2_;
};

}  // namespace vgrad
