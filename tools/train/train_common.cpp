// Pieces both runners share: defaults, flag validation, peak memory, and the signal flag.
#include <sys/resource.h>

#include <atomic>
#include <cmath>
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
  return model == "gae" || model == "vgae" || is_embedding_model(model);
}

void resolve_defaults(TrainFlags& f) {
  check(f.model == "ae" || f.model == "vae" || f.model == "gae" || f.model == "vgae" ||
            is_embedding_model(f.model),
        "--model: expected ae, vae, gae, vgae or sc, got '", f.model, "'");
  check(f.seeds >= 1 && f.seeds <= 1000, "--seeds: expected 1..1000, got ", f.seeds);
  check(f.threads >= 0 && f.threads <= 1024, "--threads: expected 0 (all) .. 1024, got ",
        f.threads);
  if (is_embedding_model(f.model)) return resolve_embedding_defaults(f);
  const bool graph = is_graph_model(f.model);
  if (f.dataset.empty()) f.dataset = graph ? "cora" : "mnist";
  if (f.epochs < 0) f.epochs = graph ? 200 : 10;
  if (f.lr < 0) f.lr = graph ? 0.01 : 1e-3;
  if (f.hidden < 0) f.hidden = graph ? 32 : 400;
  if (f.latent < 0) f.latent = graph ? 16 : 20;
  check(f.epochs >= 1, "--epochs: expected at least 1, got ", f.epochs);
  check(f.lr > 0 && f.lr < 10, "--lr: expected a value in (0, 10), got ", f.lr);
  check(f.hidden >= 1 && f.hidden <= 65536, "--hidden: expected 1..65536, got ", f.hidden);
  check(f.latent >= 1 && f.latent <= 65536, "--latent: expected 1..65536, got ", f.latent);
  check(f.batch >= 1, "--batch: expected at least 1, got ", f.batch);
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

nlohmann::json train_settings(const TrainFlags& f) {
  return {{"model", f.model},         {"dataset", f.dataset},     {"epochs", f.epochs},
          {"lr", f.lr},               {"batch", f.batch},         {"hidden", f.hidden},
          {"latent", f.latent},       {"seed", f.seed},           {"seeds", f.seeds},
          {"decoder", f.decoder},     {"negatives", f.negatives}, {"features", f.features},
          {"dropout", f.dropout},     {"eval_every", f.eval_every}};
}

nlohmann::json run_training(const TrainFlags& f) {
  if (is_embedding_model(f.model)) return run_embedding_training(f);
  return is_graph_model(f.model) ? run_graph_training(f) : run_image_training(f);
}

void add_mean_std(nlohmann::json& out, const nlohmann::json& runs,
                  std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    double sum = 0, sq = 0;
    for (const nlohmann::json& r : runs) sum += r[key].get<double>();
    const double mean = sum / (double)runs.size();
    for (const nlohmann::json& r : runs) sq += std::pow(r[key].get<double>() - mean, 2);
    out[key] = mean;
    out[std::string(key) + "_std"] = std::sqrt(sq / (double)runs.size());
  }
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
