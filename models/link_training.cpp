#include "models/link_training.h"

#include <chrono>

#include "autograd/profile.h"
#include "autograd/storage.h"
#include "datasets/negatives.h"
#include "nn/ranking.h"

namespace vgrad {

namespace {

// The logit z_u . z_v of each pair, summed in double.
std::vector<float> pair_scores(const Tensor& z, const std::vector<Edge>& edges) {
  const int64_t d = z.cols();
  std::vector<float> scores;
  scores.reserve(edges.size());
  for (const Edge& e : edges) {
    double s = 0;
    for (int64_t c = 0; c < d; ++c) s += (double)z.at(e.first * d + c) * z.at(e.second * d + c);
    scores.push_back((float)s);
  }
  return scores;
}

}  // namespace

LinkScores score_links(const Tensor& z, const std::vector<Edge>& pos,
                       const std::vector<Edge>& neg) {
  std::vector<float> scores = pair_scores(z, pos);
  const std::vector<float> neg_scores = pair_scores(z, neg);
  scores.insert(scores.end(), neg_scores.begin(), neg_scores.end());
  std::vector<int> labels(pos.size(), 1);
  labels.resize(scores.size(), 0);
  return {roc_auc(scores, labels), average_precision(scores, labels)};
}

Tensor evaluation_embedding(LinkModel& model) {
  NoGradGuard no_tape;
  const bool was_training = model.is_training();
  model.eval();
  Tensor z = model.embed();
  model.train(was_training);
  return z;
}

LinkScores evaluate_links(LinkModel& model, const std::vector<Edge>& pos,
                          const std::vector<Edge>& neg) {
  return score_links(evaluation_embedding(model), pos, neg);
}

LinkRanking rank_links(const Tensor& z, const std::vector<Edge>& pos, const std::vector<Edge>& neg,
                       int64_t per_edge) {
  const std::vector<float> p = pair_scores(z, pos), n = pair_scores(z, neg);
  LinkRanking r;
  r.hits10 = hits_at_k(p, n, 10);
  r.hits50 = hits_at_k(p, n, 50);
  r.hits100 = hits_at_k(p, n, 100);
  r.mrr = per_edge == 0 ? mean_reciprocal_rank_shared(p, n) : mean_reciprocal_rank(p, n, per_edge);
  return r;
}

std::vector<Edge> draw_eval_negatives(const LinkSplit& split, int64_t per_edge, uint64_t seed) {
  check(per_edge >= 1, "draw_eval_negatives: expected at least 1 negative per edge, got ",
        per_edge);
  std::vector<Edge> all(split.train_pos);
  all.insert(all.end(), split.val_pos.begin(), split.val_pos.end());
  all.insert(all.end(), split.test_pos.begin(), split.test_pos.end());
  Rng rng(seed ^ 0x6576616c6e656773ULL);  // "evalnegs": a stream apart from the run's
  return NegativeSampler(split.num_nodes, all)
      .sample((int64_t)split.test_pos.size(), per_edge, rng);
}

ClusterScores cluster_embedding(const Tensor& z, const std::vector<int>& labels, uint64_t seed) {
  Rng rng(seed ^ 0x6b6d65616e73ULL);  // "kmeans"
  return cluster_and_score(z.data(), z.rows(), z.cols(), labels, 10, rng);
}

void train_link(LinkRun& run, int first_epoch, int last_epoch, int eval_every,
                const std::function<void(const EpochLog&)>& on_epoch,
                const std::function<bool()>& stop) {
  run.model.train();
  for (int epoch = first_epoch; epoch <= last_epoch; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const double value = descend(run.model.loss(run.targets, run.rng), run.model, run.optimizer,
                                 "epoch " + std::to_string(epoch));
    EpochLog log;
    log.epoch = epoch;
    log.loss = value;
    log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (eval_every > 0 && (epoch % eval_every == 0 || epoch == last_epoch)) {
      profile::Scope scope("evaluate AUC/AP");
      const LinkScores val = evaluate_links(run.model, run.split.val_pos, run.split.val_neg);
      log.val_auc = val.auc;
      log.val_ap = val.ap;
    }
    if (on_epoch) on_epoch(log);
    if (stop && stop()) break;
  }
  // The blocks the steps' tensors kept for the next step (up to 1 GiB on a 1M-node graph) go
  // back to the system: evaluation and the pictures ask for other sizes, and on top of the
  // cache they made the run's peak (2.37 GB there, against 2.04 in training).
  pool_release_all();
}

}  // namespace vgrad
