#include "datasets/negatives.h"

#include "autograd/check.h"
#include "autograd/parallel.h"

namespace vgrad {

// How far ahead a candidate's rows are requested: far enough to cover a miss.
constexpr int64_t kAhead = 16;

NegativeSampler::NegativeSampler(int64_t num_nodes, const std::vector<Edge>& edges)
    : n_(num_nodes), start_(num_nodes + 1, 0) {
  check(n_ >= 2, "NegativeSampler: expected at least 2 nodes, found ", n_);
  for (auto [u, v] : edges)
    check(u >= 0 && v >= 0 && u < n_ && v < n_, "NegativeSampler: edge (", u, ", ", v,
          ") outside 0..", n_ - 1);
  // Counting sort into rows (a self-loop goes in once), then each row sorted and deduplicated.
  for (auto [u, v] : edges) {
    ++start_[u + 1];
    if (u != v) ++start_[v + 1];
  }
  for (int64_t i = 0; i < n_; ++i) start_[i + 1] += start_[i];
  std::vector<int64_t> next(start_.begin(), start_.end() - 1);
  neighbours_.resize(start_[n_]);
  for (auto [u, v] : edges) {
    neighbours_[next[u]++] = v;
    if (u != v) neighbours_[next[v]++] = u;
  }
  int64_t kept = 0, off_diagonal = 0;
  for (int64_t i = 0; i < n_; ++i) {
    const auto first = neighbours_.begin() + start_[i], last = neighbours_.begin() + start_[i + 1];
    std::sort(first, last);
    const auto end = std::unique(first, last);
    start_[i] = kept;
    for (auto it = first; it != end; ++it) {
      off_diagonal += *it != i;
      neighbours_[kept++] = *it;
    }
  }
  start_[n_] = kept;
  neighbours_.resize(kept);
  // Rejection sampling needs non-edges to exist; on a complete graph it would never stop.
  const double pairs = (double)n_ * (double)(n_ - 1) / 2;
  check(pairs > (double)off_diagonal / 2,
        "NegativeSampler: graph is complete: expected at least one non-edge, found none");
}

std::vector<Edge> NegativeSampler::sample(int64_t num_positive, int64_t k, Rng& rng) const {
  check(num_positive >= 0 && k >= 0, "NegativeSampler::sample: expected counts >= 0, found ",
        num_positive, " positives and k = ", k);
  const int64_t want = num_positive * k;
  std::vector<Edge> out(want);
  std::vector<uint8_t> keep(want);
  // Each round draws as many candidates as are still wanted, tests them all (in parallel: each
  // test is a cache miss on a random node's row) and keeps the non-edges in order. A round ends
  // the run only if all its candidates were kept, so the draws, and the rng after them, are
  // exactly those of testing one candidate at a time: the same pairs for any thread count.
  for (int64_t have = 0; have < want;) {
    const int64_t m = want - have;
    for (int64_t c = have; c < want; ++c) {
      const int64_t i = (int64_t)rng.below(n_), j = (int64_t)rng.below(n_);
      out[c] = {(int32_t)i, (int32_t)j};
    }
#pragma omp parallel for schedule(static) if (m >= kernels::kParallelMin)
    for (int64_t c = have; c < want; ++c) {
      // Two misses a test, one after the other: the row's offsets, then its neighbours. The
      // offsets are asked for 2 * kAhead ahead, the neighbours kAhead ahead, when the offsets
      // asked for then have arrived.
      if (c + 2 * kAhead < want) __builtin_prefetch(&start_[out[c + 2 * kAhead].first]);
      if (c + kAhead < want) __builtin_prefetch(neighbours_.data() + start_[out[c + kAhead].first]);
      const auto [i, j] = out[c];
      keep[c] = i != j && !excluded(i, j);
    }
    for (int64_t c = have; c < want; ++c)
      if (keep[c]) out[have++] = out[c];
  }
  return out;
}

}  // namespace vgrad
