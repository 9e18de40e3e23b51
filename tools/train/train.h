// `vgrad train`: the flags, and the two runners (graph models, image models) that turn them
// into a trained model, a JSON result, and with --out a folder of metrics, a checkpoint and
// pictures. In the library (not in cmd_train.cpp) so tests can run them on synthetic data.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "tools/train/signals.h"

namespace vgrad::tools {

struct TrainFlags {
  std::string model;             // a row of models/registry.cpp
  std::string dataset;           // default: mnist for image models, cora for graph models
  // -1 (and "" for the decoder): the model's reference setting, from its registry row.
  int epochs = -1;
  double lr = -1;
  int64_t batch = -1;
  int64_t hidden = -1, latent = -1;
  uint64_t seed = 42;
  int seeds = 1;
  int threads = 0;
  std::string gemm;              // auto | openblas | onednn; empty: $VGRAD_GEMM or auto
  std::string out;               // --out DIR
  std::string resume;            // --resume CKPT
  std::string decoder;
  std::string recon;             // ae/vae: bce (default) or mse; graph models refuse it
  std::string encoder;           // gae/vgae: gcn (default) | gat | sage | gin
  int64_t negatives = 1;
  int64_t eval_negatives = 0;    // --eval-negatives K: K drawn negatives per test edge (0: the split's)
  std::string features = "auto"; // auto | none
  float dropout = 0.0f;
  int eval_every = 1;
  std::string data_dir;          // default: $VGRAD_DATA_DIR or data/
  std::string sep = "auto";      // edgelist:FILE separator (datasets/fields.h parse_separator)
  bool quiet = false;            // no progress output (tests)
  bool profile = false;          // per-op time table after the run (autograd/profile.h)
};

bool is_graph_model(const std::string& model);  // a registry row that trains on graphs
// Fills the -1 defaults from the model's registry row and validates every value; throws
// "--FLAG: ..." naming the flag.
void resolve_defaults(TrainFlags& flags);
nlohmann::json run_graph_training(const TrainFlags& flags);
nlohmann::json run_image_training(const TrainFlags& flags);

// Peak resident memory of this process so far, in MiB (getrusage).
double peak_rss_mib();

}  // namespace vgrad::tools
