#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "autograd/gradcheck.h"
#include "nn/inner_product_loss.h"

using namespace vgrad;

namespace {
// A random symmetric 0/1 label matrix with self-loops, like A_train + I.
CsrPtr random_labels(int64_t n, float density, Rng& rng) {
  std::vector<int64_t> r, c;
  for (int64_t i = 0; i < n; ++i) {
    r.push_back(i), c.push_back(i);
    for (int64_t j = i + 1; j < n; ++j)
      if (rng.uniform() < density) r.push_back(i), c.push_back(j), r.push_back(j), c.push_back(i);
  }
  return Csr::from_coo(n, n, r, c, std::vector<float>(r.size(), 1.0f));
}

// Runs loss() and its backward with 1 thread, then 2: the value and dL/dz must be the same
// bits; under no-grad, the same value with nothing recorded. z.grad() then holds dL/dz.
void same_bits_for_1_and_2_threads(Tensor& z, const std::function<Tensor()>& loss) {
  std::vector<float> first;
  float first_loss = 0;
  for (int threads : {1, 2}) {
    const int keep = max_threads();
    set_threads(threads);
    z.zero_grad();
    Tensor l = loss();
    l.backward();
    set_threads(keep);
    if (first.empty()) {
      first = z.grad().to_vector();
      first_loss = l.item();
    } else {
      CHECK(l.item() == first_loss);
      CHECK(z.grad().to_vector() == first);
    }
  }
  NoGradGuard guard;
  Tensor l = loss();
  CHECK(l.item() == first_loss);
  CHECK(l.is_leaf());
}
}  // namespace

TEST_CASE("inner_product_bce: fused equals composable, value and gradient") {
  Rng rng(21);
  for (int64_t n : {1, 7, 70}) {
    CsrPtr y = random_labels(n, 0.1f, rng);
    InnerProductLossOptions opt{.pos_weight = 5.3f, .norm = 0.61f, .tile = 16};
    Tensor z = randn({n, 8}, rng, 1.0f, true);
    Tensor fused = inner_product_bce(z, y, opt);
    fused.backward();
    const Tensor g_fused = z.grad();
    z.zero_grad();
    Tensor dense = inner_product_bce_dense(z, y, opt);
    dense.backward();
    CHECK(fused.item() == doctest::Approx(dense.item()).epsilon(1e-5));
    double worst = 0, scale = 0;
    for (int64_t k = 0; k < z.numel(); ++k) {
      worst = std::max(worst, (double)std::fabs(g_fused.at(k) - z.grad().at(k)));
      scale = std::max(scale, (double)std::fabs(z.grad().at(k)));
    }
    CHECK(worst <= 1e-5 * scale);
  }
}

TEST_CASE("inner_product_bce: gradient matches finite differences across tile edges") {
  Rng rng(4);
  CsrPtr y = random_labels(23, 0.2f, rng);
  Tensor z = randn({23, 4}, rng, 0.7f, true);
  InnerProductLossOptions opt{.pos_weight = 3.0f, .norm = 0.8f, .tile = 8};
  GradcheckOptions gopt;
  gopt.max_elements = 92;
  auto r = gradcheck([&] { return inner_product_bce(z, y, opt); }, {z}, gopt);
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("inner_product_bce: the same bits for 1 and 2 threads") {
  Rng rng(8);
  CsrPtr y = random_labels(300, 0.02f, rng);
  Tensor z = randn({300, 16}, rng, 1.0f, true);
  InnerProductLossOptions opt{.pos_weight = 10.0f, .norm = 0.5f, .tile = 32};
  same_bits_for_1_and_2_threads(z, [&] { return inner_product_bce(z, y, opt); });
}

TEST_CASE("inner_product_bce: the loss against a double-precision sum; NaN reaches it") {
  // The pass sums log(1 + e^-|x|) as one log of a product per lane and 256-entry block:
  // checked here against libm in double over 600 x 600 pairs at the default tile (3 x 3
  // tiles, partial ones at the edge), logits from -25 to 25.
  Rng rng(31);
  const int64_t n = 600;
  CsrPtr y = random_labels(n, 0.01f, rng);
  Tensor z = randn({n, 16}, rng, 1.25f);
  InnerProductLossOptions opt{.pos_weight = 7.0f, .norm = 0.75f};
  const double fused = inner_product_bce(z, y, opt).item();
  const std::vector<float> dense = y->to_dense();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double x = 0;
      for (int64_t c = 0; c < 16; ++c) x += (double)z.at(i * 16 + c) * z.at(j * 16 + c);
      // softplus(x) for y = 0, pos_weight * softplus(-x) for y = 1
      const double sp = std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
      sum += dense[i * n + j] != 0 ? opt.pos_weight * (sp - x) : sp;
    }
  const double ref = opt.norm * sum / ((double)n * n);
  CHECK(std::fabs(fused - ref) <= 5e-7 * ref);  // seen: 5e-8
  // A NaN in Z reaches the loss through the negatives alone (node 5 has no y = 1 pair).
  z.at(5 * 16 + 3) = std::nanf("");
  CsrPtr one_pair = Csr::from_coo(n, n, {0, 1}, {1, 0}, {1.0f, 1.0f});
  CHECK(std::isnan(inner_product_bce(z, one_pair, opt).item()));
}

