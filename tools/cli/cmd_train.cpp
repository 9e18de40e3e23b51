// vgrad train: flags -> one of the two runners -> one JSON object on stdout, last.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "autograd/check.h"
#include "autograd/profile.h"
#include "autograd/storage.h"
#include "datasets/registry.h"
#include "models/registry.h"
#include "nn/atomic_file.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"
#include "tools/cli/gemm_flag.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

// "10 for ae/vae, 200 for gae/vgae": a default per group of models that share it (0, a
// batch for whole-graph models, is left out).
template <typename T>
std::string default_help(T ModelDefaults::*field) {
  std::vector<std::pair<T, std::string>> groups;
  for (const ModelInfo& m : model_registry()) {
    const T v = m.defaults.*field;
    if (v == T{}) continue;
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == v; });
    if (it == groups.end())
      groups.push_back({v, m.name});
    else
      it->second += "/" + m.name;
  }
  std::string out;
  for (const auto& [v, names] : groups) {
    std::ostringstream o;
    o << v;
    out += (out.empty() ? "" : ", ") + o.str() + " for " + names;
  }
  return out;
}

// The footer of --help: one line per registry row.
std::string models_help() {
  std::string out = "Models:\n";
  for (const ModelInfo& m : model_registry()) {
    char line[256];
    std::snprintf(line, sizeof line, "  %-9s %-16s %s\n", m.name.c_str(), kind_name(m.kind),
                  m.description.c_str());
    out += line;
  }
  return out;
}

// --profile: the per-op table on stderr (and OUT/profile.txt), and allocation counts per
// training step in the JSON result (steps = optimizer steps).
void report_profile(const TrainFlags& f, nlohmann::json& result) {
  const std::vector<profile::Row> rows = profile::rows();
  uint64_t steps = 0;
  for (const profile::Row& r : rows)
    if (r.name == "optimizer step") steps += r.calls;
  const PoolStats pool = pool_stats();
  const double per_step = steps ? (double)pool.allocations / (double)steps : 0.0;
  const double fresh = steps ? (double)(pool.allocations - pool.reused) / (double)steps : 0.0;
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "%llu steps; per step %.1f tensor buffers (%.1f from the pool's free list, "
                "%.1f fresh)\n",
                (unsigned long long)steps, per_step, per_step - fresh, fresh);
  const std::string text = profile::format_table(rows) + summary;
  std::fprintf(stderr, "\n%s", text.c_str());
  if (!f.out.empty()) write_file_atomically(join_path(f.out, "profile.txt"), text);
  result["profile"] = {
      {"steps", steps}, {"buffers_per_step", per_step}, {"fresh_buffers_per_step", fresh}};
}

}  // namespace

