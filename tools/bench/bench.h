// `vgrad bench`: the pieces under the command. Statistics and flop counts (pure, tested in
// tests/test_bench.cpp), running one job as a child process, and the kernel timings that run
// inside a `vgrad bench --kernels` child.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nn/metrics.h"

namespace vgrad::tools::bench {

using vgrad::median;  // nn/metrics.h: NaN when there are no values

// Least-squares slope of log(y) against log(x): 2 for y ~ x^2. Points with x <= 0, y <= 0 or
// a NaN are skipped; NaN when fewer than two distinct x remain.
double loglog_slope(const std::vector<double>& x, const std::vector<double>& y);

// A process's result: the last non-empty line of its stdout, parsed as a JSON object. Throws
// vgrad::Error saying what was found instead.
nlohmann::json last_json_line(const std::string& stdout_text);

// The MemAvailable line of /proc/meminfo's text, in MiB; NaN when absent.
double mem_available_mib(const std::string& meminfo_text);

// Matmul flops of one sample through the VAE (pixels-hidden-latent, encoder heads mu and
// log-variance, decoder latent-hidden-pixels), forward plus backward. Per sample, with
// multiply-adds F = P*H + H*2Z + Z*H + H*P in the forward, the backward does F again for the
// weight gradients and B = H*2Z + Z*H + H*P for the input gradients (none for the first layer:
// the images need no gradient); flops = 2 * (2F + B). Biases and elementwise work not counted.
// 784-400-20: 3.28 MFLOP per sample, 196.8 GFLOP per 60000-image epoch.
double vae_flops_per_sample(int64_t pixels, int64_t hidden, int64_t latent);

// Matmul flops of one forward + backward of nn::inner_product_bce on Z [N, d] with the given
// tile: it visits only tiles J >= I of Z Z^T. Each tile of e = rows * cols entries costs 2 d e
// for its logits (sgemm) and 2 d e per gradient sgemm: one on a diagonal tile (dZ_I), two
// off it (dZ_I and dZ_J). So 4 d e on the diagonal, 6 d e off it: about 3 N^2 d in all.
double fused_decoder_flops(int64_t n, int64_t d, int64_t tile);

// The fused decoder's own kernels on one full tile x tile of logits, each timed with every
// thread running its own copy at once (as inside the loss), seconds per tile: the logits
// sgemm, the softplus/sigmoid pass, and the gradient sgemms for dZ_I and dZ_J.
struct DecoderTileSeconds {
  double logits = 0, pass = 0, grad_i = 0, grad_j = 0;
};

// nn::inner_product_bce's time on Z [N, d] if it did nothing but those kernels, at those rates,
// with no thread ever idle: each tile J >= I costs its share (entries / tile^2) of the logits,
// the pass and grad_i, and of grad_j off the diagonal; `threads` tiles run at once. The floor
// of this design at the measured rates (a partial tile is charged by its entries, as if its
// kernels ran at a full tile's rate).
double fused_decoder_floor(int64_t n, int64_t tile, int threads, const DecoderTileSeconds& t);

// "1.23" with `digits` decimals, "-" for NaN.
std::string fixed(double value, int digits);

// One child process run to completion.
struct Child {
  int status = -1;          // exit code, 128 + signal, or -1 when it could not start
  std::string out, err;     // everything it wrote
  double wall_seconds = 0;  // spawn to exit
  double peak_rss_mib = 0;  // its ru_maxrss (wait4)
  bool ok() const { return status == 0; }
  std::string why() const;  // its last stderr line, else "exit N"
};

// Runs argv[0] (a path, or a name looked up in PATH) with stdin from /dev/null, capturing
// stdout and stderr. The child gets its own process group, so a Ctrl-C reaches only the
// bench, which then kills the child and throws vgrad::Error("interrupted") (a vgrad train
// child would otherwise leave vgrad-interrupted.ckpt behind). Linux counts the parent's
// resident memory at the spawn into the child's ru_maxrss, so the parent must stay small:
// the bench does no heavy work itself, its kernel timings run in a child too.
Child run_child(const std::vector<std::string>& argv);
bool bench_interrupted();  // a SIGINT/SIGTERM recorded under cmd_bench's DeferSignals

std::string self_exe();  // the path /proc/self/exe links to

// Kernel timings at one thread count, as JSON: sgemm GFLOP/s on 1024^3 and on the VAE's
// 128 x 784 x 400, the fused decoder's seconds and GFLOP/s on Pubmed's size, and its
// DecoderTileSeconds ("decoder_tiles").
nlohmann::json measure_kernels(int threads, bool quick);

}  // namespace vgrad::tools::bench
