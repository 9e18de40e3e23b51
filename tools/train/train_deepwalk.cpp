// `vgrad train --model deepwalk`: per seed, the link split, walks on its training graph,
// skip-gram, then sigmoid(z_i . z_j) on the validation and test pairs as GAE is scored.
// The JSON has GAE's fields (test_auc, test_ap, val_auc, val_ap per seed and mean/std).
#include <chrono>
#include <cmath>

#include "datasets/registry.h"
#include "datasets/split.h"
#include "models/deepwalk.h"
#include "models/link_training.h"
#include "tools/train/progress.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

DeepWalkConfig deepwalk_config(const TrainFlags& f) {
  DeepWalkConfig c;
  c.walks_per_node = f.walks_per_node;
  c.walk_length = f.walk_length;
  c.window = f.window;
  c.latent = f.latent;
  c.epochs = f.epochs;
  c.objective = parse_skipgram_objective(f.objective);
  c.negatives = (int)f.negatives;
  c.optimizer = f.optimizer;
  c.lr = f.lr;
  c.batch = f.batch;
  return c;
}

json run_one(const TrainFlags& f, const Graph& g, uint64_t seed, const std::string& out_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const LinkSplit split = mask_test_edges(g, seed);
  const DeepWalkConfig config = deepwalk_config(f);
  Rng rng(seed);
  DeepWalk model(g.num_nodes, config, rng);
  Progress progress("deepwalk " + f.dataset + " seed " + std::to_string(seed), 1000, 100);
  auto on_progress = [&](int64_t done, int64_t total, double loss) {
    if (!f.quiet)
      progress.update(done * 1000 / total, "loss/term " + std::to_string(loss).substr(0, 6));
  };
  // What `vgrad eval` and `vgrad export` read back, as for sc.
  json meta = {{"model", f.model},        {"dataset", f.dataset},   {"seed", seed},
               {"latent", f.latent},      {"epoch", config.epochs}, {"features", "auto"},
               {"objective", f.objective}};
  DeepWalkStats stats;
  {
    // During training a signal is deferred: the step ends and the embeddings so far are kept.
    DeferSignals defer;
    stats = train_deepwalk(model, *split.adj_train, config, seed, g.source, on_progress,
                           [] { return pending_signal() != 0; });
    progress.finish();
    if (pending_signal() != 0) {  // no --resume for DeepWalk: keep the embeddings so far
      const std::string path =
          out_dir.empty() ? "vgrad-interrupted.ckpt" : join_path(out_dir, "checkpoint.ckpt");
      if (!out_dir.empty()) make_dirs(out_dir);
      meta["epoch"] = 0;  // the one pass was not finished
      save_embedding_checkpoint(path, model, meta, g);
      throw Interrupted{pending_signal(), path, false};
    }
  }
  const Tensor z = model.embed();
  const LinkScores test = score_links(z, split.test_pos, split.test_neg);
  const LinkScores val = score_links(z, split.val_pos, split.val_neg);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json result = seed_link_scores(seed, test, val);
  result.update({{"seconds", seconds},
                 {"sec_per_epoch", seconds / config.epochs},
                 {"walk_seconds", stats.walk_seconds},
                 {"train_seconds", stats.train_seconds},
                 {"steps", stats.steps},
                 {"terms", stats.terms},
                 {"dot_products", stats.dot_products},
                 {"loss_per_term", stats.mean_loss}});
  if (!out_dir.empty()) write_embedding_run(out_dir, model, meta, result, g, z);
  return result;
}

}  // namespace

json run_deepwalk_training(const TrainFlags& f) {
  set_threads(f.threads);
  const std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  const Graph g = load_graph_dataset(f.dataset, data_dir);
  for (const std::string& w : g.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  check_link_split_possible(g);  // names the file: a graph without edges stops here
  json runs = json::array();
  for (int k = 0; k < f.seeds; ++k) {
    const uint64_t seed = f.seed + (uint64_t)k;
    runs.push_back(run_one(f, g, seed, seed_out_dir(f, seed)));
  }
  json settings = {{"epochs", f.epochs},
                   {"lr", f.lr},
                   {"optimizer", f.optimizer},
                   {"objective", f.objective},
                   {"walks_per_node", f.walks_per_node},
                   {"walk_length", f.walk_length},
                   {"window", f.window},
                   {"latent", f.latent},
                   {"batch", f.batch}};
  if (f.objective == "neg") settings["negatives"] = f.negatives;
  return graph_run_result(f, g, settings, runs);
}

}  // namespace vgrad::tools
