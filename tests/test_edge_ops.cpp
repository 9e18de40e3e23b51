// The edge ops (spmm with learning values, sddmm, edge_softmax, index_select/index_add,
// leaky_relu, elu): values against dense loops, gradients by finite differences through a
// whole attention step, the softmax's invariants, thread-count independence, shape errors.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"

using namespace vgrad;

namespace {

// rows x cols, each entry present with probability `density`, every third row empty:
// non-symmetric, with empty rows and (usually) empty columns.
CsrPtr random_pattern(int64_t rows, int64_t cols, float density, Rng& rng) {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < rows; ++i) {
    if (i % 3 == 2) continue;
    for (int64_t j = 0; j < cols; ++j)
      if (rng.uniform() < density) r.push_back(i), c.push_back(j), v.push_back(9.0f);
  }
  return Csr::from_coo(rows, cols, r, c, v);
}

// One attention step, as GATConv does it: scores from node values, softmax over each row's
// edges, then the weighted sum of X's rows. Every new op is on the path.
Tensor attend(const CsrPtr& p, const Tensor& s_row, const Tensor& s_col, const Tensor& x) {
  Tensor e = index_select(s_row, p->edge_rows()) + index_select(s_col, p->edge_cols());
  return elu(spmm(p, edge_softmax(p, leaky_relu(e, 0.2f)), x));
}

void same_bits_for_1_and_2_threads(const std::function<Tensor()>& f) {
  std::vector<float> seen[2];
  const int keep = max_threads();
  for (int t : {1, 2}) {
    set_threads(t);
    seen[t - 1] = f().to_vector();
  }
  set_threads(keep);
  CHECK(seen[0] == seen[1]);
}

}  // namespace

TEST_CASE("spmm with values and sddmm match dense loops, per head") {
  Rng rng(3);
  CsrPtr p = random_pattern(9, 7, 0.4f, rng);
  const int64_t heads = 3, d = 2, e_count = p->nnz();
  Tensor v = randn({e_count, heads}, rng), x = randn({7, heads * d}, rng);
  Tensor a = randn({9, heads * d}, rng);
  Tensor y = spmm(p, v, x), s = sddmm(p, a, x, heads);
  for (int64_t i = 0; i < 9; ++i)
    for (int64_t e = p->row_ptr()[i]; e < p->row_ptr()[i + 1]; ++e)
      for (int64_t h = 0; h < heads; ++h) {
        double dot = 0;
        for (int64_t c = h * d; c < (h + 1) * d; ++c)
          dot += a.at(i * heads * d + c) * x.at(p->col_idx()[e] * heads * d + c);
        CHECK(s.at(e * heads + h) == doctest::Approx(dot).epsilon(1e-5));
      }
  for (int64_t i = 0; i < 9; ++i)
    for (int64_t c = 0; c < heads * d; ++c) {
      double want = 0;
      for (int64_t e = p->row_ptr()[i]; e < p->row_ptr()[i + 1]; ++e)
        want += v.at(e * heads + c / d) * x.at(p->col_idx()[e] * heads * d + c);
      CHECK(y.at(i * heads * d + c) == doctest::Approx(want).epsilon(1e-5));
    }
  // The pattern's stored values (9) are never read: one head with values 1 is plain A X.
  Tensor ones = Tensor::full({e_count}, 1.0f), one_head = spmm(p, ones, x);
  for (int64_t i = 0; i < 9; ++i)
    if (p->row_ptr()[i] == p->row_ptr()[i + 1]) CHECK(one_head.at(i * heads * d) == 0.0f);
}

TEST_CASE("edge ops: a whole attention step passes gradcheck (empty rows, non-symmetric, heads)") {
  for (int64_t heads : {1, 4}) {
    CAPTURE(heads);
    Rng rng(11 + heads);
    CsrPtr p = random_pattern(10, 8, 0.35f, rng);
    Tensor s_row = gradcheck_leaf({10, heads}, rng, -2, 2), s_col = gradcheck_leaf({8, heads}, rng, -2, 2);
    Tensor x = gradcheck_leaf({8, 3 * heads}, rng);
    const GradcheckResult r = gradcheck([&] { return attend(p, s_row, s_col, x); }, {s_row, s_col, x});
    INFO(r.worst);
    CHECK(r.ok);
  }
}

TEST_CASE("edge_softmax: rows sum to 1, a constant per row changes nothing, empty rows stay empty") {
  Rng rng(5);
  CsrPtr p = random_pattern(12, 12, 0.5f, rng);
  const int64_t heads = 2;
  Tensor s = randn({p->nnz(), heads}, rng, 3.0f);
  Tensor shifted = s.clone();
  for (int64_t i = 0; i < 12; ++i)  // + 100 i, and a huge shift on row 0 (exp would overflow)
    for (int64_t e = p->row_ptr()[i]; e < p->row_ptr()[i + 1]; ++e)
      for (int64_t h = 0; h < heads; ++h) shifted.at(e * heads + h) += i == 0 ? 1e4f : 100.0f * i;
  Tensor y = edge_softmax(p, s), y2 = edge_softmax(p, shifted);
  Tensor sums = edge_row_sum(p, y);
  for (int64_t i = 0; i < 12; ++i)
    for (int64_t h = 0; h < heads; ++h) {
      const bool empty = p->row_ptr()[i] == p->row_ptr()[i + 1];
      CHECK(sums.at(i * heads + h) == doctest::Approx(empty ? 0.0 : 1.0).epsilon(1e-6));
    }
  for (int64_t k = 0; k < y.numel(); ++k) {
    CHECK(std::isfinite(y2.at(k)));
    CHECK(y.at(k) == doctest::Approx(y2.at(k)).epsilon(1e-4));
  }
  // A row with no edges (rows 2, 5, ...) gives no NaN in the gradient either.
  Tensor leaf = s.clone().set_requires_grad();
  sum(square(edge_softmax(p, leaf))).backward();
  for (float g : leaf.grad().to_vector()) CHECK(std::isfinite(g));
}

