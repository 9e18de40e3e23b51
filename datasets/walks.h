// DeepWalk's corpus: uniform random walks on a graph (Perozzi et al. 2014). Give it the
// link split's adj_train, never the full graph: a walk then cannot cross a validation or
// test edge.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/sparse.h"

namespace vgrad {

struct Walks {
  std::vector<int32_t> nodes;  // all walks end to end
  std::vector<int64_t> start;  // walk w is nodes[start[w] .. start[w + 1])
  int64_t count() const { return (int64_t)start.size() - 1; }
};

// `per_node` rounds; each visits every node in a fresh random order (DeepWalk shuffles the
// nodes each round) and walks `length` nodes from it, each step to a uniformly chosen
// neighbour in `adj` (a symmetric 0/1 CSR). A walk that reaches a node without neighbours
// stops there (a node of degree 0 gives a walk of one node), as DeepWalk's code does.
// Walk w draws from its own generator seeded by (seed, w): the walks are the same for any
// thread count, and computed on all of them.
Walks random_walks(const Csr& adj, int per_node, int length, uint64_t seed);

}  // namespace vgrad
