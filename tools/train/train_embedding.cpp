// `vgrad train --model sc`: embeddings that are computed, not trained by gradient steps. Per
// seed: the link split, the embedding of its training graph, AUC/AP of z_u . z_v on the
// test and validation pairs (models/link_training.h, as GAE), and with --out a checkpoint
// holding the embedding (so `vgrad eval` and `vgrad export` read it) and its PCA picture.
#include <chrono>
#include <cstdio>

#include "datasets/registry.h"
#include "models/link_training.h"
#include "models/spectral.h"
#include "tools/train/run_checks.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

json run_one(const TrainFlags& f, const Graph& g, uint64_t seed, const std::string& out_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  const LinkSplit split = mask_test_edges(g, seed);
  const SpectralGraphFacts facts = spectral_graph_facts(*split.adj_train);
  check(f.latent <= facts.max_dims(), "--latent: ", f.latent,
        " is more than the training graph of ", f.dataset, " (seed ", seed, ") allows: at most ",
        facts.max_dims(), " (", facts.nodes, " nodes, ", facts.isolated,
        " without training edges, ", facts.components, " components with edges)");
  if (!f.quiet)
    std::fprintf(stderr,
                 "sc %s seed %llu: %lld eigenvectors of A_hat (%lld isolated nodes, %lld "
                 "components)\n",
                 f.dataset.c_str(), (unsigned long long)seed, (long long)f.latent,
                 (long long)facts.isolated, (long long)facts.components);
  Rng rng(seed);
  SpectralModel model(g.num_nodes, f.latent);
  const SpectralEmbedding fit = model.fit(split, rng);
  const double fit_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const LinkScores test = evaluate_links(model, split.test_pos, split.test_neg);
  const LinkScores val = evaluate_links(model, split.val_pos, split.val_neg);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const json eigen = {{"largest_eigenvalue", fit.eigenvalues.front()},
                      {"smallest_eigenvalue", fit.eigenvalues.back()},
                      {"isolated_nodes", facts.isolated},
                      {"components", facts.components},
                      {"restarts", fit.restarts},
                      {"matrix_products", fit.matrix_products},
                      {"max_residual", fit.max_residual}};
  json result = seed_link_scores(seed, test, val);
  result.update({{"epochs_run", 0},
                 {"sec_per_epoch", 0.0},
                 {"fit_seconds", fit_seconds},
                 {"seconds", seconds},
                 {"eigensolver", eigen}});
  if (!out_dir.empty())  // "epoch" 0: nothing to resume
    write_embedding_run(out_dir, model,
                        {{"model", f.model},
                         {"dataset", f.dataset},
                         {"seed", seed},
                         {"latent", f.latent},
                         {"epoch", 0},
                         {"features", "auto"},
                         {"eigensolver", eigen}},
                        result, g, model.embed());
  return result;
}

}  // namespace

void resolve_embedding_defaults(TrainFlags& f) {
  const std::string why = " does not apply to --model " + f.model +
                          " (an eigensolver's result, not trained by gradient steps)";
  check(f.epochs < 0, "--epochs", why);
  check(f.lr < 0, "--lr", why);
  check(f.hidden < 0, "--hidden", why);
  check(f.resume.empty(), "--resume", why);
  check((f.decoder.empty() || f.decoder == "fused") && f.negatives <= 1,
        "--decoder and --negatives apply to gae and vgae only");
  check(f.features == "auto", "--features", why, ": it reads the training graph only");
  check(f.dropout == 0, "--dropout", why);
  if (f.dataset.empty()) f.dataset = "cora";
  if (f.latent < 0) f.latent = 128;
  f.epochs = 0;
  check(f.latent >= 1 && f.latent <= 65536, "--latent: expected 1..65536, got ", f.latent);
  check_dataset_name(f.dataset, true);
}

json run_embedding_training(const TrainFlags& f) {
  set_threads(f.threads);
  const Graph g =
      load_graph_dataset(f.dataset, f.data_dir.empty() ? default_data_dir() : f.data_dir);
  for (const std::string& w : g.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  check_graph_run(g, f);
  // The exact bound needs the split's training graph (run_one); this one needs no work.
  check(f.latent <= g.num_nodes - 1, "--latent: ", f.latent, " is more than ", f.dataset,
        " allows: at most ", g.num_nodes - 1, " (", g.num_nodes,
        " nodes, minus the trivial "
        "eigenvector)");
  json runs = json::array();
  for (int k = 0; k < f.seeds; ++k) {
    const uint64_t seed = f.seed + (uint64_t)k;
    // A signal ends the process at once, even mid-solve (signals are not deferred here): the
    // seeds finished before it are in their --out folders, each written whole.
    runs.push_back(run_one(f, g, seed, seed_out_dir(f, seed)));
  }
  return graph_run_result(f, g, {{"latent", f.latent}, {"epochs", 0}}, runs);
}

}  // namespace vgrad::tools
