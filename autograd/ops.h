// Every differentiable op. Each is defined, with its backward and its shape checks, in one
// place under autograd/ops/ (binary.cpp, unary.cpp, reduce.cpp, matmul.cpp, shape.cpp,
// sparse.cpp); the comment there gives the forward and the derivative in one line of math.
#pragma once
#include "autograd/random.h"
#include "autograd/sparse.h"
#include "autograd/tape.h"

namespace vgrad {

// Elementwise binary ops broadcast numpy-style (a row vector over a matrix, a scalar over
// anything); the backward sums the gradient back to each parent's shape.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, float s);
Tensor mul(const Tensor& a, float s);
Tensor rsub(float s, const Tensor& a);  // s - a
Shape broadcast_shape(const char* op, const Shape& a, const Shape& b);
Tensor sum_to(const Tensor& x, const Shape& shape);  // adjoint of broadcasting
Tensor expand(const Tensor& x, const Shape& shape);  // broadcasting itself (a copy)

// Elementwise unary ops.
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor square(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor relu(const Tensor& x);
// gy where x > threshold, else 0: the derivative of relu and clamp_min, and its own derivative
// (with respect to gy; with respect to x it is 0 almost everywhere).
Tensor step_mask(const Tensor& gy, const Tensor& x, float threshold);
Tensor clamp_min(const Tensor& x, float low);  // max(x, low)
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softplus(const Tensor& x);                 // log(1 + e^x), stable for large |x|
Tensor log_sigmoid(const Tensor& x);              // log(sigmoid(x)) = -softplus(-x)
Tensor leaky_relu(const Tensor& x, float slope);  // x > 0 ? x : slope x
Tensor elu(const Tensor& x);                      // x > 0 ? x : e^x - 1 (alpha 1)
// Inverted dropout: keeps each value with probability 1-p and scales it by 1/(1-p), so eval
// mode (train=false) is the identity.
Tensor dropout(const Tensor& x, float p, bool train, Rng& rng);

// Reductions accumulate in double (a loss over N*N pairs loses digits in float).
Tensor sum(const Tensor& x);  // -> scalar
Tensor mean(const Tensor& x);
Tensor sum(const Tensor& x, int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& x, int64_t axis, bool keepdim = false);

// Dense matrix product through cblas_sgemm: op(a) @ op(b), op = transpose when the flag is
// set, so a @ b^T never copies b.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);
// Y = X W + b with b [M] added to every row: matmul + add fused (one pass fewer, no sum_to).
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);
Tensor transpose(const Tensor& x);                    // 2-D, a copy
Tensor reshape(const Tensor& x, const Shape& shape);  // one dimension may be -1

// Along the last axis.
Tensor concat(const std::vector<Tensor>& parts);
Tensor slice(const Tensor& x, int64_t begin, int64_t end);
// x placed at columns [begin, begin + x's width) of zeros `width` wide: slice's adjoint.
Tensor pad(const Tensor& x, int64_t begin, int64_t width);

// Y = A X (or A^T X) with A a constant CSR matrix (N x M) and X dense. dX = A^T dY (or A dY).
Tensor spmm(const CsrPtr& a, const Tensor& x, bool transpose_a = false);

// Ops over the edges of a CSR pattern (autograd/ops/edge.cpp): only the pattern's row_ptr and
// col_idx are read, never its stored values. Per-edge tensors are [E] (one head) or [E, H]
// (H heads), in the pattern's CSR order. Node tensors with heads are [N, H*D]: head h owns
// columns h*D .. (h+1)*D - 1 (what X W gives with W [F, H*D], so no reshape is needed).
// Y[i] = sum_e in row i  values[e] X[col(e)], per head. dvalues = sddmm(pattern, dY, X),
// dX = spmm(pattern^T, values moved to the transposed order, dY). O(E * H * D).
Tensor spmm(const CsrPtr& pattern, const Tensor& values, const Tensor& x);
// s[e] = A[row(e)] . B[col(e)], per head: heads = 0 gives [E], heads >= 1 gives [E, heads]
// with A [N, H*D], B [M, H*D]. dA = spmm(pattern, ds, B), dB = spmm(pattern^T, ds, A).
Tensor sddmm(const CsrPtr& pattern, const Tensor& a, const Tensor& b, int64_t heads = 0);
// Softmax over each row's edges, per head; the row max is subtracted (stable); an empty row
// has no edges and so no values. ds = y * (dy - edge_broadcast(edge_row_sum(y * dy))).
Tensor edge_softmax(const CsrPtr& pattern, const Tensor& scores);
// r[i] = sum_e in row i  v[e] ([E] -> [N], [E, H] -> [N, H]); and its adjoint, every edge
// given its row's value ([N] -> [E], [N, H] -> [E, H]).
Tensor edge_row_sum(const CsrPtr& pattern, const Tensor& v);
Tensor edge_broadcast(const CsrPtr& pattern, const Tensor& r);

// Row gather and scatter-add (autograd/ops/index.cpp), each the other's derivative. A row is
// everything after the first dimension. y[k] = x[idx[k]];  out[t] = sum_{k: idx[k] = t} src[k]
// summed in k order (grouped by target, no atomics: the same bits for any thread count).
using IndexPtr = std::shared_ptr<const std::vector<int64_t>>;
Tensor index_select(const Tensor& x, const IndexPtr& idx);
Tensor index_add(const Tensor& src, const IndexPtr& idx, int64_t n);

// Row lookups (autograd/ops/index.cpp). B lookups into a table [N, D].
// embedding: Y[k] = table[rows[k]], [B, D]. Its gradient to the table adds row k of dY to row
// rows[k] (a repeated row gets each contribution); into a leaf (an Embedding's table, in a
// plain backward()) it stays row-sparse (Tensor::sparse_grad), O(B D), else dense.
Tensor embedding(const Tensor& table, const RowIndex& rows);
Tensor embedding(const Tensor& table, std::vector<int64_t> rows);
// The adjoint, dense: X [N, D] zero but for X[rows[k]] += Y[k]. The gradient of embedding
// when it cannot stay row-sparse (grad(), create_graph); its own derivative is embedding.
Tensor embedding_dense_backward(const Tensor& y, const RowIndex& rows, int64_t num_rows);

// rowdot: y[r] = A[r] . B[r] for A, B [N, D] -> [N];  dA = dy[:, None] * B, dB = dy[:, None] * A
Tensor rowdot(const Tensor& a, const Tensor& b);

// T index pairs (a[t], b[t]) between the rows of A [NA, D] and of B [NB, D]: the terms of a
// batch of dot products between two small tables (the skip-gram's centre nodes and tree
// nodes), without copying a row per term. Each side's terms are also listed grouped by row
// (CSR order, t ascending within a row), so a scatter runs one output row per thread, in a
// fixed order.
struct Pairs {
  int64_t rows_a = 0, rows_b = 0;
  std::vector<int32_t> a, b;
  std::vector<int64_t> a_ptr, b_ptr;      // rows + 1 each
  std::vector<int32_t> a_terms, b_terms;  // term numbers, grouped by a's row, by b's row
  int64_t size() const { return (int64_t)a.size(); }
  // Validates every index against its side's rows.
  static std::shared_ptr<const Pairs> make(int64_t rows_a, int64_t rows_b, std::vector<int32_t> a,
                                           std::vector<int32_t> b);
  // make, refilling `pairs` in place when nobody else holds it (a training loop's last step,
  // its tape gone) so its buffers are reused; a and b are swapped in, and the caller gets the
  // old index buffers back to fill next time.
  static std::shared_ptr<const Pairs> remake(std::shared_ptr<Pairs>& pairs, int64_t rows_a,
                                             int64_t rows_b, std::vector<int32_t>& a,
                                             std::vector<int32_t>& b);

