// vgrad bench: each row as child processes, results into the Report (see tools/bench_rows.h).
#include "tools/bench/bench_rows.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include <unistd.h>

#include <filesystem>

#include "autograd/check.h"
#include "autograd/random.h"

namespace vgrad::tools::bench {
namespace {

using nlohmann::json;
using SecondsOf = std::function<double(const json&, const Child&)>;

// PyTorch's dense Pubmed (several N x N float matrices) peaked near 12 GB here.
constexpr double kTorchPubmedMib = 14 * 1024.0;

struct Job {
  const char* name;
  const char* model;
  const char* dataset;
  int vgrad_epochs, torch_epochs;  // per run; --quick uses the second pair
  int quick_vgrad_epochs, quick_torch_epochs;
  // The GAE/VGAE encoder and its hidden width; PyTorch's gae.py has GCN only, so a row with
  // another encoder is vgrad alone (issue 14: GAT's s/epoch against the GCN encoder's).
  const char* encoder = "gcn";
  int hidden = 32;
};

// Cora is cheap: vgrad times the reference's 200 epochs; PyTorch's dense N x N decoder is
// slower, so fewer. Pubmed: PyTorch needs ~12 GB and a minute or more per epoch, so 2 epochs
// in one run. The VAE row is one epoch of the 60000 training images.
const Job kJobs[] = {
    {"VGAE Cora", "vgae", "cora", 200, 20, 20, 5},
    {"GAE Cora", "gae", "cora", 200, 20, 20, 5},
    {"GAE Cora, GAT encoder (8 heads x 8)", "gae", "cora", 200, 0, 20, 0, "gat", 64},
    {"VGAE Pubmed", "vgae", "pubmed", 10, 2, 3, 0},
    {"VAE MNIST", "vae", "mnist", 1, 1, 1, 1},
};

// For the notes: argv as a command a reader can paste (this executable under its own name).
std::string command_line(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv)
    s += (s.empty() ? "" : " ") + (a == "/proc/self/exe" ? self_exe() : a);
  return s;
}

double step_median(const json& j, const Child&) {
  return j.at("runs").at(0).at("step_seconds_median").get<double>();
}
double sec_per_epoch(const json& j, const Child&) { return j.at("sec_per_epoch").get<double>(); }

// Runs argv once. On success adds its seconds and peak RSS to the cell and returns its JSON;
// on failure keeps the first reason in cell.note and returns null. Never throws for a failed
// child: one bad row must not end the bench.
json run_once(Cell& cell, const std::string& label, const std::vector<std::string>& argv,
              const SecondsOf& seconds_of, const char* unit = "s/epoch") {
  std::fprintf(stderr, "bench: %s ... ", label.c_str());
  std::fflush(stderr);
  const Child c = run_child(argv);
  std::string problem;
  json j;
  double value = NAN;
  if (!c.ok()) {
    problem = c.why();
  } else {
    try {
      j = last_json_line(c.out);
      value = seconds_of(j, c);
    } catch (const std::exception& e) {
      problem = e.what();
      j = nullptr;
    }
  }
  if (!problem.empty()) {
    std::fprintf(stderr, "failed: %s\n", problem.c_str());
    ++cell.failures;
    if (cell.note.empty())
      cell.note = cat(label, " failed: ", problem, " (`", command_line(argv), "`)");
    return nullptr;
  }
  cell.seconds.push_back(value);
  cell.peak_rss_mib =
      std::isnan(cell.peak_rss_mib) ? c.peak_rss_mib : std::max(cell.peak_rss_mib, c.peak_rss_mib);
  std::fprintf(stderr, "%.4g %s, %.0f MiB peak (%.1f s)\n", value, unit, c.peak_rss_mib,
               c.wall_seconds);
  return j;
}

std::vector<std::string> vgrad_train(const Settings& s, const std::string& model,
                                     const std::string& dataset, int threads, int epochs,
                                     const std::string& encoder = "gcn", int hidden = 32) {
  std::vector<std::string> a = {s.vgrad,     "train",
                                "--model",   model,
                                "--dataset", dataset,
                                "--threads", std::to_string(threads),
                                "--epochs",  std::to_string(epochs),
                                "--quiet"};
  if (model == "gae" || model == "vgae") a.insert(a.end(), {"--eval-every", "0"});
  if (!s.gemm.empty()) a.insert(a.end(), {"--gemm", s.gemm});
  if (encoder != "gcn")
    a.insert(a.end(), {"--encoder", encoder, "--hidden", std::to_string(hidden)});
  return a;
}

// PyTorch is a peer, benchmarked at its best: `pinned` keeps this environment's OpenBLAS
// settings (OPENBLAS_CORETYPE holds it to AVX2 kernels), otherwise the command runs with both
// variables unset, so OpenBLAS picks its kernels as it would for a user without them. Only
// these child commands change; vgrad's own runs and tests keep the pinned kernels. The graph
// jobs also get glibc malloc settings that keep their N x N buffers (29 MB on Cora) mapped
// between epochs instead of mmap'ed and page-faulted anew each step (32 MiB is glibc's
// largest mmap threshold).
std::vector<std::string> torch_script(const Settings& s, const Job& job, int threads, int epochs,
                                      bool pinned) {
  std::vector<std::string> a = {"/usr/bin/env"};
  if (!pinned) a.insert(a.end(), {"-u", "OPENBLAS_CORETYPE", "-u", "OPENBLAS_L2_SIZE"});
  if (std::string(job.model) != "vae")
    a.insert(a.end(), {"MALLOC_MMAP_THRESHOLD_=33554432", "MALLOC_TRIM_THRESHOLD_=4294967296",
                       "MALLOC_TOP_PAD_=67108864"});
  a.push_back(s.python);
  if (std::string(job.model) == "vae") {
    a.push_back(s.torch_dir + "/vae_mnist.py");
  } else {
    a.insert(a.end(), {s.torch_dir + "/gae.py", "--model", job.model, "--dataset", job.dataset});
  }
  a.insert(a.end(), {"--epochs", std::to_string(epochs), "--threads", std::to_string(threads)});
  if (!s.data_dir.empty()) a.insert(a.end(), {"--data-dir", s.data_dir});
  return a;
}

double mem_available_now() {
  std::ifstream in("/proc/meminfo");
  std::stringstream text;
  text << in.rdbuf();
  return mem_available_mib(text.str());
}

std::string thread_label(int t) { return std::to_string(t) + (t == 1 ? " thread" : " threads"); }

// One `vgrad bench --kernels` run at the row's thread count, its values added to the row.
void run_kernels_once(const Settings& s, KernelRow& row, const std::string& run) {
  std::vector<std::string> argv = {s.vgrad, "bench", "--kernels", "--threads",
                                   std::to_string(row.threads)};
  if (s.quick) argv.push_back("--quick");
  if (!s.gemm.empty()) argv.insert(argv.end(), {"--gemm", s.gemm});
  Cell cell;
  const json j = run_once(
      cell, "sgemm and fused decoder GFLOP/s, " + run, argv,
      [](const json& j, const Child&) {  // every field the page reads, or the run fails
    j.at("sgemm_vae_gflops").get<double>();
    j.at("decoder").at("seconds").get<double>();
    j.at("decoder").at("gflops").get<double>();
    return j.at("sgemm_1024_gflops").get<double>();
      },
      "GFLOP/s sgemm 1024^3");
  if (!j.is_object()) {
    if (row.note.empty()) row.note = cell.note;
    row.failures += cell.failures;
    return;
  }
  row.sgemm_1024.push_back(j["sgemm_1024_gflops"].get<double>());
  row.sgemm_vae.push_back(j["sgemm_vae_gflops"].get<double>());
  row.gemm = j.value("gemm", "");
  const char* names[2] = {"openblas", "onednn"};
  for (int b = 0; b < 2; ++b) {
    const json& r = j.at("backends").at(names[b]);
    row.backend_1024[b].push_back(r.at("sgemm_1024_gflops").get<double>());
    row.backend_vae[b].push_back(r.at("sgemm_vae_gflops").get<double>());
  }
  row.decoder_gflops.push_back(j["decoder"]["gflops"].get<double>());
  row.decoder_seconds.push_back(j["decoder"]["seconds"].get<double>());
  const json& t = j.at("decoder_tiles");
  row.decoder_tiles.push_back({t.at("logits").get<double>(), t.at("pass").get<double>(),
                               t.at("grad_i").get<double>(), t.at("grad_j").get<double>()});
}

}  // namespace

