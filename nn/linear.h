// Linear: y = x W + b, x [N, F], W [F, H], b [H]. W is stored [in, out] so the forward is one
// sgemm with no transpose flag.
#pragma once
#include "nn/module.h"

namespace vgrad {

class Linear : public Module {
 public:
  // PyTorch's nn.Linear init: W and b ~ U(-1/sqrt(in), 1/sqrt(in)), which the MNIST VAE
  // reference relies on. Re-draw with init:: for other schemes (e.g. Glorot).
  Linear(int64_t in, int64_t out, Rng& rng, bool bias = true);
  Tensor forward(const Tensor& x) const;

  Tensor weight() const { return weight_; }
  Tensor bias() const { return bias_; }  // undefined without bias
  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }

 private:
  int64_t in_, out_;
  Tensor weight_, bias_;
};

}  // namespace vgrad
