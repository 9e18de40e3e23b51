// GAE (Kipf & Welling 2016): a two-layer GCN encoder and the inner-product decoder,
//   Z = A_hat relu(A_hat X W0) W1,   A_rec = sigmoid(Z Z^T),
// trained on the reference's weighted cross-entropy over all node pairs. The encoder's two
// layers may instead be GAT, GraphSAGE or GIN layers (config.encoder, models/encoder.h).
#pragma once
#include "models/encoder.h"
#include "models/link_model.h"

namespace vgrad {

// The reference's sizes (hidden1 32, hidden2 16) are gae's and vgae's row in models/registry.cpp.
struct GraphModelConfig {
  int64_t hidden = 0;           // H, the first layer's width
  int64_t latent = 0;           // Z
  float dropout = 0.0f;         // on each layer's input, as the reference (0 by default)
  std::string encoder = "gcn";  // gcn | gat | sage | gin (models/encoder.h)
  int64_t heads = 8;            // gat: heads of the hidden layer (hidden / heads wide each)
};

// The shared first layer: H = relu(A_hat X W0), with X sparse (CSR, or the identity for a
// featureless graph) and dropout on X skipped: the reference's sparse dropout is a no-op at 0.
// With another encoder, H = act(layer(X)) with that encoder's layer and activation.
class GcnEncoderBase : public LinkModel {
 protected:
  GcnEncoderBase(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng);
  Tensor hidden();  // [N, hidden]
  // Dropout on a dense layer input when training, from the model's generator.
  Tensor drop(const Tensor& x);
  CsrPtr a_hat_, features_;
  GraphModelConfig config_;
  Rng* rng_;
  // An output layer (Z, mu or log sigma) of the configured encoder, registered as `name`.
  EncoderLayer output_layer(const std::string& name, Rng& rng);
  EncoderLayer gc1_;
};

class Gae : public GcnEncoderBase {
 public:
  Gae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng);
  Tensor loss(const LinkTargets& targets, Rng& rng) override;
  Tensor embed() override;
  std::string kind() const override { return "gae"; }

 private:
  EncoderLayer gc2_;
};

}  // namespace vgrad
