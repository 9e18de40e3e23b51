#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"
#include "autograd/storage.h"

using namespace vgrad;

TEST_CASE("Tensor: factories, shape and element access") {
  Tensor t = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(t.shape() == Shape{2, 3});
  CHECK(t.rows() == 2);
  CHECK(t.cols() == 3);
  CHECK(t.size(-1) == 3);
  CHECK(t.numel() == 6);
  CHECK(t.at(4) == 5.0f);
  CHECK(t.shape_str() == "[2, 3]");
  CHECK(Tensor::scalar(2.5f).item() == 2.5f);
  CHECK(Tensor::zeros({0, 4}).numel() == 0);
  CHECK_THROWS_WITH_AS(Tensor::from({2, 2}, {1, 2, 3}),
                       "Tensor::from: shape [2, 2] holds 4 values but 3 were given", Error);
  CHECK_THROWS_WITH_AS(t.size(2), "tensor: axis 2 out of range for shape [2, 3]", Error);
  CHECK_THROWS_WITH_AS(t.item(), "item: expected a single value, got shape [2, 3]", Error);
}

TEST_CASE("shape_of: prints what shape_str prints, and only when streamed") {
  for (const Shape& s : {Shape{}, Shape{0}, Shape{7}, Shape{2, 3}, Shape{4, 1, 5}}) {
    const Tensor t = Tensor::zeros(s);
    CHECK(cat("x ", shape_of(t), " y") == "x " + t.shape_str() + " y");
    CHECK(cat(shape_of(s)) == shape_str(s));
  }
  // A reference, formatted when streamed: a piece that had built its string when made would
  // still say [2] here. So a passing check(ok, ..., shape_of(x)) builds no string.
  Shape s{2};
  const ShapeOf piece = shape_of(s);
  s.push_back(3);
  CHECK(cat(piece) == "[2, 3]");
  CHECK_NOTHROW(check(true, "never ", piece));
  CHECK_THROWS_WITH(check(false, "shape ", piece, " is wrong"), "shape [2, 3] is wrong");
}

TEST_CASE("Rng: same seed same stream, different seeds differ, normals look normal") {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 5; ++i) CHECK(a.next_u64() == b.next_u64());
  CHECK(Rng(42).next_u64() != c.next_u64());
  Rng r(7);
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s += x;
    s2 += x * x;
  }
  CHECK(std::fabs(s / n) < 0.01);
  CHECK(std::fabs(s2 / n - 1.0) < 0.02);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) counts[r.below(3)]++;
  for (int k : counts) CHECK(std::abs(k - 10000) < 400);
  // Saving and restoring the state resumes the same stream (needed by --resume).
  Rng s1(5);
  s1.normal();
  auto st = s1.state();
  const float next = s1.normal();
  Rng s3(0);
  s3.set_state(st);
  CHECK(s3.normal() == next);
}

TEST_CASE("broadcasting: shapes, values and errors naming both shapes") {
  Tensor m = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor row = Tensor::from({3}, {10, 20, 30});
  Tensor col = Tensor::from({2, 1}, {100, 200});
  CHECK(add(m, row).to_vector() == std::vector<float>{11, 22, 33, 14, 25, 36});
  CHECK(add(m, col).to_vector() == std::vector<float>{101, 102, 103, 204, 205, 206});
  CHECK(add(row, col).shape() == Shape{2, 3});  // both sides expand
  CHECK(mul(m, Tensor::scalar(2)).to_vector() == std::vector<float>{2, 4, 6, 8, 10, 12});
  CHECK(broadcast_shape("x", {4, 1, 3}, {5, 1}) == Shape{4, 5, 3});
  CHECK_THROWS_WITH_AS(add(m, Tensor::zeros({2})),
                       "add: shapes [2, 3] and [2] cannot be broadcast together", Error);
  CHECK_THROWS_WITH_AS(mul(Tensor::zeros({3, 2}), Tensor::zeros({2, 3})),
                       "mul: shapes [3, 2] and [2, 3] cannot be broadcast together", Error);
  // The gradient of a broadcast operand is the sum over the expanded dimensions.
  Tensor b = Tensor::from({3}, {1, 1, 1}, true);
  Tensor x = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6}, true);
  sum(mul(x, b)).backward();
  CHECK(b.grad().to_vector() == std::vector<float>{5, 7, 9});
  CHECK(x.grad().to_vector() == std::vector<float>{1, 1, 1, 1, 1, 1});
}

