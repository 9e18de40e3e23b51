#include "autograd/row_sparse.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace vgrad {
namespace {

// True when rows are strictly increasing: an embedding of distinct sorted ids (the skip-gram
// batches) then needs no sort.
bool strictly_increasing(const std::vector<int64_t>& rows) {
  for (size_t k = 1; k < rows.size(); ++k)
    if (rows[k] <= rows[k - 1]) return false;
  return true;
}

}  // namespace

void merge_row_sparse(std::shared_ptr<RowSparse>& slot, const std::vector<int64_t>& rows,
                      const Tensor& values) {
  const int64_t d = values.cols(), b = (int64_t)rows.size();
  if (!slot && strictly_increasing(rows)) {
    slot = std::make_shared<RowSparse>();
    slot->rows = rows;
    // A gradient nobody else holds (the backward sweep hands its last reference to the
    // embedding's closure) is kept as it is, as accumulate_into keeps a lone dense gradient:
    // no copy of the [B, D] rows each step.
    const bool alone = values.impl_ptr().use_count() == 1 && values.impl().data.use_count() == 1 &&
                       !values.impl().node && !values.impl().requires_grad;
    slot->values = alone ? values.impl_ptr() : values.clone().impl_ptr();
    return;
  }
  // All contributions in arrival order: the slot's rows first, then the new ones.
  std::vector<int64_t> all_rows = slot ? slot->rows : std::vector<int64_t>{};
  std::vector<const float*> src;
  if (slot)
    for (size_t k = 0; k < slot->rows.size(); ++k)
      src.push_back(slot->values->data->data() + k * d);
  for (int64_t k = 0; k < b; ++k) {
    all_rows.push_back(rows[k]);
    src.push_back(values.data() + k * d);
  }
  std::vector<int64_t> order(all_rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t x, int64_t y) { return all_rows[x] < all_rows[y]; });
  std::vector<int64_t> start;  // where each distinct row begins in `order`
  for (size_t k = 0; k < order.size(); ++k)
    if (k == 0 || all_rows[order[k]] != all_rows[order[k - 1]]) start.push_back((int64_t)k);
  const int64_t r = (int64_t)start.size();
  start.push_back((int64_t)order.size());
  auto merged = std::make_shared<RowSparse>();
  merged->rows.resize(r);
  Tensor out = Tensor::empty({r, d});
  float* po = out.data();
#pragma omp parallel for schedule(static) if (r * d > (1 << 15))
  for (int64_t u = 0; u < r; ++u) {
    merged->rows[u] = all_rows[order[start[u]]];
    float* dst = po + u * d;
    std::memcpy(dst, src[order[start[u]]], d * sizeof(float));
    for (int64_t k = start[u] + 1; k < start[u + 1]; ++k) {
      const float* s = src[order[k]];
      for (int64_t c = 0; c < d; ++c) dst[c] += s[c];
    }
  }
  merged->values = out.impl_ptr();
  slot = std::move(merged);
}

void add_row_sparse_to(float* dense, const RowSparse& sparse) {
  const int64_t r = (int64_t)sparse.rows.size();
  if (r == 0) return;
  const int64_t d = sparse.values->data->size() / r;
  const float* v = sparse.values->data->data();
  for (int64_t k = 0; k < r; ++k)
    for (int64_t c = 0; c < d; ++c) dense[sparse.rows[k] * d + c] += v[k * d + c];
}

}  // namespace vgrad
