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
// x placed at columns [begin, begin + x's width) of zeros `width` wide: slice's adjoint.
Tensor pad(const Tensor& x, int64_t begin, int64_t width);

// Y = A X (or A^T X) with A a constant CSR matrix (N x M) and X dense. dX = A^T dY (or A dY).
Tensor spmm(const CsrPtr& a, const Tensor& x, bool transpose_a = false);

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