 private:
  void fill(int64_t num_a, int64_t num_b);  // validates a and b, then groups them by row
};
using PairsPtr = std::shared_ptr<const Pairs>;
enum class PairSide { a, b };

// pair_dot: y[t] = A[a_t] . B[b_t], [T].  dA[r] = sum_{t: a_t = r} dy_t B[b_t] (a
// pair_scatter), and dB likewise: the op and its adjoint are each other's derivatives.
// With a lookup for a side (a_rows: NA table rows), that side's row r is A[a_rows[r]] of any
// table A [N, D], read in place: pair_dot(A, B, p, ra, rb) is pair_dot(embedding(A, ra),
// embedding(B, rb), p) to the bit, gradients too (row-sparse into a leaf), without copying the
// looked-up rows forward or back (DeepWalk's step).
Tensor pair_dot(const Tensor& a, const Tensor& b, const PairsPtr& pairs,
                const RowIndex& a_rows = nullptr, const RowIndex& b_rows = nullptr);
// pair_scatter onto side a: Y [NA, D], Y[r] = sum_{t: a_t = r} w_t X[b_t] with w [T] and
// X [NB, D] (side b: the roles swap).  dw_t = dY[a_t] . X[b_t] (a pair_dot), dX = the
// scatter of w dY onto the other side. With x_rows, X's row r is X[x_rows[r]] as in pair_dot.
Tensor pair_scatter(const Tensor& w, const Tensor& x, const PairsPtr& pairs, PairSide side,
                    const RowIndex& x_rows = nullptr);

// Operator sugar for readable model code.
inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& a) { return neg(a); }
inline Tensor operator+(const Tensor& a, float s) { return add(a, s); }
inline Tensor operator*(const Tensor& a, float s) { return mul(a, s); }
inline Tensor operator*(float s, const Tensor& a) { return mul(a, s); }
inline Tensor operator-(float s, const Tensor& a) { return rsub(s, a); }

// Random tensors from an explicit generator.
Tensor randn(const Shape& shape, Rng& rng, float stddev = 1.0f, bool requires_grad = false);
Tensor rand_uniform(const Shape& shape, Rng& rng, float low, float high,
                    bool requires_grad = false);

// One `--threads` value for OpenMP and OpenBLAS both (<= 0: leave the defaults).
void set_threads(int threads);
int max_threads();

}  // namespace vgrad
