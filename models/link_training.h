// The link-prediction training loop shared by GAE and VGAE: full-batch Adam steps on the
// reconstruction loss, validation AUC/AP per epoch, and the test scores at the end, as the
// reference's train.py does.
#pragma once
#include <functional>

#include "models/link_model.h"
#include "nn/clustering.h"

namespace vgrad {

struct LinkScores {
  double auc = 0, ap = 0;
};

// Scores node pairs by the logit z_u . z_v (sigmoid is monotone, so AUC and AP are those of
// the reference's sigmoid scores, minus the ties float saturation would add).
LinkScores score_links(const Tensor& z, const std::vector<Edge>& pos, const std::vector<Edge>& neg);

struct EpochLog {
  int epoch = 0;  // 1-based
  double loss = 0;
  double val_auc = -1, val_ap = -1;  // -1 when not evaluated this epoch
  double seconds = 0;                // the step alone, without validation
};

struct LinkRun {
  LinkModel& model;
  Optimizer& optimizer;
  Rng& rng;
  const LinkSplit& split;
  const LinkTargets& targets;
};

// Epochs first_epoch..last_epoch (1-based, inclusive). Stops with an error naming the epoch
// when the loss or a gradient is not finite. `stop` is polled after each epoch (SIGINT).
void train_link(LinkRun& run, int first_epoch, int last_epoch, int eval_every,
                const std::function<void(const EpochLog&)>& on_epoch,
                const std::function<bool()>& stop = {});

LinkScores evaluate_links(LinkModel& model, const std::vector<Edge>& pos,
                          const std::vector<Edge>& neg);

// The embeddings used for evaluation (GAE: Z, VGAE: the mean), computed in eval mode.
Tensor evaluation_embedding(LinkModel& model);

// OGB's ranking metrics of the test edges (nn/ranking.h). per_edge == 0: the split's test
// negatives are one shared pool for Hits@K and for every edge's MRR. per_edge == K: neg holds
// K negatives per positive, edge i's at [i K, (i + 1) K); MRR ranks each edge against its
// own K, Hits@K compares with the K-th highest of the whole pool.
struct LinkRanking {
  double hits10 = 0, hits50 = 0, hits100 = 0, mrr = 0;
};
LinkRanking rank_links(const Tensor& z, const std::vector<Edge>& pos, const std::vector<Edge>& neg,
                       int64_t per_edge);

// K non-edges of the whole graph (train, validation and test edges all excluded) per test
// edge, from a generator of their own seeded by `seed`: training draws nothing from it, and
// `vgrad eval` draws the same pairs again.
std::vector<Edge> draw_eval_negatives(const LinkSplit& split, int64_t per_edge, uint64_t seed);

// Node clustering of the evaluation embedding (nn/clustering.h): k-means, k = distinct
// labels, 10 seeded k-means++ restarts; nodes labelled -1 are clustered but not scored.
ClusterScores cluster_embedding(const Tensor& z, const std::vector<int>& labels, uint64_t seed);

}  // namespace vgrad
