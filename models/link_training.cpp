#include "models/link_training.h"

#include <chrono>

#include "autograd/profile.h"

namespace vgrad {

LinkScores score_links(const Tensor& z, const std::vector<Edge>& pos, const std::vector<Edge>& neg) {
  const int64_t d = z.cols();
  std::vector<float> scores;
  std::vector<int> labels;
  auto add = [&](const std::vector<Edge>& edges, int label) {
    for (const Edge& e : edges) {
      double s = 0;
      for (int64_t c = 0; c < d; ++c) s += (double)z.at(e.first * d + c) * z.at(e.second * d + c);
      scores.push_back((float)s);
      labels.push_back(label);
    }
  };
  add(pos, 1);
  add(neg, 0);
  return {roc_auc(scores, labels), average_precision(scores, labels)};
}

LinkScores evaluate_links(LinkModel& model, const std::vector<Edge>& pos,
                          const std::vector<Edge>& neg) {
  NoGradGuard no_tape;
  const bool was_training = model.is_training();
  model.eval();
  Tensor z = model.embed();
  model.train(was_training);
  return score_links(z, pos, neg);
}

void train_link(LinkRun& run, int first_epoch, int last_epoch, int eval_every,
                const std::function<void(const EpochLog&)>& on_epoch,
                const std::function<bool()>& stop) {
  run.model.train();
  for (int epoch = first_epoch; epoch <= last_epoch; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const double value = descend(run.model.loss(run.targets, run.rng), run.model,
                                 run.optimizer, "epoch " + std::to_string(epoch));
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
    if (stop && stop()) return;
  }
}

}  // namespace vgrad
