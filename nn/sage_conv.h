// SAGEConv: GraphSAGE with the mean aggregator (Hamilton et al. 2017), as PyG writes it:
//   Y_i = x_i W_root + (mean_{j in N(i)} x_j) W_neigh + b
// N(i) the node's neighbours without itself; a node with none gets only its root term. The
// mean is a constant row-normalised CSR, and X W_neigh is formed before it (width H, not F).
#pragma once
#include "nn/module.h"

namespace vgrad {

class SAGEConv : public Module {
 public:
  SAGEConv(const CsrPtr& adjacency, int64_t in, int64_t out, Rng& rng, bool bias = true);
  Tensor forward(const Tensor& x) const;  // x [N, in]
  Tensor forward(const CsrPtr& x) const;  // sparse features

  Tensor weight_root() const { return weight_root_; }
  Tensor weight_neigh() const { return weight_neigh_; }
  Tensor bias() const { return bias_; }
  const CsrPtr& mean_adjacency() const { return mean_; }

 private:
  Tensor combine(const Tensor& root, const Tensor& neigh) const;
  CsrPtr mean_;  // values 1/deg(i) on i's neighbours
  int64_t in_, out_;
  Tensor weight_root_, weight_neigh_, bias_;
};

}  // namespace vgrad
