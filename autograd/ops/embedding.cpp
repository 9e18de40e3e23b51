// Ops that address rows by index: embedding (a lookup) and its adjoint, rowdot, and the
// batched dot products between two tables, pair_dot, with its adjoint pair_scatter.
#include <algorithm>
#include <cstring>

#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {

void check_rows(const char* op, const std::vector<int64_t>& rows, int64_t n) {
  for (size_t k = 0; k < rows.size(); ++k)
    check(rows[k] >= 0 && rows[k] < n, op, ": index ", rows[k], " at position ", k,
          " is out of range for a table of ", n, " rows");
}

// target_clones as autograd/vecmath.cpp: an AVX-512F copy and the AVX2 baseline, picked by
// cpuid, so the binary still runs on AVX2-only machines.
#define VGRAD_WIDE __attribute__((target_clones("avx512f", "default")))

// GCC vector extensions, 16 floats: one zmm in the AVX-512 clone, two ymm in the AVX2 one.
// Written out rather than left to the auto-vectoriser, which kept a scalar copy of these loops
// (for possible aliasing) that ran most of the time.
// A V16 is loaded through a reference, never returned: a 64-byte vector passed by value
// changes the calling convention with and without AVX-512 (clang refuses it, g++ warns).
typedef float V16 __attribute__((vector_size(64)));
__attribute__((always_inline)) inline void load16(V16& v, const float* p) {
  std::memcpy(&v, p, sizeof v);
}

// Fixed order, 32 float lanes (two 16-lane accumulators: a 128-wide row is 4 dependent FMAs
// per lane, not 16 as with one 8-lane accumulator, so the dot is not bound by FMA latency).
// Both clones do the same arithmetic per lane: the same bits on either machine and any thread
// count.
VGRAD_WIDE float dot(const float* x, const float* y, int64_t d) {
  V16 acc0 = {}, acc1 = {};
  int64_t c = 0;
  for (; c + 32 <= d; c += 32) {
    V16 x0, y0, x1, y1;
    load16(x0, x + c), load16(y0, y + c), load16(x1, x + c + 16), load16(y1, y + c + 16);
    acc0 += x0 * y0;
    acc1 += x1 * y1;
  }
  if (c == d) {  // the usual width (a multiple of 32): the same halving tree in registers
    typedef float V8 __attribute__((vector_size(32)));
    typedef float V4 __attribute__((vector_size(16)));
    const V16 s = acc0 + acc1;  // lane[j] += lane[j + 16]
    V8 lo8, hi8;
    std::memcpy(&lo8, &s, sizeof lo8), std::memcpy(&hi8, (const char*)&s + sizeof lo8, sizeof hi8);
    const V8 h = lo8 + hi8;  // lane[j] += lane[j + 8]
    V4 lo4, hi4;
    std::memcpy(&lo4, &h, sizeof lo4), std::memcpy(&hi4, (const char*)&h + sizeof lo4, sizeof hi4);
    const V4 q = lo4 + hi4;  // lane[j] += lane[j + 4]
    return (q[0] + q[2]) + (q[1] + q[3]);
  }
  float lane[32];
  std::memcpy(lane, &acc0, sizeof acc0);
  std::memcpy(lane + 16, &acc1, sizeof acc1);
  for (int j = 0; c < d; ++c, ++j) lane[j] += x[c] * y[c];
  for (int w = 16; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) lane[j] += lane[j + w];
  return lane[0];
}

