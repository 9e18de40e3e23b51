#include "models/gae.h"

namespace vgrad {

GcnEncoderBase::GcnEncoderBase(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config,
                               Rng& rng)
    : a_hat_(std::move(a_hat)), features_(std::move(features)), config_(config), rng_(&rng) {
  check(features_ != nullptr, "GCN encoder: features are null (use the identity for none)");
  check(features_->rows() == a_hat_->rows(), "GCN encoder: ", features_->rows(),
        " feature rows for a graph of ", a_hat_->rows(), " nodes");
  gc1_ = register_module("gc1", std::make_shared<GraphConv>(a_hat_, features_->cols(),
                                                            config.hidden, rng));
}

Tensor GcnEncoderBase::hidden() { return relu(gc1_->forward(features_)); }

Tensor GcnEncoderBase::drop(const Tensor& x) {
  return dropout(x, config_.dropout, is_training(), *rng_);
}

Gae::Gae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng)
    : GcnEncoderBase(std::move(a_hat), std::move(features), config, rng) {
  gc2_ = register_module("gc2", std::make_shared<GraphConv>(a_hat_, config.hidden,
                                                            config.latent, rng));
}

Tensor Gae::embed() { return gc2_->forward(drop(hidden())); }

// loss = norm * mean_ij weighted_bce(z_i . z_j, y_ij)
Tensor Gae::loss(const LinkTargets& targets, Rng& rng) {
  return reconstruction_loss(embed(), targets, rng);
}

}  // namespace vgrad