TEST_CASE("shape errors name the op and both shapes") {
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 3}), Tensor::zeros({4, 5})),
                       "matmul: inner sizes differ: [2, 3] @ [4, 5]", Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({2, 3}), Tensor::zeros({5, 4}), false, true),
                       "matmul: inner sizes differ: [2, 3] @ [5, 4]^T", Error);
  CHECK_THROWS_WITH_AS(matmul(Tensor::zeros({3}), Tensor::zeros({3, 1})),
                       "matmul: expected 2-D tensors, got [3] and [3, 1]", Error);
  CHECK_THROWS_WITH_AS(reshape(Tensor::zeros({2, 3}), {4, 2}),
                       "reshape: cannot reshape [2, 3] (6 values) to [4, 2]", Error);
  CHECK_THROWS_WITH_AS(concat({Tensor::zeros({2, 3}), Tensor::zeros({3, 3})}),
                       "concat: shapes [2, 3] and [3, 3] differ before the last axis", Error);
  CHECK_THROWS_WITH_AS(slice(Tensor::zeros({2, 3}), 2, 5),
                       "slice: [2, 5) out of range for shape [2, 3]", Error);
  CHECK_THROWS_WITH_AS(sum(Tensor::zeros({2, 3}), 2), "sum_axis: axis 2 out of range for shape [2, 3]",
                       Error);
  CHECK_THROWS_WITH_AS(transpose(Tensor::zeros({2, 3, 4})),
                       "transpose: expected a 2-D tensor, got [2, 3, 4]", Error);
}

