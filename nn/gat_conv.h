// GATConv: graph attention (Velickovic et al. 2018). Per head h, with Wh = X W (W [F, H*D]):
//   e_ij = LeakyReLU(a_src[h] . Wh_i + a_dst[h] . Wh_j)     for every edge (i, j), self-loops added
//   alpha_ij = softmax over i's edges of e_ij               (edge_softmax, stable)
//   Y_i = sum_j alpha_ij Wh_j                               (spmm with alpha as learning values)
// then the heads are concatenated ([N, H*D]) or averaged ([N, D]), plus a bias. Dropout on
// alpha in training mode (the paper's attention dropout) draws from the caller's generator.
// Cost O(E * H * D): no N x N matrix exists at any point.
#pragma once
#include "nn/module.h"

namespace vgrad {

struct GATOptions {
  int64_t heads = 1;
  bool concat = true;           // false: average the heads
  float negative_slope = 0.2f;  // the paper's LeakyReLU slope
  float attention_dropout = 0.0f;
  bool bias = true;
};

class GATConv : public Module {
 public:
  // `adjacency`: any square CSR; only its pattern is used, with every self-loop added.
  // `rng` must outlive the layer when attention_dropout > 0.
  GATConv(const CsrPtr& adjacency, int64_t in, int64_t out_per_head, Rng& rng,
          const GATOptions& options = {});
  Tensor forward(const Tensor& x) const;  // x [N, in]
  Tensor forward(const CsrPtr& x) const;  // sparse features: X W by the constant spmm

  Tensor weight() const { return weight_; }    // [in, H*D]
  Tensor att_src() const { return att_src_; }  // [H, D]
  Tensor att_dst() const { return att_dst_; }  // [H, D]
  Tensor bias() const { return bias_; }        // [H*D] or [D]; undefined without
  const CsrPtr& pattern() const { return pattern_; }
  int64_t out_features() const { return options_.concat ? heads_ * d_ : d_; }

 private:
  Tensor attend(const Tensor& wh) const;
  // a [H, D] applied to every node: s[n, h] = a[h] . Wh[n, h]  ->  [N, H]
  Tensor node_scores(const Tensor& wh, const Tensor& a) const;

  CsrPtr pattern_;  // the adjacency with self-loops; a constant
  int64_t in_, heads_, d_;
  GATOptions options_;
  Rng* rng_;
  Tensor weight_, att_src_, att_dst_, bias_;
};

}  // namespace vgrad