void run_jobs(const Settings& s, Report& report) {
  for (const Job& job : kJobs) {
    const bool pubmed = std::string(job.dataset) == "pubmed";
    const bool vae = std::string(job.model) == "vae";
    for (int t : s.threads) {
      JobRow row{job.name, t, {}, {}, {}, {}};
      row.vgrad.epochs = s.quick ? job.quick_vgrad_epochs : job.vgrad_epochs;
      row.torch.epochs = s.quick ? job.quick_torch_epochs : job.torch_epochs;
      const SecondsOf vgrad_seconds = vae ? sec_per_epoch : step_median;
      for (int rep = 1; rep <= s.repeats; ++rep) {
        const std::string run = cat(job.name, ", ", thread_label(t), ", run ", rep, "/", s.repeats);
        if (vae) {  // this machine's sgemm rate under the load the VAE run is about to see
          if (rep == 1) {
            report.kernels.emplace_back();
            report.kernels.back().threads = t;
          }
          run_kernels_once(s, report.kernels.back(), run);
        }
        run_once(
            row.vgrad, "vgrad " + run,
            vgrad_train(s, job.model, job.dataset, t, row.vgrad.epochs, job.encoder, job.hidden),
            vgrad_seconds);
        if (!s.torch || (pubmed && rep > 1)) continue;    // PyTorch Pubmed: one run
        if (std::string(job.encoder) != "gcn") continue;  // no PyTorch peer
        if (row.torch.epochs == 0) {
          row.torch.note =
              cat("PyTorch ", job.name, ", ", thread_label(t), ": skipped with --quick");
          continue;
        }
        const double avail = mem_available_now();
        if (pubmed && !(avail >= kTorchPubmedMib)) {
          row.torch.note = cat("PyTorch ", job.name, ", ", thread_label(t),
                               ": skipped, it needs about ", fixed(kTorchPubmedMib / 1024, 0),
                               " GiB and MemAvailable is ", fixed(avail / 1024, 1), " GiB");
          std::fprintf(stderr, "bench: %s\n", row.torch.note.c_str());
          continue;
        }
        row.torch_pinned.epochs = row.torch_free.epochs = row.torch.epochs;
        run_once(row.torch_pinned, "PyTorch (OpenBLAS pinned) " + run,
                 torch_script(s, job, t, row.torch.epochs, true), sec_per_epoch);
        run_once(row.torch_free, "PyTorch (OpenBLAS unpinned) " + run,
                 torch_script(s, job, t, row.torch.epochs, false), sec_per_epoch);
      }
      // PyTorch's row is its faster way (both are on the page).
      const bool free_wins =
          !row.torch_free.seconds.empty() &&
          (row.torch_pinned.seconds.empty() || row.torch_free.value() < row.torch_pinned.value());
      const Cell& best = free_wins ? row.torch_free : row.torch_pinned;
      if (!best.seconds.empty()) {
        row.torch.seconds = best.seconds;
        row.torch.peak_rss_mib = best.peak_rss_mib;
      }
      for (const Cell* c : {&row.vgrad, &row.torch, &row.torch_pinned, &row.torch_free})
        if (!c->note.empty()) report.notes.push_back(c->note);
      if (vae && !report.kernels.back().note.empty())
        report.notes.push_back(report.kernels.back().note);
      report.jobs.push_back(std::move(row));
    }
  }
}

