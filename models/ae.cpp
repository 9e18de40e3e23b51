#include "models/ae.h"

namespace vgrad {

Ae::Ae(int64_t pixels, const ImageModelConfig& c, Rng& rng) : recon_(c.recon) {
  fc1_ = register_module("fc1", std::make_shared<Linear>(pixels, c.hidden, rng));
  fc2_ = register_module("fc2", std::make_shared<Linear>(c.hidden, c.latent, rng));
  fc3_ = register_module("fc3", std::make_shared<Linear>(c.latent, c.hidden, rng));
  fc4_ = register_module("fc4", std::make_shared<Linear>(c.hidden, pixels, rng));
}

Tensor Ae::encode(const Tensor& x) { return fc2_->forward(relu(fc1_->forward(x))); }
Tensor Ae::decode_logits(const Tensor& z) { return fc4_->forward(relu(fc3_->forward(z))); }
Tensor Ae::decode(const Tensor& z) { return sigmoid(decode_logits(z)); }
Tensor Ae::reconstruct(const Tensor& x, Rng&) { return decode(encode(x)); }

Tensor Ae::loss(const Tensor& x, Rng&) {
  return reconstruction_error(decode_logits(encode(x)), x, recon_);
}

}  // namespace vgrad
