#include "models/iwae.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "autograd/parallel.h"
#include "autograd/vecmath.h"
#include "models/image_training.h"

namespace vgrad {
namespace {

// Running log-sum-exp of one image's log-weights.
struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity(), sum = 0;
  void add(double v) {
    if (v <= max) {
      sum += std::exp(v - max);
    } else {  // a new maximum rescales what was summed so far
      sum = sum * std::exp(max - v) + 1.0;
      max = v;
    }
  }
  double value() const { return max + std::log(sum); }
};

}  // namespace

std::vector<double> iwae_log_likelihood(Vae& vae, const Tensor& x, int64_t k, Rng& rng,
                                        int64_t chunk_rows) {
  check(k >= 1, "iwae_log_likelihood: expected at least 1 sample per image, got ", k);
  check(chunk_rows >= 1, "iwae_log_likelihood: chunk_rows must be positive, got ", chunk_rows);
  check(x.dim() == 2, "iwae_log_likelihood: expected images [B, D], got ", x.shape_str());
  NoGradGuard no_tape;
  const bool was_training = vae.is_training();
  vae.eval();
  const int64_t b = x.rows(), d = x.cols();
  auto [mu, logvar] = vae.encode_both(x);
  const int64_t zdim = mu.cols();
  const bool bce = vae.recon() == Recon::bce;
  const double mse_const = -0.5 * (double)d * std::log(std::numbers::pi);
  std::vector<LogSumExp> acc(b);
  // Images per pass and samples per chunk: one image's samples fill a chunk when k is large,
  // many images share one when k is small (k = 1 over 10000 images is then a few passes).
  const int64_t per_pass = std::max<int64_t>(1, chunk_rows / k);
  const int64_t samples_per_chunk = std::min(k, chunk_rows);
  for (int64_t first = 0; first < b; first += per_pass) {
    const int64_t images = std::min(per_pass, b - first);
    for (int64_t s0 = 0; s0 < k; s0 += samples_per_chunk) {
      const int64_t samples = std::min(samples_per_chunk, k - s0), rows = images * samples;
      // z = mu + eps * sigma, sigma = exp(logvar / 2); row r = image i, sample j: r = i * samples +
      // j
      Tensor eps = randn({rows, zdim}, rng);
      Tensor z = Tensor::empty({rows, zdim});
      std::vector<double> log_prior_ratio(rows);  // log p(z) - log q(z|x), constants cancel
#pragma omp parallel for schedule(static) if (rows * zdim >= kernels::kParallelMin)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t img = first + r / samples;
        double ratio = 0;
        for (int64_t c = 0; c < zdim; ++c) {
          const double e = eps.at(r * zdim + c), lv = logvar.at(img * zdim + c);
          const double zc = mu.at(img * zdim + c) + e * std::exp(0.5 * lv);
          z.at(r * zdim + c) = (float)zc;
          // log N(z; 0, 1) - log N(z; mu, sigma^2) = -z^2/2 + eps^2/2 + log sigma
          ratio += -0.5 * zc * zc + 0.5 * e * e + 0.5 * lv;
        }
        log_prior_ratio[r] = ratio;
      }
      const Tensor logits = vae.decode_logits(z);
      const float* l = logits.data();
      std::vector<double> log_w(rows);
#pragma omp parallel for schedule(static) if (rows * d >= kernels::kParallelMin)
      for (int64_t r = 0; r < rows; ++r) {
        const float* xr = x.data() + (first + r / samples) * d;
        const float* lr = l + r * d;
        double log_px = 0;
        if (bce) {
          for (int64_t j = 0; j < d; ++j)
            log_px += (double)xr[j] * lr[j] - vecmath::softplus(lr[j]);
        } else {
          for (int64_t j = 0; j < d; ++j) {
            const double diff = (double)xr[j] - vecmath::sigmoid(lr[j]);
            log_px -= diff * diff;
          }
          log_px += mse_const;
        }
        log_w[r] = log_px + log_prior_ratio[r];
      }
      for (int64_t r = 0; r < rows; ++r) acc[first + r / samples].add(log_w[r]);
    }
  }
  vae.train(was_training);
  std::vector<double> out(b);
  for (int64_t i = 0; i < b; ++i) out[i] = acc[i].value() - std::log((double)k);
  return out;
}

double iwae_nll(Vae& vae, const ImageSet& set, int64_t k, Rng& rng,
                const std::function<void(int64_t, int64_t)>& on_progress) {
  const int64_t n = set.size();
  check(n > 0, "iwae_nll: the image set is empty");
  // Encoder batches of a few hundred images; iwae_log_likelihood chunks the decoder's work.
  constexpr int64_t kBatch = 256;
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  double total = 0;
  for (int64_t begin = 0; begin < n; begin += kBatch) {
    const int64_t count = std::min(kBatch, n - begin);
    for (double v : iwae_log_likelihood(vae, gather_rows(set.images, order, begin, count), k, rng))
      total -= v;
    if (on_progress) on_progress(begin + count, n);
  }
  return total / (double)n;
}

}  // namespace vgrad
