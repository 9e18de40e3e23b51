#include "models/deepwalk.h"

#include <algorithm>
#include <chrono>

#include <omp.h>

#include "models/skipgram_batches.h"

namespace vgrad {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

SkipGramObjective parse_skipgram_objective(const std::string& name) {
  if (name == "hs") return SkipGramObjective::hs;
  if (name == "neg") return SkipGramObjective::neg;
  fail("skip-gram objective: expected hs or neg, got '", name, "'");
}

DeepWalk::DeepWalk(int64_t nodes, const DeepWalkConfig& config, Rng& rng) {
  check(nodes >= 2, "DeepWalk: needs at least 2 nodes, got ", nodes);
  const int64_t d = config.latent;
  node_ = register_module("node", std::make_shared<Embedding>(nodes, d, rng, 0.5f / (float)d));
  context_ = register_module("context", std::make_shared<Embedding>(nodes, d, rng, 0.0f));
}

Tensor DeepWalk::loss(const LinkTargets&, Rng&) {
  fail("DeepWalk: trained by train_deepwalk (walks, then skip-gram), not by link-training steps");
}

DeepWalkStats train_deepwalk(DeepWalk& model, const Csr& adj_train, const DeepWalkConfig& c,
                             uint64_t seed, const std::string& source,
                             const std::function<void(int64_t, int64_t, double)>& on_progress,
                             const std::function<bool()>& stop) {
  check(adj_train.nnz() > 0, source,
        ": the training graph has no edges: DeepWalk's walks need some");
  check(c.window >= 1 && c.batch >= 1 && c.epochs >= 1 && c.negatives >= 1,
        "DeepWalk: window, batch, epochs and negatives must be at least 1");
  DeepWalkStats stats;
  auto t0 = std::chrono::steady_clock::now();
  const Walks walks = random_walks(adj_train, c.walks_per_node, c.walk_length, seed);
  stats.walk_seconds = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();

  std::unique_ptr<Optimizer> opt;
  if (c.optimizer == "adam")
    opt = std::make_unique<Adam>(model.parameters(), AdamOptions{.lr = c.lr});
  else if (c.optimizer == "sgd")
    opt = std::make_unique<Sgd>(model.parameters(), SgdOptions{.lr = c.lr});
  else
    fail("DeepWalk: optimizer: expected sgd or adam, got '", c.optimizer, "'");
  auto* sgd = dynamic_cast<Sgd*>(opt.get());

  const int64_t total = (int64_t)walks.nodes.size() * c.epochs;
  int64_t done = 0, epoch_terms = 0;
  int epoch = 0;
  double loss_sum = 0;
  auto end_epoch = [&] {
    stats.terms += epoch_terms;
    stats.mean_loss = epoch_terms ? loss_sum / (double)epoch_terms : 0;
    loss_sum = 0, epoch_terms = 0;
  };
  auto step = [&](const SkipGramBatch& batch) {
    if (batch.epoch != epoch) end_epoch(), epoch = batch.epoch;
    done += batch.end - batch.begin;
    if (batch.terms == 0) return true;
    const int64_t unique = batch.pairs->size();
    const Tensor signs = Tensor::from({unique}, batch.sign);
    const Tensor weights = Tensor::from({unique}, batch.weight);
    // The two tables' rows are read in place (pair_dot's lookups), not copied per step: the
    // same dot products and row-sparse gradients as pair_dot of two embedding lookups.
    const Tensor dots = pair_dot(model.node().table(), model.context().table(), batch.pairs,
                                 batch.centre_rows, batch.context_rows);
    const Tensor loss = signed_log_sigmoid_loss(dots, signs, Reduction::sum, weights);
    if (sgd) sgd->options().lr = c.lr * std::max(1e-4, 1.0 - (double)done / (double)total);
    loss_sum +=
        descend(loss, model, *opt,
                "epoch " + std::to_string(epoch + 1) + ", position " + std::to_string(batch.begin));
    epoch_terms += batch.terms;
    stats.dot_products += unique;
    stats.steps++;
    if (on_progress && stats.steps % 256 == 0)
      on_progress(done, total, loss_sum / (double)epoch_terms);
    return !(stop && stop());
  };
  for_each_skipgram_batch(walks, adj_train.rows(), c, seed, omp_get_max_threads(), step);
  end_epoch();
  stats.train_seconds = seconds_since(t0);
  return stats;
}

}  // namespace vgrad
