// The fused Gaussian ops of the VGAE step against the composed ops they replace: the same
// bits forward and backward (so a VGAE's results do not move), their errors, and, through the
// gradcheck table, first and second derivatives.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "nn/gaussian.h"
#include "nn/losses.h"

using namespace vgrad;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.to_vector() == b.to_vector();
}

// The chain kl_normal_logstd(mean) was before it became one op.
Tensor composed_kl(const Tensor& mu, const Tensor& ls) {
  const Tensor terms = -0.5f * (1.0f - square(mu) - exp(2.0f * ls) + 2.0f * ls);
  return mean(sum(terms, 1));
}

}  // namespace

TEST_CASE("reparameterize_logstd: the bits of mu + eps * exp(log_std), forward and backward") {
  // 3000 x 16 takes the parallel blocks; 5 x 3 the serial one.
  for (const Shape& s : {Shape{5, 3}, Shape{3000, 16}}) {
    Rng rng(3);
    Tensor mu = randn(s, rng, 1.0f, true), ls = randn(s, rng, 0.5f, true);
    Tensor eps = randn(s, rng);
    Tensor w = randn(s, rng);  // a seed so every element's gradient differs
    const Tensor fused = reparameterize_logstd(mu, ls, eps);
    const Tensor composed = mu + eps * exp(ls);
    CHECK(same_bits(fused, composed));
    const auto gf = grad(sum(fused * w), {mu, ls});
    const auto gc = grad(sum(composed * w), {mu, ls});
    CHECK(same_bits(gf[0], gc[0]));
    CHECK(same_bits(gf[1], gc[1]));
  }
}

TEST_CASE("kl_normal_logstd (mean): one op with the composed chain's bits and gradients") {
  for (const Shape& s : {Shape{4, 3}, Shape{3000, 16}}) {
    Rng rng(4);
    Tensor mu = randn(s, rng, 1.0f, true), ls = randn(s, rng, 0.5f, true);
    const Tensor fused = kl_normal_logstd(mu, ls, Reduction::mean);
    const Tensor composed = composed_kl(mu, ls);
    CHECK(same_bits(fused, composed));
    // KL(N(0, 1) || N(0, 1)) = 0; log_std = 0.5, mu = 1: -0.5 (1 + 1 - 1 - e) per element
    CHECK(fused.item() > 0.0f);
    const auto gf = grad(fused * 3.0f, {mu, ls});
    const auto gc = grad(composed * 3.0f, {mu, ls});
    CHECK(same_bits(gf[0], gc[0]));
    CHECK(same_bits(gf[1], gc[1]));
  }
  Tensor one = Tensor::from({1, 2}, {1.0f, 0.0f}), half = Tensor::from({1, 2}, {0.0f, 0.5f});
  // -0.5 (1 - 1 - 1 + 0) + -0.5 (1 - 0 - e + 1) = 0.5 + 0.5 (e - 2)
  CHECK(kl_normal_logstd_rows(one, half).item() ==
        doctest::Approx(0.5 + 0.5 * (std::exp(1.0) - 2.0)).epsilon(1e-6));
}

TEST_CASE("the fused Gaussian ops name the shapes they refuse") {
  const Tensor a = Tensor::zeros({4, 3}), b = Tensor::zeros({3, 4}), v = Tensor::zeros({12});
  CHECK_THROWS_WITH_AS(reparameterize_logstd(a, b, a),
                       "reparameterize_logstd: mu is [4, 3] but log_std is [3, 4]", Error);
  CHECK_THROWS_WITH_AS(reparameterize_logstd(a, a, b),
                       "reparameterize_logstd: mu is [4, 3] but eps is [3, 4]", Error);
  CHECK_THROWS_WITH_AS(kl_normal_logstd_rows(v, v),
                       "kl_normal_logstd_rows: mu must be [N, Z], got [12]", Error);
}
