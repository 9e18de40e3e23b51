#include "nn/inner_product_loss.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "autograd/blas.h"
#include "autograd/parallel.h"
#include "autograd/storage.h"
#include "autograd/vecmath.h"
#include "nn/losses.h"

namespace vgrad {
namespace {

// The tile list is cut into chunks, each with its own N x d dZ accumulator, summed in chunk
// order at the end: results are bit-identical for any number of threads. At most 16 chunks,
// and at least 16 tiles a chunk: on Cora (66 tiles) 16 chunks meant summing 2.8 MB of
// accumulators, out of cache, for 4 tiles of work each (12% of the step); 4 chunks still
// keep 2 threads busy.
constexpr int64_t kChunks = 16, kTilesPerChunk = 16;

struct Tile {
  int64_t i0, i1, j0, j1;
};

using vecmath::sigmoid;
using vecmath::softplus;

// One entry of a tile, its label first taken as 0:  l = softplus(x) = max(x, 0) + log(1 + e)
// and dl/dx = sigmoid(x), with e = e^-|x|. Leaves dl/dx in x and 1 + e in *one_plus_e, and
// returns max(x, 0): the log terms are summed as the log of a product (negatives_pass).
inline __attribute__((always_inline)) float negative_term(float* x, float* one_plus_e) {
  const float v = *x;
  const float e = vecmath::exp_nonpositive(-__builtin_fabsf(v));
  const float a = 1.0f + e;
  const float inv = 1.0f / a;
  *x = v >= 0.0f ? inv : e * inv;
  *one_plus_e = a;
  return v > 0.0f ? v : 0.0f;
}

// log(p) for p >= 1 a float (p = 2^k (1 + m), m in [0, 1)); NaN stays NaN.
inline float log_at_least_one(float p) {
  const uint32_t bits = std::bit_cast<uint32_t>(p);
  const float k = (float)((int32_t)(bits >> 23) - 127);
  const float m = std::bit_cast<float>((bits & 0x7fffffu) | 0x3f800000u) - 1.0f;
  return (k * 0.693147180559945f + vecmath::log1p_unit(m)) + (p - p);
}

// negative_term over a whole tile (inner_product_negatives_pass below). The few y = 1 entries
// are fixed up afterwards. No branches on labels and no libm calls, so the loop
// vectorises; target_clones compiles it for AVX-512 (16 lanes, zmm) and for the baseline
// (AVX2), chosen by cpuid at load time. The sum keeps 16 float lanes (lane j takes the
// entries j mod 16 of each 256-entry block, then a fixed tree, then double): one zmm or two
// ymm registers hold the same lanes, so both copies give the same bits (checked).
// The log(1 + e) terms are not formed one by one: lane j multiplies its 16 factors 1 + e in
// [1, 2] (at most 2^16) and takes one log per block. That drops a division and a 7-term
// series per entry (1.45x on this pass in isolation); the sum stays within the float lanes'
// own rounding (relative 1e-8 to 6e-8 of a double sum, against 1e-8 to 2e-8 before).
// noinline: inlined into the OpenMP region, g++ 12 gives up on vectorising this loop.
__attribute__((noinline, target_clones("avx512f", "default"))) double negatives_pass(float* x,
                                                                                     int64_t n) {
  double total = 0;
  for (int64_t begin = 0; begin < n; begin += 256) {
    const int64_t end = std::min(n, begin + 256), len = end - begin;
    float lane[16] = {}, product[16], factor[256];
    for (int j = 0; j < 16; ++j) product[j] = 1.0f;
    int64_t k = begin;
    // The factors go through a buffer: multiplied in this loop, g++ 12 does not vectorise it.
    for (; k + 16 <= end; k += 16)
      for (int j = 0; j < 16; ++j) lane[j] += negative_term(x + k + j, factor + (k - begin) + j);
    for (int j = 0; k < end; ++k, ++j) lane[j] += negative_term(x + k, factor + (k - begin));
    for (int64_t r = 0; r + 16 <= len; r += 16)
      for (int j = 0; j < 16; ++j) product[j] *= factor[r + j];
    for (int64_t r = len & ~int64_t{15}, j = 0; r < len; ++r, ++j) product[j] *= factor[r];
    for (int j = 0; j < 16; ++j) lane[j] += log_at_least_one(product[j]);
    for (int w = 8; w >= 1; w /= 2)
      for (int j = 0; j < w; ++j) lane[j] += lane[j + w];
    total += lane[0];
  }
  return total;
}

}  // namespace

double inner_product_negatives_pass(float* x, int64_t n) { return negatives_pass(x, n); }

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
  const int64_t chunks = std::clamp<int64_t>((int64_t)tiles.size() / kTilesPerChunk, 1, kChunks);
  std::vector<double> chunk_loss(chunks, 0.0);
  std::vector<Tensor> chunk_grad(want_grad ? chunks : 0);
  // touched[c * blocks + b]: chunk c has written row block b of its accumulator. A block's
  // first product overwrites it (beta = 0), so nothing is zeroed, and the sum at the end
  // reads only the touched blocks: together 4-8% of the Cora step before.
  std::vector<char> touched(want_grad ? chunks * blocks : 0, 0);
  const float* pz = z.data();
  const auto& rp = labels->row_ptr();
  const auto& ci = labels->col_idx();
  const float pw = opt.pos_weight;
  // dL/dx_ij = norm/N^2 * dl/dx, and d(x)/dZ picks up both (i,j) and (j,i): factor 2.
  const double scale = (double)opt.norm / ((double)n * (double)n);
  const float gscale = (float)(2.0 * scale);

