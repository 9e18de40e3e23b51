// The link-prediction training loop shared by GAE and VGAE: full-batch Adam steps on the
// reconstruction loss, validation AUC/AP per epoch, and the test scores at the end, as the
// reference's train.py does.
#pragma once
#include <functional>

#include "models/link_model.h"

namespace vgrad {

struct LinkScores {
  double auc = 0, ap = 0;
};

// Scores node pairs by the logit z_u . z_v (sigmoid is monotone, so AUC and AP are those of
// the reference's sigmoid scores, minus the ties float saturation would add).
LinkScores score_links(const Tensor& z, const std::vector<Edge>& pos, const std::vector<Edge>& neg);

struct EpochLog {
  int epoch = 0;          // 1-based
  double loss = 0;
  double val_auc = -1, val_ap = -1;  // -1 when not evaluated this epoch
  double seconds = 0;     // the step alone, without validation
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

}  // namespace vgrad
