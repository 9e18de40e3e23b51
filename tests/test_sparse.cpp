#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"

using namespace vgrad;

namespace {
// A random sparse matrix with empty rows and empty columns; not symmetric.
CsrPtr random_sparse(int64_t rows, int64_t cols, float density, Rng& rng) {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < rows; ++i) {
    if (rng.uniform() < 0.2f) continue;
    for (int64_t j = 0; j < cols; ++j)
      if (rng.uniform() < density) r.push_back(i), c.push_back(j), v.push_back(rng.normal());
  }
  return Csr::from_coo(rows, cols, r, c, v);
}

std::vector<double> dense_matmul(const std::vector<float>& a, const std::vector<float>& b,
                                 int64_t n, int64_t k, int64_t m) {
  std::vector<double> c(n * m, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t l = 0; l < k; ++l)
      for (int64_t j = 0; j < m; ++j) c[i * m + j] += (double)a[i * k + l] * b[l * m + j];
  return c;
}
}  // namespace

TEST_CASE("Csr::from_coo sums duplicates, sorts columns and validates indices") {
  auto a = Csr::from_coo(3, 4, {2, 0, 2, 0, 2}, {1, 3, 1, 0, 0}, {1, 2, 3, 4, 5});
  CHECK(a->row_ptr() == std::vector<int64_t>{0, 2, 2, 4});  // row 1 is empty
  CHECK(a->col_idx() == std::vector<int32_t>{0, 3, 0, 1});
  CHECK(a->values() == std::vector<float>{4, 2, 5, 4});  // (2,1) = 1 + 3
  CHECK(a->nnz() == 4);
  CHECK_THROWS_WITH_AS(Csr::from_coo(3, 4, {0, 3}, {0, 0}, {1, 1}),
                       "csr: entry 1 at (3, 0) is outside the shape [3, 4]", Error);
  CHECK_THROWS_WITH_AS(Csr::from_coo(3, 4, {0}, {-1}, {1}),
                       "csr: entry 0 at (0, -1) is outside the shape [3, 4]", Error);
  CHECK_THROWS_WITH_AS(Csr::from_coo(3, 4, {0}, {0, 1}, {1}),
                       "csr: COO arrays differ in length: 1 rows, 2 cols, 1 values", Error);
  CHECK_THROWS_WITH_AS(Csr::from_coo(2, 2, {0}, {0}, {NAN}), "csr: entry 0 at (0, 0) is nan", Error);
}

TEST_CASE("Csr::transposed matches the dense transpose and is cached") {
  Rng rng(3);
  auto a = random_sparse(7, 5, 0.3f, rng);
  const Csr& t = a->transposed();
  CHECK(&t == &a->transposed());
  const auto d = a->to_dense(), dt = t.to_dense();
  for (int64_t i = 0; i < 7; ++i)
    for (int64_t j = 0; j < 5; ++j) CHECK(d[i * 5 + j] == dt[j * 7 + i]);
  CHECK_FALSE(a->is_symmetric());
  auto s = Csr::from_coo(2, 2, {0, 1, 1}, {1, 0, 1}, {2, 2, 1});
  CHECK(s->is_symmetric());
  CHECK(&s->transposed() == s.get());  // a symmetric matrix keeps one copy
}

TEST_CASE("spmm equals a dense product, forward and backward, on random sparse matrices") {
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t n = 1 + rng.below(40), m = 1 + rng.below(40), d = 1 + rng.below(9);
    auto a = random_sparse(n, m, 0.15f, rng);
    Tensor x = randn({m, d}, rng, 1.0f, true);
    Tensor y = spmm(a, x);
    const auto ad = a->to_dense();
    const auto ref = dense_matmul(ad, x.to_vector(), n, m, d);
    for (int64_t i = 0; i < n * d; ++i) CHECK(y.at(i) == doctest::Approx(ref[i]).epsilon(1e-5));
    // dX = A^T G against the dense transpose product.
    Tensor gy = randn({n, d}, rng);
    y.backward(gy);
    std::vector<float> at(m * n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) at[j * n + i] = ad[i * m + j];
    const auto gref = dense_matmul(at, gy.to_vector(), m, n, d);
    for (int64_t i = 0; i < m * d; ++i)
      CHECK(x.grad().at(i) == doctest::Approx(gref[i]).epsilon(1e-5));
  }
}

TEST_CASE("spmm: a large matrix takes the parallel path and still matches") {
  Rng rng(5);
  auto a = random_sparse(3000, 2000, 0.002f, rng);
  Tensor x = randn({2000, 16}, rng);
  Tensor y = spmm(a, x);
  const auto& rp = a->row_ptr();
  for (int64_t i : {0L, 1234L, 2999L}) {
    for (int64_t j = 0; j < 16; ++j) {
      double s = 0;
      for (int64_t k = rp[i]; k < rp[i + 1]; ++k)
        s += (double)a->values()[k] * x.at(a->col_idx()[k] * 16 + j);
      CHECK(y.at(i * 16 + j) == doctest::Approx(s).epsilon(1e-5));
    }
  }
}

TEST_CASE("spmm: shape mismatch names both shapes") {
  auto a = Csr::identity(3);
  CHECK_THROWS_WITH_AS(spmm(a, Tensor::zeros({4, 2})),
                       "spmm: A is csr[3, 3] (3 non-zeros) but X is [4, 2]", Error);
}

TEST_CASE("spmm: the fixed-width kernels (16, 32 columns) give the general loop's bits") {
  Rng rng(11);
  const CsrPtr a = random_sparse(300, 200, 0.05f, rng);
  for (const int64_t d : {16, 32}) {
    const Tensor x = randn({200, d}, rng), extra = randn({200, 16}, rng);
    // 16 more columns send the product through the general loop; each column's sum is the
    // same sequence of fused multiply-adds in either kernel
    const Tensor general = slice(spmm(a, concat({x, extra})), 0, d);
    const Tensor fixed = spmm(a, x);
    CHECK(fixed.to_vector() == general.to_vector());
  }
}
