// The link split's exact output for a seed is part of its contract (results in the README and
// in users' notes were made with it): the fast split (flat hash sets, CSR by counting) must
// give the same bits as the straightforward one it replaced, kept here as the reference.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <unordered_set>

#include "autograd/random.h"
#include "datasets/registry.h"
#include "datasets/split.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;

namespace {

// The split as it was written before the speed-ups (std::unordered_set, one draw at a time).
struct RefSplit {
  std::vector<Edge> train, val, val_neg, test, test_neg;
};

std::vector<Edge> ref_draw(int64_t n, int64_t count, const std::vector<const std::unordered_set<uint64_t>*>& avoid, Rng& rng) {
  std::vector<Edge> out;
  std::unordered_set<uint64_t> drawn;
  while ((int64_t)out.size() < count) {
    const int64_t i = (int64_t)rng.below(n), j = (int64_t)rng.below(n);
    if (i == j) continue;
    const uint64_t k = pair_key(i, j);
    bool taken = drawn.count(k) > 0;
    for (auto* s : avoid) taken = taken || s->count(k) > 0;
    if (taken) continue;
    drawn.insert(k);
    out.emplace_back((int32_t)i, (int32_t)j);
  }
  return out;
}

RefSplit ref_split(int64_t n, const std::vector<Edge>& edges_in, uint64_t seed) {
  std::vector<Edge> edges;
  std::unordered_set<uint64_t> all;
  for (auto [u, v] : edges_in) {
    if (u == v || !all.insert(pair_key(u, v)).second) continue;
    edges.emplace_back(std::min(u, v), std::max(u, v));
  }
  const int64_t e = (int64_t)edges.size(), num_test = e / 10, num_val = e / 20;
  Rng rng(seed);
  std::vector<int64_t> order(e);
  for (int64_t i = 0; i < e; ++i) order[i] = i;
  for (int64_t i = e - 1; i > 0; --i) std::swap(order[i], order[(int64_t)rng.below(i + 1)]);
  RefSplit s;
  std::vector<char> held(e, 0);
  for (int64_t k = 0; k < num_val + num_test; ++k) {
    (k < num_val ? s.val : s.test).push_back(edges[order[k]]);
    held[order[k]] = 1;
  }
  for (int64_t i = 0; i < e; ++i)
    if (!held[i]) s.train.push_back(edges[i]);
  s.test_neg = ref_draw(n, num_test, {&all}, rng);
  std::unordered_set<uint64_t> test_neg;
  for (auto [u, v] : s.test_neg) test_neg.insert(pair_key(u, v));
  s.val_neg = ref_draw(n, num_val, {&all, &test_neg}, rng);
  return s;
}

// D^-1/2 (A + I) D^-1/2 entry by entry, summed in the order the entries were listed (the
// identity first, then each edge both ways), as the sorted-COO build summed them.
void check_adj_norm(const Csr& a, int64_t n, const std::vector<Edge>& train) {
  std::vector<double> deg(n, 1.0);
  for (auto [u, v] : train) deg[u] += 1, deg[v] += 1;
  std::map<std::pair<int64_t, int64_t>, float> m;
  for (int64_t i = 0; i < n; ++i) m[{i, i}] += (float)(1.0 / std::sqrt(deg[i]) * (1.0 / std::sqrt(deg[i])));
  for (auto [u, v] : train) {
    const float w = (float)(1.0 / std::sqrt(deg[u]) * (1.0 / std::sqrt(deg[v])));
    m[{u, v}] += w;
    m[{v, u}] += w;
  }
  REQUIRE(a.nnz() == (int64_t)m.size());
  int64_t k = 0, bad = 0;
  for (auto& [rc, v] : m) {
    bad += a.col_idx()[k] != rc.second || a.values()[k] != v || !(a.row_ptr()[rc.first] <= k && k < a.row_ptr()[rc.first + 1]);
    ++k;
  }
  CHECK(bad == 0);
}

void check_same_as_reference(const Graph& g, uint64_t seed) {
  CAPTURE(seed);
  const LinkSplit s = mask_test_edges(g, seed);
  const RefSplit r = ref_split(g.num_nodes, g.edges, seed);
  CHECK(s.train_pos == r.train);
  CHECK(s.val_pos == r.val);
  CHECK(s.test_pos == r.test);
  CHECK(s.val_neg == r.val_neg);
  CHECK(s.test_neg == r.test_neg);
  check_adj_norm(*s.adj_norm, g.num_nodes, r.train);
}

// FNV-1a over the split's edge lists, as recorded with the old code for Cora.
uint64_t split_hash(const LinkSplit& s) {
  uint64_t h = 1469598103934665603ull;
  auto add = [&](const std::vector<Edge>& v) {
    const uint64_t n = v.size();
    for (size_t i = 0; i < 8; ++i) h = (h ^ ((n >> (8 * i)) & 255)) * 1099511628211ull;
    const unsigned char* b = reinterpret_cast<const unsigned char*>(v.data());
    for (size_t i = 0; i < v.size() * sizeof(Edge); ++i) h = (h ^ b[i]) * 1099511628211ull;
  };
  for (auto* v : {&s.train_pos, &s.val_pos, &s.val_neg, &s.test_pos, &s.test_neg}) add(*v);
  return h;
}

}  // namespace

TEST_CASE("dataset split bits: identical to the reference split on a synthetic graph") {
  // Random pairs, with duplicates and self-loops passed straight in (mask_test_edges drops them).
  Rng rng(9);
  std::vector<Edge> edges;
  for (int k = 0; k < 6000; ++k) edges.emplace_back((int32_t)rng.below(1500), (int32_t)rng.below(1500));
  Graph g;
  g.num_nodes = 1500;
  g.edges = edges;
  for (uint64_t seed : {0, 1, 42}) check_same_as_reference(g, seed);
}

TEST_CASE("dataset split bits: Cora's split for a seed is the one recorded before the speed-ups") {
  const std::string dir = vgrad::testing::real_data("planetoid-text/cora");
  if (dir.empty()) {
    MESSAGE("data/planetoid-text/cora absent: run `make data` to include this test");
    return;
  }
  const Graph g = load_graph_dataset("cora", vgrad::testing::real_data(""));
  for (uint64_t seed : {0, 42}) check_same_as_reference(g, seed);
  // Recorded with the code of commit fde9122 (before this change): first test negative and hash.
  const LinkSplit s0 = mask_test_edges(g, 0);
  CHECK(s0.test_neg[0] == Edge{699, 2622});
  CHECK(s0.val_neg[0] == Edge{1244, 781});
  const LinkSplit s42 = mask_test_edges(g, 42);
  CHECK(s42.test_neg[0] == Edge{690, 1017});
  CHECK(s42.val_neg[0] == Edge{2632, 1534});
  CHECK(split_hash(s0) == 6143474935028785984ull);
  CHECK(split_hash(s42) == 14782407904621054770ull);
}

TEST_CASE("dataset split bits: identical to the reference split on a graph's sorted edges") {
  // finish_edges' output (u < v, sorted, unique) takes the split's sorted route: no hash set,
  // the adjacencies built without a sort. It must give the reference's bits too.
  Rng rng(10);
  std::vector<Edge> raw;
  for (int k = 0; k < 6000; ++k) raw.emplace_back((int32_t)rng.below(1500), (int32_t)rng.below(1500));
  Graph g;
  g.num_nodes = 1500;
  finish_edges(g, raw, "random pairs");
  for (uint64_t seed : {0, 1, 42}) check_same_as_reference(g, seed);
}
