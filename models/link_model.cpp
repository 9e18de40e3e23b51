#include "models/link_model.h"

#include <algorithm>

#include "autograd/profile.h"
#include "nn/inner_product_loss.h"

namespace vgrad {

const std::vector<std::string>& decoder_names() {
  static const std::vector<std::string> names = {"fused", "dense", "sampled"};
  return names;
}

Decoder parse_decoder(const std::string& name) {
  const std::vector<std::string>& names = decoder_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return (Decoder)i;
  std::string choices;
  for (size_t i = 0; i < names.size(); ++i)
    choices += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  fail("decoder: expected ", choices, ", got '", name, "'");
}

LinkTargets make_link_targets(const LinkSplit& split, Decoder decoder) {
  const int64_t n = split.num_nodes;
  const double nn = (double)n * (double)n;
  const double e = (double)split.adj_train->nnz();  // both directions, no self-loops
  check(e > 0, "link targets: the training graph has no edges");
  LinkTargets t;
  // The reference's labels are A_train + I: A_train's sorted rows with the diagonal put in
  // its place (A_train has none), read in one pass. The sampled decoder never reads them: on
  // a 1M-node graph they are 70 MB it would carry through training for nothing.
  if (decoder != Decoder::sampled) {
    const Csr& a = *split.adj_train;
    std::vector<int64_t> row_ptr(n + 1, 0);
    std::vector<int32_t> col;
    col.reserve(a.nnz() + n);
    for (int64_t i = 0; i < n; ++i) {
      const auto first = a.col_idx().begin() + a.row_ptr()[i];
      const auto last = a.col_idx().begin() + a.row_ptr()[i + 1];
      const auto mid = std::lower_bound(first, last, (int32_t)i);
      col.insert(col.end(), first, mid);
      col.push_back((int32_t)i);
      col.insert(col.end(), mid, last);
      row_ptr[i + 1] = (int64_t)col.size();
    }
    const size_t nnz = col.size();
    t.labels =
        Csr::from_csr(n, n, std::move(row_ptr), std::move(col), std::vector<float>(nnz, 1.0f));
  }
  t.pos_weight = (float)((nn - e) / e);
  t.norm = (float)(nn / (2.0 * (nn - e)));
  t.decoder = decoder;
  if (decoder == Decoder::sampled) {
    // Sorted, as a scan of the label rows finds them: the loss sums pairs in this order.
    t.positives = split.train_pos;
    std::sort(t.positives.begin(), t.positives.end());
    // Never a training edge nor a self-pair (the labels A_train + I); held-out edges may be
    // drawn, as they are zeros of the all-pairs loss too: excluding them would leak the test set.
    t.sampler = std::make_shared<const NegativeSampler>(n, split.train_pos);
  }
  return t;
}

Tensor reconstruction_loss(const Tensor& z, const LinkTargets& t, Rng& rng) {
  const InnerProductLossOptions opt{.pos_weight = t.pos_weight, .norm = t.norm};
  switch (t.decoder) {
    case Decoder::fused: return inner_product_bce(z, t.labels, opt);
    case Decoder::dense: return inner_product_bce_dense(z, t.labels, opt);
    case Decoder::sampled: {
      check(t.sampler != nullptr,
            "reconstruction_loss: the sampled decoder needs make_link_targets' sampler");
      std::vector<Edge> negatives;
      {
        profile::Scope scope("draw negatives");  // not an op: its own line in --profile
        negatives = t.sampler->sample((int64_t)t.positives.size(), t.negatives_per_edge, rng);
      }
      return sampled_inner_product_bce(z, t.positives, negatives);
    }
  }
  fail("reconstruction_loss: unknown decoder");
}

}  // namespace vgrad
