// vgrad bench's pure pieces: statistics, flop counts, result parsing, the scaling graphs, and
// the child runner on /bin/sh (no timings are asserted).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "autograd/check.h"
#include "datasets/synthetic.h"
#include "tools/bench/bench.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/bench_rows.h"
#include "tools/bench/bench_targets.h"

using namespace vgrad;
using namespace vgrad::tools::bench;

TEST_CASE("bench median: odd, even, unsorted, empty") {
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  CHECK(median({7}) == 7);
  CHECK(std::isnan(median({})));
}

TEST_CASE("bench loglog_slope: exact powers, noise-free and with skipped points") {
  const std::vector<double> n = {1e3, 3e3, 1e4, 3e4, 1e5};
  std::vector<double> quad, lin;
  for (double x : n) quad.push_back(5e-9 * x * x), lin.push_back(2e-6 * x);
  CHECK(loglog_slope(n, quad) == doctest::Approx(2.0));
  CHECK(loglog_slope(n, lin) == doctest::Approx(1.0));
  // A failed point (NaN) and a non-positive one are left out; the rest still fit exactly.
  std::vector<double> gaps = quad;
  gaps[1] = NAN;
  gaps[3] = 0;
  CHECK(loglog_slope(n, gaps) == doctest::Approx(2.0));
  CHECK(std::isnan(loglog_slope({10}, {1})));
  CHECK(std::isnan(loglog_slope({10, 10}, {1, 2})));  // no spread in x
  // Least squares, not endpoints: (1,1), (10,10), (100,10) -> slope 0.5 in log10 units.
  CHECK(loglog_slope({1, 10, 100}, {1, 10, 10}) == doctest::Approx(0.5));
}

TEST_CASE("bench last_json_line: the last non-empty stdout line is the result") {
  const auto j = last_json_line("progress\n{\"a\": 1}\n{\"sec_per_epoch\": 0.5}\n\n");
  CHECK(j["sec_per_epoch"].get<double>() == 0.5);
  CHECK(last_json_line("{\"x\":2}")["x"].get<int>() == 2);
  CHECK_THROWS_WITH(last_json_line(""), doctest::Contains("found no output"));
  CHECK_THROWS_WITH(last_json_line("{\"a\":1}\nTraceback: boom\n"),
                    doctest::Contains("found 'Traceback: boom'"));
  CHECK_THROWS_WITH(last_json_line("[1, 2]\n"), doctest::Contains("JSON object"));
}

TEST_CASE("bench mem_available_mib reads /proc/meminfo's MemAvailable") {
  const std::string meminfo =
      "MemTotal:       24684544 kB\nMemFree:        23260000 kB\n"
      "MemAvailable:   23971388 kB\nBuffers:           1000 kB\n";
  CHECK(mem_available_mib(meminfo) == doctest::Approx(23971388 / 1024.0));
  CHECK(std::isnan(mem_available_mib("MemTotal: 10 kB\n")));
}

TEST_CASE("bench flop counts: the VAE formula and the fused decoder's tiles") {
  // F = 784*400 + 400*40 + 20*400 + 400*784 = 651200, B = 16000 + 8000 + 313600 = 337600,
  // 2 (2F + B) = 3280000 flops per sample.
  CHECK(vae_flops_per_sample(784, 400, 20) == 3280000.0);
  // One diagonal tile (N <= tile): logits 2 d N^2 plus one gradient sgemm 2 d N^2.
  CHECK(fused_decoder_flops(100, 16, 256) == 4.0 * 16 * 100 * 100);
  // Two full blocks: two diagonal tiles (4 d t^2 each) and one off-diagonal (6 d t^2).
  CHECK(fused_decoder_flops(512, 8, 256) == 14.0 * 8 * 256 * 256);
  // A ragged last block of 10 rows: diagonal 256^2 and 10^2 entries, off-diagonal 256*10.
  CHECK(fused_decoder_flops(266, 1, 256) == 4.0 * (256 * 256 + 10 * 10) + 6.0 * 256 * 10);
  // Large N: about 3 N^2 d.
  const double n = 19717, d = 16;
  CHECK(fused_decoder_flops(19717, 16, 256) / (3 * n * n * d) ==
        doctest::Approx(1.0).epsilon(0.01));
}

