#include "tools/bench/bench_targets.h"

#include <cmath>
#include <functional>

namespace vgrad::tools::bench {
namespace {

// One target: its values (at 1 and 2 threads, or one value) read from the report, how they
// are shown, and the bound each must meet.
struct Target {
  std::string name;
  std::function<std::vector<double>(const Report&)> values;
  std::function<std::string(double)> show;
  std::function<bool(double)> pass;
  bool per_thread_count = true;  // values = {1 thread, 2 threads}
};

std::string ratio_text(double v) { return fixed(v, 3); }
std::string percent_text(double v) { return std::isnan(v) ? "-" : fixed(100 * v, 0) + "%"; }

// vgrad's s/epoch over PyTorch's for one job at 1 and 2 threads.
std::vector<double> torch_ratios(const Report& r, const std::string& job) {
  std::vector<double> v;
  for (int t : {1, 2}) {
    const JobRow* row = find_job(r, job, t);
    v.push_back(row && r.torch ? row->vgrad.value() / row->torch.value() : NAN);
  }
  return v;
}

const BaselineRow* find_baseline(const Report& r, const std::string& job) {
  for (const BaselineRow& row : r.baselines)
    if (row.job == job) return &row;
  return nullptr;
}

// One baseline's wall-seconds target (issue 12), judged on the median of its runs.
Target baseline_target(const std::string& job, double bound) {
  return {job + " whole run at 2 threads < " + fixed(bound, 0) + " s wall",
          [job](const Report& r) {
    const BaselineRow* row = find_baseline(r, job);
    return std::vector<double>{row ? row->cell.value() : NAN};
          },
          [](double v) { return fixed(v, 1) + " s"; }, [bound](double x) { return x < bound; },
          false};
}

// The larger of VGAE Pubmed's peak RSS at 1 and 2 threads (NaN when neither ran).
double pubmed_peak_rss(const Report& r) {
  double rss = NAN;
  for (int t : {1, 2})
    if (const JobRow* row = find_job(r, "VGAE Pubmed", t); row && !row->vgrad.seconds.empty())
      rss = std::isnan(rss) ? row->vgrad.peak_rss_mib : std::max(rss, row->vgrad.peak_rss_mib);
  return rss;
}

const std::vector<Target>& targets() {
  static const std::vector<Target> table =
      {
          {"VGAE Cora s/epoch / PyTorch's <= 0.25",
           [](const Report& r) { return torch_ratios(r, "VGAE Cora"); }, ratio_text,
           [](double x) { return x <= 0.25; }},
          {"VGAE Cora whole process (200 epochs + evaluation, 2 threads) < 3 s wall",
           [](const Report& r) { return std::vector<double>{r.cora_process.value()}; },
           [](double v) { return fixed(v, 2) + " s"; }, [](double x) { return x < 3.0; }, false},
          {"VAE MNIST s/epoch / PyTorch's <= 0.6",
           [](const Report& r) { return torch_ratios(r, "VAE MNIST"); }, ratio_text,
           [](double x) { return x <= 0.6; }},
          {"VAE MNIST step GFLOP/s / measured sgemm 1024^3 GFLOP/s >= 50%",
           [](const Report& r) {
    std::vector<double> v;
    for (int t : {1, 2}) {
      const JobRow* row = find_job(r, "VAE MNIST", t);
      const KernelRow* k = kernels_at(r, t);
      v.push_back(row && k ? vae_gflops(row->vgrad) / median(k->sgemm_1024) : NAN);
    }
    return v;
           },
           percent_text, [](double x) { return x >= 0.5; }},
          {"VAE MNIST step GFLOP/s / the oneDNN sgemm 1024^3 GFLOP/s >= 60%",
           [](const Report& r) {
    std::vector<double> v;
    for (int t : {1, 2}) {
      const JobRow* row = find_job(r, "VAE MNIST", t);
      const KernelRow* k = kernels_at(r, t);
      v.push_back(row && k ? vae_gflops(row->vgrad) / median(k->backend_1024[1]) : NAN);
    }
    return v;
           },
           percent_text, [](double x) { return x >= 0.6; }},
                                   {"VGAE Cora ms/epoch at 2 threads <= 3.5",
                                    [](const Report& r) {
    const JobRow* cora = find_job(r, "VGAE Cora", 2);
    return std::vector<double>{cora ? 1000 * cora->vgrad.value() : NAN};
                                    },
                                    [](double v) { return fixed(v, 2) + " ms"; },
                                    [](double x) { return x <= 3.5; }, false},
      {"VGAE Cora s/epoch / PyTorch's best <= 0.10",
       [](const Report& r) { return torch_ratios(r, "VGAE Cora"); }, ratio_text,
       [](double x) { return x <= 0.10; }},
      {"VGAE Pubmed exact loss s/epoch at 2 threads <= 0.1",
       [](const Report& r) {
    const JobRow* pub = find_job(r, "VGAE Pubmed", 2);
    return std::vector<double>{pub ? pub->vgrad.value() : NAN};
       },
       [](double v) { return fixed(v, 3) + " s"; }, [](double x) { return x <= 0.1; }, false},
      {"VGAE Pubmed peak RSS < 150 MB (143 MiB)",
       [](const Report& r) { return std::vector<double>{pubmed_peak_rss(r)}; },
       [](double v) { return fixed(v, 0) + " MiB"; },
       [](double x) { return x * 1048576.0 < 150e6; }, false},
      {"VGAE Pubmed exact loss, 200 x s/epoch at 2 threads < 2 min",
       [](const Report& r) {
    const JobRow* pub = find_job(r, "VGAE Pubmed", 2);
    return std::vector<double>{pub ? 200 * pub->vgrad.value() / 60 : NAN};
       },
       [](double v) { return fixed(v, 2) + " min"; }, [](double x) { return x < 2.0; }, false},
      {"VGAE Pubmed peak RSS < 400 MB (381 MiB)",
       [](const Report& r) { return std::vector<double>{pubmed_peak_rss(r)}; },
       [](double v) { return fixed(v, 0) + " MiB"; },
       [](double x) { return x * 1048576.0 < 400e6; }, false},
      {"Sampled decoder, 1M nodes and 4M edges, s/epoch at 2 threads <= 1",
       [](const Report& r) { return std::vector<double>{r.sampled_1m.value()}; },
       [](double v) { return fixed(v, 2) + " s"; }, [](double x) { return x <= 1.0; }, false},
      {"Sampled decoder, 1M nodes and 4M edges, peak RSS < 2 GB (1907 MiB)",
       [](const Report& r) { return std::vector<double>{r.sampled_1m.peak_rss_mib}; },
       [](double v) { return fixed(v, 0) + " MiB"; }, [](double x) { return x * 1048576.0 < 2e9; },
       false},
      {"Load and split the 1M-node, 4M-edge edge list < 2 s wall",
       [](const Report& r) { return std::vector<double>{r.load_split.value()}; },
       [](double v) { return fixed(v, 2) + " s"; }, [](double x) { return x < 2.0; }, false},
      {"GAE Cora, GAT encoder (8 heads x 8) s/epoch / the GCN encoder's <= 3",
       [](const Report& r) {
    std::vector<double> v;
    for (int t : {1, 2}) {
      const JobRow* gat = find_job(r, "GAE Cora, GAT encoder (8 heads x 8)", t);
      const JobRow* gcn = find_job(r, "GAE Cora", t);
      v.push_back(gat && gcn ? gat->vgrad.value() / gcn->vgrad.value() : NAN);
    }
    return v;
       },
       [](double v) { return fixed(v, 2) + "x"; }, [](double x) { return x <= 3.0; }},
      baseline_target("SC Pubmed", 30), baseline_target("DeepWalk Cora", 20),
      baseline_target("DeepWalk Pubmed", 80),
      {"SC and DeepWalk peak RSS < 1 GB (954 MiB)",
       [](const Report& r) {
    double rss = NAN;
    for (const BaselineRow& row : r.baselines)
      if (!row.cell.seconds.empty())
        rss = std::isnan(rss) ? row.cell.peak_rss_mib : std::max(rss, row.cell.peak_rss_mib);
    return std::vector<double>{rss};
       },
       [](double v) { return fixed(v, 0) + " MiB"; }, [](double x) { return x * 1048576.0 < 1e9; },
       false},
      };
  return table;
}

Verdict judge(double v, const std::function<bool(double)>& pass) {
  return std::isnan(v) ? Verdict::not_measured : pass(v) ? Verdict::met : Verdict::missed;
}

std::string text_of(Verdict v) {
  return v == Verdict::met ? "yes" : v == Verdict::missed ? "**no**" : "not measured";
}

}  // namespace

std::string verdict_at_two_threads(double one_thread, double two_threads, bool (*pass)(double)) {
  const std::string one = text_of(judge(one_thread, pass)), two = text_of(judge(two_threads, pass));
  return one == two ? two : "2 thr: " + two + "; 1 thr: " + one;
}

std::vector<TargetResult> judge_targets(const Report& r) {
  std::vector<TargetResult> out;
  for (const Target& t : targets()) {
    TargetResult res;
    res.name = t.name;
    const std::vector<double> v = t.values(r);
    const bool needs_torch = t.name.find("PyTorch") != std::string::npos;
    if (t.per_thread_count) {
      res.measured = needs_torch && !r.torch
                         ? "PyTorch not run (`make bench-torch`)"
                         : "1 thr: " + t.show(v[0]) + ", 2 thr: " + t.show(v[1]);
      res.verdict = judge(v[1], t.pass);
      const Verdict one = judge(v[0], t.pass);
      res.verdict_text = one == res.verdict
                             ? text_of(res.verdict)
                             : "2 thr: " + text_of(res.verdict) + "; 1 thr: " + text_of(one);
    } else {
      res.measured = std::isnan(v[0]) ? "-" : t.show(v[0]);
      res.verdict = judge(v[0], t.pass);
      res.verdict_text = text_of(res.verdict);
    }
    out.push_back(res);
  }
  return out;
}

}  // namespace vgrad::tools::bench
