#include <doctest/doctest.h>

#include <cmath>

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
  std::vector<float> first;
  float first_loss = 0;
  for (int threads : {1, 2}) {
    const int keep = max_threads();
    set_threads(threads);
    z.zero_grad();
    Tensor l = inner_product_bce(z, y, opt);
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
  // Under no-grad the value is the same and nothing is recorded.
  NoGradGuard guard;
  Tensor l = inner_product_bce(z, y, opt);
  CHECK(l.item() == first_loss);
  CHECK(l.is_leaf());
}

TEST_CASE("inner_product_bce: refuses labels of the wrong shape or not symmetric") {
  Tensor z = Tensor::zeros({3, 2});
  CHECK_THROWS_WITH_AS(inner_product_bce(z, Csr::identity(4), {}),
                       "inner_product_bce: labels are csr[4, 4] (4 non-zeros) but Z is [3, 2]", Error);
  auto asym = Csr::from_coo(3, 3, {0}, {1}, {1.0f});
  CHECK_THROWS_WITH_AS(inner_product_bce(z, asym, {}),
                       "inner_product_bce: the label matrix must be symmetric", Error);
}