TEST_CASE("edge ops and index_add: the same bits for 1 and 2 threads") {
  Rng rng(8);
  CsrPtr p = random_pattern(400, 300, 0.3f, rng);  // ~24k edges: the parallel path
  Tensor v = randn({p->nnz(), 4}, rng), x = randn({300, 32}, rng), a = randn({400, 32}, rng);
  same_bits_for_1_and_2_threads([&] { return spmm(p, v, x); });
  same_bits_for_1_and_2_threads([&] { return sddmm(p, a, x, 4); });
  same_bits_for_1_and_2_threads([&] { return edge_softmax(p, v); });
  auto idx = std::make_shared<std::vector<int64_t>>(p->nnz());
  for (int64_t k = 0; k < p->nnz(); ++k) (*idx)[k] = rng.below(50);  // many sources per row
  Tensor src = randn({p->nnz(), 8}, rng);
  same_bits_for_1_and_2_threads([&] { return index_add(src, idx, 50); });
  // The backward of spmm into X goes through the cached transpose and its edge order.
  same_bits_for_1_and_2_threads([&] {
    Tensor xl = x.clone().set_requires_grad();
    sum(square(spmm(p, v, xl))).backward();
    return xl.grad();
  });
}

TEST_CASE("edge_transpose: the transposed pattern and the edge order agree with the original") {
  Rng rng(2);
  CsrPtr p = random_pattern(6, 9, 0.4f, rng);
  const Csr::EdgeTranspose& t = p->edge_transpose();
  REQUIRE(t.pattern->rows() == 9);
  REQUIRE((int64_t)t.edge_order->size() == p->nnz());
  const auto& rows = *p->edge_rows();
  for (int64_t j = 0; j < 9; ++j)
    for (int64_t k = t.pattern->row_ptr()[j]; k < t.pattern->row_ptr()[j + 1]; ++k) {
      const int64_t e = (*t.edge_order)[k];
      CHECK(p->col_idx()[e] == j);
      CHECK(rows[e] == t.pattern->col_idx()[k]);
    }
  CHECK(&p->edge_transpose() == &t);  // cached
}

TEST_CASE("leaky_relu and elu: values on both sides of 0") {
  Tensor x = Tensor::from({4}, {-2.0f, -0.5f, 0.5f, 3.0f});
  CHECK(leaky_relu(x, 0.2f).to_vector() == std::vector<float>{-0.4f, -0.1f, 0.5f, 3.0f});
  const std::vector<float> e = elu(x).to_vector();
  CHECK(e[0] == doctest::Approx(std::exp(-2.0) - 1));
  CHECK(e[1] == doctest::Approx(std::exp(-0.5) - 1));
  CHECK(e[3] == 3.0f);
}

TEST_CASE("edge ops: bad shapes are refused naming both shapes") {
  Rng rng(1);
  CsrPtr p = Csr::from_coo(3, 4, {0, 0, 2}, {1, 3, 2}, {1, 1, 1});
  Tensor x = Tensor::zeros({4, 6});
  CHECK_THROWS_WITH_AS(spmm(p, Tensor::zeros({5}), x),
                       "spmm: values are [5] but the pattern is csr[3, 4] (3 non-zeros): "
                       "expected [3] or [3, heads]",
                       Error);
  CHECK_THROWS_WITH_AS(spmm(p, Tensor::zeros({3}), Tensor::zeros({3, 6})),
                       "spmm: the pattern is csr[3, 4] (3 non-zeros) but X is [3, 6]: X needs 4 rows",
                       Error);
  CHECK_THROWS_WITH_AS(spmm(p, Tensor::zeros({3, 4}), x),
                       "spmm: X is [4, 6], whose 6 columns do not split into 4 heads", Error);
  CHECK_THROWS_WITH_AS(sddmm(p, Tensor::zeros({3, 6}), Tensor::zeros({3, 6})),
                       "sddmm: the pattern is csr[3, 4] (3 non-zeros) but A is [3, 6] and B is "
                       "[3, 6]: expected A [3, k] and B [4, k]",
                       Error);
  CHECK_THROWS_WITH_AS(edge_softmax(p, Tensor::zeros({4, 2})),
                       "edge_softmax: scores are [4, 2] but the pattern is csr[3, 4] (3 non-zeros): "
                       "expected [3] or [3, heads]",
                       Error);
  CHECK_THROWS_WITH_AS(edge_broadcast(p, Tensor::zeros({4})),
                       "edge_broadcast: row values are [4] but the pattern is csr[3, 4] "
                       "(3 non-zeros): expected [3] or [3, heads]",
                       Error);
  auto idx = std::make_shared<const std::vector<int64_t>>(std::vector<int64_t>{0, 7});
  CHECK_THROWS_WITH_AS(index_select(Tensor::zeros({4, 2}), idx),
                       "index_select: index 1 is 7, outside the 4 rows of x [4, 2]", Error);
  CHECK_THROWS_WITH_AS(index_add(Tensor::zeros({3, 2}), idx, 9),
                       "index_add: src is [3, 2] but the index has 2 entries: expected one per row",
                       Error);
}
