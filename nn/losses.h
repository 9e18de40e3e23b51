// The loss library: plain functions of tensors (a loss owns no state). Every reduction is
// named by the caller, so "sum over pixels" vs "mean over pairs" is visible at the call site.
#pragma once
#include "autograd/ops.h"

namespace vgrad {

enum class Reduction { sum, mean };

// (pred - target)^2 over all elements.
Tensor mse(const Tensor& pred, const Tensor& target, Reduction reduction);

// Binary cross-entropy on probabilities p (after a sigmoid):
//   l = -[y log p + (1 - y) log(1 - p)]
// Each log is clamped at -100, as PyTorch's BCELoss does, so p = 0 or 1 costs 100, not inf;
// dl/dp = (p - y) / max(p (1 - p), 1e-12). Prefer bce_with_logits: it needs no clamp.
Tensor bce(const Tensor& probs, const Tensor& targets, Reduction reduction);

// Weighted binary cross-entropy on logits x, TF's weighted_cross_entropy_with_logits:
//   l = pos_weight * y * softplus(-x) + (1 - y) * softplus(x)
//     = -[pos_weight * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))]
// returned as norm * reduce(l). The GAE reference loss is
//   bce_with_logits(logits, labels, Reduction::mean, pos_weight, norm).
// Written with softplus, which never overflows; summed in double (N*N terms on a graph).
// targets has logits' shape and may itself require grad.
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets, Reduction reduction,
                       float pos_weight = 1.0f, float norm = 1.0f);
// Its derivative with respect to the logits, times a scalar tensor s: an op of its own, so the
// loss can be differentiated twice (losses.cpp gives the formulas).
Tensor bce_with_logits_grad(const Tensor& logits, const Tensor& targets, const Tensor& s,
                            float pos_weight);

// The skip-gram's terms: -sum_t log sigmoid(s_t x_t) for logits x [T] (dot products
// u . v) and constant signs s [T] of +1 or -1 (word2vec's label 1 - 2 code):
//   l = softplus(-s x),   dl/dx = -s sigmoid(-s x).
// Composed of ops (mul, log_sigmoid, sum), so it has every derivative they have.
// Optional constant weights w [T] (>= 0): l = -sum_t w_t log sigmoid(s_t x_t), so a term of
// weight k is k copies of that term (DeepWalk merges a batch's repeated terms this way);
// Reduction::mean then divides by sum_t w_t, the number of terms it stands for.
Tensor signed_log_sigmoid_loss(const Tensor& logits, const Tensor& signs, Reduction reduction,
                               const Tensor& weights = {});

// KL(N(mu, sigma^2) || N(0, I)) for mu, and log-variance or log-std, both [N, Z]:
//   per element  -0.5 * (1 + log sigma^2 - mu^2 - sigma^2)
// Reduction::sum sums every element (the MNIST VAE: KL = -0.5 * sum(1 + logvar - mu^2 -
// exp(logvar))); Reduction::mean is the mean over the N rows of each row's sum over Z.
// The VGAE reference subtracts (0.5 / N) * mean_rows(sum_Z(1 + 2 log_std - mu^2 -
// exp(log_std)^2)), i.e. adds (1.0f / N) * kl_normal_logstd(mu, log_std, Reduction::mean).
Tensor kl_normal_logvar(const Tensor& mu, const Tensor& logvar, Reduction reduction);
Tensor kl_normal_logstd(const Tensor& mu, const Tensor& log_std, Reduction reduction);

}  // namespace vgrad
