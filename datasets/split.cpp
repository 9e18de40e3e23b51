#include "datasets/split.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <memory>

#include "autograd/check.h"
#include "autograd/random.h"

namespace vgrad {

EdgeSet edge_set(const std::vector<Edge>& edges) {
  EdgeSet s;
  s.reserve(edges.size() * 2);
  for (auto [u, v] : edges) s.insert(pair_key(u, v));
  return s;
}

namespace {

// A set of pair keys in one flat table (open addressing, linear probing): membership tests
// read one cache line, where std::unordered_set chased a bucket, then a node, and rehashed as
// it grew (a fifth of a 4M-edge split). Keys are pair_key(u, v) of ids below 2^31, so ~0 is free.
class PairSet {
 public:
  explicit PairSet(size_t expected) {
    size_t cap = 16;
    while (cap < 2 * expected + 16) cap *= 2;
    slots_.assign(cap, kEmpty);
    mask_ = cap - 1;
  }
  bool contains(uint64_t key) const {
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i] == key) return true;
      if (slots_[i] == kEmpty) return false;
    }
  }
  bool insert(uint64_t key) {  // false when already there
    if (2 * (size_ + 1) > slots_.size()) grow();
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i] == key) return false;
      if (slots_[i] == kEmpty) {
        slots_[i] = key;
        ++size_;
        return true;
      }
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t(0);
  size_t slot(uint64_t key) const {  // splitmix64's finaliser: spreads nearby pairs apart
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ull;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebull;
    return (size_t)(key ^ (key >> 31)) & mask_;
  }
  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, kEmpty);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (uint64_t k : old)
      if (k != kEmpty) insert(k);
  }
  std::vector<uint64_t> slots_;
  size_t mask_ = 0, size_ = 0;
};

// True when every edge has u < v and the list strictly increases by (u, v), as finish_edges
// leaves a graph's edges: each pair is there once, and each node's neighbours come in order.
bool sorted_upper(const std::vector<Edge>& edges) {
  for (size_t k = 0; k < edges.size(); ++k) {
    if (edges[k].first >= edges[k].second) return false;
    if (k > 0 && !(edges[k - 1] < edges[k])) return false;
  }
  return true;
}

// The graph's pairs, for "is (i, j) an edge" while drawing negatives. Sorted input is asked
// by a binary search in the smaller end's row (a few neighbours, one or two cache lines): no
// table to fill, where inserting 4M random keys into a PairSet cost a tenth of a 4M-edge
// split. Other input goes through a PairSet, which also drops its duplicates. The answers are
// the same either way, so the draws are too.
class GraphPairs {
 public:
  GraphPairs(int64_t n, const std::vector<Edge>& sorted) : sorted_(&sorted), start_(n + 1, 0) {
    for (auto [u, v] : sorted) ++start_[u + 1];
    for (int64_t i = 0; i < n; ++i) start_[i + 1] += start_[i];
  }
  explicit GraphPairs(size_t expected) : set_(expected) {}
  PairSet& set() { return set_; }
  bool contains(int64_t i, int64_t j) const {
    if (!sorted_) return set_.contains(pair_key(i, j));
    const int32_t u = (int32_t)std::min(i, j), v = (int32_t)std::max(i, j);
    const auto first = sorted_->begin() + start_[u], last = sorted_->begin() + start_[u + 1];
    return std::binary_search(first, last, Edge{u, v});
  }

 private:
  const std::vector<Edge>* sorted_ = nullptr;
  std::vector<int64_t> start_;
  PairSet set_{0};
};

