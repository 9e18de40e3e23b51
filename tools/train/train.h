// `vgrad train`: the flags, and the two runners (graph models, image models) that turn them
// into a trained model, a JSON result, and with --out a folder of metrics, a checkpoint and
// pictures. In the library (not in cmd_train.cpp) so tests can run them on synthetic data.
#pragma once
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/train/signals.h"

namespace vgrad {
struct Graph;
struct LinkScores;
}  // namespace vgrad

namespace vgrad::tools {

struct TrainFlags {
  std::string model;    // a row of models/registry.cpp
  std::string dataset;  // default: mnist for image models, cora for graph models
  // -1 (and "" for the decoder): the model's reference setting, from its registry row.
  int epochs = -1;
  double lr = -1;
  int64_t batch = -1;
  int64_t hidden = -1, latent = -1;
  uint64_t seed = 42;
  int seeds = 1;
  int threads = 0;
  std::string gemm;    // auto | openblas | onednn; empty: $VGRAD_GEMM or auto
  std::string out;     // --out DIR
  std::string resume;  // --resume CKPT
  std::string decoder;
  std::string recon;       // ae/vae: bce (default) or mse; graph models refuse it
  std::string encoder;     // gae/vgae: gcn (default) | gat | sage | gin
  int64_t negatives = -1;  // -1: 1 (--decoder sampled), 5 (deepwalk --objective neg)
  int64_t eval_negatives =
      0;  // --eval-negatives K: K drawn negatives per test edge (0: the split's)
  // deepwalk only (models/deepwalk.h)
  int walks_per_node = 10, walk_length = 80, window = 10;
  std::string objective = "hs";   // hs | neg
  std::string optimizer;          // sgd | adam; "" = the model's (adam only for gae/vgae/ae/vae)
  std::string features = "auto";  // auto | none
  float dropout = 0.0f;
  int eval_every = 1;
  std::string data_dir;      // default: $VGRAD_DATA_DIR or data/
  std::string sep = "auto";  // edgelist:FILE separator (datasets/fields.h parse_separator)
  bool quiet = false;        // no progress output (tests)
  bool profile = false;      // per-op time table after the run (autograd/profile.h)
};

bool is_graph_model(const std::string& model);      // a registry row that trains on graphs
bool is_embedding_model(const std::string& model);  // a graph-embedding row (sc, deepwalk)
// Fills the -1 defaults from the model's registry row and validates every value; throws
// "--FLAG: ..." naming the flag.
void resolve_defaults(TrainFlags& flags);
void resolve_embedding_defaults(TrainFlags& flags);  // resolve_defaults' part for sc
nlohmann::json run_graph_training(const TrainFlags& flags);
nlohmann::json run_image_training(const TrainFlags& flags);
nlohmann::json run_embedding_training(const TrainFlags& flags);
// The fields of resolved flags that change a run's result (not threads, output, progress):
// the key `vgrad reproduce` keeps a finished cell under. A new flag that changes results
// belongs here, or reproduce would read back a cell computed without it.
nlohmann::json train_settings(const TrainFlags& flags);
// The runner of flags.model (resolved): what `vgrad train` and `vgrad reproduce` call.
nlohmann::json run_training(const TrainFlags& flags);

// out[key] = the mean of runs[i][key] and out[key + "_std"] their population std (numpy's
// default, as papers usually report), for each key.
void add_mean_std(nlohmann::json& out, const nlohmann::json& runs,
                  std::initializer_list<const char*> keys);
// A seed's run folder: --out itself for one seed, --out/seed-K for several, "" without --out.
std::string seed_out_dir(const TrainFlags& f, uint64_t seed);
// The start of a graph runner's per-seed JSON: the seed and its test and validation AUC/AP,
// the keys graph_run_result averages; each runner adds its own fields.
nlohmann::json seed_link_scores(uint64_t seed, const LinkScores& test, const LinkScores& val);
// The JSON a graph runner prints (GAE/VGAE, sc, deepwalk): the run's identity (model,
// dataset, its nodes and edges, threads) merged with `settings` (the runner's own flags), then
// seed (one run) or seeds, the mean and std over `runs` of the link scores and times, the
// runs themselves and the peak RSS. One place, so the three runners cannot drift apart.
nlohmann::json graph_run_result(const TrainFlags& flags, const Graph& graph,
                                const nlohmann::json& settings, const nlohmann::json& runs);
nlohmann::json run_deepwalk_training(const TrainFlags& flags);

// Peak resident memory of this process so far, in MiB (getrusage).
double peak_rss_mib();

}  // namespace vgrad::tools
