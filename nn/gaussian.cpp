#include "nn/gaussian.h"

#include <algorithm>
#include <vector>

#include "autograd/parallel.h"
#include "autograd/vecmath.h"

namespace vgrad {
namespace {

void check_same(const char* op, const char* a_name, const Tensor& a, const char* b_name,
                const Tensor& b) {
  check(a.dim() == 2, op, ": ", a_name, " must be [N, Z], got ", shape_of(a));
  check(a.shape() == b.shape(), op, ": ", a_name, " is ", shape_of(a), " but ", b_name, " is ",
        shape_of(b));
}

// f(begin, end, sigma) over [0, numel) in blocks, sigma[i - begin] = exp(log_std[i]) by the
// exp op's kernel (its bits), the blocks on all threads.
template <typename F>
void for_each_sigma_block(const Tensor& log_std, F f) {
  const float* pl = log_std.data();
  kernels::for_each_block(log_std.numel(), [&](int64_t begin, int64_t end) {
    float sigma[4096];
    vecmath::exp_array(pl + begin, sigma, end - begin);
    f(begin, end, sigma);
  });
}

// f(r0, r1) over [0, n) rows cut into blocks of about 4096 elements of width d, the blocks on
// all threads: a block's buffers stay in L1 (a latent wider than 4096 takes one row a block).
template <typename F>
void for_each_row_block(int64_t n, int64_t d, F f) {
  const int64_t rows_per_block = std::max<int64_t>(1, 4096 / std::max<int64_t>(d, 1));
  const int64_t blocks = (n + rows_per_block - 1) / rows_per_block;
#pragma omp parallel for schedule(static) if (n * d >= kernels::kParallelMin)
  for (int64_t b = 0; b < blocks; ++b) f(b * rows_per_block, std::min(n, (b + 1) * rows_per_block));
}

// f(r0, r1, two_ls, var) over log_std's [N, Z] rows in for_each_row_block's blocks, with the
// block's 2 log_std and var = exp(2 log_std) (the exp op's kernel: its bits) in buffers from
// the block's first element: the KL and its gradient read both the same way.
template <typename F>
void for_each_variance_block(const Tensor& log_std, F f) {
  const int64_t d = log_std.cols();
  const float* pl = log_std.data();
  for_each_row_block(log_std.rows(), d, [&](int64_t r0, int64_t r1) {
    const int64_t off = r0 * d, len = (r1 - r0) * d;
    std::vector<float> two_ls(len), var(len);
    for (int64_t i = 0; i < len; ++i) two_ls[i] = 2.0f * pl[off + i];
    vecmath::exp_array(two_ls.data(), var.data(), len);
    f(r0, r1, two_ls.data(), var.data());
  });
}

}  // namespace

Tensor reparameterize_logstd(const Tensor& mu, const Tensor& log_std, const Tensor& eps) {
  check_same("reparameterize_logstd", "mu", mu, "log_std", log_std);
  check_same("reparameterize_logstd", "mu", mu, "eps", eps);
  Tensor z = Tensor::empty(mu.shape());
  const float *pm = mu.data(), *pe = eps.data();
  float* pz = z.data();
  for_each_sigma_block(log_std, [&](int64_t begin, int64_t end, float* sigma) {
    // Two loops, so the product is rounded before the sum as in the composed ops (one loop
    // is contracted into an fma, which rounds once: other bits).
    for (int64_t i = begin; i < end; ++i) sigma[i - begin] *= pe[i];
    for (int64_t i = begin; i < end; ++i) pz[i] = pm[i] + sigma[i - begin];
  });
  return record("reparameterize_logstd", z, {mu, log_std, eps},
                [](const Tensor& gy, const Inputs& in, Grads& g) {
    // z = mu + eps * exp(log_std): the composed form's backward, in its order (the same bits)
    if (g.wants(0)) g.add(0, gy);
    if (g.wants(1)) g.add(1, reparameterize_logstd_grad(gy, in[2], in[1]));
    if (g.wants(2)) g.add(2, gy * exp(in[1]));
  });
}

Tensor kl_normal_logstd_rows(const Tensor& mu, const Tensor& log_std) {
  check_same("kl_normal_logstd_rows", "mu", mu, "log_std", log_std);
  const int64_t n = mu.rows(), d = mu.cols();
  Tensor y = Tensor::empty({n});
  const float* pm = mu.data();
  float* py = y.data();
  for_each_variance_block(log_std,
                          [&](int64_t r0, int64_t r1, const float* two_ls, const float* var) {
    const int64_t off = r0 * d;
    for (int64_t r = r0; r < r1; ++r) {
      double s = 0;
      for (int64_t k = (r - r0) * d; k < (r - r0 + 1) * d; ++k) {
        const float m = pm[off + k];
        // the composed form -0.5f * (1.0f - square(mu) - var + log_var), in its order
        s += -0.5f * (((1.0f - m * m) - var[k]) + two_ls[k]);
      }
      py[r] = (float)s;
    }
  });
  return record("kl_normal_logstd_rows", y, {mu, log_std},
                [](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor gk = reshape(gy, {in[0].rows(), 1});  // gy_i along row i
    if (g.wants(0)) g.add(0, gk * in[0]);
    if (g.wants(1)) g.add(1, kl_normal_logstd_grad(gk, in[1]));
  });
}

Tensor reparameterize_logstd_grad(const Tensor& gy, const Tensor& eps, const Tensor& log_std) {
  check_same("reparameterize_logstd_grad", "gy", gy, "eps", eps);
  check_same("reparameterize_logstd_grad", "gy", gy, "log_std", log_std);
  Tensor y = Tensor::empty(gy.shape());
  const float *pg = gy.data(), *pe = eps.data();
  float* py = y.data();
  for_each_sigma_block(log_std, [&](int64_t begin, int64_t end, const float* sigma) {
    for (int64_t i = begin; i < end; ++i) py[i] = (pg[i] * pe[i]) * sigma[i - begin];
  });
  return record("reparameterize_logstd_grad", y, {gy, eps, log_std},
                [](const Tensor& gz, const Inputs& in, Grads& g) {
    const Tensor sigma = exp(in[2]);
    if (g.wants(0)) g.add(0, (gz * in[1]) * sigma);
    if (g.wants(1)) g.add(1, (gz * in[0]) * sigma);
    if (g.wants(2)) g.add(2, (gz * (in[0] * in[1])) * sigma);
  });
}

Tensor kl_normal_logstd_grad(const Tensor& gk, const Tensor& log_std) {
  check(log_std.dim() == 2, "kl_normal_logstd_grad: log_std must be [N, Z], got ",
        shape_of(log_std));
  check(gk.dim() == 2 && gk.rows() == log_std.rows() && gk.cols() == 1,
        "kl_normal_logstd_grad: gk must be [", log_std.rows(), ", 1], got ", shape_of(gk));
  const int64_t d = log_std.cols();
  Tensor y = Tensor::empty(log_std.shape());
  const float* pg = gk.data();
  float* py = y.data();
  // The composed form's order: gk * exp(2 log_std), rounded, then - gk: two loops, or the
  // compiler contracts them into one fma (other bits).
  for_each_variance_block(log_std, [&](int64_t r0, int64_t r1, const float*, const float* var) {
    const int64_t off = r0 * d;
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t k = (r - r0) * d; k < (r - r0 + 1) * d; ++k) py[off + k] = var[k] * pg[r];
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t k = (r - r0) * d; k < (r - r0 + 1) * d; ++k) py[off + k] -= pg[r];
  });
  return record("kl_normal_logstd_grad", y, {gk, log_std},
                [](const Tensor& gy, const Inputs& in, Grads& g) {
    const Tensor var = exp(in[1] * 2.0f);
    if (g.wants(0)) g.add(0, sum(gy * var - gy, 1, true));
    if (g.wants(1)) g.add(1, (gy * in[0]) * (var * 2.0f));
  });
}

}  // namespace vgrad
