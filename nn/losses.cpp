#include "nn/losses.h"

#include <algorithm>
#include <cmath>

#include "autograd/parallel.h"
#include "autograd/vecmath.h"
#include "nn/gaussian.h"

namespace vgrad {
namespace {

// Float softplus / sigmoid from autograd/vecmath.h: branch-free, so the per-pixel loops
// vectorise (a libm call per pixel dominated the MNIST VAE step); sums stay in double.
inline double softplus(float v) { return vecmath::softplus(v); }
inline double sigmoid(float v) { return vecmath::sigmoid(v); }
inline double clamped_log(double p) { return std::max(std::log(p), -100.0); }

void check_pair(const char* op, const Tensor& a, const Tensor& b) {
  check(a.shape() == b.shape(), op, ": inputs differ in shape: ", shape_of(a), " vs ", shape_of(b));
  check(a.numel() > 0, op, ": empty input ", shape_of(a));
}

double scale_of(Reduction r, int64_t n) { return r == Reduction::mean ? 1.0 / (double)n : 1.0; }

Tensor reduce(const Tensor& x, Reduction r) { return r == Reduction::mean ? mean(x) : sum(x); }

// w y softplus(-x) + (1 - y) softplus(x) summed over [begin, end) in kernels::lane_sum's
// order (written out here: lane_sum itself is not inlined into the clones), with
// softplus(-x) = softplus(x) - x: one softplus per element. Compiled for AVX-512 and for the
// baseline (AVX2), picked by cpuid at load time; the same per-element arithmetic and the same
// lane order in both, so the same bits. The float terms of a chunk are computed first, in a
// loop of their own: fused with the eight double lanes, the softplus ran eight floats wide
// (half a zmm register); element i still goes to lane (i - begin) % 8, in order.
__attribute__((target_clones("avx512f", "default"))) double bce_logits_sum(const float* x,
                                                                           const float* y, float w,
                                                                           int64_t begin,
                                                                           int64_t end) {
  constexpr int64_t kChunk = 256;  // a multiple of 8: every chunk but the last is whole lanes
  float term[kChunk];
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t c = begin; c < end; c += kChunk) {
    const int64_t len = std::min(kChunk, end - c);
    const float *xc = x + c, *yc = y + c;
    for (int64_t k = 0; k < len; ++k) {
      const float sp = vecmath::softplus(xc[k]);
      term[k] = w * yc[k] * (sp - xc[k]) + (1.0f - yc[k]) * sp;
    }
    int64_t k = 0;
    for (; k + 8 <= len; k += 8)
      for (int j = 0; j < 8; ++j) lane[j] += (double)term[k + j];
    for (int j = 0; k < len; ++k, ++j) lane[j] += (double)term[k];
  }
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// out[i] = s k(x[i], y[i]) for i < n, k as in bce_with_logits_grad below; an array kernel
// (plain pointer arguments, at the processor's width) so the loop vectorises.
__attribute__((target_clones("avx512f", "default"))) void bce_logits_grad_block(
    const float* x, const float* y, float s, float w, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    // sigmoid(x) and 1 - sigmoid(x) = sigmoid(-x) from one exponential, without the
    // cancellation of 1 - sigmoid(x) when x is large.
    const float xi = x[i], yi = y[i];
    const float e = vecmath::exp_nonpositive(-std::fabs(xi)), r = 1.0f / (1.0f + e);
    const float pos = xi >= 0 ? r : e * r, neg = xi >= 0 ? e * r : r;
    out[i] = s * (-w * yi * neg + (1.0f - yi) * pos);
  }
}

// kernels::ordered_sum's blocks (the same cut, so the same bits), each summed by one call of
// block_sum(begin, end) instead of one call per element.
template <typename F>
double ordered_block_sum(int64_t n, F block_sum) {
  constexpr int64_t kBlocks = 64;
  if (n < kernels::kParallelMin) return block_sum(int64_t(0), n);
  double partial[kBlocks];
  const int64_t step = (n + kBlocks - 1) / kBlocks;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < kBlocks; ++b)
    partial[b] = block_sum(std::min(n, b * step), std::min(n, (b + 1) * step));
  double total = 0;
  for (int64_t b = 0; b < kBlocks; ++b) total += partial[b];
  return total;
}

}  // namespace

Tensor signed_log_sigmoid_loss(const Tensor& logits, const Tensor& signs, Reduction reduction,
                               const Tensor& weights) {
  check(logits.dim() == 1 && signs.shape() == logits.shape(),
        "signed_log_sigmoid_loss: expected logits and signs of one shape [T], got ",
        shape_of(logits), " and ", shape_of(signs));
  check(!signs.requires_grad(), "signed_log_sigmoid_loss: the signs are constants");
  const Tensor terms = log_sigmoid(mul(logits, signs));
  if (!weights.defined()) return neg(reduce(terms, reduction));
  check(weights.shape() == logits.shape(), "signed_log_sigmoid_loss: weights must be [",
        logits.numel(), "] like the logits, got ", shape_of(weights));
  check(!weights.requires_grad(), "signed_log_sigmoid_loss: the weights are constants");
  const float* w = weights.data();
  const int64_t n = weights.numel();
  int bad = 0;  // a branch-free pass first (every step of DeepWalk's runs it), the message after
#pragma omp simd reduction(| : bad)
  for (int64_t t = 0; t < n; ++t) bad |= !(w[t] >= 0.0f);
  for (int64_t t = 0; bad && t < n; ++t)
    if (!(w[t] >= 0.0f))
      fail("signed_log_sigmoid_loss: weight ", t, " is ", w[t], ", expected >= 0");
  double total = 0;  // only a mean needs it
  if (reduction == Reduction::mean)
    for (int64_t t = 0; t < n; ++t) total += w[t];
  const Tensor l = neg(sum(mul(terms, weights)));
  return reduction == Reduction::mean && total > 0 ? mul(l, (float)(1.0 / total)) : l;
}