// Draws `count` pairs (i, j), i != j, uniform over ordered pairs like the reference's two
// randint calls, skipping any pair that is an edge of `graph`, in `also` (when given), or
// already drawn (either direction).
std::vector<Edge> draw_non_edges(int64_t n, int64_t count, const GraphPairs& graph,
                                 const PairSet* also, Rng& rng, PairSet* drawn_out = nullptr) {
  std::vector<Edge> out;
  PairSet drawn((size_t)count);
  out.reserve(count);
  while ((int64_t)out.size() < count) {
    const int64_t i = (int64_t)rng.below(n), j = (int64_t)rng.below(n);
    if (i == j) continue;
    const uint64_t k = pair_key(i, j);
    if (drawn.contains(k) || graph.contains(i, j) || (also && also->contains(k))) continue;
    drawn.insert(k);
    out.emplace_back((int32_t)i, (int32_t)j);  // kept as drawn, (i, j), like the reference
  }
  if (drawn_out) *drawn_out = std::move(drawn);
  return out;
}

// Runs `jobs` on up to as many threads as OpenMP allows, each job on one thread; the first
// exception is rethrown here (an exception must not leave an OpenMP region).
void run_concurrently(const std::vector<std::function<void()>>& jobs) {
  std::vector<std::exception_ptr> errors(jobs.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < jobs.size(); ++k) {
    try {
      jobs[k]();
    } catch (...) {
      errors[k] = std::current_exception();
    }
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// The symmetric CSR of sorted upper edges (sorted_upper, inside 0..n-1), with the diagonal
// when `diagonal`: row i holds the u of every (u, i), ascending since the edges are sorted by
// u, then i itself, then the v of every (i, v), ascending within i's run. Each row is in order
// as it is written, in one pass: no sort, and no gather through an order array (from_coo's
// way took 43% of a 4M-edge load and split). No pair repeats, so every value is the one
// from_coo would have summed alone: the same bits.
template <typename EdgeValue, typename DiagValue>
CsrPtr symmetric_csr(int64_t n, const std::vector<Edge>& edges, EdgeValue edge_value, bool diagonal,
                     DiagValue diag_value) {
  std::vector<int64_t> row_ptr(n + 1, 0), below(n, 0);
  for (auto [u, v] : edges) ++below[v], ++row_ptr[u + 1], ++row_ptr[v + 1];
  for (int64_t i = 0; i < n; ++i) row_ptr[i + 1] += row_ptr[i] + diagonal;
  const int64_t nnz = row_ptr[n];
  std::vector<int32_t> col(nnz);
  std::vector<float> val(nnz);
  std::vector<int64_t> low(n), high(n);  // the next free slot of each row's two halves
  for (int64_t i = 0; i < n; ++i) {
    low[i] = row_ptr[i];
    high[i] = row_ptr[i] + below[i] + diagonal;
    if (diagonal) col[high[i] - 1] = (int32_t)i, val[high[i] - 1] = diag_value(i);
  }
  std::vector<int64_t>().swap(below);
  for (size_t k = 0; k < edges.size(); ++k) {
    const auto [u, v] = edges[k];
    const float w = edge_value(k);
    col[low[v]] = u, val[low[v]++] = w;
    col[high[u]] = v, val[high[u]++] = w;
  }
  return Csr::from_csr(n, n, std::move(row_ptr), std::move(col), std::move(val));
}

bool sorted_upper_inside(int64_t n, const std::vector<Edge>& edges) {
  if (!sorted_upper(edges)) return false;
  for (auto [u, v] : edges)
    if (u < 0 || v >= n) return false;
  return true;
}

}  // namespace

void check_link_split_possible(const Graph& g) {
  // Below 20 edges floor(E/20) is 0, so validation (and below 10, test) would score nothing
  // and AUC would have no pairs to rank.
  const std::string source = g.source.empty() ? g.name : g.source;
  const int64_t e = (int64_t)g.edges.size();
  check(e >= kMinSplitEdges, source, ": too few edges for a link split: expected at least ",
        kMinSplitEdges, " unique edges (", kMinSplitEdges / 20, " validation and ",
        kMinSplitEdges / 10, " test edges), found ", e);
  const double non_edges = (double)g.num_nodes * (double)(g.num_nodes - 1) / 2 - (double)e;
  check(non_edges >= (double)(e / 10 + e / 20), source,
        ": graph too dense for a link split: ", "expected ", e / 10 + e / 20,
        " non-edges for the negatives, found ", (int64_t)non_edges);
}

LinkSplit mask_test_edges(const Graph& g, uint64_t seed) {
  return mask_test_edges(g.num_nodes, g.edges, seed,
                         g.edge_weights.empty() ? nullptr : &g.edge_weights);
}

LinkSplit mask_test_edges(int64_t n, const std::vector<Edge>& edges_in, uint64_t seed,
                          const std::vector<float>* weights) {
  check(!weights || weights->size() == edges_in.size(),
        "mask_test_edges: ", weights ? weights->size() : 0, " weights for ", edges_in.size(),
        " edges");
  // The reference works on the upper triangle without the diagonal: unique pairs u < v.
  // A graph's edges (finish_edges) are that already, sorted: used as they are.
  const bool sorted = sorted_upper(edges_in);
  std::vector<Edge> unique_edges;
  std::vector<float> unique_w;
  std::unique_ptr<GraphPairs> all;
  if (sorted) {
    for (auto [u, v] : edges_in)
      check(u >= 0 && v < n, "mask_test_edges: edge (", u, ", ", v, ") outside 0..", n - 1);
    all = std::make_unique<GraphPairs>(n, edges_in);
  } else {
    unique_edges.reserve(edges_in.size());
    all = std::make_unique<GraphPairs>(edges_in.size());
    for (size_t k = 0; k < edges_in.size(); ++k) {
      const auto [u, v] = edges_in[k];
      check(u >= 0 && v >= 0 && u < n && v < n, "mask_test_edges: edge (", u, ", ", v,
            ") outside 0..", n - 1);
      if (u == v || !all->set().insert(pair_key(u, v))) continue;
      if (weights) unique_w.push_back((*weights)[k]);
      unique_edges.emplace_back(std::min(u, v), std::max(u, v));
    }
  }
  const std::vector<Edge>& edges = sorted ? edges_in : unique_edges;
  const std::vector<float>* edge_w = !weights ? nullptr : sorted ? weights : &unique_w;
  const int64_t e = (int64_t)edges.size();
  check(e > 0, "mask_test_edges: empty graph: expected at least one edge, found none");
  const int64_t num_test = e / 10, num_val = e / 20;
  const double non_edges = (double)n * (double)(n - 1) / 2 - (double)e;
  check(non_edges >= (double)(num_test + num_val), "mask_test_edges: graph too dense: expected ",
        num_test + num_val, " non-edges for the negatives, found ", (int64_t)non_edges);

  Rng rng(seed);
  std::vector<int64_t> order(e);
  for (int64_t i = 0; i < e; ++i) order[i] = i;
  for (int64_t i = e - 1; i > 0; --i) std::swap(order[i], order[(int64_t)rng.below(i + 1)]);

  LinkSplit s;
  s.num_nodes = n;
  std::vector<char> held_out(e, 0);
  for (int64_t k = 0; k < num_val + num_test; ++k) {
    const Edge& ed = edges[order[k]];
    (k < num_val ? s.val_pos : s.test_pos).push_back(ed);
    held_out[order[k]] = 1;
  }
  std::vector<int64_t>().swap(order);
  std::vector<float> train_w;
  s.train_pos.reserve(e - num_val - num_test);
  if (weights) train_w.reserve(e - num_val - num_test);
  for (int64_t i = 0; i < e; ++i)
    if (!held_out[i]) {
      s.train_pos.push_back(edges[i]);
      if (weights) train_w.push_back((*edge_w)[i]);
    }

  // Test negatives: not edges of the full graph. Validation negatives: the reference rejects
  // train and validation edges and then asserts they are not test edges either (the assert
  // fails on some seeds); rejecting every graph edge makes it hold by construction. Not
  // reusing a test negative keeps the two evaluation sets disjoint.
  // The draws (one generator, in order) and the two adjacencies (from train_pos alone) are
  // independent: with two threads they overlap. Each is built as on one thread: same bits.
  run_concurrently({
      [&] {
    PairSet test_neg(0);
    s.test_neg = draw_non_edges(n, num_test, *all, nullptr, rng, &test_neg);
    s.val_neg = draw_non_edges(n, num_val, *all, &test_neg, rng);
      },
      [&] { s.adj_train = adjacency(n, s.train_pos); },
      [&] { s.adj_norm = normalized_adjacency(n, s.train_pos, weights ? &train_w : nullptr); },
  });
  return s;
}

CsrPtr adjacency(int64_t n, const std::vector<Edge>& edges) {
  if (n >= 0 && sorted_upper_inside(n, edges))
    return symmetric_csr(
        n, edges, [](size_t) { return 1.0f; }, false, [](int64_t) { return 0.0f; });
  std::vector<int64_t> r, c;
  r.reserve(edges.size() * 2);
  c.reserve(edges.size() * 2);
  for (auto [u, v] : edges) {
    r.push_back(u);
    c.push_back(v);
    r.push_back(v);
    c.push_back(u);
  }
  return Csr::from_coo(n, n, r, c, std::vector<float>(r.size(), 1.0f));
}

CsrPtr normalized_adjacency(int64_t n, const std::vector<Edge>& edges,
                            const std::vector<float>* weights) {
  check(!weights || weights->size() == edges.size(),
        "normalized_adjacency: ", weights ? weights->size() : 0, " weights for ", edges.size(),
        " edges");
  auto weight = [&](size_t k) { return weights ? (double)(*weights)[k] : 1.0; };
  // Degrees of A + I: every node counts itself once, so isolated nodes get d = 1, not 0.
  std::vector<double> deg(n, 1.0);
  for (size_t k = 0; k < edges.size(); ++k) {
    const auto [u, v] = edges[k];
    check(u != v && u >= 0 && v >= 0 && u < n && v < n, "normalized_adjacency: edge (", u, ", ", v,
          ") is a self-loop or outside 0..", n - 1);
    check(weight(k) > 0 && std::isfinite(weight(k)), "normalized_adjacency: edge (", u, ", ", v,
          ") has weight ", weight(k), ", expected a finite positive number");
    deg[u] += weight(k);
    deg[v] += weight(k);
  }
  std::vector<double> inv_sqrt(n);
  for (int64_t i = 0; i < n; ++i) inv_sqrt[i] = 1.0 / std::sqrt(deg[i]);
  // weight(k) * ...: exact for 1.0, so unweighted graphs keep their bits
  auto edge_value = [&](size_t k) {
    const auto [u, v] = edges[k];
    return (float)(weight(k) * inv_sqrt[u] * inv_sqrt[v]);
  };
  auto diag_value = [&](int64_t i) { return (float)(inv_sqrt[i] * inv_sqrt[i]); };
  if (sorted_upper(edges)) return symmetric_csr(n, edges, edge_value, true, diag_value);
  std::vector<int64_t> r, c;
  std::vector<float> val;
  const size_t nnz = edges.size() * 2 + n;
  r.reserve(nnz);
  c.reserve(nnz);
  val.reserve(nnz);
  for (int64_t i = 0; i < n; ++i) {
    r.push_back(i);
    c.push_back(i);
    val.push_back(diag_value(i));
  }
  for (size_t k = 0; k < edges.size(); ++k) {
    const auto [u, v] = edges[k];
    const float w = edge_value(k);
    r.push_back(u);
    c.push_back(v);
    val.push_back(w);
    r.push_back(v);
    c.push_back(u);
    val.push_back(w);
  }
  return Csr::from_coo(n, n, r, c, val);
}

}  // namespace vgrad
