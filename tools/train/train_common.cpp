// Pieces both runners share: defaults, flag validation, peak memory, and the signal flag.
#include <sys/resource.h>

#include <atomic>
#include <csignal>

#include "autograd/check.h"
#include "datasets/registry.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {
std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }
}  // namespace

bool is_graph_model(const std::string& model) {
  return model == "gae" || model == "vgae" || model == "deepwalk";
}

void resolve_defaults(TrainFlags& f) {
  check(f.model == "ae" || f.model == "vae" || f.model == "gae" || f.model == "vgae" ||
            f.model == "deepwalk",
        "--model: expected ae, vae, gae, vgae or deepwalk, got '", f.model, "'");
  const bool graph = is_graph_model(f.model), dw = f.model == "deepwalk";
  if (f.dataset.empty()) f.dataset = graph ? "cora" : "mnist";
  if (f.epochs < 0) f.epochs = dw ? 1 : graph ? 200 : 10;
  if (f.lr < 0) f.lr = dw ? 0.01 : graph ? 0.01 : 1e-3;
  if (f.hidden < 0) f.hidden = graph ? 32 : 400;
  if (f.latent < 0) f.latent = dw ? 128 : graph ? 16 : 20;
  if (f.batch < 0) f.batch = dw ? 50 : 128;
  if (f.negatives < 0) f.negatives = dw ? 5 : 1;
  if (f.optimizer.empty()) f.optimizer = "adam";
  check(f.optimizer == "adam" || (dw && f.optimizer == "sgd"),
        "--optimizer: expected adam", dw ? " or sgd" : " (sgd is for deepwalk)", ", got '", f.optimizer, "'");
  check(f.walks_per_node >= 1 && f.walks_per_node <= 10000,
        "--walks-per-node: expected 1..10000, got ", f.walks_per_node);
  check(f.walk_length >= 1 && f.walk_length <= 100000, "--walk-length: expected 1..100000, got ",
        f.walk_length);
  check(f.window >= 1 && f.window <= 1000, "--window: expected 1..1000, got ", f.window);
  check(f.objective == "hs" || f.objective == "neg", "--objective: expected hs or neg, got '",
        f.objective, "'");
  check(!dw || f.resume.empty(), "--resume: deepwalk trains in one pass and has no resume");
  check(f.epochs >= 1, "--epochs: expected at least 1, got ", f.epochs);
  check(f.lr > 0 && f.lr < 10, "--lr: expected a value in (0, 10), got ", f.lr);
  check(f.hidden >= 1 && f.hidden <= 65536, "--hidden: expected 1..65536, got ", f.hidden);
  check(f.latent >= 1 && f.latent <= 65536, "--latent: expected 1..65536, got ", f.latent);
  check(f.batch >= 1, "--batch: expected at least 1, got ", f.batch);
  check(f.seeds >= 1 && f.seeds <= 1000, "--seeds: expected 1..1000, got ", f.seeds);
  check(f.threads >= 0 && f.threads <= 1024, "--threads: expected 0 (all) .. 1024, got ",
        f.threads);
  check(f.negatives >= 1, "--negatives: expected at least 1, got ", f.negatives);
  check(f.features == "auto" || f.features == "none", "--features: expected auto or none, got '",
        f.features, "'");
  check(f.dropout >= 0 && f.dropout < 1, "--dropout: expected [0, 1), got ", f.dropout);
  check(f.eval_every >= 0, "--eval-every: expected 0 (never) or more, got ", f.eval_every);
  check(f.resume.empty() || f.seeds == 1, "--resume continues one run: it cannot go with --seeds");
  check(graph || f.decoder == "fused", "--decoder applies to gae and vgae only");
  check(f.decoder == "fused" || f.decoder == "dense" || f.decoder == "sampled",
        "--decoder: expected fused, dense or sampled, got '", f.decoder, "'");
  check_dataset_name(f.dataset, graph);
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;  // Linux reports KiB
}

void install_interrupt_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int pending_signal() { return g_signal.load(); }
void clear_pending_signal() { g_signal.store(0); }

}  // namespace vgrad::tools
