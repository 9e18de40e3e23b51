#include "models/image_model.h"

namespace vgrad {

Recon parse_recon(const std::string& name) {
  if (name == "bce") return Recon::bce;
  if (name == "mse") return Recon::mse;
  fail("--recon: expected bce or mse, got '", name, "'");
}

const char* recon_name(Recon recon) { return recon == Recon::bce ? "bce" : "mse"; }

// BCE is taken on the logits: the same value as on sigmoid outputs, without a clamp, and
// stable when a pixel is confidently wrong.
Tensor reconstruction_error(const Tensor& logits, const Tensor& x, Recon recon) {
  if (recon == Recon::mse) return mse(sigmoid(logits), x, Reduction::sum);
  return bce_with_logits(logits, x, Reduction::sum);
}

}  // namespace vgrad
