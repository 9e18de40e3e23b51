#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "autograd/check.h"
#include "autograd/random.h"
#include "nn/clustering.h"

using namespace vgrad;

TEST_CASE("hungarian_min_cost: hand cases, square and rectangular") {
  // The six assignments of [[4,1,3],[2,0,5],[3,2,2]]: (0,1,2) 4+0+2 = 6, (0,2,1) 11,
  // (1,0,2) 1+2+2 = 5, (1,2,0) 9, (2,0,1) 7, (2,1,0) 6: the least is rows -> (1, 0, 2).
  CHECK(hungarian_min_cost({4, 1, 3, 2, 0, 5, 3, 2, 2}, 3, 3) == std::vector<int>{1, 0, 2});
  // [[1,2,3],[2,4,6]], two rows into three columns: (0,1) 1+4 = 5, (0,2) 7, (1,0) 2+2 = 4,
  // (1,2) 8, (2,0) 5, (2,1) 7: the least is rows -> (1, 0).
  CHECK(hungarian_min_cost({1, 2, 3, 2, 4, 6}, 2, 3) == std::vector<int>{1, 0});
  CHECK_THROWS_WITH(hungarian_min_cost({1, 2, 3, 4, 5, 6}, 3, 2),
                    doctest::Contains("expected 1 <= rows <= cols"));
}

