#include "nn/gat_conv.h"

#include "nn/init.h"

namespace vgrad {

GATConv::GATConv(const CsrPtr& adjacency, int64_t in, int64_t out_per_head, Rng& rng,
                 const GATOptions& options)
    : in_(in), heads_(options.heads), d_(out_per_head), options_(options), rng_(&rng) {
  check(adjacency != nullptr, "GATConv: the adjacency is null");
  check(in > 0 && out_per_head > 0 && options.heads > 0, "GATConv: sizes must be positive, got ",
        in, " -> ", options.heads, " heads x ", out_per_head);
  check(options.attention_dropout >= 0 && options.attention_dropout < 1,
        "GATConv: attention_dropout must be in [0, 1), got ", options.attention_dropout);
  pattern_ = with_self_loops(*adjacency);  // checks it is square
  weight_ = register_parameter("weight", init::glorot_uniform({in, heads_ * d_}, rng));
  // Glorot over [H, D] as PyG draws each head's attention vector.
  att_src_ = register_parameter("att_src", init::glorot_uniform({heads_, d_}, rng));
  att_dst_ = register_parameter("att_dst", init::glorot_uniform({heads_, d_}, rng));
  if (options.bias) bias_ = register_parameter("bias", init::zeros({out_features()}));
}

Tensor GATConv::node_scores(const Tensor& wh, const Tensor& a) const {
  return sum(reshape(wh, {wh.rows(), heads_, d_}) * a, 2);
}

Tensor GATConv::attend(const Tensor& wh) const {
  // e[e, h] = LeakyReLU(s_src[row(e), h] + s_dst[col(e), h]): two [N, H] score tables
  // gathered to the edges, so the per-edge cost is O(H), not O(H * D).
  Tensor scores = index_select(node_scores(wh, att_src_), pattern_->edge_rows()) +
                  index_select(node_scores(wh, att_dst_), pattern_->edge_cols());
  Tensor alpha = edge_softmax(pattern_, leaky_relu(scores, options_.negative_slope));
  alpha = dropout(alpha, options_.attention_dropout, is_training(), *rng_);
  Tensor y = spmm(pattern_, alpha, wh);  // [N, H*D]
  if (!options_.concat && heads_ > 1) y = mean(reshape(y, {y.rows(), heads_, d_}), 1);
  return bias_.defined() ? y + bias_ : y;
}

Tensor GATConv::forward(const Tensor& x) const {
  check(x.dim() == 2 && x.rows() == pattern_->rows() && x.cols() == in_, "GATConv(", in_, " -> ",
        heads_, " x ", d_, "): features are ", x.shape_str(), ", expected [", pattern_->rows(),
        ", ", in_, "] (the graph is ", pattern_->shape_str(), ")");
  return attend(matmul(x, weight_));
}

Tensor GATConv::forward(const CsrPtr& x) const {
  check(x != nullptr, "GATConv: sparse features are null");
  check(x->rows() == pattern_->rows() && x->cols() == in_, "GATConv(", in_, " -> ", heads_, " x ",
        d_, "): sparse features are ", x->shape_str(), ", expected [", pattern_->rows(), ", ", in_,
        "] (the graph is ", pattern_->shape_str(), ")");
  return attend(spmm(x, weight_));
}

}  // namespace vgrad
