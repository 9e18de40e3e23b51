// VGAE (Kipf & Welling 2016): the GAE encoder's first layer shared by two heads, mu and
// log sigma; training samples Z = mu + eps * sigma, eps ~ N(0, I) (the reparameterisation:
// the noise is an input, so gradients flow to mu and sigma), and adds the KL term to
// N(0, I) scaled by 1/N as the reference does. Evaluation uses mu.
#pragma once
#include "models/gae.h"

namespace vgrad {

class Vgae : public GcnEncoderBase {
 public:
  Vgae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng);
  Tensor loss(const LinkTargets& targets, Rng& rng) override;
  Tensor embed() override;  // mu
  std::string kind() const override { return "vgae"; }

 private:
  EncoderLayer gc_mu_, gc_log_std_;
};

}  // namespace vgrad