// dst[0, d) = sum over k of w[terms[k]] * x[other[terms[k]]], terms in the given order. The
// destination is held in a 64-float register block across the terms (not loaded and stored
// per term); each element sums in the same order as a plain loop would, so block size and
// clone do not change the bits.
// x's row for other[t] is x_rows[other[t]] when x_rows is given (a table read in place).
VGRAD_WIDE void scatter_row(float* dst, const int32_t* terms, int64_t count, const int32_t* other,
                            const int64_t* x_rows, const float* w, const float* x, int64_t d) {
  int64_t c0 = 0;
  for (; c0 + 64 <= d; c0 += 64) {
    V16 a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (int64_t k = 0; k < count; ++k) {
      const int32_t t = terms[k];
      const float wt = w[t];
      const float* src = x + (x_rows ? x_rows[other[t]] : (int64_t)other[t]) * d + c0;
      V16 s0, s1, s2, s3;
      load16(s0, src), load16(s1, src + 16), load16(s2, src + 32), load16(s3, src + 48);
      a0 += wt * s0, a1 += wt * s1, a2 += wt * s2, a3 += wt * s3;
    }
    std::memcpy(dst + c0, &a0, sizeof a0), std::memcpy(dst + c0 + 16, &a1, sizeof a1);
    std::memcpy(dst + c0 + 32, &a2, sizeof a2), std::memcpy(dst + c0 + 48, &a3, sizeof a3);
  }
  if (c0 == d) return;
  std::fill(dst + c0, dst + d, 0.0f);
  for (int64_t k = 0; k < count; ++k) {
    const int32_t t = terms[k];
    const float wt = w[t];
    const float* src = x + (x_rows ? x_rows[other[t]] : (int64_t)other[t]) * d;
    for (int64_t c = c0; c < d; ++c) dst[c] += wt * src[c];
  }
}

// Counting sort of term numbers by row: ptr (rows + 1) and terms, t ascending within a row.
// A run of one row (a side listed grouped, as DeepWalk's centres are) is counted and placed
// at once: one add per run, not a chain of increments to one counter through memory. ptr[r]
// serves as row r's next free place while placing, then is shifted back: no scratch array.
void group_by_row(const std::vector<int32_t>& row_of, int64_t rows, std::vector<int64_t>& ptr,
                  std::vector<int32_t>& terms) {
  const int32_t n = (int32_t)row_of.size();
  auto run_end = [&](int32_t t) {
    int32_t e = t + 1;
    while (e < n && row_of[e] == row_of[t]) ++e;
    return e;
  };
  ptr.assign(rows + 1, 0);
  for (int32_t t = 0, e; t < n; t = e) e = run_end(t), ptr[row_of[t] + 1] += e - t;
  for (int64_t r = 0; r < rows; ++r) ptr[r + 1] += ptr[r];
  terms.resize(n);
  for (int32_t t = 0, e; t < n; t = e) {
    e = run_end(t);
    int64_t& at = ptr[row_of[t]];
    for (int32_t u = t; u < e; ++u) terms[at++] = u;
  }
  for (int64_t r = rows; r > 0; --r) ptr[r] = ptr[r - 1];  // each ptr[r] is now row r's end
  ptr[0] = 0;
}

// A side's table: [rows, D], or with a lookup, any [N, D] and `lookup` rows < N, one per row.
void check_table(const char* op, const char* name, const Tensor& t, int64_t rows,
                 const RowIndex& lookup) {
  if (!lookup) {
    check(t.dim() == 2 && t.rows() == rows, op, ": ", name, " must be [", rows,
          ", D] for these pairs, got ", shape_of(t));
    return;
  }
  check(t.dim() == 2, op, ": ", name, " must be a table [N, D], got ", shape_of(t));
  check((int64_t)lookup->size() == rows, op, ": ", name, "'s lookup has ", lookup->size(),
        " rows, expected ", rows, " (one per row of the pairs' side)");
  check_rows(op, *lookup, t.rows());
}

// The gradient of a table read through `lookup` (row-sparse into a leaf) or directly.
void add_table_grad(Grads& g, size_t i, const RowIndex& lookup, const Tensor& rows_grad) {
  if (lookup)
    g.add_rows(i, lookup, rows_grad);
  else
    g.add(i, rows_grad);
}

}  // namespace

Tensor embedding(const Tensor& table, std::vector<int64_t> rows) {
  return embedding(table, std::make_shared<const std::vector<int64_t>>(std::move(rows)));
}

// embedding: Y[k] = table[rows[k]];  dtable[rows[k]] += dY[k]
Tensor embedding(const Tensor& table, const RowIndex& rows) {
  check(table.dim() == 2, "embedding: the table must be [N, D], got ", shape_of(table));
  check_rows("embedding", *rows, table.rows());
  const int64_t b = (int64_t)rows->size(), d = table.cols();
  Tensor y = Tensor::empty({b, d});
  const float* src = table.data();
  float* dst = y.data();
  const int64_t* r = rows->data();
#pragma omp parallel for schedule(static) if (b * d >= kernels::kParallelMin)
  for (int64_t k = 0; k < b; ++k) std::memcpy(dst + k * d, src + r[k] * d, d * sizeof(float));
  return record("embedding", y, {table},
                [rows](const Tensor& gy, const Inputs&, Grads& g) { g.add_rows(0, rows, gy); });
}