int cmd_train(int argc, char** argv) {
  CLI::App app(
      "Train a model (image models on MNIST, graph models on a graph); prints progress "
      "on stderr and one JSON object of results on stdout.",
      "vgrad train");
  app.footer(models_help());
  TrainFlags f;
  app.add_option("--model", f.model, model_names() + " (listed below)")->required();
  app.add_option("--dataset", f.dataset,
                 std::string("image models: ") + image_dataset_names() +
                     "; graph models: " + graph_dataset_names() + " (default: mnist / cora)");
  app.add_option("--epochs", f.epochs,
                 "epochs (default " + default_help(&ModelDefaults::epochs) + ")");
  app.add_option("--lr", f.lr, "learning rate (default " + default_help(&ModelDefaults::lr) + ")");
  app.add_option("--batch", f.batch,
                 "minibatch size; deepwalk: centre positions per step (default " +
                     default_help(&ModelDefaults::batch) + ")");
  app.add_option("--hidden", f.hidden,
                 "hidden width (default " + default_help(&ModelDefaults::hidden) + ")");
  app.add_option("--latent", f.latent,
                 "latent width (default " + default_help(&ModelDefaults::latent) + ")");
  app.add_option("--seed", f.seed, "random seed (split, init, noise)")
      ->check(non_negative_integer())
      ->capture_default_str();  // else -1 wraps to 2^64 - 1
  app.add_option("--seeds", f.seeds, "repeat with seeds S..S+K-1 and report mean/std")
      ->capture_default_str();
  app.add_option("--threads", f.threads, "OpenMP and OpenBLAS threads (0: all cores)");
  add_gemm_flag(app, f.gemm);
  app.add_option("--out", f.out, "folder for metrics.jsonl, checkpoint.ckpt and pictures");
  app.add_option("--resume", f.resume, "continue the run saved in this checkpoint");
  app.add_option("--decoder", f.decoder,
                 "the link loss of " +
                     model_names_where([](const ModelInfo& m) { return !m.decoders.empty(); }) +
                     ": fused (default; tiled, O(N d) memory), dense (matmul + BCE, for study) or "
                     "sampled (--negatives per edge)");
  app.add_option("--encoder", f.encoder,
                 "the encoder layers of " +
                     model_names_where([](const ModelInfo& m) { return !m.encoders.empty(); }) +
                     ": gcn (default), gat (8 heads), sage or gin; gin takes options, "
                     "gin:eps=learn|NUMBER,aggr=sum|mean,mlp=2|1 (defaults: learn from 0, "
                     "sum, 2 Linear layers)");
  app.add_option("--negatives", f.negatives,
                 "negatives per edge for --decoder sampled (1); "
                 "per pair for deepwalk --objective neg (5)");
  app.add_option("--eval-negatives", f.eval_negatives,
                 "gae/vgae: rank each test edge against K non-edges of the whole graph for "
                 "Hits@K and MRR (0: against the split's test negatives)")
      ->capture_default_str();
  app.add_option("--recon", f.recon,
                 "ae/vae reconstruction loss: bce (Bernoulli "
                 "cross-entropy, the default) or mse (squared error summed per image)");
  app.add_option("--walks-per-node", f.walks_per_node, "deepwalk: walks from each node")
      ->capture_default_str();
  app.add_option("--walk-length", f.walk_length, "deepwalk: nodes per walk")->capture_default_str();
  app.add_option("--window", f.window, "deepwalk: skip-gram window")->capture_default_str();
  app.add_option("--objective", f.objective,
                 "deepwalk: hs (hierarchical softmax) or neg "
                 "(negative sampling)")
      ->capture_default_str();
  app.add_option("--optimizer", f.optimizer,
                 "deepwalk: adam (lazy, row-sparse; default) or sgd "
                 "(word2vec's decaying lr); others: adam");
  app.add_option("--features", f.features, "auto (the dataset's) or none (identity)")
      ->capture_default_str();
  app.add_option("--dropout", f.dropout, "gae/vgae dropout rate")->capture_default_str();
  app.add_option("--eval-every", f.eval_every, "validation AUC/AP every N epochs (0: never)")
      ->capture_default_str();
  app.add_option("--data-dir", f.data_dir, "dataset folder (default $VGRAD_DATA_DIR or data)");
  add_sep_flag(app, f.sep, " (default auto)");
  app.add_flag("--quiet", f.quiet, "no progress output");
  app.add_flag("--profile", f.profile,
               "after the run, print time, calls and bytes allocated per op (forward and "
               "backward apart) to stderr, and to OUT/profile.txt with --out");
  VGRAD_PARSE(app, argc, argv);
  // -1 stands for "the model's default" inside TrainFlags; a -1 the user typed is refused.
  // A value out of range is a usage error like an unknown flag: one line, exit code 2.
  if (auto code = check_flag_values(app,
                                    [&] {
    for (const auto& [name, value] : {std::pair<const char*, double>{"--epochs", f.epochs},
                                      {"--lr", f.lr},
                                      {"--hidden", (double)f.hidden},
                                      {"--latent", (double)f.latent}})
      check(app.count(name) == 0 || value > 0, name, ": expected a positive value, got ", value);
    check(app.count("--batch") == 0 || f.batch >= 1, "--batch: expected at least 1, got ", f.batch);
    check(app.count("--decoder") == 0 || !f.decoder.empty(), "--decoder: expected a name, got ''");
    resolve_defaults(f);
      }))
    return *code;
  try {
    profile::enable(f.profile);
    nlohmann::json result = run_training(f);
    if (f.profile) report_profile(f, result);
    std::printf("%s\n", result.dump().c_str());
    return 0;
  } catch (const Interrupted& stop) {
    if (!stop.resumable)
      std::fprintf(stderr, "vgrad train: interrupted; the weights so far are in %s\n",
                   stop.checkpoint.c_str());
    else
      std::fprintf(stderr,
                   "vgrad train: interrupted; the run so far is in %s (continue with "
                   "--resume %s)\n",
                   stop.checkpoint.c_str(), stop.checkpoint.c_str());
    return 128 + stop.signal;
  }
}

}  // namespace vgrad::tools
