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
  double value() const { return median(seconds); }
};

struct JobRow {
  std::string job;  // "VGAE Cora"
  int threads = 1;
  Cell vgrad, torch;
};

// The `vgrad bench --kernels` runs at one thread count: one value per successful run, each
// taken just before a VAE run at that count, so the two see the same machine load.
struct KernelRow {
  int threads = 1;
  std::vector<double> sgemm_1024, sgemm_vae;            // GFLOP/s
  std::vector<double> decoder_gflops, decoder_seconds;  // fused decoder, forward + backward
  std::string note;
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
  std::vector<ScaleRow> scaling;
  std::vector<std::string> notes;  // failures, skips, how each number was taken
};

// MNIST's training set: the VAE step's flops per epoch are this many samples' worth.
constexpr int64_t kMnistTrainImages = 60000;

std::string render_markdown(const Report& report);

// A target's verdict at 2 threads, where the issue sets it, with the 1-thread verdict beside
// it when the two differ: "yes", "**no**", or "2 thr: yes; 1 thr: **no**". NaN: not measured.
std::string verdict_at_two_threads(double one_thread, double two_threads, bool (*pass)(double));

}  // namespace vgrad::tools::bench
