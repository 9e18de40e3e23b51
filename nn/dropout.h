// Dropout as a module, so model.eval() switches it off with everything else. Inverted
// dropout (autograd/ops.h): eval mode is the identity. It draws from the model's generator,
// which the caller owns and must keep alive; one generator means one state to checkpoint.
#pragma once
#include "nn/module.h"

namespace vgrad {

class Dropout : public Module {
 public:
  Dropout(float p, Rng& rng) : p_(p), rng_(&rng) {
    check(p >= 0.0f && p < 1.0f, "Dropout: p must be in [0, 1), got ", p);
  }
  Tensor forward(const Tensor& x) const { return dropout(x, p_, is_training(), *rng_); }
  float p() const { return p_; }

 private:
  float p_;
  Rng* rng_;
};

}  // namespace vgrad
