#include "autograd/sparse.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/check.h"
#include "autograd/parallel.h"

namespace vgrad {

std::string Csr::shape_str() const {
  return cat("csr[", rows_, ", ", cols_, "] (", nnz(), " non-zeros)");
}

CsrPtr Csr::from_coo(int64_t rows, int64_t cols, const std::vector<int64_t>& r,
                     const std::vector<int64_t>& c, const std::vector<float>& v) {
  check(rows >= 0 && cols >= 0, "csr: negative shape [", rows, ", ", cols, "]");
  check(cols <= INT32_MAX, "csr: ", cols, " columns exceed the 32-bit column index");
  check(r.size() == c.size() && c.size() == v.size(),
        "csr: COO arrays differ in length: ", r.size(), " rows, ", c.size(), " cols, ", v.size(),
        " values");
  for (size_t k = 0; k < r.size(); ++k) {
    check(r[k] >= 0 && r[k] < rows && c[k] >= 0 && c[k] < cols, "csr: entry ", k, " at (", r[k],
          ", ", c[k], ") is outside the shape [", rows, ", ", cols, "]");
    check(std::isfinite(v[k]), "csr: entry ", k, " at (", r[k], ", ", c[k], ") is ", v[k]);
  }
  // Entries ordered by (row, col), duplicates summed in the order given: counted into rows
  // (stable), then each row's few entries sorted by column (stable). One sort of all the
  // triplets took a tenth of a 4M-edge load; this is O(nnz + rows) plus short sorts.
  std::vector<int64_t> start(rows + 1, 0);
  for (int64_t x : r) ++start[x + 1];
  for (int64_t i = 0; i < rows; ++i) start[i + 1] += start[i];
  std::vector<size_t> order(r.size());
  {
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    for (size_t k = 0; k < r.size(); ++k) order[next[r[k]]++] = k;
  }
  auto m = std::make_shared<Csr>();
  m->rows_ = rows;
  m->cols_ = cols;
  m->row_ptr_.assign(rows + 1, 0);
  m->col_idx_.reserve(r.size());
  m->values_.reserve(r.size());
  for (int64_t i = 0; i < rows; ++i) {
    const auto first = order.begin() + start[i], last = order.begin() + start[i + 1];
    // Insertion sort (stable) for the usual few entries a row: std::stable_sort allocates a
    // buffer per call, a quarter of the build for a million short rows.
    if (last - first <= 32) {
      for (auto it = first + (first != last); it < last; ++it)
        for (auto j = it; j > first && c[*(j - 1)] > c[*j]; --j) std::iter_swap(j - 1, j);
    } else {
      std::stable_sort(first, last, [&](size_t a, size_t b) { return c[a] < c[b]; });
    }
    for (auto it = first; it != last; ++it) {
      const size_t e = *it;
      if (it != first && c[e] == c[*(it - 1)]) {
        m->values_.back() += v[e];
        continue;
      }
      m->col_idx_.push_back((int32_t)c[e]);
      m->values_.push_back(v[e]);
      m->row_ptr_[i + 1]++;
    }
  }
  for (int64_t i = 0; i < rows; ++i) m->row_ptr_[i + 1] += m->row_ptr_[i];
  return m;
}

CsrPtr Csr::from_csr(int64_t rows, int64_t cols, std::vector<int64_t> row_ptr,
                     std::vector<int32_t> col_idx, std::vector<float> values) {
  check(rows >= 0 && cols >= 0, "csr: negative shape [", rows, ", ", cols, "]");
  check(cols <= INT32_MAX, "csr: ", cols, " columns exceed the 32-bit column index");
  check((int64_t)row_ptr.size() == rows + 1, "csr: expected ", rows + 1,
        " row pointers (rows + 1), found ", row_ptr.size());
  check(col_idx.size() == values.size(), "csr: ", col_idx.size(), " column indices but ",
        values.size(), " values");
  const int64_t nnz = (int64_t)col_idx.size();
  check(row_ptr[0] == 0 && row_ptr[rows] == nnz, "csr: expected row pointers from 0 to ", nnz,
        " (the non-zeros), found ", row_ptr[0], " to ", row_ptr[rows]);
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t lo = row_ptr[i], hi = row_ptr[i + 1];
    // `if ... fail`, not check(): check would format its message for every row.
    if (hi < lo || hi > nnz)
      fail("csr: row pointer ", i + 1, " is ", hi, " after ", lo,
           ": expected a non-decreasing sequence up to ", nnz);
    for (int64_t k = lo; k < hi; ++k) {
      const int32_t c = col_idx[k];
      if (c < 0 || c >= cols)
        fail("csr: entry ", k, " at (", i, ", ", c, ") is outside the shape [", rows, ", ", cols,
             "]");
      if (k > lo && c <= col_idx[k - 1])
        fail("csr: row ", i, " has column ", c, " after ", col_idx[k - 1],
             ": expected strictly increasing columns within a row");
      if (!std::isfinite(values[k]))
        fail("csr: entry ", k, " at (", i, ", ", c, ") is ", values[k]);
    }
  }
  auto m = std::make_shared<Csr>();
  m->rows_ = rows;
  m->cols_ = cols;
  m->row_ptr_ = std::move(row_ptr);
  m->col_idx_ = std::move(col_idx);
  m->values_ = std::move(values);
  return m;
}

