// What GAE and VGAE share: the training targets of the all-pairs reconstruction loss, and the
// interface the link-prediction trainer drives (models/link_training.h).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "datasets/negatives.h"
#include "datasets/split.h"
#include "nn/nn.h"

namespace vgrad {

// How the decoder's loss is computed; all give the reference's loss up to float rounding,
// except `sampled`, which replaces the N*N pairs by K random non-edges per edge.
enum class Decoder { fused, dense, sampled };
// The names, in the order of the enum (the default first), and the one parser of them:
// throws "decoder: expected fused, dense or sampled, got 'NAME'".
const std::vector<std::string>& decoder_names();
Decoder parse_decoder(const std::string& name);

// The reference's targets (tkipf/gae train.py): labels = A_train + I, and with E the number
// of ones in A_train (each undirected edge twice),
//   pos_weight = (N*N - E) / E,   norm = N*N / (2 (N*N - E)).
struct LinkTargets {
  CsrPtr labels;  // null for the sampled decoder, which reads positives and sampler instead
  float pos_weight = 1, norm = 1;
  Decoder decoder = Decoder::fused;
  // Decoder::sampled only: the training edges (u < v, sorted) are the positives; each call
  // of reconstruction_loss draws negatives_per_edge non-edges of the training graph per
  // positive from the run's rng (so a resumed run draws what an uninterrupted one would).
  int64_t negatives_per_edge = 1;
  std::vector<Edge> positives;
  std::shared_ptr<const NegativeSampler> sampler;
};
LinkTargets make_link_targets(const LinkSplit& split, Decoder decoder);

// The reconstruction loss of embeddings z [N, Z] under the chosen decoder.
Tensor reconstruction_loss(const Tensor& z, const LinkTargets& targets, Rng& rng);

class LinkModel : public Module {
 public:
  // One training step's loss (sampling noise for VGAE comes from rng).
  virtual Tensor loss(const LinkTargets& targets, Rng& rng) = 0;
  // The embeddings used for evaluation: Z (GAE) or the mean mu (VGAE), [N, Z].
  virtual Tensor embed() = 0;
  virtual std::string kind() const = 0;  // "gae" or "vgae"
};

}  // namespace vgrad