void run_cora_process(const Settings& s, Report& report) {
  Cell& cell = report.cora_process;
  cell.epochs = 200;
  const std::vector<std::string> argv = {s.vgrad,     "train", "--model",   "vgae",
                                         "--dataset", "cora",  "--threads", "2"};
  auto wall = [](const json& j, const Child& c) {
    check(j.contains("test_auc"), "no test_auc in its JSON");
    return c.wall_seconds;
  };
  for (int rep = 1; rep <= s.repeats; ++rep)
    run_once(cell, cat("vgrad VGAE Cora whole process, run ", rep, "/", s.repeats), argv, wall,
             "s wall");
  if (!cell.note.empty()) report.notes.push_back(cell.note);
}

void run_edge_list_rows(const Settings& s, Report& report) {
  Cell& cell = report.load_split;
  const int64_t n = s.quick ? 100000 : 1000000, e = 4 * n;
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("vgrad_bench_edges_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/edges.txt";
  {  // streamed in 1 MB pieces: the bench parent must stay small (see run_child)
    std::FILE* f = std::fopen(path.c_str(), "wb");
    check(f != nullptr, path, ": cannot write the bench's edge list");
    Rng rng(1);
    std::string buf;
    for (int64_t k = 0; k < e; ++k) {
      buf += std::to_string(rng.below(n)) + ' ' + std::to_string(rng.below(n)) + '\n';
      if (buf.size() > (1 << 20) || k + 1 == e)
        std::fwrite(buf.data(), 1, buf.size(), f), buf.clear();
    }
    std::fclose(f);
  }
  const std::vector<std::string> argv = {s.vgrad, "data", "edgelist:" + path};
  auto wall = [](const json& j, const Child& c) {
    check(j.contains("split"), "no split in its JSON");
    return c.wall_seconds;
  };
  for (int rep = 1; rep <= s.repeats; ++rep)
    run_once(cell, cat("vgrad data: load and split ", e, " edges, run ", rep, "/", s.repeats), argv,
             wall, "s wall");
  // The same file trained on (featureless) with the sampled decoder: issue 15's 1M-node row.
  Cell& train = report.sampled_1m;
  train.epochs = s.quick ? 3 : 5;
  const std::vector<std::string> train_argv = {s.vgrad,        "train",
                                               "--model",      "vgae",
                                               "--dataset",    "edgelist:" + path,
                                               "--decoder",    "sampled",
                                               "--epochs",     std::to_string(train.epochs),
                                               "--eval-every", "0",
                                               "--threads",    "2",
                                               "--quiet"};
  auto step = [](const json& j, const Child&) {
    return j.at("runs").at(0).at("step_seconds_median").get<double>();
  };
  for (int rep = 1; rep <= s.repeats; ++rep)
    run_once(train, cat("vgrad VGAE, sampled decoder, ", n, " nodes, run ", rep, "/", s.repeats),
             train_argv, step);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  for (const Cell* c : {&cell, &train})
    if (!c->note.empty()) report.notes.push_back(c->note);
}

void run_baselines(const Settings& s, Report& report) {
  struct Baseline {
    const char *job, *model, *dataset;
    double target_seconds;
    bool once;  // a run takes minutes: one per bench
  };
  const Baseline rows[] = {{"SC Pubmed", "sc", "pubmed", 30, false},
                           {"DeepWalk Cora", "deepwalk", "cora", 20, false},
                           {"DeepWalk Pubmed", "deepwalk", "pubmed", 80, true}};
  auto wall = [](const json& j, const Child& c) {
    check(j.contains("test_auc"), "no test_auc in its JSON");
    return c.wall_seconds;
  };
  for (const Baseline& b : rows) {
    if (s.quick && std::string(b.dataset) == "pubmed") continue;
    BaselineRow row{b.job, b.target_seconds, {}};
    const std::vector<std::string> argv = {s.vgrad,   "train",     "--model", b.model,  "--dataset",
                                           b.dataset, "--threads", "2",       "--quiet"};
    const int runs = b.once ? 1 : s.repeats;
    for (int rep = 1; rep <= runs; ++rep)
      run_once(row.cell, cat("vgrad ", b.job, " whole run, run ", rep, "/", runs), argv, wall,
               "s wall");
    if (!row.cell.note.empty()) report.notes.push_back(row.cell.note);
    report.baselines.push_back(std::move(row));
  }
}

std::string scaling_spec(int64_t n) {
  // 4 classes of n/4 nodes: mean degree p_in n/4 + p_out 3n/4 = 6 + 2 = 8, for every n.
  char spec[160];
  std::snprintf(spec, sizeof spec,
                "synthetic:nodes=%lld,classes=4,p_in=%.6g,p_out=%.6g,"
                "features=64,per_node=8,seed=1",
                (long long)n, 24.0 / (double)n, 8.0 / 3.0 / (double)n);
  return spec;
}

std::vector<int64_t> scaling_sizes(int64_t max) {
  std::vector<int64_t> sizes;
  for (int64_t n = 1000; n <= max; n *= 10) {
    sizes.push_back(n);
    if (3 * n <= max) sizes.push_back(3 * n);
  }
  return sizes;
}

void run_scaling(const Settings& s, Report& report) {
  for (int64_t n : scaling_sizes(s.scaling_max)) {
    ScaleRow row;
    row.nodes = n;
    // More epochs and runs where they are cheap: one busy moment on a shared machine then
    // moves the median less. The fused loss at 100k nodes takes seconds per epoch.
    row.fused.epochs = s.quick ? 3 : (n <= 10000 ? 10 : n <= 30000 ? 3 : 2);
    row.sampled.epochs = s.quick ? 5 : 10;
    const int runs = n <= 30000 ? s.repeats : 1;
    for (auto [decoder, cell] : {std::pair{"fused", &row.fused}, {"sampled", &row.sampled}}) {
      const std::vector<std::string> argv = {
          s.vgrad,         "train",     "--model",   "vgae",     "--dataset",
          scaling_spec(n), "--decoder", decoder,     "--epochs", std::to_string(cell->epochs),
          "--eval-every",  "0",         "--threads", "2",        "--quiet"};
      for (int rep = 1; rep <= runs; ++rep) {
        const json j =
            run_once(*cell, cat("scaling N=", n, ", ", decoder, " loss, run ", rep, "/", runs),
                     argv, step_median);
        if (j.is_object()) row.edges = j.value("edges", (int64_t)-1);
      }
      if (!cell->note.empty()) report.notes.push_back(cell->note);
    }
    report.scaling.push_back(std::move(row));
  }
}

}  // namespace vgrad::tools::bench
