// The VAE's importance-sampled log-likelihood (models/iwae.h) on a VAE small enough that
// log p(x) itself can be computed by quadrature over its 2-D latent.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "models/iwae.h"

using namespace vgrad;

namespace {

constexpr int64_t kPixels = 6;

// Three images with grey levels and saturated pixels (exact 0 and 1).
Tensor images() {
  return Tensor::from({3, kPixels}, {0.0f, 1.0f, 0.3f, 0.8f, 1.0f, 0.0f,  //
                                     1.0f, 1.0f, 1.0f, 0.0f, 0.0f, 0.0f,  //
                                     0.5f, 0.2f, 0.9f, 0.1f, 0.6f, 0.4f});
}

Tensor row(const Tensor& x, int64_t i) {
  return Tensor::from({1, x.cols()}, std::vector<float>(x.data() + i * x.cols(), x.data() + (i + 1) * x.cols()));
}

Tensor repeat_row(const Tensor& x, int64_t i, int64_t times) {
  std::vector<float> v;
  for (int64_t t = 0; t < times; ++t) v.insert(v.end(), x.data() + i * x.cols(), x.data() + (i + 1) * x.cols());
  return Tensor::from({times, x.cols()}, v);
}

// log p(x) = log integral p(x|z) N(z; 0, I) dz by the midpoint rule on [-8, 8]^2, step h.
double log_px_by_quadrature(Vae& vae, const Tensor& x1, Recon recon) {
  NoGradGuard no_tape;
  const double h = 0.04;
  const int64_t steps = (int64_t)(16 / h);
  std::vector<double> terms;
  for (int64_t a = 0; a < steps; ++a) {
    std::vector<float> zs;
    for (int64_t b = 0; b < steps; ++b) {
      zs.push_back((float)(-8 + (a + 0.5) * h));
      zs.push_back((float)(-8 + (b + 0.5) * h));
    }
    const Tensor logits = vae.decode_logits(Tensor::from({steps, 2}, zs));
    for (int64_t b = 0; b < steps; ++b) {
      double lp = 0;
      for (int64_t j = 0; j < kPixels; ++j) {
        const double l = logits.at(b * kPixels + j), xj = x1.at(j);
        if (recon == Recon::bce) {
          lp += xj * l - std::log1p(std::exp(-std::fabs(l))) - std::max(l, 0.0);
        } else {
          const double d = xj - 1 / (1 + std::exp(-l));
          lp -= d * d;
        }
      }
      if (recon == Recon::mse) lp -= 0.5 * kPixels * std::log(std::numbers::pi);
      const double z0 = zs[2 * b], z1 = zs[2 * b + 1];
      terms.push_back(lp - 0.5 * (z0 * z0 + z1 * z1) - std::log(2 * std::numbers::pi) + 2 * std::log(h));
    }
  }
  double m = -1e300, s = 0;
  for (double t : terms) m = std::max(m, t);
  for (double t : terms) s += std::exp(t - m);
  return m + std::log(s);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / (double)v.size();
}

}  // namespace

TEST_CASE("iwae: K = 1 averages to the ELBO (minus the loss), for bce and mse") {
  for (Recon recon : {Recon::bce, Recon::mse}) {
    Rng init(3);
    Vae vae(kPixels, {.hidden = 5, .latent = 2, .recon = recon}, init);
    vae.eval();
    const Tensor x = images();
    for (int64_t i = 0; i < 3; ++i) {
      constexpr int64_t draws = 40000;
      Rng rng(10 + i);
      const std::vector<double> one = iwae_log_likelihood(vae, repeat_row(x, i, draws), 1, rng);
      double var = 0;
      const double m = mean(one);
      for (double v : one) var += (v - m) * (v - m) / (draws - 1);
      // The loss: reconstruction + analytic KL, summed over the batch of repeated rows.
      NoGradGuard no_tape;
      Rng loss_rng(20 + i);
      double elbo = -(double)vae.loss(repeat_row(x, i, draws), loss_rng).item() / draws;
      if (recon == Recon::mse) elbo -= 0.5 * kPixels * std::log(std::numbers::pi);
      INFO("recon ", std::string(recon_name(recon)), " image ", i, ": IWAE_1 ", m, " ELBO ", elbo);
      CHECK(std::fabs(m - elbo) < 5 * std::sqrt(2 * var / draws) + 1e-4);
    }
  }
}

TEST_CASE("iwae: the estimate rises with K towards log p(x) by quadrature, never above it") {
  Rng init(5);
  Vae vae(kPixels, {.hidden = 5, .latent = 2}, init);
  const Tensor x = images();
  for (int64_t i = 0; i < 3; ++i) {
    const Tensor x1 = row(x, i);
    const double exact = log_px_by_quadrature(vae, x1, Recon::bce);
    std::vector<double> by_k, se;
    for (int64_t k : {1, 10, 100, 2000}) {
      Rng rng(7);
      // Many independent estimates of the same image: their mean is E[log p_K(x)], known to
      // within se (the standard error of that mean).
      const int64_t repeats = 200000 / k;
      const std::vector<double> est = iwae_log_likelihood(vae, repeat_row(x, i, repeats), k, rng);
      const double m = mean(est);
      double var = 0;
      for (double v : est) var += (v - m) * (v - m) / (double)(repeats - 1);
      by_k.push_back(m);
      se.push_back(std::sqrt(var / (double)repeats));
    }
    INFO("image ", i, ": exact ", exact, ", K = 1, 10, 100, 2000: ", by_k[0], " ", by_k[1], " ",
         by_k[2], " ", by_k[3], " (standard error of the last ", se[3], ")");
    CHECK(by_k[0] < by_k[1]);
    CHECK(by_k[1] < by_k[2]);
    CHECK(by_k[2] <= by_k[3] + 4 * (se[2] + se[3]));
    CHECK(by_k[3] <= exact + 4 * se[3] + 1e-4);  // a lower bound in expectation
    CHECK(by_k[3] > exact - 0.01);               // and close to it at K = 2000 (2-D latent)
  }
}

TEST_CASE("iwae: finite for saturated pixels and a saturated decoder; chunking changes nothing") {
  Rng init(8);
  Vae vae(kPixels, {.hidden = 5, .latent = 2}, init);
  for (auto& [name, p] : vae.named_parameters())                 // decoder logits in the hundreds:
    if (name.rfind("fc3", 0) == 0 || name.rfind("fc4", 0) == 0)  // sigmoid exactly 0 or 1
      for (int64_t j = 0; j < p.numel(); ++j) p.at(j) *= 60.0f;
  Rng a(1), b(1);
  const std::vector<double> whole = iwae_log_likelihood(vae, images(), 50, a);
  const std::vector<double> chunked = iwae_log_likelihood(vae, images(), 50, b, /*chunk_rows=*/7);
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(std::isfinite(whole[i]));
    CHECK(whole[i] < 0);
    CHECK(chunked[i] == doctest::Approx(whole[i]).epsilon(1e-5));
  }
  CHECK_THROWS_WITH(iwae_log_likelihood(vae, images(), 0, a), doctest::Contains("at least 1 sample"));
}