CsrPtr Csr::identity(int64_t n) {
  check(n >= 0, "csr: negative shape [", n, ", ", n, "]");
  std::vector<int64_t> row_ptr(n + 1);
  std::iota(row_ptr.begin(), row_ptr.end(), 0);
  std::vector<int32_t> col(n);
  std::iota(col.begin(), col.end(), 0);
  return from_csr(n, n, std::move(row_ptr), std::move(col), std::vector<float>(n, 1.0f));
}

bool Csr::is_symmetric() const {
  if (rows_ != cols_) return false;
  const Csr& t = transposed();
  return &t == this || (t.row_ptr_ == row_ptr_ && t.col_idx_ == col_idx_ && t.values_ == values_);
}

void Csr::transpose_into(Csr& t, std::vector<int64_t>* edge_order) const {
  // Counting sort by column: entries of each transposed row stay in ascending column order.
  t.rows_ = cols_;
  t.cols_ = rows_;
  t.row_ptr_.assign(cols_ + 1, 0);
  for (int32_t c : col_idx_) t.row_ptr_[c + 1]++;
  for (int64_t i = 0; i < cols_; ++i) t.row_ptr_[i + 1] += t.row_ptr_[i];
  t.col_idx_.resize(col_idx_.size());
  t.values_.resize(values_.size());
  if (edge_order) edge_order->resize(col_idx_.size());
  std::vector<int64_t> next(t.row_ptr_.begin(), t.row_ptr_.end() - 1);
  for (int64_t i = 0; i < rows_; ++i)
    for (int64_t k = row_ptr_[i]; k < row_ptr_[i + 1]; ++k) {
      const int64_t dst = next[col_idx_[k]]++;
      t.col_idx_[dst] = (int32_t)i;
      t.values_[dst] = values_[k];
      if (edge_order) (*edge_order)[dst] = k;
    }
}

const Csr& Csr::transposed() const {
  std::call_once(transpose_once_, [this] {
    auto t = std::make_unique<Csr>();
    transpose_into(*t, nullptr);
    // A symmetric matrix (the GCN adjacency) is its own transpose: keep one copy.
    const bool same = t->rows_ == rows_ && t->row_ptr_ == row_ptr_ && t->col_idx_ == col_idx_ &&
                      t->values_ == values_;
    if (!same) transpose_ = std::move(t);
  });
  return transpose_ ? *transpose_ : *this;
}

const Csr::EdgeTranspose& Csr::edge_transpose() const {
  std::call_once(edge_transpose_once_, [this] {
    auto t = std::make_shared<Csr>();
    auto order = std::make_shared<std::vector<int64_t>>();
    transpose_into(*t, order.get());
    edge_transpose_ = {t, order};
  });
  return edge_transpose_;
}

const std::shared_ptr<const std::vector<int64_t>>& Csr::edge_rows() const {
  std::call_once(edge_index_once_, [this] {
    auto rows = std::make_shared<std::vector<int64_t>>(col_idx_.size());
    auto cols = std::make_shared<std::vector<int64_t>>(col_idx_.begin(), col_idx_.end());
    for (int64_t i = 0; i < rows_; ++i)
      for (int64_t k = row_ptr_[i]; k < row_ptr_[i + 1]; ++k) (*rows)[k] = i;
    edge_rows_ = rows;
    edge_cols_ = cols;
  });
  return edge_rows_;
}

