#include "models/vgae.h"

#include "autograd/profile.h"
#include "nn/gaussian.h"

namespace vgrad {

Vgae::Vgae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng)
    : GcnEncoderBase(std::move(a_hat), std::move(features), config, rng) {
  gc_mu_ = output_layer("gc_mu", rng);
  gc_log_std_ = output_layer("gc_log_std", rng);
}

Tensor Vgae::embed() { return gc_mu_.forward(drop(hidden())); }

// loss = norm * mean_ij weighted_bce(z_i . z_j, y_ij) + (1/N) KL(q(Z) || N(0, I)) per node
Tensor Vgae::loss(const LinkTargets& targets, Rng& rng) {
  Tensor h = drop(hidden());
  Tensor mu = gc_mu_.forward(h), log_std = gc_log_std_.forward(h);
  Tensor eps;
  {
    profile::Scope scope("draw normals");  // not an op: its own line in --profile
    eps = randn(mu.shape(), rng);
  }
  Tensor z = reparameterize_logstd(mu, log_std, eps);  // mu + eps * exp(log_std), one op
  const float inv_n = 1.0f / (float)mu.rows();
  return reconstruction_loss(z, targets, rng) +
         kl_normal_logstd(mu, log_std, Reduction::mean) * inv_n;
}

}  // namespace vgrad
