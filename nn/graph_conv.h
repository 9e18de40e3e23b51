// GraphConv: Kipf & Welling's GCN layer, Y = A_hat X W (+ b), A_hat the normalised adjacency
// [N, N] as a constant CSR, X [N, F] dense or CSR (Cora's bag-of-words features), W [F, H].
// The activation is the caller's (the reference uses relu after gc1, none on mu/log-std),
// and so is dropout on X.
#pragma once
#include "nn/module.h"

namespace vgrad {

class GraphConv : public Module {
 public:
  // W ~ Glorot uniform, like the reference; no bias by default (the reference has none).
  GraphConv(CsrPtr a_hat, int64_t in, int64_t out, Rng& rng, bool bias = false);
  // A_hat (X W): multiplying X W first keeps the N x N product at width H, not F.
  Tensor forward(const Tensor& x) const;
  // A_hat (X W) with X sparse: no dense N x F matrix exists at any point.
  Tensor forward(const CsrPtr& x) const;

  Tensor weight() const { return weight_; }
  Tensor bias() const { return bias_; }
  const CsrPtr& adjacency() const { return a_hat_; }

 private:
  Tensor propagate(const Tensor& xw) const;
  std::string adjacency_shape() const;

  CsrPtr a_hat_;  // a constant, not a parameter: the optimizer never sees it
  int64_t in_, out_;
  Tensor weight_, bias_;
};

}  // namespace vgrad
