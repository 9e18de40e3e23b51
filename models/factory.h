// Builds a model by name, the one place that maps "gae" / "vgae" / "ae" / "vae" to classes,
// so `vgrad train`, `vgrad eval` and checkpoints agree.
#pragma once
#include <memory>

#include "models/gae.h"
#include "models/image_model.h"

namespace vgrad {

std::unique_ptr<LinkModel> make_link_model(const std::string& kind, CsrPtr a_hat,
                                           CsrPtr features, const GraphModelConfig& config,
                                           Rng& rng);
std::unique_ptr<ImageModel> make_image_model(const std::string& kind, int64_t pixels,
                                             const ImageModelConfig& config, Rng& rng);

}  // namespace vgrad