TEST_CASE("inner_product_negatives_pass: sum of softplus, sigmoid left in place, any length") {
  // The pass the bench times alone: lengths off the 16-lane and 256-entry blocks included.
  Rng rng(5);
  for (int64_t n : {1, 15, 17, 256, 300, 4099}) {
    std::vector<float> x(n);
    for (float& v : x) v = rng.uniform(-30.0f, 30.0f);
    const std::vector<float> logits = x;
    const double got = inner_product_negatives_pass(x.data(), n);
    double want = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double v = logits[i];
      want += std::max(v, 0.0) + std::log1p(std::exp(-std::fabs(v)));
      CHECK(x[i] == doctest::Approx(1.0 / (1.0 + std::exp(-v))).epsilon(1e-6));
    }
    // Each factor 1 + e^-|x| is rounded to float before the one log per lane and block: up to
    // 2^-24 (6e-8) of absolute error an entry, large beside a tiny softplus(-13) alone.
    CHECK(std::fabs(got - want) <= 6e-8 * (double)n + 1e-6 * want);
  }
}

TEST_CASE("inner_product_bce: refuses labels of the wrong shape or not symmetric") {
  Tensor z = Tensor::zeros({3, 2});
  CHECK_THROWS_WITH_AS(inner_product_bce(z, Csr::identity(4), {}),
                       "inner_product_bce: labels are csr[4, 4] (4 non-zeros) but Z is [3, 2]", Error);
  auto asym = Csr::from_coo(3, 3, {0}, {1}, {1.0f});
  CHECK_THROWS_WITH_AS(inner_product_bce(z, asym, {}),
                       "inner_product_bce: the label matrix must be symmetric", Error);
}

namespace {
// n nodes, `count` pairs (u, v) with u != v drawn from rng.
std::vector<NodePair> random_pairs(int64_t n, int64_t count, Rng& rng) {
  std::vector<NodePair> out;
  while ((int64_t)out.size() < count) {
    const int32_t u = (int32_t)rng.below(n), v = (int32_t)rng.below(n);
    if (u != v) out.push_back({u, v});
  }
  return out;
}
}  // namespace

TEST_CASE("sampled_inner_product_bce: value is mean_pos softplus(-x) + mean_neg softplus(x)") {
  Rng rng(3);
  Tensor z = randn({6, 4}, rng, 0.8f, true);
  const std::vector<NodePair> pos{{0, 1}, {2, 3}, {4, 5}};
  const std::vector<NodePair> neg{{0, 2}, {1, 5}, {3, 4}, {0, 5}, {2, 4}};
  auto x = [&](NodePair e) {
    double s = 0;
    for (int64_t c = 0; c < 4; ++c) s += (double)z.at(e.first * 4 + c) * z.at(e.second * 4 + c);
    return s;
  };
  auto softplus = [](double v) { return std::log1p(std::exp(v)); };
  double want_pos = 0, want_neg = 0;
  for (auto e : pos) want_pos += softplus(-x(e)) / pos.size();
  for (auto e : neg) want_neg += softplus(x(e)) / neg.size();
  CHECK(sampled_inner_product_bce(z, pos, neg).item() ==
        doctest::Approx(want_pos + want_neg).epsilon(1e-6));
  auto r = gradcheck([&] { return sampled_inner_product_bce(z, pos, neg); }, {z});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("sampled_inner_product_bce: the gradient is a scatter-add over pairs, any thread count") {
  // Enough pairs for the parallel paths (autograd/parallel.h's kParallelMin).
  Rng rng(12);
  const int64_t n = 3000, d = 16;
  Tensor z = randn({n, d}, rng, 0.5f, true);
  const std::vector<NodePair> pos = random_pairs(n, 20000, rng), neg = random_pairs(n, 40000, rng);
  same_bits_for_1_and_2_threads(z, [&] { return sampled_inner_product_bce(z, pos, neg); });
  const std::vector<float> first = z.grad().to_vector();
  // Against dL/dz_u = sum over pairs (u, v) of dl/dx z_v (and the same for v), in double.
  std::vector<double> want(n * d, 0.0);
  for (size_t p = 0; p < pos.size() + neg.size(); ++p) {
    const bool is_pos = p < pos.size();
    const NodePair e = is_pos ? pos[p] : neg[p - pos.size()];
    double x = 0;
    for (int64_t c = 0; c < d; ++c) x += (double)z.at(e.first * d + c) * z.at(e.second * d + c);
    const double s = 1 / (1 + std::exp(-x));  // sigmoid(x)
    const double g = is_pos ? -(1 - s) / pos.size() : s / neg.size();
    for (int64_t c = 0; c < d; ++c) {
      want[e.first * d + c] += g * z.at(e.second * d + c);
      want[e.second * d + c] += g * z.at(e.first * d + c);
    }
  }
  double worst = 0, scale = 0;
  for (int64_t k = 0; k < n * d; ++k) {
    worst = std::max(worst, std::fabs(first[k] - want[k]));
    scale = std::max(scale, std::fabs(want[k]));
  }
  CHECK(worst <= 1e-4 * scale);
}

TEST_CASE("sampled_inner_product_bce: refuses empty sets and pairs outside Z") {
  Tensor z = Tensor::zeros({3, 2});
  CHECK_THROWS_WITH_AS(sampled_inner_product_bce(z, {{0, 1}}, {}),
                       "sampled_inner_product_bce: expected at least one positive and one negative pair, got 1 and 0", Error);
  CHECK_THROWS_WITH_AS(sampled_inner_product_bce(z, {{0, 1}}, {{2, 3}}),
                       "sampled_inner_product_bce: pair (2, 3) outside the 3 rows of Z", Error);
  // Many pairs (the parallel check): the first pair outside Z in pair order is the one named.
  std::vector<NodePair> neg(40000, {0, 1});
  neg[30000] = {1, 7}, neg[35000] = {-1, 0};
  CHECK_THROWS_WITH_AS(sampled_inner_product_bce(z, {{0, 1}}, neg),
                       "sampled_inner_product_bce: pair (1, 7) outside the 3 rows of Z", Error);
}
