// The two Gaussian pieces of a VGAE step, each one op over [N, Z] instead of a chain of
// elementwise ops. Composed, the reparameterisation and the KL term kept about nine N x Z
// tensors alive until the backward (64 MB each on a 1M-node graph, latent 16) and made as many
// again during it; fused, the forward keeps only z and the KL's row sums [N]. The forward
// arithmetic is the composed form's, element by element (the same bits); the derivatives are
// written in ops, so both have second derivatives.
#pragma once
#include "autograd/ops.h"

namespace vgrad {

// z = mu + eps * exp(log_std), all [N, Z]; eps is the noise (an input, usually constant).
//   dL/dmu = gy,  dL/dlog_std = (gy * eps) * exp(log_std),  dL/deps = gy * exp(log_std)
// exp(log_std) is recomputed in the backward rather than kept: one exp pass against 4 bytes
// an element held from forward to backward.
Tensor reparameterize_logstd(const Tensor& mu, const Tensor& log_std, const Tensor& eps);

// Row sums of the KL terms of N(mu, exp(log_std)^2) against N(0, I), mu and log_std [N, Z]:
//   y_i = sum_k -0.5 * (1 - mu_ik^2 - exp(2 log_std_ik) + 2 log_std_ik)      y is [N]
//   dL/dmu_ik = gy_i * mu_ik,   dL/dlog_std_ik = gy_i * exp(2 log_std_ik) - gy_i
// Each row sums in double, in k order, as sum(terms, 1) does; mean(y) is
// kl_normal_logstd(mu, log_std, Reduction::mean).
Tensor kl_normal_logstd_rows(const Tensor& mu, const Tensor& log_std);

// The two backwards' d/dlog_std, each one op (one pass, one [N, Z] result) instead of a chain
// of broadcast ops with a temporary each, with the chain's arithmetic (the same bits) and
// derivatives in ops:
//   reparameterize_logstd_grad(gy, eps, log_std) = (gy * eps) * exp(log_std), all [N, Z]
//   kl_normal_logstd_grad(gk, log_std) = gk * exp(2 log_std) - gk, gk [N, 1] along the rows
Tensor reparameterize_logstd_grad(const Tensor& gy, const Tensor& eps, const Tensor& log_std);
Tensor kl_normal_logstd_grad(const Tensor& gk, const Tensor& log_std);

}  // namespace vgrad
