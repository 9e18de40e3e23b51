// The classic MNIST VAE (Kingma & Welling; the PyTorch example): 784-400-(Z mu, Z logvar),
// z = mu + eps * exp(logvar / 2) with eps ~ N(0, I) (the reparameterisation: the noise is an
// input, so gradients reach mu and logvar), then Z-400-784 with a sigmoid. The loss is the
// negative ELBO: Bernoulli cross-entropy summed over pixels + KL(q(z|x) || N(0, I)) (with
// config.recon = mse, the squared error in place of the cross-entropy).
#pragma once
#include "models/image_model.h"

namespace vgrad {

class Vae : public ImageModel {
 public:
  Vae(int64_t pixels, const ImageModelConfig& config, Rng& rng);
  Tensor loss(const Tensor& x, Rng& rng) override;
  Tensor encode(const Tensor& x) override;  // mu
  Tensor decode(const Tensor& z) override;
  Tensor reconstruct(const Tensor& x, Rng& rng) override;
  std::string kind() const override { return "vae"; }
  // The pieces the importance-sampled likelihood needs (models/iwae.h).
  std::pair<Tensor, Tensor> encode_both(const Tensor& x);  // (mu, logvar) of q(z|x)
  Tensor decode_logits(const Tensor& z) override;          // p(x|z)'s logits, [B, 784]
  Recon recon() const { return recon_; }

 private:
  Tensor sample_z(const Tensor& mu, const Tensor& logvar, Rng& rng);
  std::shared_ptr<Linear> fc1_, fc_mu_, fc_logvar_, fc3_, fc4_;
  Recon recon_;
};

}  // namespace vgrad
