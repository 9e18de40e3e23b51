// The sampled inner-product loss (nn/inner_product_loss.h): the cross-entropy of given
// positive and negative pairs, for graphs too large for all pairs.
#include "nn/inner_product_loss.h"

#include <omp.h>

#include <algorithm>

#include "autograd/parallel.h"
#include "autograd/storage.h"
#include "autograd/vecmath.h"

namespace vgrad {
namespace {

// How many pairs ahead a pair's rows of Z are requested: far enough to cover a miss.
constexpr int64_t kAhead = 32;

// One end of a pair, filed under the other end's node: (the other node, dloss/dx of the pair).
struct Incident {
  int32_t other;
  float g;
};
static_assert(sizeof(Incident) == 2 * sizeof(float) && alignof(Incident) <= alignof(float));

// Every pair's two ends grouped by node (a counting sort, stable): node u's entries are
// incident[start[u] .. start[u+1]), in pair order. Summing them in that order gives the same
// bits as one serial scatter-add over the pairs, and each node's row is then written by one
// thread only: no races, and the same result for any thread count.
struct Incidence {
  std::vector<int64_t> start;
  // The entries live in a pool buffer (two floats' room each): reused step after step, on
  // 2 MiB pages. As a std::vector they were 109 MB on a 1M-node graph, mapped afresh every step
  // and faulted in 4 KiB page by page (27k faults a step), and their random fill missed the TLB.
  Buffer storage;
  Incident* incident() { return reinterpret_cast<Incident*>(storage.data()); }
  const Incident* incident() const { return reinterpret_cast<const Incident*>(storage.data()); }
  int64_t entries() const { return (int64_t)storage.size() / 2; }
};

template <typename PairAt>
Incidence group_by_node(int64_t n, int64_t total, PairAt pair_at, const std::vector<float>& g) {
  Incidence inc;
  inc.start.assign(n + 1, 0);
  inc.storage = Buffer(2 * 2 * total);  // two ends a pair, two floats an end
  Incident* incident = inc.incident();
  // A parallel stable counting sort: each thread counts, then files, the ends of its own run of
  // pairs, at offsets where a node's ends from earlier runs come first, so each node's list is
  // in pair order. Each pair is read once (threads that each read every pair and filed only
  // their nodes' ends spent 0.6 CPU s a step on a 1M-node graph). The counters are N per thread
  // (16 MB at 1M nodes and 2 threads), so at most 8 threads share the work: it is bound by
  // memory long before that.
  const int threads = std::clamp(max_threads(), 1, 8);
  std::vector<std::vector<int64_t>> at(threads);  // counts, then offsets
#pragma omp parallel num_threads(threads) if (total >= kernels::kParallelMin)
  {
    const int64_t parts = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t p0 = total * t / parts, p1 = total * (t + 1) / parts;
    std::vector<int64_t>& mine = at[t];
    mine.assign(n, 0);
    // Both passes touch random places (this thread's counter of each end, then the slot it
    // names), asked for ahead like the loss's rows of Z.
    for (int64_t p = p0; p < p1; ++p) {
      if (p + kAhead < p1) {
        const NodePair& next = pair_at(p + kAhead);
        __builtin_prefetch(&mine[next.first], 1), __builtin_prefetch(&mine[next.second], 1);
      }
      const NodePair& e = pair_at(p);
      ++mine[e.first], ++mine[e.second];
    }
#pragma omp barrier
#pragma omp for schedule(static)
    for (int64_t u = 0; u < n; ++u) {
      int64_t c = 0;
      for (int64_t k = 0; k < parts; ++k) c += at[k][u];
      inc.start[u + 1] = c;
    }
#pragma omp single
    for (int64_t u = 0; u < n; ++u) inc.start[u + 1] += inc.start[u];
#pragma omp for schedule(static)
    for (int64_t u = 0; u < n; ++u) {
      int64_t next = inc.start[u];
      for (int64_t k = 0; k < parts; ++k) {
        const int64_t c = at[k][u];
        at[k][u] = next;
        next += c;
      }
    }
    for (int64_t p = p0; p < p1; ++p) {
      if (p + 2 * kAhead < p1) {
        const NodePair& next = pair_at(p + 2 * kAhead);
        __builtin_prefetch(&mine[next.first], 1), __builtin_prefetch(&mine[next.second], 1);
      }
      if (p + kAhead < p1) {
        const NodePair& next = pair_at(p + kAhead);
        __builtin_prefetch(incident + mine[next.first], 1);
        __builtin_prefetch(incident + mine[next.second], 1);
      }
      const NodePair& e = pair_at(p);
      incident[mine[e.first]++] = {e.second, g[p]};
      incident[mine[e.second]++] = {e.first, g[p]};
    }
  }
  return inc;
}

}  // namespace

Tensor sampled_inner_product_bce(const Tensor& z, const std::vector<NodePair>& positives,
                                 const std::vector<NodePair>& negatives) {
  check(z.dim() == 2, "sampled_inner_product_bce: Z must be 2-D, got ", z.shape_str());
  check(!positives.empty() && !negatives.empty(),
        "sampled_inner_product_bce: expected at least one positive and one negative pair, got ",
        positives.size(), " and ", negatives.size());
  const int64_t n = z.rows(), d = z.cols();
  const int64_t n_pos = (int64_t)positives.size(), total = n_pos + (int64_t)negatives.size();
  auto pair_at = [&](int64_t p) -> const NodePair& {
    return p < n_pos ? positives[p] : negatives[p - n_pos];
  };
  const float* pz = z.data();
  // Two passes: first every logit x = z_u . z_v, a short loop, so the CPU keeps many of its
  // cache misses on random rows of Z in flight (with the loss math in the same loop it keeps
  // few: this call took twice as long on 100k nodes), then loss and dloss/dx from x. The pairs'
  // bounds are checked in the same pass, and reported in order after it.
  std::vector<float> g(total);  // x per pair, then dloss/dx
  bool outside = false;
#pragma omp parallel for schedule(static) reduction(|| \
                                                    : outside) if (total >= kernels::kParallelMin)
  for (int64_t p = 0; p < total; ++p) {
    if (p + kAhead < total) {
      const NodePair& next = pair_at(p + kAhead);
      if ((uint64_t)next.first < (uint64_t)n && (uint64_t)next.second < (uint64_t)n) {
        kernels::prefetch_row(pz + next.first * d, d, false);
        kernels::prefetch_row(pz + next.second * d, d, false);
      }
    }
    const auto [u, v] = pair_at(p);
    if ((uint64_t)u >= (uint64_t)n || (uint64_t)v >= (uint64_t)n) {
      outside = true;
      continue;
    }
    const float* a = pz + u * d;
    const float* b = pz + v * d;
    float x = 0;
    for (int64_t c = 0; c < d; ++c) x += a[c] * b[c];
    g[p] = x;
  }
  for (int64_t p = 0; outside && p < total; ++p) {
    const auto [u, v] = pair_at(p);
    check(u >= 0 && v >= 0 && u < n && v < n, "sampled_inner_product_bce: pair (", u, ", ", v,
          ") outside the ", n, " rows of Z");
  }
  const double w_pos = 1.0 / (double)n_pos, w_neg = 1.0 / (double)(total - n_pos);
  // positive: softplus(-x), d/dx = -sigmoid(-x);  negative: softplus(x), d/dx = sigmoid(x).
  // A block's sigmoids and softpluses go through vecmath's array kernels (the scalar
  // functions' bits, at the processor's width), then its terms are summed in the order
  // ordered_sum sums them: the same bits as one scalar call per pair, for any thread count.
  const double loss = kernels::ordered_block_sum(total, [&](int64_t begin, int64_t end) {
    const int64_t len = end - begin;
    // Per thread and kept: a block is 1/64 of the pairs (425 KB at 1M nodes), and freshly
    // allocated each call they came as new pages, mapped and unmapped every step.
    thread_local std::vector<float> t, sp;
    t.resize(len), sp.resize(len);
    for (int64_t p = begin; p < end; ++p) t[p - begin] = p < n_pos ? -g[p] : g[p];
    vecmath::softplus_array(t.data(), sp.data(), len);
    vecmath::sigmoid_array(t.data(), t.data(), len);
    for (int64_t p = begin; p < end; ++p)
      g[p] = (float)(p < n_pos ? -w_pos * t[p - begin] : w_neg * t[p - begin]);
    return kernels::lane_sum(
        begin, end, [&](int64_t p) { return (p < n_pos ? w_pos : w_neg) * (double)sp[p - begin]; });
  });
  Tensor y = Tensor::scalar((float)loss);
  if (!(grad_enabled() && z.requires_grad())) return y;
  return record(
      "sampled_inner_product_bce", y, {z},
      // Held by a shared_ptr: record copies the closure, and this is 16 bytes a pair.
      [inc = std::make_shared<const Incidence>(group_by_node(n, total, pair_at, g))](
          const Tensor& gy, const Inputs& in, Grads& grads) {
    const int64_t n = in[0].rows(), d = in[0].cols();
    const float* pz = in[0].data();
    // Each row is zeroed by the thread that sums into it, in the same pass: a separate
    // zeros() pass wrote N x Z (64 MB on 1M nodes) once more, from one thread.
    Tensor dz = Tensor::empty(in[0].shape());
    float* out = dz.data();
    const float s = gy.item();
    // x = z_u . z_v:  dz_u += g z_v,  dz_v += g z_u, gathered per node.
    const std::vector<int64_t>& start = inc->start;
    const Incident* incident = inc->incident();
    const int64_t entries = inc->entries();
#pragma omp parallel for schedule(static) if (entries >= kernels::kParallelMin)
    for (int64_t u = 0; u < n; ++u) {
      float* row = out + u * d;
      std::fill(row, row + d, 0.0f);
      for (int64_t k = start[u]; k < start[u + 1]; ++k) {
        if (k + kAhead < entries)
          kernels::prefetch_row(pz + (int64_t)incident[k + kAhead].other * d, d, false);
        const float gp = s * incident[k].g;
        const float* other = pz + (int64_t)incident[k].other * d;
        for (int64_t c = 0; c < d; ++c) row[c] += gp * other[c];
      }
    }
    grads.add(0, dz);
      },
      "the sampled inner-product loss scatters its gradient with a kernel; use "
      "inner_product_bce_dense (--decoder dense) for higher derivatives");
}

}  // namespace vgrad