TEST_CASE("bench decoder floor: each tile's kernels charged by its entries, over the threads") {
  const DecoderTileSeconds t{20e-6, 30e-6, 25e-6, 40e-6};  // logits, pass, grad_i, grad_j
  // Two full blocks: tiles (0,0) and (1,1) without grad_j (75 us each), (0,1) with it
  // (115 us): 265 us of kernels, 132.5 us on 2 threads.
  CHECK(fused_decoder_floor(512, 256, 2, t) == doctest::Approx(132.5e-6));
  CHECK(fused_decoder_floor(512, 256, 1, t) == doctest::Approx(265e-6));
  // A ragged block of 10: (0,0) 75 us; (0,1) 2560 of 65536 entries of 115 us; (1,1) 100
  // entries of 75 us.
  CHECK(fused_decoder_floor(266, 256, 1, t) ==
        doctest::Approx(75e-6 + 2560.0 / 65536 * 115e-6 + 100.0 / 65536 * 75e-6));
  // No grad_j at all on a single tile.
  CHECK(fused_decoder_floor(100, 256, 1, t) == doctest::Approx(10000.0 / 65536 * 75e-6));
}

TEST_CASE("bench scaling graphs: sizes up to the maximum, specs that parse to mean degree 8") {
  CHECK(scaling_sizes(100000) == std::vector<int64_t>{1000, 3000, 10000, 30000, 100000});
  CHECK(scaling_sizes(10000) == std::vector<int64_t>{1000, 3000, 10000});
  CHECK(scaling_sizes(5000) == std::vector<int64_t>{1000, 3000});
  for (int64_t n : {1000, 100000}) {
    const SbmOptions o = parse_sbm_spec(scaling_spec(n));
    CHECK(o.num_nodes == n);
    const double per_class = (double)n / o.num_classes;
    const double degree = o.p_in * per_class + o.p_out * (n - per_class);
    CHECK(degree == doctest::Approx(8.0).epsilon(1e-4));
  }
  // A real draw has about 4 N edges (mean degree 8).
  const Graph g = make_sbm(parse_sbm_spec(scaling_spec(1000)));
  CHECK(g.edges.size() > 3500);
  CHECK(g.edges.size() < 4500);
}

TEST_CASE("bench run_child: output, exit codes, the reason a child failed") {
  const Child ok = run_child({"/bin/sh", "-c", "echo out; echo err >&2"});
  CHECK(ok.ok());
  CHECK(ok.out == "out\n");
  CHECK(ok.err == "err\n");
  CHECK(ok.peak_rss_mib > 0);
  const Child bad = run_child({"/bin/sh", "-c", "echo first >&2; echo 'last words' >&2; exit 3"});
  CHECK(bad.status == 3);
  CHECK(bad.why() == "last words");
  const Child silent = run_child({"/bin/sh", "-c", "kill -9 $$"});
  CHECK(silent.status == 128 + 9);
  CHECK(silent.why() == "exit 137");
  const Child missing = run_child({"/nonexistent/program"});
  CHECK(missing.status == -1);
  CHECK(missing.why().find("cannot start /nonexistent/program") != std::string::npos);
  // More than a pipe's buffer on stderr before any stdout: reading stdout to its end first
  // would deadlock.
  const Child big =
      run_child({"/bin/sh", "-c", "head -c 300000 /dev/zero >&2; head -c 300000 /dev/zero"});
  CHECK(big.out.size() == 300000);
  CHECK(big.err.size() == 300000);
}

