#include "nn/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/check.h"

namespace vgrad {
namespace {

// Runs of equal scores, from the highest score down: (positives, negatives) per run.
struct Run {
  int64_t pos = 0, neg = 0;
};

std::vector<Run> runs_high_to_low(const char* op, const std::vector<float>& scores,
                                  const std::vector<int>& labels) {
  check(scores.size() == labels.size(), op, ": ", scores.size(), " scores but ", labels.size(),
        " labels");
  check(!scores.empty(), op, ": no scores");
  int64_t pos = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    check(labels[i] == 0 || labels[i] == 1, op, ": label ", i, " is ", labels[i],
          ", expected 0 or 1");
    check(std::isfinite(scores[i]), op, ": score ", i, " is not finite (", scores[i], ")");
    pos += labels[i];
  }
  const int64_t n = (int64_t)scores.size();
  check(pos > 0 && pos < n, op, ": needs both classes, got ", pos, " positives and ", n - pos,
        " negatives");
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  std::vector<Run> runs;
  for (int64_t k = 0; k < n; ++k) {
    if (k == 0 || scores[order[k]] != scores[order[k - 1]]) runs.emplace_back();
    (labels[order[k]] ? runs.back().pos : runs.back().neg) += 1;
  }
  return runs;
}

}  // namespace

// Walking down: a positive in a run beats every negative in later runs and ties (half) with
// the negatives of its own run.
double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels) {
  const std::vector<Run> runs = runs_high_to_low("roc_auc", scores, labels);
  double total_pos = 0, total_neg = 0;
  for (const Run& r : runs) {
    total_pos += r.pos;
    total_neg += r.neg;
  }
  double wins = 0, neg_above = 0;
  for (const Run& r : runs) {
    wins += r.pos * (total_neg - neg_above - r.neg + 0.5 * r.neg);
    neg_above += r.neg;
  }
  return wins / (total_pos * total_neg);
}

double average_precision(const std::vector<float>& scores, const std::vector<int>& labels) {
  const std::vector<Run> runs = runs_high_to_low("average_precision", scores, labels);
  double total_pos = 0;
  for (const Run& r : runs) total_pos += r.pos;
  double tp = 0, fp = 0, ap = 0, recall_before = 0;
  for (const Run& r : runs) {
    tp += r.pos;
    fp += r.neg;
    const double recall = tp / total_pos;
    ap += (recall - recall_before) * (tp / (tp + fp));
    recall_before = recall;
  }
  return ap;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

}  // namespace vgrad
