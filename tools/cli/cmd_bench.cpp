// vgrad bench: speed and memory of the four models' jobs at 1 and 2 threads (optionally beside
// the same jobs in PyTorch), GFLOP/s against this machine's sgemm, the targets, and how the
// exact and sampled GAE losses scale with N. Writes runs/bench.md and prints it.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "autograd/blas.h"
#include "autograd/check.h"
#include "datasets/registry.h"
#include "nn/atomic_file.h"
#include "tools/bench/bench_rows.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"
#include "tools/cli/gemm_flag.h"
#include "tools/train/run_files.h"
#include "tools/train/signals.h"

namespace vgrad::tools {
namespace {

using namespace bench;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string cpu_model() {
  std::istringstream in(read_text("/proc/cpuinfo"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string load_average() { return first_line(read_text("/proc/loadavg")).substr(0, 14); }

std::string git_commit() {
  const Child head = run_child({"git", "rev-parse", "--short", "HEAD"});
  if (!head.ok()) return "unknown commit";
  const Child dirty = run_child({"git", "status", "--porcelain", "--untracked-files=no"});
  return first_line(head.out) + (dirty.ok() && !dirty.out.empty() ? " with local changes" : "");
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return buf;
}

double own_peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;
}

// "" when /usr/bin/python3 imports torch (its version in *version), else why not.
std::string torch_problem(const Settings& s, std::string* version) {
  const Child c = run_child({s.python, "-c", "import torch; print(torch.__version__)"});
  if (c.ok()) *version = first_line(c.out);
  return c.ok() ? "" : c.why();
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  CLI::App app(
      "Time the four models' jobs at 1 and 2 threads (peak RSS, GFLOP/s against this "
      "machine's sgemm, the speed targets, loss scaling with N); with --torch beside "
      "the same jobs in PyTorch. Writes Markdown to --out and prints it.",
      "vgrad bench");
  Settings s;
  std::string out = "runs/bench.md";
  bool no_scaling = false, kernels = false;
  app.add_flag(
      "--torch", s.torch,
      "also run the PyTorch rows (Debian's python3-torch; `sh tools/bench/torch/install.sh` "
      "installs it)");
  app.add_option("--out", out, "where the Markdown goes")->capture_default_str();
  app.add_option("--repeats", s.repeats,
                 "runs per row; s/epoch is their median (default 3, 1 with --quick)")
      ->check(CLI::Range(1, 100));
  app.add_flag("--quick", s.quick,
               "a smoke run: fewer epochs and runs, scaling to 10k nodes, no PyTorch Pubmed");
  app.add_flag("--no-scaling", no_scaling, "skip the fused-vs-sampled scaling table");
  app.add_option("--scaling-max", s.scaling_max,
                 "largest synthetic graph, in nodes (default 100000, 10000 with --quick)")
      ->check(CLI::Range((int64_t)1000, (int64_t)10000000));
  app.add_option("--threads", s.threads, "thread counts to run each job at")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  add_gemm_flag(app, s.gemm);
  app.add_option("--python", s.python, "the Python that has torch")->capture_default_str();
  app.add_flag("--kernels", kernels,
               "internal: print the sgemm/decoder timings at --threads as JSON")
      ->group("");
  VGRAD_PARSE(app, argc, argv);
  if (auto code =
          check_flag_values(app, [&] { ::vgrad::kernels::parse_gemm_backend(s.gemm, "--gemm"); }))
    return *code;
  if (kernels) {
    ::vgrad::kernels::set_gemm_backend(::vgrad::kernels::parse_gemm_backend(s.gemm, "--gemm"));
    std::printf("%s\n", measure_kernels(s.threads.at(0), s.quick).dump().c_str());
    return 0;
  }
  if (app.count("--repeats") == 0) s.repeats = s.quick ? 1 : 3;
  if (app.count("--scaling-max") == 0) s.scaling_max = s.quick ? 10000 : 100000;
  if (no_scaling) s.scaling_max = 0;
  s.data_dir = default_data_dir();
  Report report;
  report.torch = s.torch;
  std::string torch_version;
  if (s.torch) {
    check(std::filesystem::exists(s.torch_dir + "/gae.py"), "--torch: ", s.torch_dir,
          "/gae.py not found (run vgrad bench from the repository root)");
    const std::string problem = torch_problem(s, &torch_version);
    check(problem.empty(), "--torch: ", s.python, " cannot import torch (", problem,
          "); install Debian's python3-torch with `sh tools/bench/torch/install.sh` or run "
          "`make bench-torch`");
  }
  // Signals are deferred while children run: each is killed, and the report is not written.
  DeferSignals defer;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string load_start = load_average();
  std::fprintf(stderr, "bench: about 9 minutes%s; writes %s\n",
               s.torch ? " plus 15-25 for PyTorch (Pubmed dense)" : "", out.c_str());

  try {
    run_jobs(s, report);
    run_cora_process(s, report);
    run_edge_list_rows(s, report);
    run_baselines(s, report);
    if (s.scaling_max > 0) run_scaling(s, report);
  } catch (const Error&) {
    if (!bench_interrupted()) throw;
    std::fprintf(stderr, "\nvgrad bench: interrupted; %s not written\n", out.c_str());
    return 128 + pending_signal();
  }

  const double minutes =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60;
  std::string flags;
  for (int i = 1; i < argc; ++i) flags += std::string(" ") + argv[i];
  report.header = {
      cat("`vgrad bench", flags, "` at ", git_commit(), ", ", utc_now(), ", ", fixed(minutes, 1),
          " minutes."),
      cat("Machine: ", cpu_model(), ", ", std::thread::hardware_concurrency(),
          " logical cores; load average (1, 5, 15 min) ", load_start, " at the start, ",
          load_average(), " at the end. The machine may be shared, so timings are noisy."),
      s.torch ? cat("PyTorch ", torch_version, " (", s.python,
                    "), same models, settings and "
                    "thread counts: tools/bench/torch/gae.py (dense N x N decoder, as the usual "
                    "ports) and tools/bench/torch/vae_mnist.py.")
              : std::string("PyTorch rows not run (`make bench-torch` adds them)."),
      "",
      cat("Each number comes from its own child process. s/epoch is the median over ", s.repeats,
          s.repeats == 1 ? " run" : " runs",
          " of each run's median epoch, "
          "training step only (vgrad: `runs[0].step_seconds_median` for GAE/VGAE, "
          "`sec_per_epoch` for the VAE; PyTorch: `sec_per_epoch`); evaluation is not timed.",
          s.torch ? " PyTorch Pubmed runs once." : "",
          " Peak RSS is the child's ru_maxrss "
          "(wait4), the largest over its runs.")};
  report.notes.push_back(cat("This bench process's own peak RSS was ", fixed(own_peak_rss_mib(), 0),
                             " MiB; Linux counts it into each child's ru_maxrss, so no row can "
                             "read below it."));
  report.notes.push_back(
      "VGAE Pubmed's peak RSS is from its shorter runs; memory does not grow "
      "with epochs (each step frees its tape).");
  const std::string md = render_markdown(report);
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  if (!dir.empty()) make_dirs(dir.string());
  write_file_atomically(out, md);
  std::printf("%s", md.c_str());
  // A failed run is an error (exit 1); a missed target is a result, shown on the page.
  const int failed = failed_runs(report);
  std::fprintf(stderr, "bench: wrote %s in %.1f minutes%s\n", out.c_str(), minutes,
               failed ? cat(", ", failed, " run(s) failed (see Notes)").c_str() : "");
  return failed ? 1 : 0;
}

}  // namespace vgrad::tools
