// The link-prediction evaluation beyond AUC/AP: drawn evaluation negatives and the ranking of
// test edges (models/link_training.h), and clustering of an embedding.
#include <doctest/doctest.h>

#include "models/link_training.h"

using namespace vgrad;

namespace {

// A 60-node graph: a ring plus chords, 120 edges.
std::vector<Edge> ring_with_chords() {
  std::vector<Edge> e;
  for (int i = 0; i < 60; ++i) {
    e.emplace_back(std::min(i, (i + 1) % 60), std::max(i, (i + 1) % 60));
    e.emplace_back(std::min(i, (i + 7) % 60), std::max(i, (i + 7) % 60));
  }
  std::sort(e.begin(), e.end());
  return e;
}

}  // namespace

TEST_CASE("draw_eval_negatives: K non-edges of the whole graph per test edge, seeded") {
  const std::vector<Edge> edges = ring_with_chords();
  const LinkSplit split = mask_test_edges(60, edges, 3);
  const EdgeSet all = edge_set(edges);
  const std::vector<Edge> a = draw_eval_negatives(split, 5, 3);
  CHECK(a.size() == split.test_pos.size() * 5);
  for (const Edge& e : a) {
    CHECK(e.first != e.second);
    CHECK(all.count(pair_key(e.first, e.second)) == 0);  // not train, validation or test edges
  }
  CHECK(draw_eval_negatives(split, 5, 3) == a);
  CHECK(draw_eval_negatives(split, 5, 4) != a);
}

TEST_CASE("rank_links: a perfect embedding ranks every test edge first; shared and per-edge") {
  // Nodes on two far clusters, z = (+-1, 0) scaled: edges inside a cluster score 100,
  // negatives across clusters score -100.
  Tensor z = Tensor::empty({4, 2});
  const float rows[4][2] = {{10, 0}, {10, 0}, {-10, 0}, {-10, 0}};
  for (int i = 0; i < 4; ++i) z.at(i * 2) = rows[i][0], z.at(i * 2 + 1) = rows[i][1];
  const std::vector<Edge> pos = {{0, 1}, {2, 3}}, neg = {{0, 2}, {1, 3}, {0, 3}, {1, 2}};
  const LinkRanking shared = rank_links(z, pos, neg, 0);
  CHECK(shared.mrr == 1.0);
  CHECK(shared.hits10 == 1.0);  // fewer than 10 negatives: 1 by OGB's rule
  const LinkRanking per_edge = rank_links(z, pos, neg, 2);
  CHECK(per_edge.mrr == 1.0);
  // Swapped roles: each positive below both of its negatives (rank 3).
  CHECK(rank_links(z, neg, pos, 0).mrr == doctest::Approx(1.0 / 3.0));
}
