// Optimizers behind one interface. An optimizer sees only a list of parameters
// (module.parameters()); its per-parameter state is kept by position in that list, so the
// same model built the same way lines up with a saved state. A parameter whose gradient is
// undefined after backward is skipped, as PyTorch does.
//
// Row-sparse gradients (an Embedding's, Tensor::sparse_grad): a parameter with only a sparse
// gradient is updated on the rows touched alone, in O(rows touched); rows not touched keep
// their values AND their optimizer state (momentum, Adam's moments: "lazy", as PyTorch's
// SparseAdam), while the step count is the parameter's, counted on every step it gets a
// gradient. A parameter with both a dense and a sparse gradient takes the dense step on
// their sum.
#pragma once
#include <string>
#include <vector>

#include "autograd/tensor.h"
#include "nn/checkpoint.h"
#include "nn/module.h"

namespace vgrad {

class Optimizer {
 public:
  explicit Optimizer(std::vector<Tensor> params);
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  void zero_grad();
  const std::vector<Tensor>& parameters() const { return params_; }
  // State under a prefix ("optim."), next to the model in one checkpoint: --resume continues
  // bit-identically. Loading checks every shape before it changes anything.
  virtual void save_to(Checkpoint& ckpt, const std::string& prefix = "optim.") const = 0;
  virtual void load_from(const Checkpoint& ckpt, const std::string& prefix = "optim.") = 0;

 protected:
  void save_common(Checkpoint& ckpt, const std::string& prefix, const char* type) const;
  void check_common(const Checkpoint& ckpt, const std::string& prefix, const char* type) const;
  std::vector<Tensor> params_;
};

// Hyperparameters are doubles, as Python floats are in PyTorch, and are rounded to float
// where PyTorch rounds them: 1 - 0.999 computed in float is not float(1 - 0.999).
struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double weight_decay = 0.0;  // L2: weight_decay * p is added to the gradient
};

// PyTorch's torch.optim.SGD (dampening 0, no Nesterov):
//   g = grad + wd p;  buf = g on the first step, else momentum buf + g;  p -= lr buf
class Sgd : public Optimizer {
 public:
  Sgd(std::vector<Tensor> params, SgdOptions options);
  void step() override;
  void save_to(Checkpoint& ckpt, const std::string& prefix = "optim.") const override;
  void load_from(const Checkpoint& ckpt, const std::string& prefix = "optim.") override;
  SgdOptions& options() { return options_; }

 private:
  SgdOptions options_;
  std::vector<Tensor> momentum_;  // undefined until a parameter's first step
};

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // L2 added to the gradient (Adam, not AdamW)
};

// PyTorch's torch.optim.Adam, step t per parameter (from 1):
//   g = grad + wd p;  m = lerp(m, g, 1 - b1);  v = b2 v + (1 - b2) g^2
//   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// eps is added after the bias correction of v, as PyTorch does. (TensorFlow's optimizer,
// used by the GAE reference, adds eps before it: the two differ only when sqrt(v_hat) ~ eps.)
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options = {});
  void step() override;
  void save_to(Checkpoint& ckpt, const std::string& prefix = "optim.") const override;
  void load_from(const Checkpoint& ckpt, const std::string& prefix = "optim.") override;
  AdamOptions& options() { return options_; }
  int64_t steps(size_t i) const { return steps_[i]; }

 private:
  AdamOptions options_;
  std::vector<Tensor> m_, v_;
  std::vector<int64_t> steps_;
};

// Scales every gradient by max_norm / total when the global L2 norm `total` exceeds
// max_norm (PyTorch's clip_grad_norm_, 1e-6 added to total). Returns total, before clipping.
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm);

// One training step on `loss`: zero the gradients, backward, optimizer step. A non-finite
// loss or gradient stops the run first, naming the tensor and `where` ("epoch 3, batch 7"),
// so the parameters and the last checkpoint stay as they were. Returns the loss value.
double descend(const Tensor& loss, const Module& model, Optimizer& optimizer,
               const std::string& where);

}  // namespace vgrad
