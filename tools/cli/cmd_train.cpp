// vgrad train: flags -> one of the two runners -> one JSON object on stdout, last.
#include <cstdio>

#include "autograd/check.h"
#include "autograd/profile.h"
#include "autograd/storage.h"
#include "tools/train/atomic_file.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

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
  result["profile"] = {{"steps", steps}, {"buffers_per_step", per_step},
                       {"fresh_buffers_per_step", fresh}};
}

}  // namespace

int cmd_train(int argc, char** argv) {
  CLI::App app("Train AE/VAE on MNIST or GAE/VGAE on a graph; prints progress on stderr and "
               "one JSON object of results on stdout.", "vgrad train");
  TrainFlags f;
  app.add_option("--model", f.model, "ae, vae, gae, vgae or deepwalk")->required();
  app.add_option("--dataset", f.dataset,
                 "mnist, fashion-mnist, cora, citeseer, pubmed, cora-linqs, "
                 "synthetic[:k=v,...], edgelist:PATH (default: mnist / cora)");
  app.add_option("--epochs", f.epochs, "epochs (default 10 ae/vae, 200 gae/vgae, 1 deepwalk)");
  app.add_option("--lr", f.lr, "learning rate (default 1e-3 ae/vae, 0.01 gae/vgae and deepwalk)");
  app.add_option("--batch", f.batch, "minibatch size for ae/vae (128); deepwalk: centre "
                 "positions per step (50)");
  app.add_option("--hidden", f.hidden, "hidden width (default 400 / 32)");
  app.add_option("--latent", f.latent, "latent width (default 20 ae/vae, 16 gae/vgae, 128 deepwalk)");
  app.add_option("--seed", f.seed, "random seed (split, init, noise)")
      ->check(non_negative_integer())->capture_default_str();  // else -1 wraps to 2^64 - 1
  app.add_option("--seeds", f.seeds, "repeat with seeds S..S+K-1 and report mean/std")
      ->capture_default_str();
  app.add_option("--threads", f.threads, "OpenMP and OpenBLAS threads (0: all cores)");
  app.add_option("--out", f.out, "folder for metrics.jsonl, checkpoint.ckpt and pictures");
  app.add_option("--resume", f.resume, "continue the run saved in this checkpoint");
  app.add_option("--decoder", f.decoder, "gae/vgae loss: fused (tiled, O(N d) memory), "
                 "dense (matmul + BCE, for study) or sampled")->capture_default_str();
  app.add_option("--negatives", f.negatives, "negatives per edge for --decoder sampled (1); "
                 "per pair for deepwalk --objective neg (5)");
  app.add_option("--walks-per-node", f.walks_per_node, "deepwalk: walks from each node")
      ->capture_default_str();
  app.add_option("--walk-length", f.walk_length, "deepwalk: nodes per walk")->capture_default_str();
  app.add_option("--window", f.window, "deepwalk: skip-gram window")->capture_default_str();
  app.add_option("--objective", f.objective, "deepwalk: hs (hierarchical softmax) or neg "
                 "(negative sampling)")->capture_default_str();
  app.add_option("--optimizer", f.optimizer, "deepwalk: adam (lazy, row-sparse; default) or sgd "
                 "(word2vec's decaying lr); others: adam");
  app.add_option("--features", f.features, "auto (the dataset's) or none (identity)")
      ->capture_default_str();
  app.add_option("--dropout", f.dropout, "gae/vgae dropout rate")->capture_default_str();
  app.add_option("--eval-every", f.eval_every, "validation AUC/AP every N epochs (0: never)")
      ->capture_default_str();
  app.add_option("--data-dir", f.data_dir, "dataset folder (default $VGRAD_DATA_DIR or data)");
  app.add_flag("--quiet", f.quiet, "no progress output");
  app.add_flag("--profile", f.profile,
               "after the run, print time, calls and bytes allocated per op (forward and "
               "backward apart) to stderr, and to OUT/profile.txt with --out");
  VGRAD_PARSE(app, argc, argv);
  // -1 stands for "the model's default" inside TrainFlags; a -1 the user typed is refused.
  // A value out of range is a usage error like an unknown flag: one line, exit code 2.
  if (auto code = check_flag_values(app, [&] {
        for (const auto& [name, value] : {std::pair<const char*, double>{"--epochs", f.epochs},
                                          {"--lr", f.lr}, {"--hidden", (double)f.hidden},
                                          {"--latent", (double)f.latent}})
          check(app.count(name) == 0 || value > 0, name, ": expected a positive value, got ",
                value);
        resolve_defaults(f);
      }))
    return *code;
  install_interrupt_handlers();
  try {
    profile::enable(f.profile);
    nlohmann::json result = f.model == "deepwalk"  ? run_deepwalk_training(f)
                            : is_graph_model(f.model) ? run_graph_training(f)
                                                      : run_image_training(f);
    if (f.profile) report_profile(f, result);
    std::printf("%s\n", result.dump().c_str());
    return 0;
  } catch (const Interrupted& stop) {
    std::fprintf(stderr, "vgrad train: interrupted; the run so far is in %s (continue with "
                 "--resume %s)\n", stop.checkpoint.c_str(), stop.checkpoint.c_str());
    return 128 + stop.signal;
  }
}

}  // namespace vgrad::tools
