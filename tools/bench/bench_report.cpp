// vgrad bench: the Markdown page (runs/bench.md) from what the session measured.
#include "tools/bench/bench_report.h"

#include <cmath>
#include <sstream>

namespace vgrad::tools::bench {
namespace {

// Seconds with three significant digits ("0.0186", "5.92", "173").
std::string secs(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f" : "%.3g", v);
  return buf;
}

std::string cell_secs(const Cell& c) { return c.seconds.empty() ? "n/a" : secs(c.value()); }
std::string cell_rss(const Cell& c) { return c.seconds.empty() ? "n/a" : fixed(c.peak_rss_mib, 0); }
double ratio(const Cell& a, const Cell& b) { return a.value() / b.value(); }  // NaN if either is

const JobRow* find_job(const Report& r, const std::string& job, int threads) {
  for (const JobRow& row : r.jobs)
    if (row.job == job && row.threads == threads) return &row;
  return nullptr;
}

const KernelRow* kernels_at(const Report& r, int threads) {
  for (const KernelRow& k : r.kernels)
    if (k.threads == threads) return &k;
  return nullptr;
}

double vae_gflops(const Cell& c) {
  return vae_flops_per_sample(784, 400, 20) * (double)kMnistTrainImages / c.value() / 1e9;
}

std::string percent(double fraction) {
  return std::isnan(fraction) ? "-" : fixed(100 * fraction, 0) + "%";
}

// A target's verdict over the values it is judged on (one per thread count): every one must
// pass; with none measured there is no verdict.
std::string verdict(const std::vector<double>& values, bool (*pass)(double)) {
  bool any = false, all = true;
  for (double v : values) {
    if (std::isnan(v)) continue;
    any = true;
    all = all && pass(v);
  }
  return !any ? "not measured" : all ? "yes" : "**no**";
}

}  // namespace

// Issue 6 sets its targets at 2 threads; the 1-thread value is judged as well, and when the
// two verdicts differ both are given, so neither is hidden.
std::string verdict_at_two_threads(double one_thread, double two_threads, bool (*pass)(double)) {
  const std::string one = verdict({one_thread}, pass), two = verdict({two_threads}, pass);
  return one == two ? two : "2 thr: " + two + "; 1 thr: " + one;
}

namespace {

void jobs_table(const Report& r, std::ostringstream& md) {
  md << "## Jobs\n\n";
  if (r.torch) {
    md << "| job | threads | vgrad s/epoch | vgrad peak RSS (MiB) | PyTorch s/epoch | PyTorch peak "
          "RSS (MiB) | vgrad / PyTorch | epochs per run (vgrad, PyTorch) |\n"
          "|---|---|---|---|---|---|---|---|\n";
  } else {
    md << "| job | threads | vgrad s/epoch | vgrad peak RSS (MiB) | epochs per run |\n"
          "|---|---|---|---|---|\n";
  }
  for (const JobRow& j : r.jobs) {
    md << "| " << j.job << " | " << j.threads << " | " << cell_secs(j.vgrad) << " | "
       << cell_rss(j.vgrad) << " | ";
    if (r.torch)
      md << cell_secs(j.torch) << " | " << cell_rss(j.torch) << " | "
         << fixed(ratio(j.vgrad, j.torch), 3) << " | " << j.vgrad.epochs << ", " << j.torch.epochs
         << " |\n";
    else
      md << j.vgrad.epochs << " |\n";
  }
  md << "| VGAE Cora, the whole default `vgrad train` process (validation every epoch, test) | 2 | "
     << cell_secs(r.cora_process) << " s wall | " << cell_rss(r.cora_process) << " | "
     << (r.torch ? "| | | " : "") << r.cora_process.epochs << " |\n";
  md << "\n";
}

void flops_table(const Report& r, std::ostringstream& md) {
  md << "## Achieved GFLOP/s\n\n"
        "| threads | sgemm 1024^3 | sgemm 128x784x400 | fused decoder (s per forward+backward) | "
        "decoder / sgemm 1024^3 | VAE step, vgrad | VAE / sgemm 1024^3 | VAE / sgemm "
        "128x784x400 |"
     << (r.torch ? " VAE step, PyTorch |\n" : "\n") << "|---|---|---|---|---|---|---|---|"
     << (r.torch ? "---|\n" : "\n");
  for (const KernelRow& k : r.kernels) {
    const JobRow* vae = find_job(r, "VAE MNIST", k.threads);
    const double v = vae ? vae_gflops(vae->vgrad) : NAN;
    const double big = median(k.sgemm_1024), small = median(k.sgemm_vae);
    const double dec = median(k.decoder_gflops), dec_s = median(k.decoder_seconds);
    md << "| " << k.threads << " | " << fixed(big, 1) << " | " << fixed(small, 1) << " | "
       << fixed(dec, 1) << " (" << secs(dec_s) << " s) | " << percent(dec / big) << " | "
       << fixed(v, 1) << " | " << percent(v / big) << " | " << percent(v / small) << " |";
    if (r.torch) md << " " << fixed(vae ? vae_gflops(vae->torch) : NAN, 1) << " |";
    md << "\n";
  }
  md << "\nFlops counted: the fused decoder (`nn::inner_product_bce` forward + backward on a "
        "random Z of Pubmed's size, N = 19717, d = 16, 44324 random edges, tile 256) does "
        "4 d e flops per diagonal tile of e entries and 6 d e per off-diagonal one (logits "
        "sgemm plus one or two gradient sgemms), about 3 N^2 d = "
     << fixed(fused_decoder_flops(19717, 16, 256) / 1e9, 1)
     << " GFLOP; its exp/log work is not counted. The VAE step (784-400-20, batch 128) "
        "counts matmuls only: per sample 2 (2F + B) flops with F = 784*400 + 400*40 + 20*400 + "
        "400*784 multiply-adds forward (and again for the weight gradients) and B = 400*40 + "
        "20*400 + 400*784 for the input gradients (none for the images): "
     << fixed(vae_flops_per_sample(784, 400, 20) / 1e6, 2) << " MFLOP per sample, "
     << fixed(vae_flops_per_sample(784, 400, 20) * kMnistTrainImages / 1e9, 1)
     << " GFLOP per epoch, divided by the measured s/epoch. sgemm: `cblas_sgemm` row-major, "
        "no transposes, median call time. The sgemm and decoder timings run in their own "
        "process just before each vgrad VAE run at the same thread count (the median over "
        "those runs is shown), so the ratios compare numbers taken under the same load.\n\n";
}

void targets_table(const Report& r, std::ostringstream& md) {
  md << "## Targets\n\nThe targets are set at 2 threads (issue 6). Where the 1-thread value "
        "would be judged differently, both verdicts are shown.\n\n"
        "| target | measured | met? |\n|---|---|---|\n";
  auto ratios = [&](const std::string& job, std::string& text) {
    std::vector<double> v;
    for (int t : {1, 2}) {
      const JobRow* row = find_job(r, job, t);
      v.push_back(row && r.torch ? ratio(row->vgrad, row->torch) : NAN);
      text += (t == 1 ? "" : ", ") + std::to_string(t) + " thr: " + fixed(v.back(), 3);
    }
    if (!r.torch) text = "PyTorch not run (`make bench-torch`)";
    return v;
  };
  std::string text;
  auto v = ratios("VGAE Cora", text);
  md << "| VGAE Cora s/epoch <= 1/4 of PyTorch's | " << text << " | "
     << verdict_at_two_threads(v[0], v[1], [](double x) { return x <= 0.25; }) << " |\n";
  const double wall = r.cora_process.value();
  md << "| VGAE Cora: 200 epochs + evaluation < 3 s wall (whole process, 2 threads) | "
     << secs(wall) << " s | " << verdict({wall}, [](double x) { return x < 3.0; }) << " |\n";
  text.clear();
  v = ratios("VAE MNIST", text);
  md << "| VAE MNIST s/epoch <= 0.6 of PyTorch's | " << text << " | "
     << verdict_at_two_threads(v[0], v[1], [](double x) { return x <= 0.6; }) << " |\n";
  text.clear();
  v.clear();
  for (int t : {1, 2}) {
    const JobRow* row = find_job(r, "VAE MNIST", t);
    const KernelRow* k = kernels_at(r, t);
    v.push_back(row && k ? vae_gflops(row->vgrad) / median(k->sgemm_1024) : NAN);
    text += (t == 1 ? "" : ", ") + std::to_string(t) + " thr: " + percent(v.back());
  }
  md << "| VAE MNIST step >= 50% of measured sgemm (1024^3) GFLOP/s | " << text << " | "
     << verdict_at_two_threads(v[0], v[1], [](double x) { return x >= 0.5; }) << " |\n";
  const JobRow* pub = find_job(r, "VGAE Pubmed", 2);
  const double minutes = pub ? 200 * pub->vgrad.value() / 60 : NAN;
  md << "| VGAE Pubmed exact loss, 200 epochs < 2 min (200 x s/epoch, 2 threads) | "
     << fixed(minutes, 2) << " min | " << verdict({minutes}, [](double x) { return x < 2.0; })
     << " |\n";
  double rss = NAN;
  for (int t : {1, 2})
    if (const JobRow* row = find_job(r, "VGAE Pubmed", t); row && !row->vgrad.seconds.empty())
      rss = std::isnan(rss) ? row->vgrad.peak_rss_mib : std::max(rss, row->vgrad.peak_rss_mib);
  md << "| VGAE Pubmed peak RSS < 400 MB (381 MiB) | " << fixed(rss, 0) << " MiB | "
     << verdict({rss}, [](double x) { return x * 1048576.0 < 400e6; }) << " |\n";
  // Issue 14: attention over Cora's edges costs at most 3 GCN encoders (vgrad against vgrad).
  text.clear();
  v.clear();
  for (int t : {1, 2}) {
    const JobRow* gat = find_job(r, "GAE Cora, GAT encoder (8 heads x 8)", t);
    const JobRow* gcn = find_job(r, "GAE Cora", t);
    v.push_back(gat && gcn ? ratio(gat->vgrad, gcn->vgrad) : NAN);
    text += (t == 1 ? "" : ", ") + std::to_string(t) + " thr: " + fixed(v.back(), 2) + "x" +
            (gat ? " (" + fixed(gat->vgrad.peak_rss_mib, 0) + " MiB peak)" : "");
  }
  md << "| GAE Cora, GAT encoder (8 heads x 8) s/epoch <= 3x the GCN encoder's | " << text
     << " | " << verdict_at_two_threads(v[0], v[1], [](double x) { return x <= 3.0; })
     << " |\n\n";
}

void scaling_table(const Report& r, std::ostringstream& md) {
  if (r.scaling.empty()) return;
  md << "## Scaling: all-pairs (fused) vs sampled loss\n\n"
        "VGAE on synthetic graphs (stochastic block model, 4 classes, mean degree about 8, "
        "64 sparse features), 2 threads, training step only; s/epoch is the median over the "
        "runs of each run's median epoch (one run above 30k nodes). The fused exact loss "
        "visits all "
        "N^2 pairs: O(N^2 d), slope 2 expected. The sampled loss (1 negative per edge) costs "
        "O(E) and E grows like N here: slope 1 expected. Fixed per-step costs flatten both "
        "slopes at small N, so the fit over the larger graphs is the one to read.\n\n"
        "| N | edges | fused s/epoch | sampled s/epoch | epochs x runs (fused, sampled) |\n"
        "|---|---|---|---|---|\n";
  std::vector<double> n, f, s, n_big, f_big, s_big;
  for (const ScaleRow& row : r.scaling) {
    md << "| " << row.nodes << " | " << (row.edges >= 0 ? std::to_string(row.edges) : "-") << " | "
       << cell_secs(row.fused) << " | " << cell_secs(row.sampled) << " | " << row.fused.epochs
       << " x " << row.fused.seconds.size() << ", " << row.sampled.epochs << " x "
       << row.sampled.seconds.size() << " |\n";
    n.push_back((double)row.nodes);
    f.push_back(row.fused.value());
    s.push_back(row.sampled.value());
    if (row.nodes >= 10000) {
      n_big.push_back(n.back());
      f_big.push_back(f.back());
      s_big.push_back(s.back());
    }
  }
  md << "| log-log slope, all N | | " << fixed(loglog_slope(n, f), 2) << " | "
     << fixed(loglog_slope(n, s), 2) << " | |\n"
     << "| log-log slope, N >= 10000 | | " << fixed(loglog_slope(n_big, f_big), 2) << " | "
     << fixed(loglog_slope(n_big, s_big), 2) << " | |\n\n";
}

}  // namespace

std::string render_markdown(const Report& r) {
  std::ostringstream md;
  md << "# vgrad benchmarks\n\n";
  for (const std::string& line : r.header) md << line << "\n";
  md << "\n";
  jobs_table(r, md);
  flops_table(r, md);
  targets_table(r, md);
  scaling_table(r, md);
  if (!r.notes.empty()) {
    md << "## Notes\n\n";
    for (const std::string& note : r.notes) md << "- " << note << "\n";
  }
  return md.str();
}

}  // namespace vgrad::tools::bench
