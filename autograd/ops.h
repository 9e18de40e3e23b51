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

// Elementwise unary ops.
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor square(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softplus(const Tensor& x);     // log(1 + e^x), stable for large |x|
Tensor log_sigmoid(const Tensor& x);  // log(sigmoid(x)) = -softplus(-x)
// Inverted dropout: keeps each value with probability 1-p and scales it by 1/(1-p), so eval
// mode (train=false) is the identity.
Tensor dropout(const Tensor& x, float p, bool train, Rng& rng);

// Reductions accumulate in double (a loss over N*N pairs loses digits in float).
Tensor sum(const Tensor& x);                  // -> scalar
Tensor mean(const Tensor& x);
Tensor sum(const Tensor& x, int64_t axis, bool keepdim = false);
Tensor mean(const Tensor& x, int64_t axis, bool keepdim = false);

// Dense matrix product through cblas_sgemm: op(a) @ op(b), op = transpose when the flag is
// set, so a @ b^T never copies b.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false,
              bool transpose_b = false);
// Y = X W + b with b [M] added to every row: matmul + add fused (one pass fewer, no sum_to).
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);
Tensor transpose(const Tensor& x);            // 2-D, a copy
Tensor reshape(const Tensor& x, const Shape& shape);  // one dimension may be -1

// Along the last axis.
Tensor concat(const std::vector<Tensor>& parts);
Tensor slice(const Tensor& x, int64_t begin, int64_t end);

// Y = A X with A a constant CSR matrix (N x M) and X dense (M x D). dX = A^T dY.
Tensor spmm(const CsrPtr& a, const Tensor& x);

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
  std::vector<int64_t> a_ptr, b_ptr;     // rows + 1 each
  std::vector<int32_t> a_terms, b_terms; // term numbers, grouped by a's row, by b's row
  int64_t size() const { return (int64_t)a.size(); }
  // Validates every index against its side's rows.
  static std::shared_ptr<const Pairs> make(int64_t rows_a, int64_t rows_b,
                                           std::vector<int32_t> a, std::vector<int32_t> b);
};
using PairsPtr = std::shared_ptr<const Pairs>;
enum class PairSide { a, b };

// pair_dot: y[t] = A[a_t] . B[b_t], [T].  dA[r] = sum_{t: a_t = r} dy_t B[b_t] (a
// pair_scatter), and dB likewise: the op and its adjoint are each other's derivatives.
Tensor pair_dot(const Tensor& a, const Tensor& b, const PairsPtr& pairs);
// pair_scatter onto side a: Y [NA, D], Y[r] = sum_{t: a_t = r} w_t X[b_t] with w [T] and
// X [NB, D] (side b: the roles swap).  dw_t = dY[a_t] . X[b_t] (a pair_dot), dX = the
// scatter of w dY onto the other side.
Tensor pair_scatter(const Tensor& w, const Tensor& x, const PairsPtr& pairs, PairSide side);

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
