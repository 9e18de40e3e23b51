// Sampled negatives for graphs too large for the all-pairs decoder: each epoch draws K
// non-edges per positive edge, so the loss costs O(E) instead of O(N^2).
#pragma once
#include <algorithm>
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
  bool excluded(int64_t i, int64_t j) const {
    const auto first = neighbours_.begin() + start_[i], last = neighbours_.begin() + start_[i + 1];
    return std::binary_search(first, last, (int32_t)j);
  }

  int64_t n_;
  // The excluded pairs as sorted neighbour lists, both directions: node i's are
  // neighbours_[start_[i] .. start_[i+1]). A lookup reads two nearby places, where a hash
  // set of pairs chases a bucket and then a node: the sampler runs every epoch.
  std::vector<int64_t> start_;
  std::vector<int32_t> neighbours_;
};

}  // namespace vgrad
