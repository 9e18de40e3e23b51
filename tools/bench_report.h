// vgrad bench: what one bench session measured, and the Markdown page made from it
// (runs/bench.md). The targets are judged here, from the measured values only.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/bench.h"

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

struct KernelRow {
  int threads = 1;
  nlohmann::json result;  // measure_kernels' JSON; null when the child failed
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
  Cell cora_process;                // whole `vgrad train --model vgae --dataset cora`, wall s
  std::vector<ScaleRow> scaling;
  std::vector<std::string> notes;   // failures, skips, how each number was taken
};

// MNIST's training set: the VAE step's flops per epoch are this many samples' worth.
constexpr int64_t kMnistTrainImages = 60000;

std::string render_markdown(const Report& report);

}  // namespace vgrad::tools::bench
