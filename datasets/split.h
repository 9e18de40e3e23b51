// The link-prediction split of tkipf/gae's mask_test_edges, and GCN's normalised adjacency.
#pragma once
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "autograd/sparse.h"
#include "datasets/graph.h"

namespace vgrad {

// Unordered pair {u, v} as one key, for membership tests in either direction.
inline uint64_t pair_key(int64_t u, int64_t v) {
  if (u > v) std::swap(u, v);
  return (uint64_t)u << 32 | (uint64_t)v;
}
using EdgeSet = std::unordered_set<uint64_t>;
EdgeSet edge_set(const std::vector<Edge>& edges);

struct LinkSplit {
  int64_t num_nodes = 0;
  std::vector<Edge> train_pos;           // u < v, one direction (as the reference)
  std::vector<Edge> val_pos, val_neg;    // |val_neg| == |val_pos|
  std::vector<Edge> test_pos, test_neg;  // |test_neg| == |test_pos|
  CsrPtr adj_train;                      // N x N, symmetric 0/1, no self-loops: the targets
  CsrPtr adj_norm;                       // D^-1/2 (A_train + I) D^-1/2: the encoder's input
                                         // (weighted when the graph has edge weights)
};

// From the graph's unique undirected edges (E): floor(E/10) test and floor(E/20) validation
// positives from one seeded Fisher-Yates shuffle (validation first, then test, as the
// reference), the rest train. Negatives: uniform pairs (i, j), i != j, rejected when already
// drawn for the same set in either direction; test negatives are not edges of the graph;
// validation negatives are not edges of the graph either (the reference only excludes
// train/val edges and then asserts, which fails for ~4% of Cora seeds) and not test
// negatives, so every set is disjoint from every other. Deterministic for a seed.
// Edge weights (g.edge_weights) enter adj_norm only: A_w's entries are the training edges'
// weights and D their weighted degrees; which edges go where, the negatives, adj_train and so
// the loss's 0/1 targets are the unweighted graph's, the same bits with or without weights.
LinkSplit mask_test_edges(const Graph& g, uint64_t seed);

// What training and evaluation need beyond what mask_test_edges accepts: at least one
// validation and one test edge (kMinSplitEdges edges), and room for their negatives. Throws
// naming g.source ("FILE: too few edges for a link split: ...").
constexpr int64_t kMinSplitEdges = 20;
void check_link_split_possible(const Graph& g);
// `weights`: null, or one per edge of `edges` (a duplicate keeps its first weight).
LinkSplit mask_test_edges(int64_t num_nodes, const std::vector<Edge>& edges, uint64_t seed,
                          const std::vector<float>* weights = nullptr);

// D^-1/2 (A + I) D^-1/2 with A the symmetric adjacency of `edges` (u != v, each pair once).
// With `weights` (one per edge, positive): A_uv = A_vu = w, D_ii = 1 + sum of i's weights
// (the self-loop keeps weight 1, as GCN's renormalisation with unit self-loops).
CsrPtr normalized_adjacency(int64_t num_nodes, const std::vector<Edge>& edges,
                            const std::vector<float>* weights = nullptr);
// The symmetric 0/1 adjacency of `edges`.
CsrPtr adjacency(int64_t num_nodes, const std::vector<Edge>& edges);

}  // namespace vgrad