TEST_CASE("hungarian_min_cost: equals brute force over all permutations (6 x 6, random)") {
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 6;
    std::vector<double> cost(n * n);
    for (double& c : cost) c = (double)rng.below(20);  // small integers: many ties
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best = 1e300;
    do {
      double s = 0;
      for (int r = 0; r < n; ++r) s += cost[r * n + perm[r]];
      best = std::min(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const std::vector<int> match = hungarian_min_cost(cost, n, n);
    double got = 0;
    std::vector<int> seen(n, 0);
    for (int r = 0; r < n; ++r) got += cost[r * n + match[r]], ++seen[match[r]];
    CHECK(got == best);
    CHECK(std::count(seen.begin(), seen.end(), 1) == n);  // one-to-one
  }
}

TEST_CASE("clustering_accuracy: one-to-one matching, not per-cluster majority") {
  // Table (class x cluster): class 0 -> cluster 0: 3, cluster 1: 2; class 1 -> cluster 0: 3.
  // Matchings: 0->0, 1->1: 3 + 0 = 3; 0->1, 1->0: 2 + 3 = 5. Best 5 of 8. (Greedy on the
  // largest cell takes (0, 0) first and ends at 3/8.)
  CHECK(clustering_accuracy({0, 0, 0, 0, 0, 1, 1, 1}, {0, 0, 0, 1, 1, 0, 0, 0}) ==
        doctest::Approx(5.0 / 8.0));
  // Renamed clusters cost nothing; label -1 is left out: 4 of 4 scored points match.
  CHECK(clustering_accuracy({2, 2, 0, 0, -1}, {7, 7, 3, 3, 3}) == doctest::Approx(1.0));
  // More clusters than classes: the extra cluster's points count as wrong. Class 0 -> 0 (2),
  // class 1 -> 1 (1); the point in cluster 2 is unmatched: 3 of 4.
  CHECK(clustering_accuracy({0, 0, 1, 1}, {0, 0, 1, 2}) == doctest::Approx(0.75));
  CHECK_THROWS_WITH(clustering_accuracy({-1, -1}, {0, 1}), doctest::Contains("no labelled point"));
  CHECK_THROWS_WITH(clustering_accuracy({0, 1}, {0}), doctest::Contains("2 labels but 1"));
}

TEST_CASE("normalized_mutual_info: sklearn's arithmetic-mean NMI by hand") {
  // labels [0,0,1,1], clusters [0,0,0,1]; n = 4, class sizes a = (2, 2), cluster sizes
  // b = (3, 1), cells n_00 = 2, n_10 = 1, n_11 = 1.
  //   I = sum n_ij/n log(n n_ij / (a_i b_j))
  //     = 2/4 log(8/6) + 1/4 log(4/6) + 1/4 log(4/2) = 0.2157616
  //   H(U) = log 2 = 0.6931472;  H(V) = -(3/4 log 3/4 + 1/4 log 1/4) = 0.5623351
  //   NMI = 0.2157616 / ((0.6931472 + 0.5623351) / 2) = 0.3437110
  CHECK(normalized_mutual_info({0, 0, 1, 1}, {0, 0, 0, 1}) == doctest::Approx(0.3437110184854508));
  // sklearn's documented cases: a relabelling is 1, all-in-one vs all-apart is 0.
  CHECK(normalized_mutual_info({0, 0, 1, 1}, {1, 1, 0, 0}) == doctest::Approx(1.0));
  CHECK(normalized_mutual_info({0, 0, 0, 0}, {0, 1, 2, 3}) == doctest::Approx(0.0));
  CHECK(normalized_mutual_info({5, 5, 5}, {1, 1, 1}) == 1.0);  // both one block
  // Unlabelled points do not count: the same as the first case.
  CHECK(normalized_mutual_info({0, -1, 0, 1, 1}, {0, 1, 0, 0, 1}) ==
        doctest::Approx(0.3437110184854508));
}

TEST_CASE("adjusted_rand_index: sklearn's adjusted_rand_score by hand") {
  // labels [0,0,1,1], clusters [0,0,1,2]: index = C(2,2) = 1; sum_i C(a_i,2) = 1 + 1 = 2;
  // sum_j C(b_j,2) = 1; expected = 2 * 1 / C(4,2) = 1/3; max = (2 + 1) / 2 = 3/2;
  // ARI = (1 - 1/3) / (3/2 - 1/3) = 4/7 = 0.5714 (sklearn's docstring: 0.57).
  CHECK(adjusted_rand_index({0, 0, 1, 1}, {0, 0, 1, 2}) == doctest::Approx(4.0 / 7.0));
  CHECK(adjusted_rand_index({0, 0, 1, 2}, {0, 0, 1, 1}) == doctest::Approx(4.0 / 7.0));
  // labels [0,0,1,1], clusters [0,0,0,1]: index = C(2,2) = 1; sum_a = 2; sum_b = C(3,2) = 3;
  // expected = 2 * 3 / 6 = 1 = index: ARI = 0 (no better than chance).
  CHECK(adjusted_rand_index({0, 0, 1, 1}, {0, 0, 0, 1}) == doctest::Approx(0.0));
  // labels [0,0,0,1,1,1], clusters [0,0,1,1,2,2]: index = C(2,2) + C(2,2) = 2; sum_a = 3 + 3
  // = 6; sum_b = 1 + 1 + 1 = 3; expected = 18 / 15 = 1.2; max = 4.5; ARI = 0.8 / 3.3 = 8/33.
  CHECK(adjusted_rand_index({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}) == doctest::Approx(8.0 / 33.0));
  CHECK(adjusted_rand_index({0, 0, 1, 1}, {1, 1, 0, 0}) == doctest::Approx(1.0));
  // Below chance is negative: [0,0,1,1] vs [0,1,0,1]: index 0, sum_a = sum_b = 2,
  // expected 4/6, max 2: ARI = -2/3 / (4/3) = -1/2.
  CHECK(adjusted_rand_index({0, 0, 1, 1}, {0, 1, 0, 1}) == doctest::Approx(-0.5));
}

TEST_CASE("kmeans: finds three separated blobs whatever the start, seeded") {
  Rng data_rng(5);
  std::vector<float> x;
  std::vector<int> truth;
  const float centre[3][2] = {{0, 0}, {10, 0}, {0, 10}};
  for (int i = 0; i < 90; ++i) {
    const int c = i % 3;
    x.push_back(centre[c][0] + data_rng.normal());
    x.push_back(centre[c][1] + data_rng.normal());
    truth.push_back(c);
  }
  Rng rng(1);
  const KMeansResult r = kmeans(x.data(), 90, 2, 3, 10, rng);
  CHECK(clustering_accuracy(truth, r.assignment) == 1.0);
  CHECK(r.inertia < 90 * 2 * 2.0);  // about n * d * sigma^2 = 180
  Rng again(1);
  CHECK(kmeans(x.data(), 90, 2, 3, 10, again).assignment == r.assignment);
  // The whole protocol: labels with -1 are clustered but not scored.
  truth[0] = -1;
  Rng rng2(2);
  const ClusterScores s = cluster_and_score(x.data(), 90, 2, truth, 10, rng2);
  CHECK(s.k == 3);
  CHECK(s.scored == 89);
  CHECK(s.acc == 1.0);
  CHECK(s.nmi == doctest::Approx(1.0));
  CHECK(s.ari == doctest::Approx(1.0));
  CHECK_THROWS_WITH(kmeans(x.data(), 90, 2, 91, 1, rng), doctest::Contains("k = 91 for 90 points"));
}
