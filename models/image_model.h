// What AE and VAE share: the interface the MNIST trainer drives (models/image_training.h).
// Images are rows of [B, 784] floats in [0, 1].
#pragma once
#include <string>

#include "nn/nn.h"

namespace vgrad {

// The reconstruction term of the AE's and VAE's loss, summed over pixels and the batch:
//   bce: Bernoulli cross-entropy of the decoder's logits (the PyTorch example's choice);
//   mse: ||x - sigmoid(logits)||^2, the squared error of the course's autoencoder.
// Both from nn/losses. As a likelihood, mse is -log N(x; x_hat, I/2) minus (D/2) log pi.
enum class Recon { bce, mse };
Recon parse_recon(const std::string& name);  // "bce" or "mse"
const char* recon_name(Recon recon);
Tensor reconstruction_error(const Tensor& logits, const Tensor& x, Recon recon);

// The reference's sizes (400, 20) are ae's and vae's row in models/registry.cpp.
struct ImageModelConfig {
  int64_t hidden = 0;  // H
  int64_t latent = 0;  // Z
  Recon recon = Recon::bce;
};

class ImageModel : public Module {
 public:
  // The loss summed over the batch (per sample: divide by B), as the PyTorch example
  // back-propagates it.
  virtual Tensor loss(const Tensor& x, Rng& rng) = 0;
  virtual Tensor encode(const Tensor& x) = 0;         // the latent code (VAE: mu), [B, Z]
  virtual Tensor decode(const Tensor& z) = 0;         // pixel probabilities, [B, 784]
  virtual Tensor decode_logits(const Tensor& z) = 0;  // their logits, [B, 784]
  virtual Tensor reconstruct(const Tensor& x, Rng& rng) = 0;
  virtual std::string kind() const = 0;  // "ae" or "vae"
};

}  // namespace vgrad
