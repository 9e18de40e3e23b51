// vgrad bench: what one bench session measured, and the Markdown page made from it
// (runs/bench.md). The targets are judged here, from the measured values only.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/bench/bench.h"

namespace vgrad::tools::bench {

// One job at one thread count in one framework, over its repeats.
struct Cell {
  std::vector<double> seconds;  // one value per successful run (s/epoch, or wall seconds)
  double peak_rss_mib = NAN;    // the largest over the runs
  int epochs = 0;               // epochs per run
  std::string note;             // why it failed or was skipped; empty when it ran
  int failures = 0;             // runs that failed
  double value() const { return median(seconds); }
};

struct JobRow {
  std::string job;  // "VGAE Cora"
  int threads = 1;
  Cell vgrad, torch;
  // PyTorch runs twice per repeat: OpenBLAS pinned as in this environment, and with
  // OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its own kernel choice). `torch` is the
  // faster of the two medians.
  Cell torch_pinned, torch_free;
};

// The `vgrad bench --kernels` runs at one thread count: one value per successful run, each
// taken just before a VAE run at that count, so the two see the same machine load.
struct KernelRow {
  int threads = 1;
  std::vector<double> sgemm_1024, sgemm_vae;  // GFLOP/s, the jobs' backend
  std::string gemm;                           // that backend's name
  // The same two rates on each backend: [0] OpenBLAS, [1] oneDNN.
  std::vector<double> backend_1024[2], backend_vae[2];
  std::vector<double> decoder_gflops, decoder_seconds;  // fused decoder, forward + backward
  std::vector<DecoderTileSeconds> decoder_tiles;        // its kernels, a tile at a time
  DecoderTileSeconds tile_medians() const;              // each kernel's median; NaN when none
  std::string note;
  int failures = 0;
};

// Table 1's baselines (issue 12): a whole `vgrad train --model sc|deepwalk` run, one seed, at
// 2 threads: load, split, walks or eigensolve, training, evaluation. Wall seconds, as the peers'
// figures (gensim's DeepWalk, scikit-learn's spectral_embedding) were taken.
struct BaselineRow {
  std::string job;            // "DeepWalk Pubmed"
  double target_seconds = 0;  // the bound, wall
  Cell cell;
};

struct ScaleRow {
  int64_t nodes = 0, edges = -1;
  Cell fused, sampled;
};

struct Report {
  std::vector<std::string> header;  // lines about the machine and the session
  bool torch = false;               // PyTorch rows were asked for
  std::vector<JobRow> jobs;
  std::vector<KernelRow> kernels;
  Cell cora_process;  // the whole default VGAE Cora run, wall s
  Cell load_split;    // `vgrad data edgelist:FILE` on a 1M-node, 4M-edge file: load + split, wall s
  Cell sampled_1m;    // VGAE with the sampled decoder on that file, 2 threads: median step s
  std::vector<BaselineRow> baselines;
  std::vector<ScaleRow> scaling;
  std::vector<std::string> notes;  // failures, skips, how each number was taken
};

// MNIST's training set: the VAE step's flops per epoch are this many samples' worth.
constexpr int64_t kMnistTrainImages = 60000;

std::string render_markdown(const Report& report);

const JobRow* find_job(const Report& r, const std::string& job, int threads);  // null if absent
const KernelRow* kernels_at(const Report& r, int threads);
double vae_gflops(const Cell& vae_mnist);  // the VAE step's matmul GFLOP/s from its s/epoch

// Runs that failed (a child's error, or output without the expected result), over every cell:
// the bench's exit status.
int failed_runs(const Report& r);

}  // namespace vgrad::tools::bench
