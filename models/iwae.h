// The VAE's log-likelihood by importance sampling: the IWAE bound of Burda, Grosse &
// Salakhutdinov (2016), with q(z|x) as the proposal,
//   log p(x) ~ log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x).
// Its expectation is a lower bound on log p(x) that rises with K towards it; K = 1 is the
// ELBO's one-sample estimate (the negative of Vae::loss in expectation).
#pragma once
#include <functional>
#include <vector>

#include "datasets/idx.h"
#include "models/vae.h"

namespace vgrad {

// Per image of x [B, D], the estimate of log p(x) in nats from k samples. The samples pass the
// decoder in chunks of at most chunk_rows rows (several images at once when k is small), so
// memory stays O(chunk_rows * D) for any k. The noise is drawn from rng in one fixed order
// (image, then sample); the per-row sums run on all threads, each row summed alone in
// double, so the result does not depend on the thread count. log-sum-exp in double: each
// image keeps its running maximum and the sum of exp(log w - max).
// log p(x|z): recon bce -> sum_j x_j l_j - softplus(l_j) (Bernoulli on the logits l; on
// grey-level pixels an unnormalised score, as the BCE loss is); recon mse ->
// log N(x; sigmoid(l), I/2) = -||x - sigmoid(l)||^2 - (D/2) log pi.
std::vector<double> iwae_log_likelihood(Vae& vae, const Tensor& x, int64_t k, Rng& rng,
                                        int64_t chunk_rows = 4096);

// The mean negative log-likelihood per image over a whole set (nats), the number reported.
// on_progress(done, total) after each group of images.
double iwae_nll(Vae& vae, const ImageSet& set, int64_t k, Rng& rng,
                const std::function<void(int64_t, int64_t)>& on_progress = {});

}  // namespace vgrad
