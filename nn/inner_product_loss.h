// The GAE/VGAE reconstruction loss, fused: the inner-product decoder sigmoid(Z Z^T) and the
// weighted binary cross-entropy over all N*N node pairs, as the reference computes it,
//   L = norm * mean_ij [ pos_weight * y_ij * softplus(-x_ij) + (1 - y_ij) * softplus(x_ij) ],
//   x = Z Z^T (logits), y = the label matrix (training adjacency plus self-loops).
// It walks Z Z^T in tiles (one sgemm per tile, only tiles J >= I since x and y are
// symmetric), so memory is O(N*Z + tile^2 per thread) instead of an N*N matrix: the
// composable path matmul(Z, Z^T) -> weighted BCE needs 1.5 GB per N*N float on Pubmed.
#pragma once
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

// The same loss written with the composable ops (an N*N logits matrix), for study and as the
// reference the fused op is tested against.
Tensor inner_product_bce_dense(const Tensor& z, const CsrPtr& labels,
                               const InnerProductLossOptions& options);

}  // namespace vgrad

namespace vgrad {

// For graphs too large for all pairs: the positives are the label matrix's off-diagonal
// entries (each undirected edge once), the negatives K random node pairs per positive that
// are not labelled 1, drawn from rng; the loss is
//   mean_pos softplus(-z_u . z_v) + mean_neg softplus(z_u . z_v),
// O(E * K * Z) per call instead of O(N^2 Z).
Tensor sampled_inner_product_bce(const Tensor& z, const CsrPtr& labels, int64_t k, Rng& rng);

}  // namespace vgrad