TEST_CASE("forward values of the ops against direct formulas") {
  Tensor x = Tensor::from({4}, {-30.0f, -1.0f, 0.5f, 40.0f});
  const auto sp = softplus(x).to_vector();
  CHECK(sp[0] == doctest::Approx(std::log1p(std::exp(-30.0))));
  CHECK(sp[1] == doctest::Approx(std::log1p(std::exp(-1.0))));
  CHECK(sp[3] == doctest::Approx(40.0));  // no overflow to inf
  const auto ls = log_sigmoid(x).to_vector();
  CHECK(ls[0] == doctest::Approx(-30.0).epsilon(1e-6));  // no log(0)
  CHECK(ls[2] == doctest::Approx(std::log(1.0 / (1.0 + std::exp(-0.5)))));
  const auto sg = sigmoid(x).to_vector();
  CHECK(sg[0] == doctest::Approx(1.0 / (1.0 + std::exp(30.0))).epsilon(1e-5));
  CHECK(sg[3] == 1.0f);
  CHECK(relu(x).to_vector() == std::vector<float>{0, 0, 0.5f, 40});
  CHECK(std::isnan(relu(Tensor::scalar(NAN)).item()));  // a NaN is not repaired to 0
  Tensor m = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(sum(m).item() == 21.0f);
  CHECK(mean(m).item() == 3.5f);
  CHECK(sum(m, 0).to_vector() == std::vector<float>{5, 7, 9});
  CHECK(mean(m, 1, true).shape() == Shape{2, 1});
  CHECK(mean(m, 1).to_vector() == std::vector<float>{2, 5});
  CHECK(transpose(m).to_vector() == std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(slice(m, 1, 3).to_vector() == std::vector<float>{2, 3, 5, 6});
  CHECK(concat({slice(m, 0, 1), slice(m, 1, 3)}).to_vector() == m.to_vector());
  Tensor w = Tensor::from({3, 2}, {1, 0, 0, 1, 1, 1});
  CHECK(matmul(m, w).to_vector() == std::vector<float>{4, 5, 10, 11});
  CHECK(matmul(w, m, true, true).to_vector() == std::vector<float>{4, 10, 5, 11});
}

TEST_CASE("dropout: inverted scaling, seeded mask, identity in eval") {
  Tensor x = Tensor::full({1000}, 1.0f);
  Rng r1(3), r2(3);
  Tensor a = dropout(x, 0.25f, true, r1), b = dropout(x, 0.25f, true, r2);
  CHECK(a.to_vector() == b.to_vector());
  int zeros = 0;
  for (float v : a.to_vector()) {
    CHECK((v == 0.0f || v == doctest::Approx(1.0f / 0.75f)));
    zeros += v == 0.0f;
  }
  CHECK(zeros > 200);
  CHECK(zeros < 300);
  Rng r3(3);
  CHECK(dropout(x, 0.25f, false, r3).to_vector() == x.to_vector());
  CHECK_THROWS_WITH_AS(dropout(x, 1.0f, true, r3), "dropout: p must be in [0, 1), got 1", Error);
}

TEST_CASE("sum_to over leading axes and linear: against direct sums, same for 1 and 2 threads") {
  Rng rng(5);
  Tensor x = randn({300, 700}, rng), w = randn({700, 600}, rng), b = randn({600}, rng);
  auto reduce = [&] { return sum_to(x, {1, 700}); };
  set_threads(1);
  Tensor one = reduce(), y1 = linear(x, w, b);
  set_threads(2);
  Tensor two = reduce(), y2 = linear(x, w, b);
  set_threads(0);
  for (int64_t c = 0; c < 700; ++c) {
    double direct = 0;
    for (int64_t r = 0; r < 300; ++r) direct += x.at(r * 700 + c);
    CHECK(one.at(c) == doctest::Approx(direct).epsilon(1e-6));
    CHECK(one.at(c) == two.at(c));  // bit-identical: each column is summed in row order
  }
  Tensor expect = matmul(x, w) + b;
  for (int64_t i = 0; i < expect.numel(); i += 997)
    CHECK(y1.at(i) == doctest::Approx(expect.at(i)).epsilon(1e-5));
  // a [3, 1] target is not a leading-axes reduction: the general path still applies
  Tensor small = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(sum_to(small, {2, 1}).at(1) == 15.0f);
  CHECK(sum_to(small, {3}).at(2) == 9.0f);
}

TEST_CASE("broadcasting: every stride pattern gives the naive loop's bits, small and large") {
  // The loop specialises same shapes and inner strides 0/1; each case, on a tensor big enough
  // to run in parallel too, against an index-by-index reference.
  Rng rng(7);
  auto ref_mul = [](const Tensor& a, const Tensor& b, const Shape& out) {
    std::vector<float> y(numel_of(out));
    const int64_t d = (int64_t)out.size();
    for (int64_t i = 0; i < (int64_t)y.size(); ++i) {
      int64_t rem = i, ja = 0, jb = 0, sa = 1, sb = 1;
      for (int64_t k = d - 1; k >= 0; --k) {
        const int64_t idx = rem % out[k];
        rem /= out[k];
        const int64_t ka = k - (d - a.dim()), kb = k - (d - b.dim());
        if (ka >= 0) ja += (a.shape()[ka] == 1 ? 0 : idx) * sa, sa *= a.shape()[ka];
        if (kb >= 0) jb += (b.shape()[kb] == 1 ? 0 : idx) * sb, sb *= b.shape()[kb];
      }
      y[i] = a.at(ja) * b.at(jb);
    }
    return y;
  };
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{5, 3}, {5, 3}}, {{5, 3}, {5, 1}}, {{5, 1}, {5, 3}}, {{3}, {5, 3}}, {{4, 1, 3}, {5, 1}}, {{4, 5, 1}, {1, 5, 3}}, {{3000, 16}, {3000, 16}}, {{3000, 16}, {3000, 1}}, {{3000, 1}, {3000, 16}}, {{16}, {3000, 16}}, {{3000, 1}, {1, 16}}};
  for (const auto& [sa, sb] : cases) {
    CAPTURE(shape_str(sa));
    CAPTURE(shape_str(sb));
    Tensor a = randn(sa, rng), b = randn(sb, rng);
    Tensor y = a * b;
    const std::vector<float> want = ref_mul(a, b, y.shape());
    REQUIRE(y.numel() == (int64_t)want.size());
    bool same = true;
    for (int64_t i = 0; i < y.numel(); ++i) same = same && y.at(i) == want[i];
    CHECK(same);
  }
}

TEST_CASE("Buffer pool: a miss returns cached large blocks of other sizes, no more than needed") {
  // needed: live and cached blocks together stay within the most live at once
  pool_release_all();
  const size_t big = size_t(2) << 20;  // floats: an 8 MiB block, over the pool's large threshold
  const size_t f = sizeof(float);
  { Buffer a(big), b(big), small(4096); }  // two large blocks and a small one go to the cache
  const uint64_t cached = pool_stats().cached_bytes;
  CHECK(cached == 2 * big * f + 4096 * f);
  {
    Buffer same(big);  // a hit: served from the cache, nothing else released
    CHECK(pool_stats().cached_bytes == cached - big * f);
  }
  {
    Buffer other(2 * big);  // a miss for 16 MiB: both 8 MiB blocks go back, the small one stays
    CHECK(pool_stats().cached_bytes == 4096 * f);
  }
  pool_release_all();
  CHECK(pool_stats().cached_bytes == 0);
  { Buffer a(4 * big), b(4 * big); }  // 64 MiB live at most, then cached
  {
    Buffer c(big);  // 8 MiB more: one 32 MiB block goes back, the other fits beside it
    CHECK(pool_stats().cached_bytes == 4 * big * f);
  }
  pool_release_all();
}
