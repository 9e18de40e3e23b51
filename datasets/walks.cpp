#include "datasets/walks.h"

#include <numeric>

#include "autograd/check.h"
#include "autograd/random.h"

namespace vgrad {

Walks random_walks(const Csr& adj, int per_node, int length, uint64_t seed) {
  check(per_node >= 1 && length >= 1,
        "random_walks: expected at least 1 walk per node and "
        "length 1, got ",
        per_node, " and ", length);
  const int64_t n = adj.rows(), total = n * per_node;
  // The start nodes: per round, a Fisher-Yates shuffle of all nodes.
  std::vector<int32_t> first((size_t)total);
  Rng order_rng(seed);
  for (int round = 0; round < per_node; ++round) {
    int32_t* o = first.data() + round * n;
    std::iota(o, o + n, 0);
    for (int64_t i = n - 1; i > 0; --i) std::swap(o[i], o[order_rng.below(i + 1)]);
  }
  // Every walk is laid out at its full length; short walks (dead ends) are squeezed after.
  std::vector<int32_t> full((size_t)(total * length));
  std::vector<int32_t> len((size_t)total);
  const int64_t* ptr = adj.row_ptr().data();
  const int32_t* col = adj.col_idx().data();
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t w = 0; w < total; ++w) {
    Rng rng(seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(w + 1)));
    int32_t* out = full.data() + w * length;
    int32_t cur = first[w];
    int k = 0;
    out[k++] = cur;
    while (k < length) {
      const int64_t deg = ptr[cur + 1] - ptr[cur];
      if (deg == 0) break;
      cur = col[ptr[cur] + (int64_t)rng.below((uint64_t)deg)];
      out[k++] = cur;
    }
    len[w] = k;
  }
  Walks walks;
  walks.start.resize(total + 1);
  walks.start[0] = 0;
  for (int64_t w = 0; w < total; ++w) walks.start[w + 1] = walks.start[w] + len[w];
  walks.nodes.resize(walks.start[total]);
  for (int64_t w = 0; w < total; ++w)
    std::copy(full.begin() + w * length, full.begin() + w * length + len[w],
              walks.nodes.begin() + walks.start[w]);
  return walks;
}

}  // namespace vgrad
