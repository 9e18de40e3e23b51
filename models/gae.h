// GAE (Kipf & Welling 2016): a two-layer GCN encoder and the inner-product decoder,
//   Z = A_hat relu(A_hat X W0) W1,   A_rec = sigmoid(Z Z^T),
// trained on the reference's weighted cross-entropy over all node pairs.
#pragma once
#include "models/link_model.h"

namespace vgrad {

// The reference's sizes (hidden1 32, hidden2 16) are gae's and vgae's row in models/registry.cpp.
struct GraphModelConfig {
  int64_t hidden = 0;    // H, the first layer's width
  int64_t latent = 0;    // Z
  float dropout = 0.0f;  // on each layer's input, as the reference (0 by default)
};

// The shared first layer: H = relu(A_hat X W0), with X sparse (CSR, or the identity for a
// featureless graph) and dropout on X skipped: the reference's sparse dropout is a no-op at 0.
class GcnEncoderBase : public LinkModel {
 protected:
  GcnEncoderBase(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng);
  Tensor hidden();  // [N, hidden]
  // Dropout on a dense layer input when training, from the model's generator.
  Tensor drop(const Tensor& x);
  CsrPtr a_hat_, features_;
  GraphModelConfig config_;
  Rng* rng_;
  std::shared_ptr<GraphConv> gc1_;
};

class Gae : public GcnEncoderBase {
 public:
  Gae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng);
  Tensor loss(const LinkTargets& targets, Rng& rng) override;
  Tensor embed() override;
  std::string kind() const override { return "gae"; }
 private:
  std::shared_ptr<GraphConv> gc2_;
};

}  // namespace vgrad