TEST_CASE("bench targets: judged at 2 threads, the 1-thread verdict shown when it differs") {
  auto at_most = [](double x) { return x <= 0.6; };
  CHECK(verdict_at_two_threads(0.5, 0.55, at_most) == "yes");
  CHECK(verdict_at_two_threads(0.7, 0.8, at_most) == "**no**");
  CHECK(verdict_at_two_threads(0.64, 0.56, at_most) == "2 thr: yes; 1 thr: **no**");
  CHECK(verdict_at_two_threads(0.5, 0.7, at_most) == "2 thr: **no**; 1 thr: yes");
  CHECK(verdict_at_two_threads(NAN, 0.5, at_most) == "2 thr: yes; 1 thr: not measured");
  CHECK(verdict_at_two_threads(NAN, NAN, at_most) == "not measured");
}

TEST_CASE("bench page: both GEMM backends, both PyTorch runs, the issue-15 targets") {
  Report r;
  r.torch = true;
  KernelRow k;
  k.threads = 2;
  k.gemm = "onednn";
  k.sgemm_1024 = {400};
  k.sgemm_vae = {380};
  k.backend_1024[0] = {200};
  k.backend_vae[0] = {190};
  k.backend_1024[1] = {400};
  k.backend_vae[1] = {380};
  r.kernels.push_back(k);
  JobRow cora{"VGAE Cora", 2, {}, {}, {}, {}};
  cora.vgrad.seconds = {0.003};
  cora.torch_pinned.seconds = {0.05};
  cora.torch_free.seconds = {0.04};
  cora.torch.seconds = {0.04};
  r.jobs.push_back(cora);
  const std::string md = render_markdown(r);
  CHECK(md.find("| 2 | onednn* | 400.0 | 380.0 |") != std::string::npos);
  CHECK(md.find("| 2 | openblas | 200.0 | 190.0 |") != std::string::npos);
  CHECK(md.find("| 0.05 | 0.04 |") != std::string::npos);  // pinned, unpinned
  CHECK(md.find("| VGAE Cora ms/epoch at 2 threads <= 3.5 | 3.00 ms | yes |") != std::string::npos);
  CHECK(md.find("| VGAE Cora s/epoch / PyTorch's best <= 0.10 | 1 thr: -, 2 thr: 0.075 | "
                "2 thr: yes; 1 thr: not measured |") != std::string::npos);
}

TEST_CASE("bench page: each GEMM-heavy job beside its GEMM-only bound at the page's rate") {
  Report r;
  KernelRow k;
  k.threads = 2;
  k.sgemm_1024 = {100, 300, 200};  // median 200 GFLOP/s
  k.decoder_seconds = {0.2};
  // Per-kernel medians 20, 30, 25, 25 us (each kernel's own median, not one run's).
  k.decoder_tiles = {{20e-6, 31e-6, 24e-6, 25e-6}, {21e-6, 30e-6, 25e-6, 99e-6}, {19e-6, 29e-6, 26e-6, 25e-6}};
  r.kernels.push_back(k);
  JobRow pubmed{"VGAE Pubmed", 2, {}, {}, {}, {}}, vae{"VAE MNIST", 2, {}, {}, {}, {}};
  pubmed.vgrad.seconds = {0.25};
  vae.vgrad.seconds = {1.6, 1.8, 1.7};
  r.jobs = {pubmed, vae};
  const std::string md = render_markdown(r);
  // 18.74 GFLOP at 200 GFLOP/s: 0.0937 s, 37% of 0.25 s and 47% of the decoder's 0.2 s.
  // Floor: 19717 = 77 * 256 + 5. 77 full diagonal tiles at 75 us, 2926 full off-diagonal
  // ones at 100 us, 77 of 256 x 5 entries at 100 us, one of 5 x 5 at 75 us: 298525 us of
  // kernels, 0.149 s on 2 threads.
  CHECK(md.find("| 2 | VGAE Pubmed | 18.74 | 0.0937 | 0.149 | 0.25 | 37% | 0.1 |") !=
        std::string::npos);
  CHECK(md.find("| 2 | VGAE Pubmed, the decoder alone | 18.74 | 0.0937 | 0.149 | 0.2 | 47% | - |") !=
        std::string::npos);
  // 196.8 GFLOP at 200 GFLOP/s: 0.984 s, 58% of 1.7 s; the 60% target is 0.984 / 0.6 = 1.64 s.
  CHECK(md.find("| 2 | VAE MNIST | 196.80 | 0.984 | - | 1.7 | 58% | 1.64 |") != std::string::npos);
  // Cora's decoder: 0.363 GFLOP, 1.81 ms at that rate; no Cora run on this page. Floor:
  // 2708 = 10 * 256 + 148: 10 x 75 + 45 x 100 + 10 x (256 * 148 / 65536) x 100
  // + (148^2 / 65536) x 75 = 5853.2 us, 2.93 ms on 2 threads.
  CHECK(md.find("| 2 | VGAE Cora | 0.36 | 0.00181 | 0.00293 | - | - | 0.0035 |") !=
        std::string::npos);
}

