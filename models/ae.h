// The MNIST autoencoder: 784-400-Z-400-784, relu inside, a sigmoid on the output, trained on
// the Bernoulli cross-entropy summed over pixels (or the squared error: config.recon).
#pragma once
#include "models/image_model.h"

namespace vgrad {

class Ae : public ImageModel {
 public:
  Ae(int64_t pixels, const ImageModelConfig& config, Rng& rng);
  Tensor loss(const Tensor& x, Rng& rng) override;
  Tensor encode(const Tensor& x) override;
  Tensor decode(const Tensor& z) override;
  Tensor decode_logits(const Tensor& z) override;
  Tensor reconstruct(const Tensor& x, Rng& rng) override;
  std::string kind() const override { return "ae"; }

 private:
  std::shared_ptr<Linear> fc1_, fc2_, fc3_, fc4_;
  Recon recon_;
};

}  // namespace vgrad
