#include "models/vae.h"

namespace vgrad {

Vae::Vae(int64_t pixels, const ImageModelConfig& c, Rng& rng) : recon_(c.recon) {
  fc1_ = register_module("fc1", std::make_shared<Linear>(pixels, c.hidden, rng));
  fc_mu_ = register_module("fc_mu", std::make_shared<Linear>(c.hidden, c.latent, rng));
  fc_logvar_ = register_module("fc_logvar", std::make_shared<Linear>(c.hidden, c.latent, rng));
  fc3_ = register_module("fc3", std::make_shared<Linear>(c.latent, c.hidden, rng));
  fc4_ = register_module("fc4", std::make_shared<Linear>(c.hidden, pixels, rng));
}

std::pair<Tensor, Tensor> Vae::encode_both(const Tensor& x) {
  Tensor h = relu(fc1_->forward(x));
  return {fc_mu_->forward(h), fc_logvar_->forward(h)};
}

Tensor Vae::encode(const Tensor& x) { return encode_both(x).first; }
Tensor Vae::decode_logits(const Tensor& z) { return fc4_->forward(relu(fc3_->forward(z))); }
Tensor Vae::decode(const Tensor& z) { return sigmoid(decode_logits(z)); }

// z = mu + eps * sigma, sigma = exp(logvar / 2)
Tensor Vae::sample_z(const Tensor& mu, const Tensor& logvar, Rng& rng) {
  return mu + randn(mu.shape(), rng) * exp(logvar * 0.5f);
}

Tensor Vae::reconstruct(const Tensor& x, Rng& rng) {
  auto [mu, logvar] = encode_both(x);
  return decode(sample_z(mu, logvar, rng));
}

// -ELBO = sum BCE(x_hat, x) + KL (or the squared error + KL), both summed over the batch.
Tensor Vae::loss(const Tensor& x, Rng& rng) {
  auto [mu, logvar] = encode_both(x);
  Tensor logits = decode_logits(sample_z(mu, logvar, rng));
  return reconstruction_error(logits, x, recon_) + kl_normal_logvar(mu, logvar, Reduction::sum);
}

}  // namespace vgrad
