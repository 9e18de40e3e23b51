#include "models/factory.h"

#include "models/ae.h"
#include "models/vae.h"
#include "models/vgae.h"

namespace vgrad {

std::unique_ptr<LinkModel> make_link_model(const std::string& kind, CsrPtr a_hat,
                                           CsrPtr features, const GraphModelConfig& config,
                                           Rng& rng) {
  if (kind == "gae") return std::make_unique<Gae>(std::move(a_hat), std::move(features), config, rng);
  if (kind == "vgae") return std::make_unique<Vgae>(std::move(a_hat), std::move(features), config, rng);
  fail("unknown graph model '", kind, "' (expected gae or vgae)");
}

std::unique_ptr<ImageModel> make_image_model(const std::string& kind, int64_t pixels,
                                             const ImageModelConfig& config, Rng& rng) {
  if (kind == "ae") return std::make_unique<Ae>(pixels, config, rng);
  if (kind == "vae") return std::make_unique<Vae>(pixels, config, rng);
  fail("unknown image model '", kind, "' (expected ae or vae)");
}

}  // namespace vgrad
