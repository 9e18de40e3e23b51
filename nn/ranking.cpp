#include "nn/ranking.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "autograd/check.h"

namespace vgrad {
namespace {

void check_scores(const char* op, const char* what, const std::vector<float>& s) {
  check(!s.empty(), op, ": no ", what, " scores");
  for (size_t i = 0; i < s.size(); ++i)
    check(std::isfinite(s[i]), op, ": ", what, " score ", i, " is not finite (", s[i], ")");
}

}  // namespace

double hits_at_k(const std::vector<float>& pos, const std::vector<float>& neg, int64_t k) {
  check(k >= 1, "hits_at_k: K must be at least 1, got ", k);
  check_scores("hits_at_k", "positive", pos);
  check_scores("hits_at_k", "negative", neg);
  if ((int64_t)neg.size() < k) return 1.0;
  std::vector<float> top(neg);
  std::nth_element(top.begin(), top.begin() + (k - 1), top.end(), std::greater<float>());
  const float kth = top[k - 1];
  int64_t hits = 0;
  for (float p : pos) hits += p > kth;
  return (double)hits / (double)pos.size();
}

double mean_reciprocal_rank(const std::vector<float>& pos, const std::vector<float>& neg,
                            int64_t per_positive) {
  check(per_positive >= 1, "mean_reciprocal_rank: negatives per positive must be at least 1, got ",
        per_positive);
  check_scores("mean_reciprocal_rank", "positive", pos);
  check_scores("mean_reciprocal_rank", "negative", neg);
  check((int64_t)neg.size() == (int64_t)pos.size() * per_positive,
        "mean_reciprocal_rank: ", neg.size(), " negatives for ", pos.size(), " positives x ",
        per_positive);
  double total = 0;
  for (size_t i = 0; i < pos.size(); ++i) {
    int64_t above = 0, tied = 0;
    for (int64_t j = 0; j < per_positive; ++j) {
      const float s = neg[i * per_positive + j];
      above += s > pos[i];
      tied += s == pos[i];
    }
    total += 1.0 / (above + 0.5 * tied + 1.0);  // ((above) + (above + tied)) / 2 + 1
  }
  return total / (double)pos.size();
}

double mean_reciprocal_rank_shared(const std::vector<float>& pos, const std::vector<float>& neg) {
  check_scores("mean_reciprocal_rank_shared", "positive", pos);
  check_scores("mean_reciprocal_rank_shared", "negative", neg);
  std::vector<float> sorted(neg);
  std::sort(sorted.begin(), sorted.end());
  double total = 0;
  for (float p : pos) {
    const auto first = std::lower_bound(sorted.begin(), sorted.end(), p);
    const auto last = std::upper_bound(first, sorted.end(), p);
    const double above = (double)(sorted.end() - last), tied = (double)(last - first);
    total += 1.0 / (above + 0.5 * tied + 1.0);
  }
  return total / (double)pos.size();
}

}  // namespace vgrad
