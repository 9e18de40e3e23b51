// The GAE/VGAE reconstruction loss, fused: the inner-product decoder sigmoid(Z Z^T) and the
// weighted binary cross-entropy over all N*N node pairs, as the reference computes it,
//   L = norm * mean_ij [ pos_weight * y_ij * softplus(-x_ij) + (1 - y_ij) * softplus(x_ij) ],
//   x = Z Z^T (logits), y = the label matrix (training adjacency plus self-loops).
// It walks Z Z^T in tiles (one sgemm per tile, only tiles J >= I since x and y are
// symmetric), so memory is O(N*Z + tile^2 per thread) instead of an N*N matrix: the
// composable path matmul(Z, Z^T) -> weighted BCE needs 1.5 GB per N*N float on Pubmed.
#pragma once
#include <utility>
#include <vector>

#include "autograd/ops.h"

namespace vgrad {

struct InnerProductLossOptions {
  float pos_weight = 1.0f;
  float norm = 1.0f;
  int64_t tile = 256;
};

// z: [N, Z]; labels: N x N CSR, symmetric, values 1 where y = 1. Returns a scalar.
Tensor inner_product_bce(const Tensor& z, const CsrPtr& labels,
                         const InnerProductLossOptions& options);

// The fused loss's elementwise pass over one tile of logits x[0..n), every entry taken as a
// label-0 pair: returns the sum of softplus(x) and leaves sigmoid(x) = dl/dx in x. Public so
// that the bench can time it apart from the tile products (its floor of the decoder).
double inner_product_negatives_pass(float* x, int64_t n);

// The same loss written with the composable ops (an N*N logits matrix), for study and as the
// reference the fused op is tested against.
Tensor inner_product_bce_dense(const Tensor& z, const CsrPtr& labels,
                               const InnerProductLossOptions& options);

}  // namespace vgrad

namespace vgrad {

// A pair of Z's rows (u, v). The same type as datasets' Edge, so edge lists pass as they are.
using NodePair = std::pair<int32_t, int32_t>;

// For graphs too large for all pairs: the cross-entropy of sigmoid(z_u . z_v) over given
// positive pairs (label 1) and negative pairs (label 0), each set weighted as a whole,
//   L = mean_pos softplus(-z_u . z_v) + mean_neg softplus(z_u . z_v),
// O((P + Q) * Z) per call instead of O(N^2 Z). The loss does not sample: the caller passes
// the negatives (GAE/VGAE draw them each epoch with datasets' NegativeSampler). Both sets
// must be non-empty; a pair that repeats counts each time.
Tensor sampled_inner_product_bce(const Tensor& z, const std::vector<NodePair>& positives,
                                 const std::vector<NodePair>& negatives);

}  // namespace vgrad