Tensor mse(const Tensor& pred, const Tensor& target, Reduction reduction) {
  check_pair("mse", pred, target);
  return reduce(square(pred - target), reduction);
}

// l = -[y log p + (1 - y) log(1 - p)], each log clamped at -100;
// dl/dp = (p - y) / max(p (1 - p), 1e-12),  dl/dy = log(1 - p) - log p (clamped logs)
Tensor bce(const Tensor& probs, const Tensor& targets, Reduction reduction) {
  check_pair("bce", probs, targets);
  const int64_t n = probs.numel();
  const float* p = probs.data();
  const float* y = targets.data();
  const double total = kernels::ordered_sum(n, [&](int64_t i) {
    return -(y[i] * clamped_log(p[i]) + (1.0 - y[i]) * clamped_log(1.0 - p[i]));
  });
  const float scale = (float)scale_of(reduction, n);
  Tensor out = Tensor::scalar((float)(scale * total));
  return record("bce", out, {probs, targets},
                [scale](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor &p = in[0], &y = in[1];
    const Tensor s = expand(gy * scale, p.shape());
    if (g.wants(0)) g.add(0, s * (p - y) / clamp_min(p * (1.0f - p), 1e-12f));
    if (g.wants(1)) g.add(1, s * (clamp_min(log(1.0f - p), -100.0f) - clamp_min(log(p), -100.0f)));
  });
}

// The derivative of the weighted BCE per element, times the scalar s (= scale * dL/dloss):
//   k(x, y) = dl/dx = (1 - y) sigmoid(x) - w y sigmoid(-x),   result = s * k
// One pass instead of the five ops it would take, on the VAE's 100k pixels per batch. Its own
// derivative, in ops (sigma = sigmoid(x), sigma' = sigma (1 - sigma)):
//   d/dx = s sigma' (1 + (w - 1) y),   d/dy = s ((w - 1) sigma - w),   d/ds = k
Tensor bce_with_logits_grad(const Tensor& logits, const Tensor& targets, const Tensor& s, float w) {
  const int64_t n = logits.numel();
  const float* x = logits.data();
  const float* y = targets.data();
  const float sf = s.item();
  Tensor dx = Tensor::empty(logits.shape());
  float* out = dx.data();
  kernels::for_each_block(n, [&](int64_t b, int64_t e) {
    const kernels::FlushDenormals flush;  // (1 - y) sigmoid(x) for x near -87: autograd/parallel.h
    bce_logits_grad_block(x + b, y + b, sf, w, out + b, e - b);
  });
  return record("bce_with_logits_grad", dx, {logits, targets, s},
                [w](const Tensor& gg, const Inputs& in, Grads& g) {
    const Tensor &x = in[0], &y = in[1], &s = in[2];
    const Tensor sig = sigmoid(x), se = expand(s, x.shape());
    if (g.wants(0)) g.add(0, gg * se * (sig * (1.0f - sig)) * (y * (w - 1.0f) + 1.0f));
    if (g.wants(1)) g.add(1, gg * se * (sig * (w - 1.0f) + -w));
    if (g.wants(2)) g.add(2, sum(gg * bce_with_logits_grad(x, y, Tensor::scalar(1.0f), w)));
  });
}

// l = w y softplus(-x) + (1 - y) softplus(x)      (w = pos_weight)
// dl/dx = bce_with_logits_grad above,  dl/dy = w softplus(-x) - softplus(x)
//                                            = (w - 1) softplus(x) - w x
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets, Reduction reduction,
                       float pos_weight, float norm) {
  check_pair("bce_with_logits", logits, targets);
  check(std::isfinite(pos_weight) && std::isfinite(norm),
        "bce_with_logits: pos_weight and norm must be finite, got ", pos_weight, " and ", norm);
  const int64_t n = logits.numel();
  const float* x = logits.data();
  const float* y = targets.data();
  const float w = pos_weight;
  auto block_sum = [&](int64_t begin, int64_t end) {
    const kernels::FlushDenormals flush;  // softplus(x) for x near -87 is one
    return bce_logits_sum(x, y, w, begin, end);
  };
  const double total = ordered_block_sum(n, block_sum);
  const double scale = norm * scale_of(reduction, n);
  Tensor out = Tensor::scalar((float)(scale * total));
  return record("bce_with_logits", out, {logits, targets},
                [scale = (float)scale, w](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor s = gy * scale;
    if (g.wants(0)) g.add(0, bce_with_logits_grad(in[0], in[1], s, w));
    if (g.wants(1)) g.add(1, expand(s, in[0].shape()) * (softplus(in[0]) * (w - 1.0f) - in[0] * w));
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
// The mean (VGAE's) is one op over the rows (nn/gaussian.h): the composed chain held about
// seven N x Z tensors until the backward, 448 MB on a 1M-node graph; the same bits.
Tensor kl_normal_logstd(const Tensor& mu, const Tensor& log_std, Reduction reduction) {
  check_pair("kl_normal_logstd", mu, log_std);
  if (reduction == Reduction::mean && mu.dim() == 2)
    return mean(kl_normal_logstd_rows(mu, log_std));
  return kl_from("kl_normal_logstd", mu, 2.0f * log_std, exp(2.0f * log_std), reduction);
}

}  // namespace vgrad