// X[rows[k]] += Y[k];  dY[k] = dX[rows[k]] (an embedding). Serial: repeated rows add in order.
Tensor embedding_dense_backward(const Tensor& y, const RowIndex& rows, int64_t num_rows) {
  check(y.dim() == 2 && y.rows() == (int64_t)rows->size(),
        "embedding_dense_backward: ", rows->size(), " rows but values of shape ", y.shape_str());
  check_rows("embedding_dense_backward", *rows, num_rows);
  const int64_t d = y.cols();
  Tensor x = Tensor::zeros({num_rows, d});
  for (size_t k = 0; k < rows->size(); ++k) {
    float* dst = x.data() + (*rows)[k] * d;
    const float* src = y.data() + k * d;
    for (int64_t c = 0; c < d; ++c) dst[c] += src[c];
  }
  return record(
      "embedding_dense_backward", x, {y},
      [rows](const Tensor& gx, const Inputs&, Grads& g) { g.add(0, embedding(gx, rows)); });
}

// rowdot: y[r] = sum_c A[r, c] B[r, c];  dA = dy[:, None] * B,  dB = dy[:, None] * A
Tensor rowdot(const Tensor& a, const Tensor& b) {
  check(a.dim() == 2 && a.shape() == b.shape(),
        "rowdot: expected two [N, D] tensors of one shape, got ", a.shape_str(), " and ",
        b.shape_str());
  const int64_t n = a.rows(), d = a.cols();
  Tensor y = Tensor::empty({n});
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  kernels::for_each_index(n, [&](int64_t r) { py[r] = dot(pa + r * d, pb + r * d, d); });
  return record("rowdot", y, {a, b}, [n](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor col = reshape(gy, {n, 1});
    if (g.wants(0)) g.add(0, mul(col, in[1]));
    if (g.wants(1)) g.add(1, mul(col, in[0]));
  });
}

void Pairs::fill(int64_t num_a, int64_t num_b) {
  check(a.size() == b.size(), "Pairs: ", a.size(), " a-indices but ", b.size(), " b-indices");
  check(a.size() < (size_t)INT32_MAX, "Pairs: ", a.size(), " pairs, at most 2^31 - 1 allowed");
  for (size_t t = 0; t < a.size(); ++t)
    check(a[t] >= 0 && a[t] < num_a && b[t] >= 0 && b[t] < num_b, "Pairs: pair ", t, " (", a[t],
          ", ", b[t], ") is out of range for ", num_a, " x ", num_b, " rows");
  rows_a = num_a, rows_b = num_b;
  group_by_row(a, rows_a, a_ptr, a_terms);
  group_by_row(b, rows_b, b_ptr, b_terms);
}

std::shared_ptr<const Pairs> Pairs::make(int64_t rows_a, int64_t rows_b, std::vector<int32_t> a,
                                         std::vector<int32_t> b) {
  auto p = std::make_shared<Pairs>();
  p->a = std::move(a), p->b = std::move(b);
  p->fill(rows_a, rows_b);
  return p;
}

std::shared_ptr<const Pairs> Pairs::remake(std::shared_ptr<Pairs>& pairs, int64_t rows_a,
                                           int64_t rows_b, std::vector<int32_t>& a,
                                           std::vector<int32_t>& b) {
  if (!pairs || pairs.use_count() > 1) pairs = std::make_shared<Pairs>();
  pairs->a.swap(a), pairs->b.swap(b);
  pairs->fill(rows_a, rows_b);
  return pairs;
}

