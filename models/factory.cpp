#include "models/factory.h"

#include "models/ae.h"
#include "models/spectral.h"
#include "models/vae.h"
#include "models/vgae.h"

namespace vgrad {

std::unique_ptr<LinkModel> make_link_model(const std::string& kind, CsrPtr a_hat,
                                           CsrPtr features, const GraphModelConfig& config,
                                           Rng& rng) {
  if (kind == "gae") return std::make_unique<Gae>(std::move(a_hat), std::move(features), config, rng);
  if (kind == "vgae") return std::make_unique<Vgae>(std::move(a_hat), std::move(features), config, rng);
  // Filled by SpectralModel::fit or by a checkpoint's tensor, never by training.
  if (kind == "sc") return std::make_unique<SpectralModel>(a_hat->rows(), config.latent);
  fail("unknown graph model '", kind, "' (expected gae, vgae or sc)");
}

std::unique_ptr<ImageModel> make_image_model(const std::string& kind, int64_t pixels,
                                             const ImageModelConfig& config, Rng& rng) {
  if (kind == "ae") return std::make_unique<Ae>(pixels, config, rng);
  if (kind == "vae") return std::make_unique<Vae>(pixels, config, rng);
  fail("unknown image model '", kind, "' (expected ae or vae)");
}

}  // namespace vgrad
