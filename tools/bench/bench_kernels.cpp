// vgrad bench --kernels: the machine's sgemm rate and the fused decoder's, timed in one
// process at one thread count. It runs as a child of `vgrad bench` so the memory it takes
// never counts toward another job's peak RSS.
#include <omp.h>

#include <chrono>
#include <functional>
#include <set>

#include "autograd/blas.h"
#include "autograd/ops.h"
#include "nn/inner_product_loss.h"
#include "tools/bench/bench.h"

namespace vgrad::tools::bench {
namespace {

using nlohmann::json;

// Median seconds of f after one warm-up call, over at least `min_reps` calls and at least
// `min_seconds` of calls (at most 2000).
double median_seconds(const std::function<void()>& f, int min_reps, double min_seconds) {
  using clock = std::chrono::steady_clock;
  f();
  std::vector<double> times;
  const auto start = clock::now();
  while (times.size() < 2000 &&
         ((int)times.size() < min_reps ||
          std::chrono::duration<double>(clock::now() - start).count() < min_seconds)) {
    const auto t0 = clock::now();
    f();
    times.push_back(std::chrono::duration<double>(clock::now() - t0).count());
  }
  return median(times);
}

// GFLOP/s of C[m, n] = A[m, k] B[k, n], row-major, no transposes, through kernels::sgemm
// (the entry point every layer uses, with its split over the threads) on the current backend.
double sgemm_gflops(int m, int k, int n, Rng& rng, double min_seconds) {
  const Tensor a = randn({m, k}, rng), b = randn({k, n}, rng);
  Tensor c = Tensor::zeros({m, n});
  const double s = median_seconds(
      [&] {
    kernels::sgemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);
      },
      5, min_seconds);
  return 2.0 * m * k * n / s / 1e9;
}

// Pubmed's shape: N = 19717 nodes, Z = 16, 44324 undirected edges, drawn at random here
// (the loss's cost depends on N, Z and the edge count, not on which pairs are edges).
nlohmann::json decoder_timing(Rng& rng, bool quick) {
  const int64_t n = 19717, d = 16, edges = 44324;
  std::set<std::pair<int64_t, int64_t>> seen;
  std::vector<int64_t> r, c;
  for (int64_t i = 0; i < n; ++i) r.push_back(i), c.push_back(i);  // labels are A + I
  while ((int64_t)seen.size() < edges) {
    int64_t u = (int64_t)rng.below(n), v = (int64_t)rng.below(n);
    if (u == v) continue;
    if (u > v) std::swap(u, v);
    if (!seen.insert({u, v}).second) continue;
    r.push_back(u), c.push_back(v), r.push_back(v), c.push_back(u);
  }
  const CsrPtr labels = Csr::from_coo(n, n, r, c, std::vector<float>(r.size(), 1.0f));
  // The model's weights: pos_weight = (N^2 - nnz) / nnz, norm = N^2 / (2 (N^2 - nnz)).
  const double pairs = (double)n * n, ones = (double)labels->nnz();
  InnerProductLossOptions opt;
  opt.pos_weight = (float)((pairs - ones) / ones);
  opt.norm = (float)(pairs / (2 * (pairs - ones)));
  Tensor z = randn({n, d}, rng, 0.3f, /*requires_grad=*/true);
  const double s = median_seconds(
      [&] {
    z.zero_grad();
    Tensor loss = inner_product_bce(z, labels, opt);
    loss.backward();
      },
      quick ? 2 : 3, quick ? 0.5 : 2.0);
  const double flops = fused_decoder_flops(n, d, opt.tile);
  return {{"nodes", n},   {"latent", d},    {"tile", opt.tile},
          {"seconds", s}, {"flops", flops}, {"gflops", flops / s / 1e9}};
}

// DecoderTileSeconds at the loss's tile and Pubmed's latent width: each thread has its own
// Z_I, Z_J, tile and accumulators, and every thread runs the same kernel at once, as the loss's
// threads do; a round's wall time over its calls is one estimate, the median over rounds kept.
// The pass runs on the logits sgemm's output (and then on its own: it has no branches, so the
// values do not change its time).
nlohmann::json decoder_tile_timing(Rng& rng, bool quick) {
  const int64_t t = InnerProductLossOptions{}.tile, d = 16;
  struct Buffers {
    Tensor zi, zj, x, dzi, dzj;
  };
  std::vector<Buffers> bufs(max_threads());
  for (Buffers& b : bufs)
    b = {randn({t, d}, rng, 0.3f), randn({t, d}, rng, 0.3f), Tensor::zeros({t, t}),
         Tensor::zeros({t, d}), Tensor::zeros({t, d})};
  auto run = [&](int part, Buffers& b) {
    if (part == 0)
      kernels::sgemm(false, true, t, t, d, 1.0f, b.zi.data(), d, b.zj.data(), d, 0.0f, b.x.data(),
                     t);
    else if (part == 1)
      inner_product_negatives_pass(b.x.data(), t * t);
    else  // dZ_I += G Z_J, dZ_J += G^T Z_I
      kernels::sgemm(part == 3, false, t, d, t, 1e-3f, b.x.data(), t,
                     (part == 2 ? b.zj : b.zi).data(), d, 1.0f, (part == 2 ? b.dzi : b.dzj).data(),
                     d);
  };
  const int rounds = quick ? 5 : 15, calls = 40;
  double seconds[4];
  for (int part = 0; part < 4; ++part) {
    std::vector<double> per_tile;
    for (int round = 0; round < rounds; ++round) {
      double wall = 0;
#pragma omp parallel num_threads((int)bufs.size())
      {
        Buffers& b = bufs[omp_get_thread_num()];
        run(part, b);  // warm-up
#pragma omp barrier
        const auto t0 = std::chrono::steady_clock::now();
        for (int c = 0; c < calls; ++c) run(part, b);
#pragma omp barrier
#pragma omp master
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      per_tile.push_back(wall / calls);
    }
    seconds[part] = median(per_tile);
  }
  return {{"tile", t},          {"latent", d},          {"logits", seconds[0]},
          {"pass", seconds[1]}, {"grad_i", seconds[2]}, {"grad_j", seconds[3]}};
}

}  // namespace

nlohmann::json measure_kernels(int threads, bool quick) {
  set_threads(threads);
  Rng rng(7);
  nlohmann::json out;
  out["threads"] = max_threads();
  // Both backends side by side; the top-level rates and the decoder are the backend the
  // jobs run with ($VGRAD_GEMM or auto), for the ratios on the page.
  const kernels::GemmBackend active = kernels::gemm_backend();
  out["gemm"] = kernels::gemm_backend_name(active);
  for (const auto b : {kernels::GemmBackend::openblas, kernels::GemmBackend::onednn}) {
    kernels::set_gemm_backend(b);
    json& row = out["backends"][kernels::gemm_backend_name(b)];
    row["sgemm_1024_gflops"] = sgemm_gflops(1024, 1024, 1024, rng, quick ? 0.3 : 1.0);
    row["sgemm_vae_gflops"] = sgemm_gflops(128, 784, 400, rng, quick ? 0.2 : 0.5);
  }
  kernels::set_gemm_backend(active);
  for (const char* key : {"sgemm_1024_gflops", "sgemm_vae_gflops"})
    out[key] = out["backends"][kernels::gemm_backend_name(active)][key];
  out["decoder"] = decoder_timing(rng, quick);
  out["decoder_tiles"] = decoder_tile_timing(rng, quick);
  return out;
}

}  // namespace vgrad::tools::bench
