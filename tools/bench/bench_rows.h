// vgrad bench: running the rows. Every measurement is a child process (`vgrad train`, a
// PyTorch script, or `vgrad bench --kernels`), so each row's peak RSS is its own.
#pragma once
#include <string>
#include <vector>

#include "tools/bench/bench_report.h"

namespace vgrad::tools::bench {

struct Settings {
  // This executable, as the children see it: /proc/self/exe in a child just spawned is still
  // the file the bench started from, even if a concurrent `make` relinks build/vgrad meanwhile,
  // so every row runs the same build.
  std::string vgrad = "/proc/self/exe";
  std::string python = "/usr/bin/python3";
  std::string torch_dir = "tools/bench/torch";
  std::string data_dir;  // passed to the PyTorch scripts (vgrad's own default)
  int repeats = 3;
  bool quick = false;
  bool torch = false;
  std::vector<int> threads = {1, 2};
  int64_t scaling_max = 100000;  // 0: no scaling table
  std::string gemm;              // --gemm for every vgrad child; empty: $VGRAD_GEMM or auto
};

// VGAE Cora, GAE Cora, VGAE Pubmed, VAE MNIST at each thread count; vgrad and PyTorch runs
// alternate so both see the same machine load. Before each vgrad VAE run, the sgemm and
// fused-decoder GFLOP/s at that thread count (report.kernels).
void run_jobs(const Settings& s, Report& report);
// The whole default `vgrad train --model vgae --dataset cora --threads 2`, wall seconds.
void run_cora_process(const Settings& s, Report& report);
// Two rows on a 1M-node, 4M-edge "u v" file written into a temp folder (seeded random pairs,
// about 55 MB): `vgrad data edgelist:FILE`, loading at scale, wall seconds; and VGAE with the
// sampled decoder trained on it, s/epoch.
void run_edge_list_rows(const Settings& s, Report& report);
// SC on Pubmed, DeepWalk on Cora and Pubmed: one seed's whole run at 2 threads, wall seconds
// (DeepWalk Pubmed once per bench: it takes minutes; --quick runs the Cora row only).
void run_baselines(const Settings& s, Report& report);
// VGAE, fused vs sampled loss, on synthetic graphs of 1k .. scaling_max nodes.
void run_scaling(const Settings& s, Report& report);

// The synthetic:... spec of the scaling graph with n nodes: 4 classes, mean degree about 8.
std::string scaling_spec(int64_t n);
// 1000, 3000, 10000, 30000, 100000, ... up to max.
std::vector<int64_t> scaling_sizes(int64_t max);

}  // namespace vgrad::tools::bench
