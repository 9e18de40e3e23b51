// Building CSR without a sort: Csr::from_csr (arrays already in order, checked) and the
// split's adjacencies built straight from sorted edges. Each must give the bits of the
// from_coo route it replaces, and refuse input that is not what it expects.
#include <doctest/doctest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "autograd/check.h"
#include "autograd/random.h"
#include "autograd/sparse.h"
#include "datasets/graph.h"
#include "datasets/split.h"
#include "models/link_model.h"

using namespace vgrad;

namespace {

bool same_csr(const Csr& a, const Csr& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a.row_ptr() == b.row_ptr() &&
         a.col_idx() == b.col_idx() && a.values() == b.values();
}

// Random unique upper pairs (u < v), sorted as finish_edges leaves a graph's edges.
std::vector<Edge> sorted_random_edges(int64_t n, int64_t count, Rng& rng) {
  Graph g;
  std::vector<Edge> raw;
  for (int64_t k = 0; k < count; ++k)
    raw.emplace_back((int32_t)rng.below(n), (int32_t)rng.below(n));
  finish_edges(g, raw, "random");
  return g.edges;
}

}  // namespace

TEST_CASE("Csr::from_csr gives from_coo's CSR on random input") {
  Rng rng(5);
  for (int trial = 0; trial < 5; ++trial) {
    const int64_t rows = 1 + (int64_t)rng.below(40), cols = 1 + (int64_t)rng.below(40);
    std::vector<int64_t> r, c;
    std::vector<float> v;
    for (int k = 0; k < 200; ++k)
      r.push_back((int64_t)rng.below(rows)), c.push_back((int64_t)rng.below(cols)),
          v.push_back(rng.normal());
    CsrPtr a = Csr::from_coo(rows, cols, r, c, v);
    CsrPtr b = Csr::from_csr(rows, cols, a->row_ptr(), a->col_idx(), a->values());
    CHECK(same_csr(*a, *b));
  }
  CHECK(Csr::identity(3)->to_dense() == std::vector<float>{1, 0, 0, 0, 1, 0, 0, 0, 1});
  CHECK(Csr::identity(0)->nnz() == 0);
}

TEST_CASE("Csr::from_csr refuses arrays out of order or out of range, naming what it expected") {
  auto make = [](std::vector<int64_t> rp, std::vector<int32_t> ci, std::vector<float> v) {
    return Csr::from_csr(2, 3, std::move(rp), std::move(ci), std::move(v));
  };
  CHECK(make({0, 1, 3}, {2, 0, 1}, {1, 2, 3})->to_dense() == std::vector<float>{0, 0, 1, 2, 3, 0});
  CHECK_THROWS_WITH_AS(make({0, 3}, {0, 1, 2}, {1, 1, 1}),
                       "csr: expected 3 row pointers (rows + 1), found 2", Error);
  CHECK_THROWS_WITH_AS(make({0, 1, 2}, {0, 1, 2}, {1, 1, 1}),
                       "csr: expected row pointers from 0 to 3 (the non-zeros), found 0 to 2",
                       Error);
  CHECK_THROWS_WITH_AS(make({0, 2, 1}, {0}, {1}),
                       "csr: row pointer 1 is 2 after 0: expected a non-decreasing sequence up to 1",
                       Error);
  CHECK_THROWS_WITH_AS(make({0, 2, 2}, {0, 1}, {1}), "csr: 2 column indices but 1 values", Error);
  CHECK_THROWS_WITH_AS(Csr::from_csr(3, 3, {0, 2, 1, 2}, {0, 1}, {1, 1}),
                       "csr: row pointer 2 is 1 after 2: expected a non-decreasing sequence up to 2",
                       Error);
  CHECK_THROWS_WITH_AS(make({0, 2, 2}, {1, 1}, {1, 1}),
                       "csr: row 0 has column 1 after 1: expected strictly increasing columns "
                       "within a row",
                       Error);
  CHECK_THROWS_WITH_AS(make({0, 2, 2}, {2, 0}, {1, 1}),
                       "csr: row 0 has column 0 after 2: expected strictly increasing columns "
                       "within a row",
                       Error);
  CHECK_THROWS_WITH_AS(make({0, 1, 1}, {3}, {1}),
                       "csr: entry 0 at (0, 3) is outside the shape [2, 3]", Error);
  CHECK_THROWS_WITH_AS(make({0, 0, 1}, {-1}, {1}),
                       "csr: entry 0 at (1, -1) is outside the shape [2, 3]", Error);
  CHECK_THROWS_WITH_AS(make({0, 0, 1}, {0}, {NAN}), "csr: entry 0 at (1, 0) is nan", Error);
}

TEST_CASE("Csr: transposed and edge_transpose share one counting sort and agree") {
  Rng rng(8);
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int k = 0; k < 300; ++k)
    r.push_back((int64_t)rng.below(30)), c.push_back((int64_t)rng.below(20)),
        v.push_back(rng.normal());
  CsrPtr a = Csr::from_coo(30, 20, r, c, v);
  const Csr& t = a->transposed();
  const Csr::EdgeTranspose& et = a->edge_transpose();
  CHECK(same_csr(t, *et.pattern));
  // the transpose by COO, the slow way
  std::vector<int64_t> tr, tc;
  std::vector<float> tv;
  for (int64_t i = 0; i < a->rows(); ++i)
    for (int64_t k = a->row_ptr()[i]; k < a->row_ptr()[i + 1]; ++k)
      tr.push_back(a->col_idx()[k]), tc.push_back(i), tv.push_back(a->values()[k]);
  CHECK(same_csr(t, *Csr::from_coo(20, 30, tr, tc, tv)));
  const auto& order = *et.edge_order;
  REQUIRE((int64_t)order.size() == a->nnz());
  int64_t bad = 0;
  for (int64_t j = 0; j < t.rows(); ++j)
    for (int64_t k = t.row_ptr()[j]; k < t.row_ptr()[j + 1]; ++k)
      bad += a->col_idx()[order[k]] != j || a->values()[order[k]] != t.values()[k];
  CHECK(bad == 0);
}

