// CSR sparse matrix: row_ptr (rows+1), col_idx and values (nnz each). A constant in the graph
// (the normalised adjacency, bag-of-words features): it never receives a gradient.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vgrad {

class Csr;
using CsrPtr = std::shared_ptr<const Csr>;

class Csr {
 public:
  // From COO triplets: validates every index against the shape, sums duplicates, sorts
  // columns within each row.
  static CsrPtr from_coo(int64_t rows, int64_t cols, const std::vector<int64_t>& r,
                         const std::vector<int64_t>& c, const std::vector<float>& v);
  // From CSR arrays already in order, moved in: no sort, no copy (an adjacency built from
  // sorted edges). Checked in O(rows + nnz): row_ptr has rows + 1 entries from 0 up to nnz,
  // never decreasing; each row's columns strictly increase (sorted, no duplicates) inside
  // 0..cols-1; values are finite.
  static CsrPtr from_csr(int64_t rows, int64_t cols, std::vector<int64_t> row_ptr,
                         std::vector<int32_t> col_idx, std::vector<float> values);
  static CsrPtr identity(int64_t n);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t nnz() const { return (int64_t)col_idx_.size(); }
  std::string shape_str() const;
  const std::vector<int64_t>& row_ptr() const { return row_ptr_; }
  const std::vector<int32_t>& col_idx() const { return col_idx_; }
  const std::vector<float>& values() const { return values_; }

  // A^T, built once on first use and cached: GCN's backward needs it every step.
  const Csr& transposed() const;
  // The transposed pattern as a CsrPtr (values: A's, moved with their edges) and, for each of
  // its edges in its CSR order, the index of the same edge in A: per-edge tensors that learn
  // (spmm(pattern, values, X)) are carried over with index_select(values, *edge_order).
  struct EdgeTranspose {
    CsrPtr pattern;
    std::shared_ptr<const std::vector<int64_t>> edge_order;
  };
  const EdgeTranspose& edge_transpose() const;
  // The row of every edge in CSR order (E entries), built once: GAT gathers node values to
  // edges with it.
  const std::shared_ptr<const std::vector<int64_t>>& edge_rows() const;
  const std::shared_ptr<const std::vector<int64_t>>& edge_cols() const;
  bool is_symmetric() const;
  std::vector<float> to_dense() const;  // rows x cols, for tests and small debugging

 private:
  int64_t rows_ = 0, cols_ = 0;
  std::vector<int64_t> row_ptr_;
  std::vector<int32_t> col_idx_;
  std::vector<float> values_;
  // A^T by a counting sort on columns into `t`; with `edge_order`, also where each of A^T's
  // entries sits in A (transposed() and edge_transpose() both build on it).
  void transpose_into(Csr& t, std::vector<int64_t>* edge_order) const;
  mutable std::once_flag transpose_once_;
  mutable std::unique_ptr<Csr> transpose_;  // null when A is symmetric: A^T is A
  mutable std::once_flag edge_transpose_once_, edge_index_once_;
  mutable EdgeTranspose edge_transpose_;
  mutable std::shared_ptr<const std::vector<int64_t>> edge_rows_, edge_cols_;
};

// The same pattern with every diagonal entry present (diagonal values set to 1), as GAT
// attends to a node itself; and with none (SAGE and GIN aggregate neighbours only).
CsrPtr with_self_loops(const Csr& a);
CsrPtr without_self_loops(const Csr& a);

// out (rows x d) = A (rows x cols) * x (cols x d), dense row-major; OpenMP over rows.
void csr_times_dense(const Csr& a, const float* x, int64_t d, float* out);

}  // namespace vgrad
