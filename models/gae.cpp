#include "models/gae.h"

namespace vgrad {

GcnEncoderBase::GcnEncoderBase(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config,
                               Rng& rng)
    : a_hat_(std::move(a_hat)), features_(std::move(features)), config_(config), rng_(&rng) {
  check(features_ != nullptr, "GCN encoder: features are null (use the identity for none)");
  check(features_->rows() == a_hat_->rows(), "GCN encoder: ", features_->rows(),
        " feature rows for a graph of ", a_hat_->rows(), " nodes");
  check_encoder(config.encoder);
  gc1_ = make_encoder_layer(config.encoder, a_hat_, features_->cols(), config.hidden, true,
                            config.heads, config.dropout, rng);
  register_module("gc1", gc1_.module);
}

EncoderLayer GcnEncoderBase::output_layer(const std::string& name, Rng& rng) {
  EncoderLayer l = make_encoder_layer(config_.encoder, a_hat_, config_.hidden, config_.latent,
                                      false, config_.heads, config_.dropout, rng);
  register_module(name, l.module);
  return l;
}

Tensor GcnEncoderBase::hidden() {
  return encoder_activation(config_.encoder, gc1_.forward_sparse(features_));
}

Tensor GcnEncoderBase::drop(const Tensor& x) {
  return dropout(x, config_.dropout, is_training(), *rng_);
}

Gae::Gae(CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng)
    : GcnEncoderBase(std::move(a_hat), std::move(features), config, rng) {
  gc2_ = output_layer("gc2", rng);
}

Tensor Gae::embed() { return gc2_.forward(drop(hidden())); }

// loss = norm * mean_ij weighted_bce(z_i . z_j, y_ij)
Tensor Gae::loss(const LinkTargets& targets, Rng& rng) {
  return reconstruction_loss(embed(), targets, rng);
}

}  // namespace vgrad
