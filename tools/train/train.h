// `vgrad train`: the flags, and the two runners (graph models, image models) that turn them
// into a trained model, a JSON result, and with --out a folder of metrics, a checkpoint and
// pictures. In the library (not in cmd_train.cpp) so tests can run them on synthetic data.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace vgrad::tools {

struct TrainFlags {
  std::string model;             // ae, vae, gae, vgae, deepwalk
  std::string dataset;           // default: mnist for ae/vae, cora for gae/vgae
  int epochs = -1;               // -1: the model's reference setting (10 / 200)
  double lr = -1;                // -1: 1e-3 (ae, vae) / 0.01 (gae, vgae)
  int64_t batch = -1;            // -1: 128 (ae, vae), 50 centre positions (deepwalk)
  int64_t hidden = -1, latent = -1;  // -1: 400/20 (ae, vae), 32/16 (gae, vgae)
  uint64_t seed = 42;
  int seeds = 1;
  int threads = 0;
  std::string out;               // --out DIR
  std::string resume;            // --resume CKPT
  std::string decoder = "fused";
  int64_t negatives = -1;        // -1: 1 (--decoder sampled), 5 (deepwalk --objective neg)
  // deepwalk only (models/deepwalk.h)
  int walks_per_node = 10, walk_length = 80, window = 10;
  std::string objective = "hs";  // hs | neg
  std::string optimizer;         // sgd | adam; "" = the model's (adam only for gae/vgae/ae/vae)
  std::string features = "auto"; // auto | none
  float dropout = 0.0f;
  int eval_every = 1;
  std::string data_dir;          // default: $VGRAD_DATA_DIR or data/
  bool quiet = false;            // no progress output (tests)
  bool profile = false;          // per-op time table after the run (autograd/profile.h)
};

bool is_graph_model(const std::string& model);
void resolve_defaults(TrainFlags& flags);  // fills the -1 defaults; validates values
nlohmann::json run_graph_training(const TrainFlags& flags);
nlohmann::json run_image_training(const TrainFlags& flags);
nlohmann::json run_deepwalk_training(const TrainFlags& flags);

// Peak resident memory of this process so far, in MiB (getrusage).
double peak_rss_mib();

// Set by SIGINT/SIGTERM: the runners finish the current step, write a checkpoint and throw
// Interrupted, which main turns into exit code 130 / 143.
void install_interrupt_handlers();
int pending_signal();  // 0 when none
void clear_pending_signal();
struct Interrupted {
  int signal;
  std::string checkpoint;
};

}  // namespace vgrad::tools
