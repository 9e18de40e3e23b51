#include <doctest/doctest.h>

#include "autograd/check.h"
#include "nn/ranking.h"

using namespace vgrad;

TEST_CASE("hits_at_k: strictly above the K-th negative; a tie is a miss (OGB)") {
  // Negatives high to low: 0.9, 0.5, 0.5, 0.1. Positives 0.95, 0.5, 0.6, 0.2.
  //   K = 1: K-th negative 0.9; above it: 0.95 -> 1/4.
  //   K = 2 and K = 3: K-th negative 0.5; above: 0.95, 0.6 (0.5 ties: a miss) -> 2/4.
  //   K = 4: 0.1; all four above -> 1.   K = 5: fewer negatives than K -> 1 (OGB).
  const std::vector<float> pos = {0.95f, 0.5f, 0.6f, 0.2f}, neg = {0.5f, 0.1f, 0.9f, 0.5f};
  CHECK(hits_at_k(pos, neg, 1) == doctest::Approx(0.25));
  CHECK(hits_at_k(pos, neg, 2) == doctest::Approx(0.5));
  CHECK(hits_at_k(pos, neg, 3) == doctest::Approx(0.5));
  CHECK(hits_at_k(pos, neg, 4) == doctest::Approx(1.0));
  CHECK(hits_at_k(pos, neg, 5) == doctest::Approx(1.0));
  CHECK_THROWS_WITH(hits_at_k(pos, neg, 0), doctest::Contains("K must be at least 1"));
}

TEST_CASE("mean_reciprocal_rank: each positive against its own negatives; a tie is half a place") {
  // Positive 0.5 vs (0.7, 0.5, 0.5): 1 above, 2 tied: optimistic rank 2, pessimistic 4,
  //   rank (1 + 3) / 2 + 1 = 3 -> 1/3.
  // Positive 0.9 vs (0.1, 0.9, 0.2): 0 above, 1 tied: rank (0 + 1) / 2 + 1 = 1.5 -> 2/3.
  // MRR = (1/3 + 2/3) / 2 = 0.5.
  CHECK(mean_reciprocal_rank({0.5f, 0.9f}, {0.7f, 0.5f, 0.5f, 0.1f, 0.9f, 0.2f}, 3) ==
        doctest::Approx(0.5));
  // No ties: ranks 1 and 3 -> (1 + 1/3) / 2.
  CHECK(mean_reciprocal_rank({0.8f, 0.1f}, {0.2f, 0.3f, 0.5f, 0.4f}, 2) ==
        doctest::Approx(2.0 / 3.0));
  CHECK_THROWS_WITH(mean_reciprocal_rank({0.5f}, {0.1f, 0.2f, 0.3f}, 2),
                    doctest::Contains("3 negatives for 1 positives x 2"));
}

TEST_CASE("mean_reciprocal_rank_shared: equals the per-positive MRR with the pool repeated") {
  // Pool (0.5, 0.7, 0.5): positive 0.5 -> 1 above, 2 tied: rank 3; 0.9 -> rank 1;
  // 0.5f again -> 3; 0.1 -> 3 above: rank 4. MRR = (1/3 + 1 + 1/3 + 1/4) / 4.
  const std::vector<float> pos = {0.5f, 0.9f, 0.5f, 0.1f}, pool = {0.5f, 0.7f, 0.5f};
  std::vector<float> repeated;
  for (size_t i = 0; i < pos.size(); ++i) repeated.insert(repeated.end(), pool.begin(), pool.end());
  const double expected = (1.0 / 3 + 1 + 1.0 / 3 + 0.25) / 4;
  CHECK(mean_reciprocal_rank_shared(pos, pool) == doctest::Approx(expected));
  CHECK(mean_reciprocal_rank(pos, repeated, 3) == doctest::Approx(expected));
}
