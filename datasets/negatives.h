// Sampled negatives for graphs too large for the all-pairs decoder: each epoch draws K
// non-edges per positive edge, so the loss costs O(E) instead of O(N^2).
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/random.h"
#include "datasets/split.h"

namespace vgrad {

class NegativeSampler {
 public:
  // `edges` are the pairs that must never come out, in either direction. GAE/VGAE's sampled
  // decoder passes the training edges: the all-pairs loss counts held-out edges as zeros
  // too, and avoiding them would tell the model which pairs are held out.
  NegativeSampler(int64_t num_nodes, const std::vector<Edge>& edges);

  // k * num_positive pairs (i, j), i != j, uniform over non-edges; drawn with replacement
  // (repeats across an epoch are as likely as in the all-pairs loss). Same rng state, same pairs.
  std::vector<Edge> sample(int64_t num_positive, int64_t k, Rng& rng) const;

  int64_t num_nodes() const { return n_; }

 private:
  int64_t n_;
  EdgeSet edges_;
};

}  // namespace vgrad
