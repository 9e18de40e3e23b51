#include "datasets/negatives.h"

#include "autograd/check.h"

namespace vgrad {

NegativeSampler::NegativeSampler(int64_t num_nodes, const std::vector<Edge>& edges)
    : n_(num_nodes), edges_(edge_set(edges)) {
  check(n_ >= 2, "NegativeSampler: expected at least 2 nodes, found ", n_);
  for (auto [u, v] : edges)
    check(u >= 0 && v >= 0 && u < n_ && v < n_, "NegativeSampler: edge (", u, ", ", v,
          ") outside 0..", n_ - 1);
  // Rejection sampling needs non-edges to exist; on a complete graph it would never stop.
  const double pairs = (double)n_ * (double)(n_ - 1) / 2;
  int64_t self_loops = 0;
  for (uint64_t key : edges_) self_loops += (key >> 32) == (key & 0xffffffffu);
  check(pairs > (double)edges_.size() - (double)self_loops,
        "NegativeSampler: graph is complete: expected at least one non-edge, found none");
}

std::vector<Edge> NegativeSampler::sample(int64_t num_positive, int64_t k, Rng& rng) const {
  check(num_positive >= 0 && k >= 0, "NegativeSampler::sample: expected counts >= 0, found ",
        num_positive, " positives and k = ", k);
  std::vector<Edge> out;
  out.reserve(num_positive * k);
  while ((int64_t)out.size() < num_positive * k) {
    const int64_t i = (int64_t)rng.below(n_), j = (int64_t)rng.below(n_);
    if (i == j || edges_.count(pair_key(i, j))) continue;
    out.emplace_back((int32_t)i, (int32_t)j);
  }
  return out;
}

}  // namespace vgrad