TEST_CASE("adjacencies from sorted edges: the bits of the from_coo route") {
  Rng rng(11);
  for (int64_t n : {2, 7, 50, 400}) {
    CAPTURE(n);
    const std::vector<Edge> sorted = sorted_random_edges(n, 3 * n, rng);
    // The same pairs in another order (and some flipped) take the from_coo route.
    std::vector<Edge> shuffled = sorted;
    std::reverse(shuffled.begin(), shuffled.end());
    for (size_t k = 0; k < shuffled.size(); k += 3) std::swap(shuffled[k].first, shuffled[k].second);
    std::vector<float> w(sorted.size()), w_rev;
    for (float& x : w) x = 0.25f + rng.uniform();
    w_rev.assign(w.rbegin(), w.rend());
    CHECK(same_csr(*adjacency(n, sorted), *adjacency(n, shuffled)));
    CHECK(same_csr(*normalized_adjacency(n, sorted), *normalized_adjacency(n, shuffled)));
    CHECK(same_csr(*normalized_adjacency(n, sorted, &w), *normalized_adjacency(n, shuffled, &w_rev)));
  }
  // Isolated nodes keep their diagonal; an edge outside the shape is still refused.
  CHECK(normalized_adjacency(3, {{0, 1}})->row_ptr() == std::vector<int64_t>{0, 2, 4, 5});
  CHECK(adjacency(3, {{0, 1}})->row_ptr() == std::vector<int64_t>{0, 1, 2, 2});
  CHECK_THROWS_WITH_AS(adjacency(3, {{0, 3}}), "csr: entry 0 at (0, 3) is outside the shape [3, 3]",
                       Error);
}

TEST_CASE("link split: the sorted route (a graph's edges) agrees with the hash-set route") {
  Rng rng(4);
  const int64_t n = 600;
  const std::vector<Edge> sorted = sorted_random_edges(n, 2500, rng);
  std::vector<Edge> unsorted = sorted;
  std::swap(unsorted.front(), unsorted.back());  // one pair out of order: the hash-set route
  for (uint64_t seed : {0, 3}) {
    CAPTURE(seed);
    const LinkSplit a = mask_test_edges(n, sorted, seed), b = mask_test_edges(n, unsorted, seed);
    // The shuffle draws the same numbers for the same edge count, so the negatives, drawn
    // next, differ only if "is (i, j) an edge" is answered differently by the two routes.
    CHECK(a.test_neg == b.test_neg);
    CHECK(a.val_neg == b.val_neg);
    CHECK(a.train_pos.size() == b.train_pos.size());
    // The adjacencies come from train_pos alone, whichever thread builds them.
    CHECK(same_csr(*a.adj_train, *adjacency(n, a.train_pos)));
    CHECK(same_csr(*a.adj_norm, *normalized_adjacency(n, a.train_pos)));
  }
}

TEST_CASE("link split: the same bits on one thread and on two") {
  Rng rng(6);
  const std::vector<Edge> edges = sorted_random_edges(800, 3000, rng);
  std::vector<float> w(edges.size());
  for (float& x : w) x = 0.5f + rng.uniform();
  const int keep = omp_get_max_threads();
  omp_set_num_threads(1);
  const LinkSplit a = mask_test_edges(800, edges, 7, &w);
  omp_set_num_threads(2);
  const LinkSplit b = mask_test_edges(800, edges, 7, &w);
  omp_set_num_threads(keep);
  CHECK(a.train_pos == b.train_pos);
  CHECK(a.test_neg == b.test_neg);
  CHECK(a.val_neg == b.val_neg);
  CHECK(same_csr(*a.adj_train, *b.adj_train));
  CHECK(same_csr(*a.adj_norm, *b.adj_norm));
}

TEST_CASE("link targets: labels A_train + I without a sort, and none for the sampled decoder") {
  Rng rng(12);
  const int64_t n = 300;
  const LinkSplit s = mask_test_edges(n, sorted_random_edges(n, 900, rng), 1);
  std::vector<int64_t> r, c;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = s.adj_train->row_ptr()[i]; k < s.adj_train->row_ptr()[i + 1]; ++k)
      r.push_back(i), c.push_back(s.adj_train->col_idx()[k]);
    r.push_back(i), c.push_back(i);
  }
  const CsrPtr want = Csr::from_coo(n, n, r, c, std::vector<float>(r.size(), 1.0f));
  for (Decoder d : {Decoder::fused, Decoder::dense}) CHECK(same_csr(*make_link_targets(s, d).labels, *want));
  const LinkTargets sampled = make_link_targets(s, Decoder::sampled);
  CHECK(sampled.labels == nullptr);
  CHECK(sampled.pos_weight == make_link_targets(s, Decoder::fused).pos_weight);
}

TEST_CASE("finish_edges: rows sorted on two threads give one sort's result") {
  Rng rng(13);
  std::vector<Edge> raw;
  for (int k = 0; k < 20000; ++k) raw.emplace_back((int32_t)rng.below(500), (int32_t)rng.below(500));
  std::vector<Edge> want;
  for (auto [u, v] : raw)
    if (u != v) want.emplace_back(std::min(u, v), std::max(u, v));
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  const int keep = omp_get_max_threads();
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    Graph g;
    finish_edges(g, raw, "random pairs");
    CHECK(g.edges == want);
  }
  omp_set_num_threads(keep);
}