  kernels::gemm_backend();  // chosen here: nothing may throw inside the parallel region

#pragma omp parallel
  {
    std::vector<float> x(t * t);
    struct Positive {
      int32_t at;  // in x
      float logit;
    };
    std::vector<Positive> positives;
#pragma omp for schedule(dynamic, 1)
    for (int64_t c = 0; c < chunks; ++c) {
      const int64_t first = c * (int64_t)tiles.size() / chunks;
      const int64_t last = (c + 1) * (int64_t)tiles.size() / chunks;
      float* dz = nullptr;
      char* written = want_grad ? touched.data() + c * blocks : nullptr;
      // beta for a product into row block b of this chunk's accumulator
      auto beta = [&](int64_t row0) {
        char& w = written[row0 / t];
        const float b = w ? 1.0f : 0.0f;
        w = 1;
        return b;
      };
      if (want_grad) {
        chunk_grad[c] = Tensor::empty({n, d});
        dz = chunk_grad[c].data();
      }
      double loss = 0;
      for (int64_t k = first; k < last; ++k) {
        const Tile& tl = tiles[k];
        const int64_t ri = tl.i1 - tl.i0, rj = tl.j1 - tl.j0;
        // x = Z_I Z_J^T  [ri, rj]
        kernels::sgemm(false, true, ri, rj, d, 1.0f, pz + tl.i0 * d, d, pz + tl.j0 * d, d, 0.0f,
                       x.data(), rj);
        // y = 1:  l = pw * softplus(-x),  dl/dx = -pw * sigmoid(-x).  negatives_pass adds
        // softplus(x) and writes sigmoid(x) for every entry; the y = 1 entries, found from the
        // label rows, are corrected from their logits, kept aside first with their places
        // (computing sigmoid(x) - 1 from the stored sigmoid would cancel to 0 for confident
        // pairs; one search of the label rows per tile, not two).
        double tile_loss = 0;
        positives.clear();
        for (int64_t r = 0; r < ri; ++r) {
          const auto row_end = ci.begin() + rp[tl.i0 + r + 1];
          auto it = std::lower_bound(ci.begin() + rp[tl.i0 + r], row_end, (int32_t)tl.j0);
          for (; it != row_end && *it < tl.j1; ++it) {
            const int32_t at = (int32_t)(r * rj + (*it - tl.j0));
            const float v = x[at];
            positives.push_back({at, v});
            tile_loss += (double)pw * softplus(-v) - (double)softplus(v);
          }
        }
        tile_loss += negatives_pass(x.data(), ri * rj);
        for (const Positive& p : positives) x[p.at] = -pw * sigmoid(-p.logit);
        loss += (tl.j0 == tl.i0 ? 1.0 : 2.0) * tile_loss;
        if (!want_grad) continue;
        // dZ_I += 2 G Z_J;  dZ_J += 2 G^T Z_I (off-diagonal tiles stand for (J, I) too)
        kernels::sgemm(false, false, ri, d, rj, gscale, x.data(), rj, pz + tl.j0 * d, d,
                       beta(tl.i0), dz + tl.i0 * d, d);
        if (tl.j0 != tl.i0)
          kernels::sgemm(true, false, rj, d, ri, gscale, x.data(), rj, pz + tl.i0 * d, d,
                         beta(tl.j0), dz + tl.j0 * d, d);
      }
      chunk_loss[c] = loss;
    }
  }
  double total = 0;
  for (double l : chunk_loss) total += l;
  Tensor y = Tensor::scalar((float)(total * scale));
  if (!want_grad) return y;
  // dZ = the chunks' accumulators summed in chunk order, a row block per iteration: the same
  // bits for any thread count. Every row block is touched by some tile, so by some chunk.
  Tensor dz = Tensor::empty({n, d});
  float* out = dz.data();
#pragma omp parallel for schedule(static) if (n * d * chunks >= kernels::kParallelMin)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t k0 = b * t * d, k1 = std::min(n, b * t + t) * d;
    bool first = true;
    for (int64_t c = 0; c < chunks; ++c) {
      if (!touched[c * blocks + b]) continue;
      const float* src = chunk_grad[c].data();
      if (first) {
        std::copy(src + k0, src + k1, out + k0);
      } else {
        for (int64_t k = k0; k < k1; ++k) out[k] += src[k];
      }
      first = false;
    }
  }
  // The gradient was computed with the loss; backward only scales it by dL/dy.
  return record(
      "inner_product_bce", y, {z},
      [dz](const Tensor& gy, const Inputs&, Grads& g) { g.add(0, mul(dz, gy.item())); },
      "the fused inner-product loss computes its gradient inside the forward pass; use "
      "inner_product_bce_dense (--decoder dense) for higher derivatives");
}

Tensor inner_product_bce_dense(const Tensor& z, const CsrPtr& labels,
                               const InnerProductLossOptions& opt) {
  const int64_t n = z.rows();
  Tensor y = Tensor::from({n, n}, labels->to_dense());  // N*N floats: fine for study, not Pubmed
  Tensor logits = matmul(z, z, false, true);            // Z Z^T, [N, N]
  return bce_with_logits(logits, y, Reduction::mean, opt.pos_weight, opt.norm);
}

}  // namespace vgrad