const std::shared_ptr<const std::vector<int64_t>>& Csr::edge_cols() const {
  edge_rows();
  return edge_cols_;
}

namespace {
CsrPtr rebuild_diagonal(const Csr& a, bool keep_loops) {
  check(a.rows() == a.cols(), "self-loops: the pattern must be square, got ", a.shape_str());
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < a.rows(); ++i) {
    for (int64_t k = a.row_ptr()[i]; k < a.row_ptr()[i + 1]; ++k) {
      if (a.col_idx()[k] == i) continue;
      r.push_back(i), c.push_back(a.col_idx()[k]), v.push_back(a.values()[k]);
    }
    if (keep_loops) r.push_back(i), c.push_back(i), v.push_back(1.0f);
  }
  return Csr::from_coo(a.rows(), a.cols(), r, c, v);
}
}  // namespace

CsrPtr with_self_loops(const Csr& a) { return rebuild_diagonal(a, true); }
CsrPtr without_self_loops(const Csr& a) { return rebuild_diagonal(a, false); }

std::vector<float> Csr::to_dense() const {
  std::vector<float> d(rows_ * cols_, 0.0f);
  for (int64_t i = 0; i < rows_; ++i)
    for (int64_t k = row_ptr_[i]; k < row_ptr_[i + 1]; ++k)
      d[i * cols_ + col_idx_[k]] += values_[k];
  return d;
}

// out[i, :] = sum_k A[i, col_k] x[col_k, :]. Rows are independent: one thread per block of
// rows, no atomics. Dynamic scheduling because graph degrees are skewed.
namespace {

// The same sums for a width known at compile time: the row's accumulators stay in registers
// (the general loop stores and reloads o[] after every non-zero), and the X row a few
// non-zeros ahead is prefetched (a graph's columns are scattered: each row of X is a cache
// miss). Each o[j] still takes w * x[j] in k order, with the same fused multiply-add: the
// general loop's bits.
template <int64_t D>
void csr_times_dense_fixed(const std::vector<int64_t>& rp, const int32_t* ci, const float* v,
                           int64_t n, const float* x, float* out) {
  constexpr int64_t kAhead = 16;
  // The look-ahead runs on into the next rows' entries (contiguous in CSR): a graph's rows are
  // short (Pubmed's average 4.5 entries, a 1M-node random graph's 9), and stopping at the row's
  // end left most entries without a prefetch.
  const int64_t nnz = rp[n];
#pragma omp parallel for schedule(dynamic, 64) if (n * D >= 32768)
  for (int64_t i = 0; i < n; ++i) {
    float o[D] = {};
    const int64_t end = rp[i + 1];
    for (int64_t k = rp[i]; k < end; ++k) {
      if (k + kAhead < nnz) kernels::prefetch_row(x + (int64_t)ci[k + kAhead] * D, D, false);
      const float w = v[k];
      const float* xr = x + (int64_t)ci[k] * D;
#pragma omp simd
      for (int64_t j = 0; j < D; ++j) o[j] += w * xr[j];
    }
    float* dst = out + i * D;
    for (int64_t j = 0; j < D; ++j) dst[j] = o[j];
  }
}

}  // namespace

void csr_times_dense(const Csr& a, const float* x, int64_t d, float* out) {
  const auto& rp = a.row_ptr();
  const int32_t* ci = a.col_idx().data();
  const float* v = a.values().data();
  const int64_t n = a.rows();
  // GAE/VGAE's hidden and latent widths
  if (d == 16) return csr_times_dense_fixed<16>(rp, ci, v, n, x, out);
  if (d == 32) return csr_times_dense_fixed<32>(rp, ci, v, n, x, out);
#pragma omp parallel for schedule(dynamic, 64) if (n * d >= 32768)
  for (int64_t i = 0; i < n; ++i) {
    float* o = out + i * d;
    for (int64_t j = 0; j < d; ++j) o[j] = 0.0f;
    for (int64_t k = rp[i]; k < rp[i + 1]; ++k) {
      const float w = v[k];
      const float* xr = x + (int64_t)ci[k] * d;
#pragma omp simd
      for (int64_t j = 0; j < d; ++j) o[j] += w * xr[j];
    }
  }
}

}  // namespace vgrad