// pair_dot: y[t] = A[a_t] . B[b_t] (with lookups: A[a_rows[a_t]] . B[b_rows[b_t]]);
//   dA = pair_scatter(dy, B, a-side) (with a lookup: its rows added to A's a_rows), dB likewise
Tensor pair_dot(const Tensor& a, const Tensor& b, const PairsPtr& pairs, const RowIndex& a_rows,
                const RowIndex& b_rows) {
  check_table("pair_dot", "A", a, pairs->rows_a, a_rows);
  check_table("pair_dot", "B", b, pairs->rows_b, b_rows);
  check(a.cols() == b.cols(), "pair_dot: A ", shape_of(a), " and B ", shape_of(b),
        " differ in width");
  const int64_t t_count = pairs->size(), d = a.cols();
  Tensor y = Tensor::empty({t_count});
  const float *pa = a.data(), *pb = b.data();
  const int32_t *ia = pairs->a.data(), *ib = pairs->b.data();
  const int64_t* ra = a_rows ? a_rows->data() : nullptr;
  const int64_t* rb = b_rows ? b_rows->data() : nullptr;
  float* py = y.data();
#pragma omp parallel for schedule(static) if (t_count * d >= kernels::kParallelMin)
  for (int64_t t = 0; t < t_count; ++t)
    py[t] = dot(pa + (ra ? ra[ia[t]] : (int64_t)ia[t]) * d,
                pb + (rb ? rb[ib[t]] : (int64_t)ib[t]) * d, d);
  return record("pair_dot", y, {a, b},
                [pairs, a_rows, b_rows](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0))
      add_table_grad(g, 0, a_rows, pair_scatter(gy, in[1], pairs, PairSide::a, b_rows));
    if (g.wants(1))
      add_table_grad(g, 1, b_rows, pair_scatter(gy, in[0], pairs, PairSide::b, a_rows));
  });
}

// Onto side a: Y[r] = sum_{t: a_t = r} w_t X[b_t]  (side b: swap a and b; with a lookup,
// X[x_rows[b_t]]).  dw_t = dY[a_t] . X[b_t] = pair_dot(dY, X);  dX = pair_scatter(w, dY) onto
// the other side (with a lookup: those rows added to X's x_rows)
Tensor pair_scatter(const Tensor& w, const Tensor& x, const PairsPtr& pairs, PairSide side,
                    const RowIndex& x_rows) {
  const bool onto_a = side == PairSide::a;
  const int64_t out_rows = onto_a ? pairs->rows_a : pairs->rows_b;
  check(w.dim() == 1 && w.numel() == pairs->size(), "pair_scatter: weights must be [",
        pairs->size(), "] (one per pair), got ", shape_of(w));
  check_table("pair_scatter", "X", x, onto_a ? pairs->rows_b : pairs->rows_a, x_rows);
  const int64_t d = x.cols();
  Tensor y = Tensor::empty({out_rows, d});
  const std::vector<int64_t>& ptr = onto_a ? pairs->a_ptr : pairs->b_ptr;
  const int32_t* terms = (onto_a ? pairs->a_terms : pairs->b_terms).data();
  const int32_t* other = (onto_a ? pairs->b : pairs->a).data();
  const int64_t* xr = x_rows ? x_rows->data() : nullptr;
  const float *pw = w.data(), *px = x.data();
  float* py = y.data();
  // One output row per iteration, its terms in ascending t: the same sums on any thread count.
  // Chunks of up to 64 rows, fewer when the rows are few: DeepWalk's centre side is some 50
  // rows of ~70 terms each, which one 64-row chunk gave to one thread while the other waited.
  const int64_t chunk = std::clamp<int64_t>(out_rows / 32, 1, 64);
#pragma omp parallel for schedule(dynamic, chunk) if (pairs->size() * d >= kernels::kParallelMin)
  for (int64_t r = 0; r < out_rows; ++r)
    scatter_row(py + r * d, terms + ptr[r], ptr[r + 1] - ptr[r], other, xr, pw, px, d);
  return record("pair_scatter", y, {w, x},
                [pairs, onto_a, x_rows](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0))
      g.add(0, onto_a ? pair_dot(gy, in[1], pairs, nullptr, x_rows)
                      : pair_dot(in[1], gy, pairs, x_rows, nullptr));
    if (g.wants(1))
      add_table_grad(g, 1, x_rows,
                     pair_scatter(in[0], gy, pairs, onto_a ? PairSide::b : PairSide::a));
  });
}

}  // namespace vgrad
