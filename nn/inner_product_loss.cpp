#include "nn/inner_product_loss.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "autograd/vecmath.h"
#include "nn/losses.h"

namespace vgrad {
namespace {

// The tile list is cut into this many chunks, each with its own dZ accumulator, summed in
// chunk order at the end: results are bit-identical for any number of threads.
constexpr int64_t kChunks = 16;

struct Tile { int64_t i0, i1, j0, j1; };

using vecmath::sigmoid;
using vecmath::softplus;

// Loss and dloss/dx for one tile of logits, labels first taken as all 0:
//   y = 0:  l = softplus(x),               dl/dx = sigmoid(x)
// The few y = 1 entries are fixed up afterwards. The loop has no branches on labels and
// calls only expf/logf, so g++ vectorises it (libmvec).
// noinline: inlined into the OpenMP region, g++ 12 gives up on vectorising this loop.
__attribute__((noinline)) double negatives_pass(float* x, int64_t n) {
  double total = 0;
  for (int64_t begin = 0; begin < n; begin += 256) {
    // A float sum over at most 256 terms, then into double: the inner loop stays in
    // 8-wide float registers.
    const int64_t end = std::min(n, begin + 256);
    float part = 0;
#pragma omp simd reduction(+ : part)
    for (int64_t k = begin; k < end; ++k) {
      // softplus and sigmoid share e = e^-|v| (vecmath.h spells each out alone).
      const float v = x[k];
      const float e = vecmath::exp_nonpositive(-__builtin_fabsf(v));
      const float inv = 1.0f / (1.0f + e);
      part += (v > 0.0f ? v : 0.0f) + vecmath::log1p_unit(e);
      x[k] = v >= 0.0f ? inv : e * inv;
    }
    total += part;
  }
  return total;
}

}  // namespace

Tensor inner_product_bce(const Tensor& z, const CsrPtr& labels,
                         const InnerProductLossOptions& opt) {
  check(z.dim() == 2, "inner_product_bce: Z must be 2-D, got ", z.shape_str());
  const int64_t n = z.rows(), d = z.cols();
  check(labels && labels->rows() == n && labels->cols() == n, "inner_product_bce: labels are ",
        labels ? labels->shape_str() : "null", " but Z is ", z.shape_str());
  check(labels->is_symmetric(), "inner_product_bce: the label matrix must be symmetric");
  check(opt.tile > 0, "inner_product_bce: tile must be positive");
  const int64_t t = opt.tile, blocks = (n + t - 1) / t;
  std::vector<Tile> tiles;
  for (int64_t bi = 0; bi < blocks; ++bi)
    for (int64_t bj = bi; bj < blocks; ++bj)
      tiles.push_back({bi * t, std::min(n, bi * t + t), bj * t, std::min(n, bj * t + t)});

  const bool want_grad = grad_enabled() && z.requires_grad();
  const int64_t chunks = std::min<int64_t>(kChunks, (int64_t)tiles.size());
  std::vector<double> chunk_loss(chunks, 0.0);
  std::vector<Tensor> chunk_grad(want_grad ? chunks : 0);
  const float* pz = z.data();
  const auto& rp = labels->row_ptr();
  const auto& ci = labels->col_idx();
  const float pw = opt.pos_weight;
  // dL/dx_ij = norm/N^2 * dl/dx, and d(x)/dZ picks up both (i,j) and (j,i): factor 2.
  const double scale = (double)opt.norm / ((double)n * (double)n);
  const float gscale = (float)(2.0 * scale);

#pragma omp parallel
  {
    std::vector<float> x(t * t), positive_logits;
#pragma omp for schedule(dynamic, 1)
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t first = c * (int64_t)tiles.size() / chunks;
      const int64_t last = (c + 1) * (int64_t)tiles.size() / chunks;
      float* dz = nullptr;
      if (want_grad) {
        chunk_grad[c] = Tensor::zeros({n, d});
        dz = chunk_grad[c].data();
      }
      double loss = 0;
      for (int64_t k = first; k < last; ++k) {
        const Tile& tl = tiles[k];
        const int64_t ri = tl.i1 - tl.i0, rj = tl.j1 - tl.j0;
        // x = Z_I Z_J^T  [ri, rj]
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)ri, (int)rj, (int)d, 1.0f,
                    pz + tl.i0 * d, (int)d, pz + tl.j0 * d, (int)d, 0.0f, x.data(), (int)rj);
        // Calls f(x[k]) for the tile's y = 1 entries, found from the label rows.
        auto each_positive = [&](auto f) {
          for (int64_t r = 0; r < ri; ++r) {
            const auto row_end = ci.begin() + rp[tl.i0 + r + 1];
            auto it = std::lower_bound(ci.begin() + rp[tl.i0 + r], row_end, (int32_t)tl.j0);
            for (; it != row_end && *it < tl.j1; ++it) f(x[r * rj + (*it - tl.j0)]);
          }
        };
        // y = 1:  l = pw * softplus(-x),  dl/dx = -pw * sigmoid(-x).  negatives_pass adds
        // softplus(x) and writes sigmoid(x) for every entry; the y = 1 entries are corrected
        // from their logits, kept aside first (computing sigmoid(x) - 1 from the stored
        // sigmoid would cancel to 0 for confident pairs).
        double tile_loss = 0;
        positive_logits.clear();
        each_positive([&](float v) {
          positive_logits.push_back(v);
          tile_loss += (double)pw * softplus(-v) - (double)softplus(v);
        });
        tile_loss += negatives_pass(x.data(), ri * rj);
        size_t next = 0;
        each_positive([&](float& g) { g = -pw * sigmoid(-positive_logits[next++]); });
        loss += (tl.j0 == tl.i0 ? 1.0 : 2.0) * tile_loss;
        if (!want_grad) continue;
        // dZ_I += 2 G Z_J;  dZ_J += 2 G^T Z_I (off-diagonal tiles stand for (J, I) too)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)ri, (int)d, (int)rj, gscale,
                    x.data(), (int)rj, pz + tl.j0 * d, (int)d, 1.0f, dz + tl.i0 * d, (int)d);
        if (tl.j0 != tl.i0)
          cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)rj, (int)d, (int)ri, gscale,
                      x.data(), (int)rj, pz + tl.i0 * d, (int)d, 1.0f, dz + tl.j0 * d, (int)d);
      }
      chunk_loss[c] = loss;
    }
  }
  double total = 0;
  for (double l : chunk_loss) total += l;
  Tensor y = Tensor::scalar((float)(total * scale));
  if (!want_grad) return y;
  Tensor dz = chunk_grad[0];
  for (int64_t c = 1; c < chunks; ++c) {
    const float* src = chunk_grad[c].data();
    float* dst = dz.data();
    for (int64_t k = 0; k < n * d; ++k) dst[k] += src[k];
  }
  // The gradient was computed with the loss; backward only scales it by dL/dy.
  return record("inner_product_bce", y, {z}, [dz](const Tensor& gy, const Inputs&, Grads& g) {
    g.add(0, mul(dz, gy.item()));
  });
}

