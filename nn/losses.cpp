#include "nn/losses.h"

#include <algorithm>
#include <cmath>

#include "autograd/parallel.h"
#include "autograd/vecmath.h"

namespace vgrad {
namespace {

// Float softplus / sigmoid from autograd/vecmath.h: branch-free, so the per-pixel loops
// vectorise (a libm call per pixel dominated the MNIST VAE step); sums stay in double.
inline double softplus(float v) { return vecmath::softplus(v); }
inline double sigmoid(float v) { return vecmath::sigmoid(v); }
inline double clamped_log(double p) { return std::max(std::log(p), -100.0); }

void check_pair(const char* op, const Tensor& a, const Tensor& b) {
  check(a.shape() == b.shape(), op, ": inputs differ in shape: ", a.shape_str(), " vs ",
        b.shape_str());
  check(a.numel() > 0, op, ": empty input ", a.shape_str());
}

double scale_of(Reduction r, int64_t n) { return r == Reduction::mean ? 1.0 / (double)n : 1.0; }

Tensor reduce(const Tensor& x, Reduction r) { return r == Reduction::mean ? mean(x) : sum(x); }

}  // namespace

Tensor signed_log_sigmoid_loss(const Tensor& logits, const Tensor& signs, Reduction reduction) {
  check(logits.dim() == 1 && signs.shape() == logits.shape(),
        "signed_log_sigmoid_loss: expected logits and signs of one shape [T], got ",
        logits.shape_str(), " and ", signs.shape_str());
  check(!signs.requires_grad(), "signed_log_sigmoid_loss: the signs are constants");
  return neg(reduce(log_sigmoid(mul(logits, signs)), reduction));
}

Tensor mse(const Tensor& pred, const Tensor& target, Reduction reduction) {
  check_pair("mse", pred, target);
  return reduce(square(pred - target), reduction);
}

// l = -[y log p + (1 - y) log(1 - p)];  dl/dp = (p - y) / (p (1 - p));
// dl/dy = log(1 - p) - log p
Tensor bce(const Tensor& probs, const Tensor& targets, Reduction reduction) {
  check_pair("bce", probs, targets);
  const int64_t n = probs.numel();
  const float* p = probs.data();
  const float* y = targets.data();
  const double total = kernels::ordered_sum(n, [&](int64_t i) {
    return -(y[i] * clamped_log(p[i]) + (1.0 - y[i]) * clamped_log(1.0 - p[i]));
  });
  const double scale = scale_of(reduction, n);
  Tensor out = Tensor::scalar((float)(scale * total));
  return record("bce", out, {probs, targets},
                [scale](const Tensor& gy, const Inputs& in, Grads& g) {
    const double s = scale * gy.item();
    const int64_t n = in[0].numel();
    const float* p = in[0].data();
    const float* y = in[1].data();
    if (g.wants(0)) {
      Tensor dp = Tensor::empty(in[0].shape());
      float* out = dp.data();
      kernels::for_each_index(n, [&](int64_t i) {
        out[i] = (float)(s * (p[i] - y[i]) / std::max((double)p[i] * (1.0 - p[i]), 1e-12));
      });
      g.add(0, dp);
    }
    if (g.wants(1)) {
      Tensor dy = Tensor::empty(in[1].shape());
      float* out = dy.data();
      kernels::for_each_index(n, [&](int64_t i) {
        out[i] = (float)(s * (clamped_log(1.0 - p[i]) - clamped_log(p[i])));
      });
      g.add(1, dy);
    }
  });
}

// l = w y softplus(-x) + (1 - y) softplus(x)      (w = pos_weight)
// dl/dx = -w y sigmoid(-x) + (1 - y) sigmoid(x)    (softplus' = sigmoid)
// dl/dy = w softplus(-x) - softplus(x)
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets, Reduction reduction,
                       float pos_weight, float norm) {
  check_pair("bce_with_logits", logits, targets);
  check(std::isfinite(pos_weight) && std::isfinite(norm),
        "bce_with_logits: pos_weight and norm must be finite, got ", pos_weight, " and ", norm);
  const int64_t n = logits.numel();
  const float* x = logits.data();
  const float* y = targets.data();
  const float w = pos_weight;
  // softplus(-x) = softplus(x) - x: one softplus per element.
  const double total = kernels::ordered_sum(n, [&](int64_t i) {
    const float sp = softplus(x[i]);
    return (double)(w * y[i] * (sp - x[i]) + (1.0f - y[i]) * sp);
  });
  const double scale = norm * scale_of(reduction, n);
  Tensor out = Tensor::scalar((float)(scale * total));
  return record("bce_with_logits", out, {logits, targets},
                [scale, w](const Tensor& gy, const Inputs& in, Grads& g) {
    const double s = scale * gy.item();
    const int64_t n = in[0].numel();
    const float* x = in[0].data();
    const float* y = in[1].data();
    if (g.wants(0)) {
      Tensor dx = Tensor::empty(in[0].shape());
      float* out = dx.data();
      const float sf = (float)s;
      kernels::for_each_index(n, [&](int64_t i) {
        // sigmoid(x) and 1 - sigmoid(x) = sigmoid(-x) from one exponential, without the
        // cancellation of 1 - sigmoid(x) when x is large.
        const float e = vecmath::exp_nonpositive(-std::fabs(x[i])), r = 1.0f / (1.0f + e);
        const float pos = x[i] >= 0 ? r : e * r, neg = x[i] >= 0 ? e * r : r;
        out[i] = sf * (-w * y[i] * neg + (1.0f - y[i]) * pos);
      });
      g.add(0, dx);
    }
    if (g.wants(1)) {
      Tensor dy = Tensor::empty(in[1].shape());
      float* out = dy.data();
      kernels::for_each_index(n, [&](int64_t i) {
        const float sp = softplus(x[i]);
        out[i] = (float)s * (w * (sp - x[i]) - sp);
      });
      g.add(1, dy);
    }
  });
}

namespace {

// -0.5 * (1 + log_var - mu^2 - var), reduced as the header describes. Core ops only, so the
// chain rule is theirs and gradcheck covers the composition.
Tensor kl_from(const char* op, const Tensor& mu, const Tensor& log_var, const Tensor& var,
               Reduction reduction) {
  Tensor terms = -0.5f * (1.0f - square(mu) - var + log_var);
  if (reduction == Reduction::sum) return sum(terms);
  check(mu.dim() == 2, op, ": Reduction::mean averages over rows and needs [N, Z], got ",
        mu.shape_str());
  return mean(sum(terms, 1));
}

}  // namespace

Tensor kl_normal_logvar(const Tensor& mu, const Tensor& logvar, Reduction reduction) {
  check_pair("kl_normal_logvar", mu, logvar);
  return kl_from("kl_normal_logvar", mu, logvar, exp(logvar), reduction);
}

// log sigma^2 = 2 log_std and sigma^2 = exp(2 log_std), the reference's exp(log_std)^2.
Tensor kl_normal_logstd(const Tensor& mu, const Tensor& log_std, Reduction reduction) {
  check_pair("kl_normal_logstd", mu, log_std);
  return kl_from("kl_normal_logstd", mu, 2.0f * log_std, exp(2.0f * log_std), reduction);
}

}  // namespace vgrad