TEST_CASE("bench page: Table 1's baselines, their wall-time and memory targets") {
  Report r;
  BaselineRow sc{"SC Pubmed", 30, {}};
  sc.cell.seconds = {21.0, 25.0, 23.0};
  sc.cell.peak_rss_mib = 300;
  BaselineRow dw{"DeepWalk Pubmed", 80, {}};
  dw.cell.seconds = {95.5};
  dw.cell.peak_rss_mib = 1000;  // 1048.6 MB: over 1 GB
  r.baselines = {sc, dw};
  const std::string md = render_markdown(r);
  CHECK(md.find("| SC Pubmed | 3 | 23 | 300 | < 30 s, < 1 GB |") != std::string::npos);
  CHECK(md.find("| SC Pubmed whole run at 2 threads < 30 s wall | 23.0 s | yes |") !=
        std::string::npos);
  CHECK(md.find("| DeepWalk Pubmed whole run at 2 threads < 80 s wall | 95.5 s | **no** |") !=
        std::string::npos);
  CHECK(md.find("| DeepWalk Cora whole run at 2 threads < 20 s wall | - | not measured |") !=
        std::string::npos);
  CHECK(md.find("| SC and DeepWalk peak RSS < 1 GB (954 MiB) | 1000 MiB | **no** |") !=
        std::string::npos);
  dw.cell.failures = 1;
  r.baselines = {dw};
  CHECK(failed_runs(r) == 1);
}

TEST_CASE("bench page: the 1M-node rows, load and split and the sampled decoder, with targets") {
  Report r;
  r.load_split.seconds = {1.5, 2.5, 1.2};
  r.load_split.peak_rss_mib = 281;
  r.sampled_1m.epochs = 5;
  r.sampled_1m.seconds = {1.02, 0.97, 0.99};
  r.sampled_1m.peak_rss_mib = 1950;  // 2044.7 MB: over 2 GB
  const std::string md = render_markdown(r);
  CHECK(md.find("| VGAE, sampled decoder, on that edge list (featureless; targets 1 s/epoch, 2 "
                "GB) | 2 | 0.99 | 1950 | 5 |") != std::string::npos);
  CHECK(md.find("| Sampled decoder, 1M nodes and 4M edges, s/epoch at 2 threads <= 1 | 0.99 s | "
                "yes |") != std::string::npos);
  CHECK(md.find("| Sampled decoder, 1M nodes and 4M edges, peak RSS < 2 GB (1907 MiB) | 1950 "
                "MiB | **no** |") != std::string::npos);
  CHECK(md.find("| Load and split the 1M-node, 4M-edge edge list < 2 s wall | 1.50 s | yes |") !=
        std::string::npos);
  r.sampled_1m.failures = 1;
  CHECK(failed_runs(r) == 1);
}

TEST_CASE("bench --torch: the default PyTorch scripts' folder is where the repository keeps them") {
  // The tests run from the repository root, as `vgrad bench` must; a moved folder showed up only
  // as `make bench-torch` failing at its first row.
  const Settings s;
  for (const char* script : {"/gae.py", "/vae_mnist.py", "/install.sh"})
    CHECK_MESSAGE(std::filesystem::exists(s.torch_dir + script), std::string(s.torch_dir + script));
}