Tensor inner_product_bce_dense(const Tensor& z, const CsrPtr& labels,
                               const InnerProductLossOptions& opt) {
  const int64_t n = z.rows();
  Tensor y = Tensor::from({n, n}, labels->to_dense());  // N*N floats: fine for study, not Pubmed
  Tensor logits = matmul(z, z, false, true);            // Z Z^T, [N, N]
  return bce_with_logits(logits, y, Reduction::mean, opt.pos_weight, opt.norm);
}

}  // namespace vgrad

namespace vgrad {

Tensor sampled_inner_product_bce(const Tensor& z, const CsrPtr& labels, int64_t k, Rng& rng) {
  check(z.dim() == 2 && labels && labels->rows() == z.rows() && labels->cols() == z.rows(),
        "sampled_inner_product_bce: labels are ", labels ? labels->shape_str() : "null",
        " but Z is ", z.shape_str());
  check(k >= 1, "sampled_inner_product_bce: need at least one negative per edge, got ", k);
  const int64_t n = z.rows(), d = z.cols();
  const auto& rp = labels->row_ptr();
  const auto& ci = labels->col_idx();
  auto labelled = [&](int64_t i, int64_t j) {
    return std::binary_search(ci.begin() + rp[i], ci.begin() + rp[i + 1], (int32_t)j);
  };
  // pairs[p] = (u, v); the first n_pos are positives.
  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t q = rp[i]; q < rp[i + 1]; ++q)
      if (ci[q] > i) pairs.push_back({(int32_t)i, ci[q]});
  const int64_t n_pos = (int64_t)pairs.size();
  check(n_pos > 0, "sampled_inner_product_bce: the label matrix has no off-diagonal entries");
  check((double)n * (n - 1) > 2.0 * (double)labels->nnz(),
        "sampled_inner_product_bce: the graph is complete, there are no negatives to draw");
  for (int64_t s = 0; s < n_pos * k;) {
    const int64_t i = (int64_t)rng.below(n), j = (int64_t)rng.below(n);
    if (i == j || labelled(i, j)) continue;  // rejection keeps the draw uniform on non-edges
    pairs.push_back({(int32_t)i, (int32_t)j});
    ++s;
  }
  const int64_t total = (int64_t)pairs.size();
  const float* pz = z.data();
  std::vector<float> g(total);  // dloss/dx per pair
  const double w_pos = 1.0 / (double)n_pos, w_neg = 1.0 / (double)(total - n_pos);
  double loss = 0;
  for (int64_t p = 0; p < total; ++p) {
    const float* a = pz + pairs[p].first * d;
    const float* b = pz + pairs[p].second * d;
    float x = 0;
    for (int64_t c = 0; c < d; ++c) x += a[c] * b[c];
    const bool pos = p < n_pos;
    // positive: softplus(-x), d/dx = -sigmoid(-x);  negative: softplus(x), d/dx = sigmoid(x)
    loss += (pos ? w_pos : w_neg) * softplus(pos ? -x : x);
    g[p] = (float)(pos ? -w_pos * sigmoid(-x) : w_neg * sigmoid(x));
  }
  Tensor y = Tensor::scalar((float)loss);
  return record("sampled_inner_product_bce", y, {z},
                [pairs = std::move(pairs), g = std::move(g)](const Tensor& gy, const Inputs& in,
                                                             Grads& grads) {
    const int64_t d = in[0].cols();
    const float* pz = in[0].data();
    Tensor dz = Tensor::zeros(in[0].shape());
    float* out = dz.data();
    const float s = gy.item();
    // x = z_u . z_v:  dz_u += g z_v,  dz_v += g z_u. Serial: pairs share nodes.
    for (size_t p = 0; p < pairs.size(); ++p) {
      const int64_t u = pairs[p].first, v = pairs[p].second;
      const float gp = s * g[p];
      for (int64_t c = 0; c < d; ++c) {
        out[u * d + c] += gp * pz[v * d + c];
        out[v * d + c] += gp * pz[u * d + c];
      }
    }
    grads.add(0, dz);
  });
}

}  // namespace vgrad
