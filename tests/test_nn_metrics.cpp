#include <doctest/doctest.h>

#include <cmath>

#include "autograd/check.h"
#include "autograd/random.h"
#include "nn/metrics.h"

using namespace vgrad;

TEST_CASE("roc_auc and average_precision: no ties") {
  // Positives score 0.35 and 0.8, negatives 0.1 and 0.4. Pairs (pos beats neg):
  //   0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 > both: 3 of 4, AUC = 0.75.
  // Thresholds high to low: 0.8 -> tp 1 fp 0, P 1, R 1/2: + 1/2 * 1
  //   0.4 -> tp 1 fp 1, R unchanged: + 0;  0.35 -> tp 2 fp 1, P 2/3, R 1: + 1/2 * 2/3
  //   0.1 -> R unchanged.  AP = 1/2 + 1/3 = 0.8333333.
  const std::vector<float> s = {0.1f, 0.4f, 0.35f, 0.8f};
  const std::vector<int> y = {0, 0, 1, 1};
  CHECK(roc_auc(s, y) == doctest::Approx(0.75));
  CHECK(average_precision(s, y) == doctest::Approx(5.0 / 6.0));
}

TEST_CASE("roc_auc and average_precision: ties count half and enter together") {
  // Positives 0.5, 0.2, 0.9; negatives 0.5, 0.5. Pairs: 0.5 vs (0.5, 0.5) ties: 1/2 + 1/2;
  //   0.2 beats none: 0; 0.9 beats both: 2. AUC = 3 / 6 = 0.5.
  // Thresholds: 0.9 -> tp 1 fp 0: R 1/3, P 1: + 1/3
  //   0.5 (three tied scores together) -> tp 2 fp 2: R 2/3, P 1/2: + 1/3 * 1/2
  //   0.2 -> tp 3 fp 2: R 1, P 3/5: + 1/3 * 3/5.  AP = 1/3 + 1/6 + 1/5 = 0.7.
  const std::vector<float> s = {0.5f, 0.5f, 0.5f, 0.2f, 0.9f};
  const std::vector<int> y = {1, 0, 0, 1, 1};
  CHECK(roc_auc(s, y) == doctest::Approx(0.5));
  CHECK(average_precision(s, y) == doctest::Approx(0.7));
  // Order of equal scores must not matter.
  const std::vector<float> s2 = {0.9f, 0.2f, 0.5f, 0.5f, 0.5f};
  const std::vector<int> y2 = {1, 1, 0, 0, 1};
  CHECK(roc_auc(s2, y2) == doctest::Approx(0.5));
  CHECK(average_precision(s2, y2) == doctest::Approx(0.7));
}

TEST_CASE("roc_auc and average_precision: all tied, perfect, reversed") {
  // All tied: every pair half: AUC 1/2; one threshold with P = 2/4, R 0 -> 1: AP 1/2.
  CHECK(roc_auc({0.3f, 0.3f, 0.3f, 0.3f}, {1, 0, 1, 0}) == doctest::Approx(0.5));
  CHECK(average_precision({0.3f, 0.3f, 0.3f, 0.3f}, {1, 0, 1, 0}) == doctest::Approx(0.5));
  CHECK(roc_auc({0.9f, 0.8f, 0.1f}, {1, 1, 0}) == doctest::Approx(1.0));
  CHECK(average_precision({0.9f, 0.8f, 0.1f}, {1, 1, 0}) == doctest::Approx(1.0));
  // Reversed: AUC 0. Thresholds 0.9 -> tp 0 fp 1 (R stays 0); 0.1 -> tp 1 fp 1: R 1, P 1/2.
  CHECK(roc_auc({0.9f, 0.1f}, {0, 1}) == doctest::Approx(0.0));
  CHECK(average_precision({0.9f, 0.1f}, {0, 1}) == doctest::Approx(0.5));
}

TEST_CASE("roc_auc: equals the pairwise count on 2000 random scores with many ties") {
  Rng rng(3);
  std::vector<float> s(2000);
  std::vector<int> y(2000);
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = (float)rng.below(50) / 50.0f;  // 50 levels: ties everywhere
    y[i] = rng.uniform() < s[i] * 0.8f + 0.1f;
  }
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < s.size(); ++i)
    for (size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5
                                                 : 0.0;
      }
  CHECK(roc_auc(s, y) == doctest::Approx(wins / pairs).epsilon(1e-12));
}

TEST_CASE("metrics: bad input is refused with a message") {
  CHECK_THROWS_WITH_AS(roc_auc({}, {}), "roc_auc: no scores", Error);
  CHECK_THROWS_WITH_AS(roc_auc({0.1f, 0.2f}, {1, 1}),
                       "roc_auc: needs both classes, got 2 positives and 0 negatives", Error);
  CHECK_THROWS_WITH_AS(average_precision({0.1f, 0.2f}, {0, 0}),
                       "average_precision: needs both classes, got 0 positives and 2 negatives",
                       Error);
  CHECK_THROWS_WITH_AS(roc_auc({0.1f}, {1, 0}), "roc_auc: 1 scores but 2 labels", Error);
  CHECK_THROWS_WITH_AS(roc_auc({0.1f, 0.2f}, {1, 2}), "roc_auc: label 1 is 2, expected 0 or 1",
                       Error);
  CHECK_THROWS_AS(roc_auc({0.1f, NAN}, {1, 0}), Error);
}
